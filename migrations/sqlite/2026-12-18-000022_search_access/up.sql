-- Who may find each entry, kept beside its words, so that a search answers from the index
-- alone instead of visiting the request of every match (the benchmark's searches of 18,000
-- matches spent most of their time there). `access` holds the tokens of the organisations
-- that may read the entry: "o<id>" for the request's own organisation, and "everyone" when it
-- is neither a draft nor a subject access request, as `db::requests::public` rules. It is an
-- indexed column of its own, so that no word of a document can ever count as access: a query
-- names the column.
ALTER TABLE search_entries ADD COLUMN access TEXT NOT NULL DEFAULT '';
UPDATE search_entries SET access = (
    SELECT 'o' || r.organisation_id
        || CASE WHEN r.status <> 'draft' AND r.regime <> 'sar' THEN ' everyone' ELSE '' END
    FROM requests r WHERE r.id = search_entries.request_id
);

DROP TRIGGER search_entries_update;
DROP TRIGGER search_entries_delete;
DROP TRIGGER search_entries_insert;
DROP TABLE search_fts;
CREATE VIRTUAL TABLE search_fts USING fts5(
    body,
    access,
    content = 'search_entries',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
-- ORDER BY rank weighs the words only: the access tokens say who may read, not how well.
INSERT INTO search_fts (search_fts, rank) VALUES ('rank', 'bm25(1.0, 0.0)');
CREATE TRIGGER search_entries_insert AFTER INSERT ON search_entries BEGIN
    INSERT INTO search_fts (rowid, body, access) VALUES (new.id, new.body, new.access);
END;
CREATE TRIGGER search_entries_delete AFTER DELETE ON search_entries BEGIN
    INSERT INTO search_fts (search_fts, rowid, body, access)
        VALUES ('delete', old.id, old.body, old.access);
END;
CREATE TRIGGER search_entries_update AFTER UPDATE ON search_entries BEGIN
    INSERT INTO search_fts (search_fts, rowid, body, access)
        VALUES ('delete', old.id, old.body, old.access);
    INSERT INTO search_fts (rowid, body, access) VALUES (new.id, new.body, new.access);
END;
INSERT INTO search_fts (search_fts) VALUES ('rebuild');
