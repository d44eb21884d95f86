-- A request's next deadline still unsettled (the earliest of the deadlines index's unsettled
-- rows), written with its status, so that the list and the dashboard read their first page
-- in that order from an index instead of taking a minimum over the deadlines of every
-- request they match and sorting them all.
ALTER TABLE requests ADD COLUMN next_due DATE;
UPDATE requests SET next_due = (
    SELECT min(due) FROM deadlines
    WHERE deadlines.request_id = requests.id AND deadlines.settled_state IS NULL
);
-- The order the list gives "due": requests with none last.
CREATE INDEX requests_due_order ON requests ((next_due IS NULL), next_due);
