-- Documents are stored in the database, content-addressed, so that one backup holds
-- everything and several app instances share them; the same file uploaded twice is stored
-- once.
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY NOT NULL CHECK (length(sha256) = 64),
    size INTEGER NOT NULL CHECK (size >= 0),
    content BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- A file that came with a request's event (a response, a review outcome, a decision notice).
-- Removing the event keeps the document on the request.
CREATE TABLE documents (
    id INTEGER PRIMARY KEY NOT NULL,
    request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    event_id INTEGER REFERENCES events (id) ON DELETE SET NULL,
    blob_sha256 TEXT NOT NULL REFERENCES blobs (sha256),
    filename TEXT NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    content_type TEXT NOT NULL,
    uploaded_by INTEGER REFERENCES users (id),
    uploaded_at TIMESTAMP NOT NULL
);
CREATE INDEX documents_request ON documents (request_id);
CREATE INDEX documents_blob ON documents (blob_sha256);
