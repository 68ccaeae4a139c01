-- Submissions: one per unit per period, its values per indicator, the evidence it cites, an
-- immutable version per submit, and per-unit deadline extensions.

CREATE TABLE period_extensions (
    period_id bigint NOT NULL REFERENCES periods (id) ON DELETE CASCADE,
    unit_id bigint NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    deadline timestamptz NOT NULL,
    reason text NOT NULL CHECK (btrim(reason) <> ''),
    granted_at timestamptz NOT NULL,
    granted_by text NOT NULL,
    PRIMARY KEY (period_id, unit_id)
);

CREATE TABLE submissions (
    id bigserial PRIMARY KEY,
    period_id bigint NOT NULL REFERENCES periods (id) ON DELETE RESTRICT,
    unit_id bigint NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'returned', 'accepted')),
    narrative text,
    -- Bumped by every change; the ETag is built from it.
    revision integer NOT NULL DEFAULT 1,
    first_submitted_at timestamptz,
    first_timeliness text CHECK (first_timeliness IN ('early', 'on_time', 'late')),
    first_minutes_late integer,
    last_submitted_at timestamptz,
    submit_count integer NOT NULL DEFAULT 0,
    return_reason text,
    returned_at timestamptz,
    accepted_at timestamptz,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (period_id, unit_id),
    CHECK ((first_submitted_at IS NULL) = (first_timeliness IS NULL))
);
CREATE INDEX submissions_unit_id_idx ON submissions (unit_id);

CREATE TABLE submission_values (
    submission_id bigint NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    indicator_id bigint NOT NULL REFERENCES indicators (id) ON DELETE RESTRICT,
    numerator numeric,
    denominator numeric,
    number numeric,
    flag boolean,
    text_value text,
    not_applicable boolean NOT NULL DEFAULT false,
    system_value numeric,
    system_value_source text CHECK (system_value_source IN ('office', 'unit', 'import')),
    explanation text,
    note text,
    PRIMARY KEY (submission_id, indicator_id)
);

-- Evidence documents (tài liệu kiểm chứng) cited by a submission, optionally for one indicator,
-- down to section and page as appraisal asks.
CREATE TABLE submission_evidence (
    id bigserial PRIMARY KEY,
    submission_id bigint NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    indicator_id bigint REFERENCES indicators (id) ON DELETE RESTRICT,
    document_number text,
    title text NOT NULL CHECK (btrim(title) <> ''),
    section text,
    page integer CHECK (page > 0),
    sort_order smallint NOT NULL DEFAULT 0
);
CREATE INDEX submission_evidence_submission_id_idx ON submission_evidence (submission_id);

-- What was submitted, each time: never updated or deleted.
CREATE TABLE submission_versions (
    id bigserial PRIMARY KEY,
    submission_id bigint NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    version integer NOT NULL,
    submitted_at timestamptz NOT NULL,
    submitted_by text NOT NULL,
    timeliness text NOT NULL CHECK (timeliness IN ('early', 'on_time', 'late')),
    minutes_late integer NOT NULL,
    deadline timestamptz NOT NULL,
    content jsonb NOT NULL,
    changes jsonb NOT NULL,
    UNIQUE (submission_id, version)
);
