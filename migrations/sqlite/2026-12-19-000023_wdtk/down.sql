DROP TABLE wdtk_events;
DROP TABLE wdtk_links;
