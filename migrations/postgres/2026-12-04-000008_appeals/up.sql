-- A date promised in a response becomes a deadline.
ALTER TABLE deadlines DROP CONSTRAINT deadlines_kind_check;
ALTER TABLE deadlines ADD CONSTRAINT deadlines_kind_check CHECK (kind IN ('response', 'fee_payment',
    'internal_review_request', 'internal_review_response', 'regulator_complaint', 'tribunal_appeal',
    'onward_appeal', 'promised'));

-- Requests whose responses promised a date are re-indexed when next read.
UPDATE requests SET reindex_on = DATE '2000-01-01'
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
