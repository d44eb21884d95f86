-- One search over everything the coalition holds: each request's own words (title, text,
-- reference, tags), each event's details, and the text of each document, by page or sheet.
-- Every entry belongs to one request, so that who may read it is who may read the request;
-- a file stored once and attached to two requests has entries under each. The entries hold
-- the words; SQLite's FTS5 indexes them (Porter stemming over unicode61 with diacritics
-- removed, so "refusals" finds "refused", "cafe" finds "café", and a hyphen separates words:
-- "safe house" finds "Safe-house").
CREATE TABLE search_entries (
    id INTEGER PRIMARY KEY NOT NULL,
    request_id INTEGER NOT NULL REFERENCES requests (id),
    source TEXT NOT NULL CHECK (source IN ('request', 'event', 'document')),
    source_id INTEGER NOT NULL,
    part INTEGER NOT NULL,
    label TEXT NOT NULL CHECK (length(label) <= 300),
    first_line INTEGER NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (source, source_id, part)
);
CREATE INDEX search_entries_request ON search_entries (request_id);

CREATE VIRTUAL TABLE search_fts USING fts5(
    body,
    content = 'search_entries',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER search_entries_insert AFTER INSERT ON search_entries BEGIN
    INSERT INTO search_fts (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER search_entries_delete AFTER DELETE ON search_entries BEGIN
    INSERT INTO search_fts (search_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER search_entries_update AFTER UPDATE ON search_entries BEGIN
    INSERT INTO search_fts (search_fts, rowid, body) VALUES ('delete', old.id, old.body);
    INSERT INTO search_fts (rowid, body) VALUES (new.id, new.body);
END;

-- What reading a document's text gave; NULL until it has been read, which the background
-- indexer finds through the partial index.
ALTER TABLE documents ADD COLUMN text_state TEXT
    CHECK (text_state IN ('text', 'scanned', 'unreadable', 'unsupported'));
ALTER TABLE documents ADD COLUMN text_problem TEXT CHECK (length(text_problem) <= 2000);
CREATE INDEX documents_text_unread ON documents (id) WHERE text_state IS NULL;

