ALTER TABLE search_entries DROP COLUMN words;
ALTER TABLE search_entries DROP COLUMN access;
ALTER TABLE search_entries ADD COLUMN words TSVECTOR GENERATED ALWAYS AS (
    to_tsvector('foi_search'::regconfig, body)
) STORED;
CREATE INDEX search_entries_words ON search_entries USING gin (words);
