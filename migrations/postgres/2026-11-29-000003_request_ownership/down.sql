ALTER TABLE requests ADD COLUMN owner TEXT;
ALTER TABLE requests DROP COLUMN owner_id;
ALTER TABLE requests DROP COLUMN organisation_id;
DELETE FROM organisations;
