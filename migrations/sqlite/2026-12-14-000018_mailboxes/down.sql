DROP TABLE mailboxes;
