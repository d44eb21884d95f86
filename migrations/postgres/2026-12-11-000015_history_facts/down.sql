ALTER TABLE requests DROP COLUMN response_due;
ALTER TABLE requests DROP COLUMN decisions;
ALTER TABLE requests DROP COLUMN citations;
ALTER TABLE requests DROP COLUMN first_outcome;
ALTER TABLE requests DROP COLUMN first_response_on;
ALTER TABLE requests DROP COLUMN late_after;
ALTER TABLE requests DROP COLUMN timeliness;
ALTER TABLE requests DROP COLUMN received_on;
