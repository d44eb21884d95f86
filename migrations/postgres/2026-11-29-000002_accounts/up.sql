-- Organisations, users, sessions, tokens and the audit trail.

CREATE TABLE organisations (
    id SERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id SERIAL PRIMARY KEY,
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
CREATE INDEX users_organisation ON users (organisation_id);

-- Server-side sessions: the cookie holds a secret whose SHA-256 is stored here.
CREATE TABLE sessions (
    id SERIAL PRIMARY KEY,
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
CREATE INDEX sessions_user ON sessions (user_id);

-- Invitation and password-reset links: single use, expiring, stored hashed.
CREATE TABLE one_time_tokens (
    id SERIAL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('invitation', 'password_reset')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);

-- Personal API tokens, shown once and stored hashed.
CREATE TABLE api_tokens (
    id SERIAL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Failed sign-ins, counted over a window to throttle guessing per account and per client.
CREATE TABLE sign_in_failures (
    id SERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    email TEXT NOT NULL,
    client TEXT NOT NULL
);
CREATE INDEX sign_in_failures_email ON sign_in_failures (email, at);
CREATE INDEX sign_in_failures_client ON sign_in_failures (client, at);

-- Every change: who, when, from where, what, and the fields before and after (JSON).
CREATE TABLE audit_entries (
    id SERIAL PRIMARY KEY,
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
CREATE INDEX audit_entries_at ON audit_entries (at);
CREATE INDEX audit_entries_entity ON audit_entries (entity, entity_id);
CREATE INDEX audit_entries_user ON audit_entries (user_id, at);
-- The trail's filter lists the actions recorded: read from this index, not the rows.
CREATE INDEX audit_entries_action ON audit_entries (action);
CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END
$$;
CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();

-- Row triggers do not see TRUNCATE: refuse it too.
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only();
