-- Every request belongs to an organisation and may have an owner among its users.
-- Requests already stored belong to one organisation, "Coalition", which admins can rename.
INSERT INTO organisations (name, created_at)
SELECT 'Coalition', now() WHERE EXISTS (SELECT 1 FROM requests);
ALTER TABLE requests ADD COLUMN organisation_id INTEGER REFERENCES organisations (id);
UPDATE requests SET organisation_id = (SELECT id FROM organisations WHERE name = 'Coalition');
ALTER TABLE requests ALTER COLUMN organisation_id SET NOT NULL;
ALTER TABLE requests ADD COLUMN owner_id INTEGER REFERENCES users (id);
ALTER TABLE requests DROP COLUMN owner;
-- Covers what decides who may see a request, so that counting what a viewer may see reads
-- the index, not the rows.
CREATE INDEX requests_organisation ON requests (organisation_id, status, regime);
