-- Mail that came to an organisation's mailbox, fetched over IMAP. Each message is kept once:
-- by its place in the mailbox (UIDVALIDITY and UID), and by its Message-ID (or, without one,
-- the SHA-256 of its bytes), so that restarts, two instances polling at once and a mailbox
-- whose UIDVALIDITY changed file nothing twice. A message matched to a request waits for a
-- person to say what it is ("to_classify") before it changes any deadline; one that matched
-- nothing waits in triage.
CREATE TABLE incoming_messages (
    id SERIAL PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    uid_validity BIGINT NOT NULL,
    uid BIGINT NOT NULL,
    dedupe_key TEXT NOT NULL CHECK (length(dedupe_key) <= 1000),
    blob_sha256 TEXT REFERENCES blobs (sha256),
    size BIGINT NOT NULL,
    sender TEXT NOT NULL CHECK (length(sender) <= 1000),
    subject TEXT NOT NULL CHECK (length(subject) <= 2000),
    arrived_at TIMESTAMP NOT NULL,
    request_id INTEGER REFERENCES requests (id),
    matched_by TEXT CHECK (matched_by IN ('reply_address', 'thread', 'reference', 'person')),
    bounce BOOLEAN NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('to_classify', 'triage', 'dismissed', 'classified')),
    problem TEXT CHECK (length(problem) <= 2000),
    event_id INTEGER REFERENCES events (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (organisation_id, uid_validity, uid),
    UNIQUE (organisation_id, dedupe_key)
);
CREATE INDEX incoming_messages_request ON incoming_messages (request_id);
CREATE INDEX incoming_messages_status ON incoming_messages (organisation_id, status, arrived_at);

-- The documents a message brought: the message itself and its attachments.
ALTER TABLE documents ADD COLUMN incoming_message_id INTEGER REFERENCES incoming_messages (id);

-- How far the mailbox has been read: the UIDVALIDITY it was read under and the last UID filed.
ALTER TABLE mailboxes ADD COLUMN imap_uid_validity BIGINT;
ALTER TABLE mailboxes ADD COLUMN imap_last_uid BIGINT;
