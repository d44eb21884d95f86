-- Named groups of authorities that one question goes to (the police forces of England and
-- Wales, say): shipped as data, and kept by administrators.
CREATE TABLE authority_groups (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    description TEXT NOT NULL CHECK (length(description) <= 2000),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE authority_group_members (
    group_id INTEGER NOT NULL REFERENCES authority_groups (id) ON DELETE CASCADE,
    authority_id INTEGER NOT NULL REFERENCES authorities (id),
    PRIMARY KEY (group_id, authority_id)
);

-- One question sent to many authorities. Each member is an ordinary request of the batch's
-- organisation, with its own law, deadlines, events and documents; the batch only ties them
-- together, so that they are read and acted on as one.
CREATE TABLE batches (
    id INTEGER PRIMARY KEY NOT NULL,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    -- The batch request on WhatDoTheyKnow its members were sent as, if they were.
    wdtk_url TEXT CHECK (length(wdtk_url) <= 500),
    created_by INTEGER REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- A request belongs to one batch at most, and a batch asks each authority once.
CREATE TABLE batch_members (
    request_id INTEGER PRIMARY KEY NOT NULL REFERENCES requests (id),
    batch_id INTEGER NOT NULL REFERENCES batches (id),
    authority_id INTEGER NOT NULL REFERENCES authorities (id),
    UNIQUE (batch_id, authority_id)
);
