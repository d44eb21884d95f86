-- Mail sent to an authority from the tracker. The reply address names the request and carries
-- its token (src/domain/reply_address.rs), so that nobody can file mail into a request whose
-- token they do not know.
ALTER TABLE requests ADD COLUMN reply_token TEXT CHECK (length(reply_token) <= 64);
CREATE UNIQUE INDEX requests_reply_token ON requests (reply_token);

-- A message is claimed ("sending") before the SMTP server is asked to take it and marked
-- "sent" after, so that a double click sends it once, and one left "sending" by a crash is
-- shown for a person to settle. Until then it keeps the exact bytes it goes as; once sent,
-- they are the request's document and the copy here is dropped.
CREATE TABLE outgoing_messages (
    id SERIAL PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('request', 'internal_review', 'regulator_complaint', 'follow_up')),
    status TEXT NOT NULL CHECK (status IN ('sending', 'sent')),
    message_id TEXT NOT NULL UNIQUE CHECK (length(message_id) <= 250),
    recipient TEXT NOT NULL CHECK (length(recipient) <= 254),
    subject TEXT NOT NULL CHECK (length(subject) <= 1000),
    raw BYTEA,
    document_id INTEGER REFERENCES documents (id),
    sent_by INTEGER REFERENCES users (id),
    started_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
-- A request itself goes out once.
CREATE UNIQUE INDEX outgoing_messages_one_request ON outgoing_messages (request_id) WHERE purpose = 'request';
CREATE INDEX outgoing_messages_request ON outgoing_messages (request_id);
