-- Every request belongs to an organisation and may have an owner among its users.
PRAGMA foreign_keys = OFF;
BEGIN;

-- Requests already stored belong to one organisation, "Coalition", which admins can rename.
INSERT INTO organisations (name, created_at)
SELECT 'Coalition', CURRENT_TIMESTAMP WHERE EXISTS (SELECT 1 FROM requests);

CREATE TABLE requests_new (
    id INTEGER PRIMARY KEY NOT NULL,
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body TEXT NOT NULL,
    authority_id INTEGER NOT NULL REFERENCES authorities (id),
    regime TEXT NOT NULL CHECK (regime IN ('foia', 'eir', 'foisa', 'eisr', 'sar')),
    sent_via TEXT NOT NULL CHECK (sent_via IN ('email', 'web_form', 'post', 'whatdotheyknow', 'other')),
    sent_on DATE,
    reference TEXT,
    status TEXT NOT NULL CHECK (status IN ('draft', 'awaiting_response', 'awaiting_clarification',
        'awaiting_fee', 'responded', 'in_internal_review', 'with_regulator', 'at_tribunal',
        'closed', 'withdrawn', 'lapsed')),
    reindex_on DATE,
    search TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    owner_id INTEGER REFERENCES users (id)
);
INSERT INTO requests_new (id, title, body, authority_id, regime, sent_via, sent_on, reference,
    status, reindex_on, search, created_at, updated_at, organisation_id, owner_id)
SELECT id, title, body, authority_id, regime, sent_via, sent_on, reference, status, reindex_on,
    search, created_at, updated_at, (SELECT id FROM organisations WHERE name = 'Coalition'), NULL
FROM requests;
DROP TABLE requests;
ALTER TABLE requests_new RENAME TO requests;
CREATE INDEX requests_authority ON requests (authority_id, sent_on);
CREATE INDEX requests_status ON requests (status);
CREATE INDEX requests_reindex ON requests (reindex_on);
-- Covers what decides who may see a request, so that counting what a viewer may see reads
-- the index, not the rows.
CREATE INDEX requests_organisation ON requests (organisation_id, status, regime);

PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
