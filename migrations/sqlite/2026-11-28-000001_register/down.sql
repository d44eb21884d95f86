DROP TABLE register_version;
DROP TABLE holiday_imports;
DROP TABLE deadlines;
DROP TABLE events;
DROP TABLE request_tags;
DROP TABLE requests;
DROP TABLE authorities;
