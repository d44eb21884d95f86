DROP INDEX requests_organisation_of;
