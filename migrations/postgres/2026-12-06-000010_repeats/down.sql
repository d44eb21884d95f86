DROP INDEX requests_repeat_of;
ALTER TABLE requests DROP COLUMN skipped_at;
ALTER TABLE requests DROP COLUMN repeat_of;
ALTER TABLE requests DROP COLUMN repeats;
