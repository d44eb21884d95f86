-- What the refusal history reads of each request, written with its status and deadlines
-- index in the same transaction as the event that changes them (tracker::history_facts),
-- so that the history and its exports read one row per request instead of every event:
-- the day it was received; where it stands against the date the law allows for its answer
-- (`timeliness`, and `late_after`: while that answer is still awaited, the lawful date after
-- which it reads late); its first response with a recorded outcome; the grounds its
-- responses cited; its appeal decisions; and its last response deadline.
ALTER TABLE requests ADD COLUMN received_on DATE;
ALTER TABLE requests ADD COLUMN timeliness TEXT;
ALTER TABLE requests ADD COLUMN late_after DATE;
ALTER TABLE requests ADD COLUMN first_response_on DATE;
ALTER TABLE requests ADD COLUMN first_outcome TEXT;
ALTER TABLE requests ADD COLUMN citations TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN decisions TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN response_due DATE;
-- Only the engine can say where a request stands: every request is due for re-indexing,
-- which the next read or sweep does (and the history waits for).
UPDATE requests SET reindex_on = '2000-01-01';
