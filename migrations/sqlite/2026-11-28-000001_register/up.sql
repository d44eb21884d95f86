-- The request register. Closed sets are text with a CHECK; dates are ISO text; instants UTC.

CREATE TABLE authorities (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    short_name TEXT NOT NULL CHECK (length(short_name) BETWEEN 1 AND 60),
    foi_email TEXT,
    website TEXT,
    default_regime TEXT NOT NULL CHECK (default_regime IN ('foia', 'eir', 'foisa', 'eisr', 'sar')),
    nation TEXT NOT NULL CHECK (nation IN ('uk', 'england', 'wales', 'scotland', 'northern_ireland')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE requests (
    id INTEGER PRIMARY KEY NOT NULL,
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body TEXT NOT NULL,
    authority_id INTEGER NOT NULL REFERENCES authorities (id),
    regime TEXT NOT NULL CHECK (regime IN ('foia', 'eir', 'foisa', 'eisr', 'sar')),
    sent_via TEXT NOT NULL CHECK (sent_via IN ('email', 'web_form', 'post', 'whatdotheyknow', 'other')),
    sent_on DATE,
    reference TEXT,
    owner TEXT,
    -- The engine's answer, rewritten with every event: an index, never typed in.
    status TEXT NOT NULL CHECK (status IN ('draft', 'awaiting_response', 'awaiting_clarification',
        'awaiting_fee', 'responded', 'in_internal_review', 'with_regulator', 'at_tribunal',
        'closed', 'withdrawn', 'lapsed')),
    -- The first day the engine's answer may change with no event (a deadline passing):
    -- the index is brought up to date before it is next read.
    reindex_on DATE,
    -- Title, text and reference in lower case, for a search that folds case the same way
    -- on both backends.
    search TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX requests_authority ON requests (authority_id, sent_on);
CREATE INDEX requests_status ON requests (status);
CREATE INDEX requests_reindex ON requests (reindex_on);

CREATE TABLE request_tags (
    request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (request_id, tag)
);
CREATE INDEX request_tags_tag ON request_tags (tag);

CREATE TABLE events (
    id INTEGER PRIMARY KEY NOT NULL,
    request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('received', 'acknowledged', 'clarification_requested',
        'clarification_provided', 'fee_notice', 'fee_paid', 'extension', 'response',
        'internal_review_requested', 'internal_review_response', 'regulator_complaint',
        'regulator_decision', 'tribunal_appeal', 'tribunal_decision', 'onward_appeal', 'closed',
        'withdrawn', 'note')),
    occurred_on DATE NOT NULL,
    extended_to DATE,
    details TEXT NOT NULL DEFAULT '',
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX events_request ON events (request_id, occurred_on, id);

-- Every deadline of every request, as the engine computed it: an index for the dashboard,
-- reminders and calendar feeds. settled_state is NULL while nothing has settled the deadline:
-- it is running until its due date, then missed (authority) or lapsed (requester).
CREATE TABLE deadlines (
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
CREATE INDEX deadlines_request ON deadlines (request_id, position);
CREATE INDEX deadlines_pending ON deadlines (party, due, request_id) WHERE settled_state IS NULL;

-- Each gov.uk bank holidays file imported, laid over the bundled copy in import order.
CREATE TABLE holiday_imports (
    id INTEGER PRIMARY KEY NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    source TEXT NOT NULL,
    content TEXT NOT NULL,
    summary TEXT NOT NULL
);

-- Bumped by every write transaction: a page computed at one version is current until it moves.
CREATE TABLE register_version (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO register_version (id, version) VALUES (1, 0);
