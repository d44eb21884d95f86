-- Back to plain rowids, which may be reused.
PRAGMA foreign_keys = OFF;
BEGIN;

CREATE TABLE authorities_new (
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
INSERT INTO authorities_new (id, name, short_name, foi_email, website, default_regime, nation, created_at, updated_at)
SELECT id, name, short_name, foi_email, website, default_regime, nation, created_at, updated_at FROM authorities;
DROP TABLE authorities;
ALTER TABLE authorities_new RENAME TO authorities;

CREATE TABLE events_new (
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
INSERT INTO events_new (id, request_id, kind, occurred_on, extended_to, details, recorded_at)
SELECT id, request_id, kind, occurred_on, extended_to, details, recorded_at FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;

CREATE INDEX events_request ON events (request_id, occurred_on, id);

CREATE TABLE holiday_imports_new (
    id INTEGER PRIMARY KEY NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    source TEXT NOT NULL,
    content TEXT NOT NULL,
    summary TEXT NOT NULL
);
INSERT INTO holiday_imports_new (id, imported_at, source, content, summary)
SELECT id, imported_at, source, content, summary FROM holiday_imports;
DROP TABLE holiday_imports;
ALTER TABLE holiday_imports_new RENAME TO holiday_imports;

CREATE TABLE organisations_new (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    created_at TIMESTAMP NOT NULL
);
INSERT INTO organisations_new (id, name, created_at)
SELECT id, name, created_at FROM organisations;
DROP TABLE organisations;
ALTER TABLE organisations_new RENAME TO organisations;

CREATE TABLE users_new (
    id INTEGER PRIMARY KEY NOT NULL,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    email TEXT NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 254),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'researcher', 'auditor')),
    -- NULL until an invitation is accepted.
    password_hash TEXT,
    -- The TOTP secret, once two-factor sign-in is set up.
    totp_secret TEXT,
    -- The time step of the last code accepted: a code works once.
    totp_last_step BIGINT,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO users_new (id, organisation_id, email, name, role, password_hash, totp_secret, totp_last_step, active, created_at, updated_at)
SELECT id, organisation_id, email, name, role, password_hash, totp_secret, totp_last_step, active, created_at, updated_at FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;

CREATE INDEX users_organisation ON users (organisation_id);

