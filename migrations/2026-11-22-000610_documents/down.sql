DROP TABLE qlvb_events;
DROP TABLE integration_secrets;
DROP TABLE document_submission_links;
DROP TABLE document_period_links;
DROP TABLE document_files;
DROP TABLE documents;
ALTER TABLE units DROP COLUMN qlvb_code;
