-- The dashboard counts an organisation's pending deadlines on every view, each deadline
-- joined to its request only to read the organisation: from this narrow index, not from the
-- request's row (title, text and search words), whose pages are many times more.
CREATE INDEX requests_organisation_of ON requests (id, organisation_id);
