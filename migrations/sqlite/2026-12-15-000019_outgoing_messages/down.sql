DROP TABLE outgoing_messages;
DROP INDEX requests_reply_token;
ALTER TABLE requests DROP COLUMN reply_token;
