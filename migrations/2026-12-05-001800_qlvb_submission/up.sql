-- Reports answered through QLVB (issue 20): a period may say that a report's arrival through
-- QLVB is its submission, and a received document's link to the unit's report keeps what its
-- files did to the report (the statistics form's figures imported, the cells with problems,
-- the files attached, the submission), as the event's answer said it.
ALTER TABLE periods
    ADD COLUMN qlvb_arrival_submits boolean NOT NULL DEFAULT false;
ALTER TABLE document_submission_links
    ADD COLUMN qlvb_import jsonb;
