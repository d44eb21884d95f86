DROP INDEX recovery_codes_user;
DROP TABLE recovery_codes;
