-- A user's secret calendar feed: the URL carries a token whose SHA-256 is stored here. One
-- live feed per user; a new one revokes the old.
CREATE TABLE calendar_feeds (
    id INTEGER PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX calendar_feeds_user ON calendar_feeds (user_id);
