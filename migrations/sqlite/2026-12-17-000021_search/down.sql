DROP INDEX documents_text_unread;
ALTER TABLE documents DROP COLUMN text_problem;
ALTER TABLE documents DROP COLUMN text_state;
DROP TRIGGER search_entries_update;
DROP TRIGGER search_entries_delete;
DROP TRIGGER search_entries_insert;
DROP TABLE search_fts;
DROP TABLE search_entries;
