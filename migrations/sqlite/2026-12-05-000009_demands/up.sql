-- The petition's three demands; their indicators are seeded from data/indicators.csv on first
-- start, and administrators add to them.
CREATE TABLE demands (
    id TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL
);
INSERT INTO demands (id, title, summary) VALUES
    ('D1', 'Immigration outcomes', 'What happens to victims and potential victims in the immigration system: detention, removal, voluntary return, claims for leave, disqualification.'),
    ('D2', 'Support', 'Safe housing and support under the victim care contract, for adults and children, and those who go missing.'),
    ('D3', 'Welfare of returning victims', 'Re-trafficking, reintegration and reprisals after return.');

CREATE TABLE indicators (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 20),
    demand_id TEXT NOT NULL REFERENCES demands (id),
    wording TEXT NOT NULL CHECK (length(wording) BETWEEN 1 AND 300),
    unit TEXT NOT NULL CHECK (length(unit) BETWEEN 1 AND 60),
    granularity TEXT NOT NULL CHECK (granularity IN ('quarter', 'year')),
    breakdowns TEXT NOT NULL,
    definition TEXT NOT NULL,
    official_source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX indicators_demand ON indicators (demand_id);

-- What a request asks for: an indicator over a period. A refusal or "not held" then counts
-- against it on the scorecard.
CREATE TABLE request_indicators (
    request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    indicator_id TEXT NOT NULL REFERENCES indicators (id),
    period_start DATE NOT NULL,
    period_end DATE NOT NULL CHECK (period_end >= period_start),
    PRIMARY KEY (request_id, indicator_id, period_start)
);
CREATE INDEX request_indicators_indicator ON request_indicators (indicator_id);

-- A released figure: its value exact as written (or suppressed, e.g. "fewer than 5"), what it
-- counts and how, and where it came from. Entered by one user, verified by another.
CREATE TABLE figures (
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
CREATE INDEX figures_indicator ON figures (indicator_id, period_start);
CREATE INDEX figures_request ON figures (request_id);
