-- Single-use codes that sign a user in when their authenticator app is lost. Only a SHA-256
-- hash of each is kept: a code carries 80 random bits, so no slow hash is needed to make
-- guessing it from the hash hopeless.
CREATE TABLE recovery_codes (
    id INTEGER PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);
