ALTER TABLE mailboxes DROP COLUMN imap_last_uid;
ALTER TABLE mailboxes DROP COLUMN imap_uid_validity;
ALTER TABLE documents DROP COLUMN incoming_message_id;
DROP TABLE incoming_messages;
