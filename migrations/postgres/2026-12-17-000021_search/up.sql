-- One search over everything the coalition holds: each request's own words (title, text,
-- reference, tags), each event's details, and the text of each document, by page or sheet.
-- Every entry belongs to one request, so that who may read it is who may read the request;
-- a file stored once and attached to two requests has entries under each. PostgreSQL's
-- full-text search indexes them with a configuration of our own: English stemming after
-- unaccent ("refusals" finds "refused", "cafe" finds "café"); its parser keeps the parts of a
-- hyphenated word, so "safe house" finds "Safe-house". A tsvector holds at most 1 MB, so a
-- long document is indexed by page or sheet, each part at most 100 kB of text.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION foi_search (COPY = english);
ALTER TEXT SEARCH CONFIGURATION foi_search
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;

CREATE TABLE search_entries (
    id SERIAL PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests (id),
    source TEXT NOT NULL CHECK (source IN ('request', 'event', 'document')),
    source_id INTEGER NOT NULL,
    part INTEGER NOT NULL,
    label TEXT NOT NULL CHECK (length(label) <= 300),
    first_line INTEGER NOT NULL,
    body TEXT NOT NULL,
    words TSVECTOR GENERATED ALWAYS AS (to_tsvector('foi_search'::regconfig, body)) STORED,
    UNIQUE (source, source_id, part)
);
CREATE INDEX search_entries_request ON search_entries (request_id);
CREATE INDEX search_entries_words ON search_entries USING gin (words);

-- What reading a document's text gave; NULL until it has been read, which the background
-- indexer finds through the partial index.
ALTER TABLE documents ADD COLUMN text_state TEXT
    CHECK (text_state IN ('text', 'scanned', 'unreadable', 'unsupported'));
ALTER TABLE documents ADD COLUMN text_problem TEXT CHECK (length(text_problem) <= 2000);
CREATE INDEX documents_text_unread ON documents (id) WHERE text_state IS NULL;

