-- How a response answered: one row per response event, with the grounds it cited (catalogue
-- ids from src/domain/exemptions.rs) in the order cited. The summary is the event's details.
CREATE TABLE responses (
    event_id INTEGER PRIMARY KEY NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    outcome TEXT NOT NULL CHECK (outcome IN ('granted', 'partly_granted', 'refused', 'not_held',
        'neither_confirm_nor_deny', 'info_accessible_elsewhere', 'withdrawn_by_authority')),
    public_interest_test BOOLEAN NOT NULL,
    -- A date the authority promised: a publication under s.22, or a later answer.
    promised_on DATE,
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX responses_request ON responses (request_id);

CREATE TABLE response_grounds (
    event_id INTEGER NOT NULL REFERENCES responses (event_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    ground TEXT NOT NULL,
    PRIMARY KEY (event_id, ground)
);
CREATE INDEX response_grounds_ground ON response_grounds (ground);
