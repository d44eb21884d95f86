DROP TRIGGER search_entries_update;
DROP TRIGGER search_entries_delete;
DROP TRIGGER search_entries_insert;
DROP TABLE search_fts;
ALTER TABLE search_entries DROP COLUMN access;
CREATE VIRTUAL TABLE search_fts USING fts5(
    body,
    content = 'search_entries',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER search_entries_insert AFTER INSERT ON search_entries BEGIN
    INSERT INTO search_fts (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER search_entries_delete AFTER DELETE ON search_entries BEGIN
    INSERT INTO search_fts (search_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER search_entries_update AFTER UPDATE ON search_entries BEGIN
    INSERT INTO search_fts (search_fts, rowid, body) VALUES ('delete', old.id, old.body);
    INSERT INTO search_fts (rowid, body) VALUES (new.id, new.body);
END;
INSERT INTO search_fts (search_fts) VALUES ('rebuild');
