DROP INDEX requests_due_order;
ALTER TABLE requests DROP COLUMN next_due;
