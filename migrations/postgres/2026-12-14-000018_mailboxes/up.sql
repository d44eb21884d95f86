-- Each organisation's own mailbox: requests go out from its address through its own SMTP
-- server (a receiving server checking DMARC rejects mail from a domain that did not send it),
-- and replies to its plus-addresses come back to it. Passwords are kept only sealed
-- (src/sealing.rs), never in clear; the URLs carry no credentials.
CREATE TABLE mailboxes (
    organisation_id INTEGER PRIMARY KEY REFERENCES organisations (id),
    address TEXT NOT NULL CHECK (length(address) BETWEEN 3 AND 254),
    display_name TEXT NOT NULL CHECK (length(display_name) <= 200),
    smtp_url TEXT NOT NULL CHECK (length(smtp_url) <= 500),
    smtp_username TEXT CHECK (length(smtp_username) <= 254),
    smtp_password_sealed TEXT,
    imap_url TEXT CHECK (length(imap_url) <= 500),
    imap_username TEXT CHECK (length(imap_username) <= 254),
    imap_password_sealed TEXT,
    updated_at TIMESTAMP NOT NULL
);
