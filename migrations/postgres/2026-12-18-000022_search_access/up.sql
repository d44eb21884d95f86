-- Who may find each entry, kept beside its words, so that a search answers from the index
-- alone instead of visiting the request of every match. `access` holds the tokens of the
-- organisations that may read the entry: "o<id>" for the request's own organisation, and
-- "everyone" when it is neither a draft nor a subject access request, as
-- `db::requests::public` rules. In the tsvector each becomes the lexeme "access o<id>" or
-- "access everyone": a lexeme with a space, which the parser never makes of a document's
-- words, so that no text can ever count as access.
ALTER TABLE search_entries ADD COLUMN access TEXT NOT NULL DEFAULT '';
ALTER TABLE search_entries DROP COLUMN words;
ALTER TABLE search_entries ADD COLUMN words TSVECTOR GENERATED ALWAYS AS (
    to_tsvector('foi_search'::regconfig, body)
    || array_to_tsvector(string_to_array('access ' || replace(access, ' ', ',access '), ','))
) STORED;
-- The words stay in the table's own pages (compressed if need be), the body goes out to
-- TOAST first: a phrase is checked against the words of every entry that holds its words,
-- and fetching each from TOAST made a common phrase three times slower. The update below
-- writes every row again, under this setting, as it sets the access.
ALTER TABLE search_entries ALTER COLUMN words SET STORAGE MAIN;
UPDATE search_entries e SET access = 'o' || r.organisation_id
    || CASE WHEN r.status <> 'draft' AND r.regime <> 'sar' THEN ' everyone' ELSE '' END
    FROM requests r WHERE r.id = e.request_id;
CREATE INDEX search_entries_words ON search_entries USING gin (words);
