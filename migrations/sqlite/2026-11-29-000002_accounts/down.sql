DROP TABLE audit_entries;
DROP TABLE sign_in_failures;
DROP TABLE api_tokens;
DROP TABLE one_time_tokens;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE organisations;
