-- Requests linked to their page on WhatDoTheyKnow (or another Alaveteli site), kept in step by
-- reading the site's public JSON. The link keeps what the next polite reading needs (the
-- answer's ETag and Last-Modified, when to try again after a failure) and what went wrong last,
-- which the request's page shows.
CREATE TABLE wdtk_links (
    id INTEGER PRIMARY KEY NOT NULL,
    request_id INTEGER NOT NULL UNIQUE REFERENCES requests (id),
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    base_url TEXT NOT NULL CHECK (length(base_url) <= 500),
    url_title TEXT NOT NULL CHECK (length(url_title) <= 255),
    wdtk_id BIGINT NOT NULL,
    etag TEXT CHECK (length(etag) <= 500),
    last_modified TEXT CHECK (length(last_modified) <= 100),
    fetched_at TIMESTAMP,
    problem TEXT CHECK (length(problem) <= 2000),
    problem_at TIMESTAMP,
    failures INTEGER NOT NULL CHECK (failures >= 0),
    retry_after TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (organisation_id, base_url, wdtk_id)
);

-- Every event of a linked request read from the site, once (so that reading it again adds
-- nothing), with what it became here: an event, a reply for a person to classify, or nothing.
-- A later reading that says something else of it is kept as a difference for a person to
-- accept; the event it became is never rewritten by the reading itself.
CREATE TABLE wdtk_events (
    id INTEGER PRIMARY KEY NOT NULL,
    request_id INTEGER NOT NULL REFERENCES requests (id),
    wdtk_event_id BIGINT NOT NULL,
    event_type TEXT NOT NULL CHECK (length(event_type) <= 100),
    state TEXT CHECK (length(state) <= 100),
    action TEXT NOT NULL CHECK (length(action) <= 100),
    occurred_on DATE NOT NULL,
    event_id INTEGER REFERENCES events (id) ON DELETE SET NULL,
    incoming_message_id INTEGER REFERENCES incoming_messages (id),
    difference TEXT CHECK (length(difference) <= 2000),
    -- What the event would become, as the later reading maps it (JSON), for a person to accept.
    proposed TEXT CHECK (length(proposed) <= 4000),
    difference_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (request_id, wdtk_event_id)
);
CREATE INDEX wdtk_events_event ON wdtk_events (event_id);
