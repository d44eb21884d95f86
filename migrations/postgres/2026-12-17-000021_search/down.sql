DROP INDEX documents_text_unread;
ALTER TABLE documents DROP COLUMN text_problem;
ALTER TABLE documents DROP COLUMN text_state;
DROP TABLE search_entries;
DROP TEXT SEARCH CONFIGURATION foi_search;
