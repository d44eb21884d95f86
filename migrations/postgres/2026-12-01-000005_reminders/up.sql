-- What each user wants to receive; no row means everything, each notice as it falls due.
CREATE TABLE reminder_preferences (
    user_id INTEGER PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    delivery TEXT NOT NULL CHECK (delivery IN ('immediate', 'daily_digest')),
    -- A comma-separated subset of the notice kinds; empty turns reminders off.
    kinds TEXT NOT NULL,
    -- The last day of leave, included.
    paused_until DATE,
    updated_at TIMESTAMP NOT NULL
);

-- Every reminder a sweep found owed, before it is sent. The key (request, deadline, due date,
-- stage, recipient) makes a notice owed on many days one row, so it is sent once.
-- request_id and user_id have no foreign keys on purpose: a sweep may write 100,000 rows, and
-- checking each against its request and user (PostgreSQL locks every referenced row) doubled
-- the sweep's time. Requests and users are never deleted; the sweep reads both by join.
CREATE TABLE outbox (
    id SERIAL PRIMARY KEY,
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
    pause_overridden BOOLEAN NOT NULL DEFAULT FALSE,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_attempt_at TIMESTAMP NOT NULL,
    message_id TEXT,
    planned_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_sendable ON outbox (status, next_attempt_at);
CREATE INDEX outbox_request ON outbox (request_id, status);

-- One row per reminder sweep, so that coordinators can see the scheduler is alive and a
-- restarted server can tell whether it missed today's sweep.
CREATE TABLE reminder_sweeps (
    id SERIAL PRIMARY KEY,
    today DATE NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    planned INTEGER NOT NULL DEFAULT 0,
    sent INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    cancelled INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX reminder_sweeps_started ON reminder_sweeps (started_at);