CREATE TABLE sessions_new (
    id INTEGER PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    -- False while a second factor is awaited or must be set up: such a session can do
    -- nothing else.
    verified BOOLEAN NOT NULL,
    client TEXT,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
INSERT INTO sessions_new (id, token_hash, user_id, csrf_token, verified, client, created_at, last_seen_at, expires_at)
SELECT id, token_hash, user_id, csrf_token, verified, client, created_at, last_seen_at, expires_at FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_new RENAME TO sessions;

CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE one_time_tokens_new (
    id INTEGER PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('invitation', 'password_reset')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
INSERT INTO one_time_tokens_new (id, user_id, purpose, token_hash, created_at, expires_at, used_at)
SELECT id, user_id, purpose, token_hash, created_at, expires_at, used_at FROM one_time_tokens;
DROP TABLE one_time_tokens;
ALTER TABLE one_time_tokens_new RENAME TO one_time_tokens;

CREATE TABLE api_tokens_new (
    id INTEGER PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
INSERT INTO api_tokens_new (id, user_id, name, token_hash, created_at, last_used_at, revoked_at)
SELECT id, user_id, name, token_hash, created_at, last_used_at, revoked_at FROM api_tokens;
DROP TABLE api_tokens;
ALTER TABLE api_tokens_new RENAME TO api_tokens;

CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE sign_in_failures_new (
    id INTEGER PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    email TEXT NOT NULL,
    client TEXT NOT NULL
);
INSERT INTO sign_in_failures_new (id, at, email, client)
SELECT id, at, email, client FROM sign_in_failures;
DROP TABLE sign_in_failures;
ALTER TABLE sign_in_failures_new RENAME TO sign_in_failures;

CREATE INDEX sign_in_failures_email ON sign_in_failures (email, at);

CREATE INDEX sign_in_failures_client ON sign_in_failures (client, at);

CREATE TABLE audit_entries_new (
    id INTEGER PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    user_id INTEGER REFERENCES users (id),
    actor TEXT NOT NULL,
    client TEXT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER,
    before TEXT,
    after TEXT
);
INSERT INTO audit_entries_new (id, at, user_id, actor, client, action, entity, entity_id, before, after)
SELECT id, at, user_id, actor, client, action, entity, entity_id, before, after FROM audit_entries;
DROP TABLE audit_entries;
ALTER TABLE audit_entries_new RENAME TO audit_entries;

CREATE INDEX audit_entries_at ON audit_entries (at);

CREATE INDEX audit_entries_entity ON audit_entries (entity, entity_id);

CREATE INDEX audit_entries_user ON audit_entries (user_id, at);

CREATE INDEX audit_entries_action ON audit_entries (action);

CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

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
, repeats BOOLEAN NOT NULL DEFAULT FALSE, repeat_of INTEGER REFERENCES requests (id), skipped_at TIMESTAMP);
INSERT INTO requests_new (id, title, body, authority_id, regime, sent_via, sent_on, reference, status, reindex_on, search, created_at, updated_at, organisation_id, owner_id, repeats, repeat_of, skipped_at)
SELECT id, title, body, authority_id, regime, sent_via, sent_on, reference, status, reindex_on, search, created_at, updated_at, organisation_id, owner_id, repeats, repeat_of, skipped_at FROM requests;
DROP TABLE requests;
ALTER TABLE requests_new RENAME TO requests;

CREATE INDEX requests_authority ON requests (authority_id, sent_on);

CREATE INDEX requests_status ON requests (status);

CREATE INDEX requests_reindex ON requests (reindex_on);

CREATE INDEX requests_organisation ON requests (organisation_id, status, regime);

CREATE INDEX requests_repeat_of ON requests (repeat_of);

CREATE TABLE calendar_feeds_new (
    id INTEGER PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
INSERT INTO calendar_feeds_new (id, user_id, token_hash, created_at, revoked_at)
SELECT id, user_id, token_hash, created_at, revoked_at FROM calendar_feeds;
DROP TABLE calendar_feeds;
ALTER TABLE calendar_feeds_new RENAME TO calendar_feeds;

CREATE INDEX calendar_feeds_user ON calendar_feeds (user_id);

CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY NOT NULL,
    key TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL,
    delivery TEXT NOT NULL CHECK (delivery IN ('immediate', 'daily_digest')),
    -- For a digest, the day's digest it belongs to ("digest/USER/DATE"): its notices are sent
    -- together, and a repeat after a crash carries the same Message-ID.
    batch TEXT,
    request_id INTEGER NOT NULL,
    deadline_kind TEXT NOT NULL,
    due DATE NOT NULL,
    stage TEXT NOT NULL,
    scheduled DATE NOT NULL,
    pause_overridden BOOLEAN NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_attempt_at TIMESTAMP NOT NULL,
    message_id TEXT,
    planned_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
INSERT INTO outbox_new (id, key, user_id, delivery, batch, request_id, deadline_kind, due, stage, scheduled, pause_overridden, status, attempts, last_error, next_attempt_at, message_id, planned_at, sent_at)
SELECT id, key, user_id, delivery, batch, request_id, deadline_kind, due, stage, scheduled, pause_overridden, status, attempts, last_error, next_attempt_at, message_id, planned_at, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;

CREATE INDEX outbox_sendable ON outbox (status, next_attempt_at);

CREATE INDEX outbox_request ON outbox (request_id, status);

CREATE TABLE reminder_sweeps_new (
    id INTEGER PRIMARY KEY NOT NULL,
    today DATE NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    planned INTEGER NOT NULL DEFAULT 0,
    sent INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    cancelled INTEGER NOT NULL DEFAULT 0
);
INSERT INTO reminder_sweeps_new (id, today, started_at, finished_at, planned, sent, failed, cancelled)
SELECT id, today, started_at, finished_at, planned, sent, failed, cancelled FROM reminder_sweeps;
DROP TABLE reminder_sweeps;
ALTER TABLE reminder_sweeps_new RENAME TO reminder_sweeps;

CREATE INDEX reminder_sweeps_started ON reminder_sweeps (started_at);

CREATE TABLE documents_new (
    id INTEGER PRIMARY KEY NOT NULL,
    request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    event_id INTEGER REFERENCES events (id) ON DELETE SET NULL,
    blob_sha256 TEXT NOT NULL REFERENCES blobs (sha256),
    filename TEXT NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    content_type TEXT NOT NULL,
    uploaded_by INTEGER REFERENCES users (id),
    uploaded_at TIMESTAMP NOT NULL
);
INSERT INTO documents_new (id, request_id, event_id, blob_sha256, filename, content_type, uploaded_by, uploaded_at)
SELECT id, request_id, event_id, blob_sha256, filename, content_type, uploaded_by, uploaded_at FROM documents;
DROP TABLE documents;
ALTER TABLE documents_new RENAME TO documents;

CREATE INDEX documents_request ON documents (request_id);

CREATE INDEX documents_blob ON documents (blob_sha256);

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
INSERT INTO deadlines_new (id, request_id, position, kind, party, from_date, due, latest, settled_state, settled_on, rule)
SELECT id, request_id, position, kind, party, from_date, due, latest, settled_state, settled_on, rule FROM deadlines;
DROP TABLE deadlines;
ALTER TABLE deadlines_new RENAME TO deadlines;

CREATE INDEX deadlines_request ON deadlines (request_id, position);

CREATE INDEX deadlines_pending ON deadlines (party, due, request_id) WHERE settled_state IS NULL;

CREATE TABLE figures_new (
    id INTEGER PRIMARY KEY NOT NULL,
    indicator_id TEXT NOT NULL REFERENCES indicators (id),
    value TEXT,
    suppressed TEXT,
    unit TEXT NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL CHECK (period_end >= period_start),
    -- "dimension=value" pairs joined by "; ", sorted by dimension; empty for a total.
    breakdown TEXT NOT NULL DEFAULT '',
    definition TEXT NOT NULL,
    definition_match TEXT NOT NULL CHECK (definition_match IN ('matches', 'comparable', 'different')),
    caveats TEXT NOT NULL DEFAULT '',
    source_kind TEXT NOT NULL CHECK (source_kind IN ('request', 'publication')),
    request_id INTEGER REFERENCES requests (id),
    event_id INTEGER REFERENCES events (id) ON DELETE SET NULL,
    document_id INTEGER REFERENCES documents (id) ON DELETE SET NULL,
    location TEXT,
    publication_title TEXT,
    publisher TEXT,
    published_on DATE,
    url TEXT,
    entered_by INTEGER REFERENCES users (id),
    entered_at TIMESTAMP NOT NULL,
    verified_by INTEGER REFERENCES users (id),
    verified_at TIMESTAMP,
    CHECK ((value IS NULL) <> (suppressed IS NULL))
);
INSERT INTO figures_new (id, indicator_id, value, suppressed, unit, period_start, period_end, breakdown, definition, definition_match, caveats, source_kind, request_id, event_id, document_id, location, publication_title, publisher, published_on, url, entered_by, entered_at, verified_by, verified_at)
SELECT id, indicator_id, value, suppressed, unit, period_start, period_end, breakdown, definition, definition_match, caveats, source_kind, request_id, event_id, document_id, location, publication_title, publisher, published_on, url, entered_by, entered_at, verified_by, verified_at FROM figures;
DROP TABLE figures;
ALTER TABLE figures_new RENAME TO figures;

CREATE INDEX figures_indicator ON figures (indicator_id, period_start);

CREATE INDEX figures_request ON figures (request_id);

CREATE TABLE recovery_codes_new (
    id INTEGER PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
INSERT INTO recovery_codes_new (id, user_id, code_hash, created_at, used_at)
SELECT id, user_id, code_hash, created_at, used_at FROM recovery_codes;
DROP TABLE recovery_codes;
ALTER TABLE recovery_codes_new RENAME TO recovery_codes;

CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
