-- Escalations of units that still owe parts of a PAR Index self-assessment round after the
-- units' deadline: one row per round, unit and level, written once by planning (whichever
-- replica gets there first) and read by the mail jobs. A round's deadline does not move, so
-- the deadline is kept for the record, not in the key.
CREATE TABLE assessment_escalations (
    id bigserial PRIMARY KEY,
    assessment_id bigint NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    unit_id bigint NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    level text NOT NULL CHECK (level IN ('head', 'leadership')),
    deadline timestamptz NOT NULL,
    escalated_at timestamptz NOT NULL,
    minutes_late integer NOT NULL CHECK (minutes_late >= 0),
    UNIQUE (assessment_id, unit_id, level)
);
