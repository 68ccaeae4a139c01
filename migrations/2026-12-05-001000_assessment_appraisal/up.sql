-- The province's appraisal of a sent self-assessment: per criterion the appraised points and
-- the council's comment, the points given back after the department's explanation (giải
-- trình); per round when it was appraised and, when known, its rank among its peers.
ALTER TABLE assessment_items
    ADD COLUMN appraised_points numeric(7, 2) CHECK (appraised_points >= 0),
    ADD COLUMN appraisal_comment text,
    ADD COLUMN restored_points numeric(7, 2) CHECK (restored_points >= 0);

ALTER TABLE assessments
    ADD COLUMN appraised_at timestamptz,
    ADD COLUMN rank_position integer CHECK (rank_position >= 1),
    ADD COLUMN rank_among integer CHECK (rank_among >= 1),
    ADD CONSTRAINT assessments_rank_check CHECK (rank_position <= rank_among),
    DROP CONSTRAINT assessments_status_check,
    ADD CONSTRAINT assessments_status_check CHECK (status IN ('open', 'sent', 'appraised')),
    -- (status = 'sent') = (sent_at IS NOT NULL), as PostgreSQL named it: an appraised round
    -- was sent too.
    DROP CONSTRAINT assessments_check1,
    ADD CONSTRAINT assessments_sent_check CHECK ((status = 'open') = (sent_at IS NULL)),
    ADD CONSTRAINT assessments_appraised_check CHECK ((status = 'appraised') = (appraised_at IS NOT NULL));
