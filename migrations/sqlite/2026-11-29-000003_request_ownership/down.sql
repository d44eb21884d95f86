PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE requests_old (
    id INTEGER PRIMARY KEY NOT NULL,
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body TEXT NOT NULL,
    authority_id INTEGER NOT NULL REFERENCES authorities (id),
    regime TEXT NOT NULL,
    sent_via TEXT NOT NULL,
    sent_on DATE,
    reference TEXT,
    owner TEXT,
    status TEXT NOT NULL,
    reindex_on DATE,
    search TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO requests_old (id, title, body, authority_id, regime, sent_via, sent_on, reference,
    owner, status, reindex_on, search, created_at, updated_at)
SELECT id, title, body, authority_id, regime, sent_via, sent_on, reference, NULL, status,
    reindex_on, search, created_at, updated_at FROM requests;
DROP TABLE requests;
ALTER TABLE requests_old RENAME TO requests;
CREATE INDEX requests_authority ON requests (authority_id, sent_on);
CREATE INDEX requests_status ON requests (status);
CREATE INDEX requests_reindex ON requests (reindex_on);
DELETE FROM organisations;
COMMIT;
PRAGMA foreign_keys = ON;
