DROP TABLE figures;
DROP TABLE request_indicators;
DROP TABLE indicators;
DROP TABLE demands;
