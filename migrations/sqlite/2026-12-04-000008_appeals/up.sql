-- A date promised in a response becomes a deadline: SQLite cannot alter a CHECK, so the
-- deadline index is rebuilt with the new kind (nothing refers to it).
CREATE TABLE deadlines_new (
    id INTEGER PRIMARY KEY NOT NULL,
    request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('response', 'fee_payment', 'internal_review_request',
        'internal_review_response', 'regulator_complaint', 'tribunal_appeal', 'onward_appeal',
        'promised')),
    party TEXT NOT NULL CHECK (party IN ('authority', 'requester')),
    from_date DATE NOT NULL,
    due DATE NOT NULL,
    latest DATE,
    settled_state TEXT CHECK (settled_state IN ('met', 'missed', 'lapsed', 'void')),
    settled_on DATE,
    rule TEXT NOT NULL
);
INSERT INTO deadlines_new SELECT id, request_id, position, kind, party, from_date, due, latest,
    settled_state, settled_on, rule FROM deadlines;
DROP TABLE deadlines;
ALTER TABLE deadlines_new RENAME TO deadlines;
CREATE INDEX deadlines_request ON deadlines (request_id, position);
CREATE INDEX deadlines_pending ON deadlines (party, due, request_id) WHERE settled_state IS NULL;

-- Requests whose responses promised a date are re-indexed when next read.
UPDATE requests SET reindex_on = '2000-01-01'
WHERE id IN (SELECT request_id FROM responses WHERE promised_on IS NOT NULL);

-- The references and outcome of each appeal stage's event: one row per event of a review,
-- a complaint to the regulator, a tribunal appeal or an onward appeal.
CREATE TABLE appeals (
    event_id INTEGER PRIMARY KEY NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    stage TEXT NOT NULL CHECK (stage IN ('internal_review', 'regulator', 'tribunal', 'onward')),
    reference TEXT,
    decision_reference TEXT,
    outcome TEXT CHECK (outcome IN ('upheld', 'partly_overturned', 'overturned', 'complaint_upheld',
        'partly_upheld', 'not_upheld', 'informally_resolved', 'allowed', 'partly_allowed',
        'dismissed', 'withdrawn')),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX appeals_request ON appeals (request_id);
