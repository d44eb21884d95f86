DROP TABLE appeals;
DELETE FROM deadlines WHERE kind = 'promised';
CREATE TABLE deadlines_old (
    id INTEGER PRIMARY KEY NOT NULL,
    request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('response', 'fee_payment', 'internal_review_request',
        'internal_review_response', 'regulator_complaint', 'tribunal_appeal', 'onward_appeal')),
    party TEXT NOT NULL CHECK (party IN ('authority', 'requester')),
    from_date DATE NOT NULL,
    due DATE NOT NULL,
    latest DATE,
    settled_state TEXT CHECK (settled_state IN ('met', 'missed', 'lapsed', 'void')),
    settled_on DATE,
    rule TEXT NOT NULL
);
INSERT INTO deadlines_old SELECT id, request_id, position, kind, party, from_date, due, latest,
    settled_state, settled_on, rule FROM deadlines;
DROP TABLE deadlines;
ALTER TABLE deadlines_old RENAME TO deadlines;
CREATE INDEX deadlines_request ON deadlines (request_id, position);
CREATE INDEX deadlines_pending ON deadlines (party, due, request_id) WHERE settled_state IS NULL;
