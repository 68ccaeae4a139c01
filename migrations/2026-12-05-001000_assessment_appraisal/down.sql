-- An appraised round reads as sent again; its appraisal goes.
ALTER TABLE assessments
    DROP CONSTRAINT assessments_appraised_check,
    DROP CONSTRAINT assessments_sent_check;
UPDATE assessments SET status = 'sent' WHERE status = 'appraised';
ALTER TABLE assessments
    ADD CONSTRAINT assessments_check1 CHECK ((status = 'sent') = (sent_at IS NOT NULL)),
    DROP CONSTRAINT assessments_status_check,
    ADD CONSTRAINT assessments_status_check CHECK (status IN ('open', 'sent')),
    DROP CONSTRAINT assessments_rank_check,
    DROP COLUMN rank_among,
    DROP COLUMN rank_position,
    DROP COLUMN appraised_at;
ALTER TABLE assessment_items
    DROP COLUMN restored_points,
    DROP COLUMN appraisal_comment,
    DROP COLUMN appraised_points;
