DROP INDEX requests_open_by_owner;
