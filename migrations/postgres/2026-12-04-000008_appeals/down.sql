DROP TABLE appeals;
DELETE FROM deadlines WHERE kind = 'promised';
ALTER TABLE deadlines DROP CONSTRAINT deadlines_kind_check;
ALTER TABLE deadlines ADD CONSTRAINT deadlines_kind_check CHECK (kind IN ('response', 'fee_payment',
    'internal_review_request', 'internal_review_response', 'regulator_complaint', 'tribunal_appeal',
    'onward_appeal'));
