-- PAR Index criteria sets: a province's tree of areas, criteria and sub-criteria for a year,
-- with maximum points and, per leaf, how it is scored (Decision 876/QĐ-BNV frames them; each
-- province publishes its own every year).
CREATE TABLE criteria_sets (
    id bigserial PRIMARY KEY,
    code text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$'),
    year integer NOT NULL CHECK (year BETWEEN 2000 AND 2200),
    title text NOT NULL CHECK (btrim(title) <> ''),
    -- The province's decision issuing the set, in the registry.
    document_id bigint REFERENCES documents (id) ON DELETE RESTRICT,
    status text NOT NULL CHECK (status IN ('draft', 'published')),
    -- The share of points restored after an explanation that the final score keeps.
    restored_share_percent numeric(5, 2) NOT NULL
        CHECK (restored_share_percent BETWEEN 0 AND 100),
    -- [{"label": "Tốt", "min_points": 90}, …]
    ranking_classes jsonb NOT NULL DEFAULT '[]',
    published_at timestamptz,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    CHECK ((status = 'published') = (published_at IS NOT NULL))
);
CREATE INDEX criteria_sets_year_idx ON criteria_sets (year DESC, id DESC);

CREATE TABLE criteria (
    id bigserial PRIMARY KEY,
    set_id bigint NOT NULL REFERENCES criteria_sets (id) ON DELETE CASCADE,
    position integer NOT NULL,
    code text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$'),
    parent_id bigint REFERENCES criteria (id) ON DELETE CASCADE,
    depth integer NOT NULL CHECK (depth >= 1),
    title text NOT NULL CHECK (btrim(title) <> ''),
    max_points numeric(7, 2) NOT NULL CHECK (max_points > 0),
    content_area text CHECK (content_area IN (
        'institutional_reform', 'administrative_procedure_reform', 'organizational_reform',
        'civil_service_quality', 'public_finance_reform', 'digital_government',
        'communication', 'inspection'
    )),
    -- How a leaf is scored ({"method": "entered" | "levels" | "indicator" | "survey", …});
    -- NULL on a criterion with sub-criteria.
    scoring jsonb,
    evidence_hint text,
    UNIQUE (set_id, code),
    UNIQUE (set_id, position)
);
CREATE INDEX criteria_parent_idx ON criteria (parent_id);

ALTER TABLE audit_events DROP CONSTRAINT audit_events_entity_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_entity_type_check CHECK (entity_type IN (
    'unit', 'token', 'indicator', 'period', 'holiday', 'submission', 'attachment',
    'document', 'integration', 'webhook', 'job', 'plan', 'task', 'task_file', 'criteria_set'
));
