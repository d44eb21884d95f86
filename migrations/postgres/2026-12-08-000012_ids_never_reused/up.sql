-- PostgreSQL sequences never hand out an id twice: only SQLite needed AUTOINCREMENT.
SELECT 1;
