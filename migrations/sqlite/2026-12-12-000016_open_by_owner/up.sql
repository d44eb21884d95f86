-- The dashboard's own open requests, counted and read in due order on every view: an index
-- of only the open ones, by owner in the list's "due" order, carrying what the viewer's
-- scope asks of each, so that the count reads the index alone and the first page stops
-- after its rows. Its condition is the one `db::request_list` writes out for "open", word
-- for word: the planner uses a partial index only for a query that says the same.
CREATE INDEX requests_open_by_owner
    ON requests (owner_id, (next_due IS NULL), next_due, organisation_id, status, regime, skipped_at)
    WHERE requests.status NOT IN ('draft', 'closed', 'withdrawn', 'lapsed') AND requests.skipped_at IS NULL;
