ALTER TABLE document_submission_links
    DROP COLUMN qlvb_import;
ALTER TABLE periods
    DROP COLUMN qlvb_arrival_submits;
