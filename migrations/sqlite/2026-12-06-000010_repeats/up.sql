-- A request the coalition repeats every quarter until the government publishes: the app
-- drafts its successor, for the next quarter, once that quarter has ended.
ALTER TABLE requests ADD COLUMN repeats BOOLEAN NOT NULL DEFAULT FALSE;
-- The request it repeats, for the successor; the series is the chain of these.
ALTER TABLE requests ADD COLUMN repeat_of INTEGER REFERENCES requests (id);
-- A drafted repeat the researchers chose not to send: it stays in the chain, and the next
-- quarter is drafted from it.
ALTER TABLE requests ADD COLUMN skipped_at TIMESTAMP;
CREATE INDEX requests_repeat_of ON requests (repeat_of);
