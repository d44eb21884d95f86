DROP TABLE response_grounds;
DROP TABLE responses;
