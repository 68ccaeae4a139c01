-- The annual CCHC plan (kế hoạch cải cách hành chính) and the tasks of plans and directive
-- documents (e.g. a meeting conclusion): who leads, who coordinates, by when, how far.
-- A task's status is derived from these facts and the calendar, never stored.

CREATE TABLE plans (
    id bigserial PRIMARY KEY,
    code text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$'),
    year integer NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    title text NOT NULL CHECK (btrim(title) <> ''),
    description text,
    -- The plan itself as an official document of the registry, e.g. 383/KH-SCT.
    document_id bigint REFERENCES documents (id) ON DELETE RESTRICT,
    status text NOT NULL CHECK (status IN ('draft', 'issued', 'closed')),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    issued_at timestamptz,
    closed_at timestamptz
);
CREATE INDEX plans_year_idx ON plans (year);

-- The documents a plan rests on (căn cứ), e.g. 4289/KH-UBND, in the order the plan cites them.
CREATE TABLE plan_legal_basis (
    plan_id bigint NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    document_id bigint NOT NULL REFERENCES documents (id) ON DELETE RESTRICT,
    position integer NOT NULL,
    PRIMARY KEY (plan_id, document_id)
);

-- A content area of the plan with its lead unit (chủ trì) and coordinating units (phối hợp).
CREATE TABLE plan_areas (
    plan_id bigint NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    content_area text NOT NULL CHECK (content_area IN (
        'institutional_reform', 'administrative_procedure_reform', 'organizational_reform',
        'civil_service_quality', 'public_finance_reform', 'digital_government',
        'communication', 'inspection'
    )),
    lead_unit_id bigint NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    note text,
    PRIMARY KEY (plan_id, content_area)
);

CREATE TABLE plan_area_units (
    plan_id bigint NOT NULL,
    content_area text NOT NULL,
    unit_id bigint NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    PRIMARY KEY (plan_id, content_area, unit_id),
    FOREIGN KEY (plan_id, content_area) REFERENCES plan_areas (plan_id, content_area) ON DELETE CASCADE
);

-- A numeric target of the plan ("trên 50% hồ sơ trực tuyến"), measured by an indicator in a
-- period when it names one.
CREATE TABLE plan_targets (
    id bigserial PRIMARY KEY,
    plan_id bigint NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    position integer NOT NULL,
    description text NOT NULL CHECK (btrim(description) <> ''),
    content_area text,
    indicator_id bigint REFERENCES indicators (id) ON DELETE RESTRICT,
    comparator text CHECK (comparator IN ('gte', 'lte', 'eq', 'gt', 'lt')),
    threshold numeric,
    period_id bigint REFERENCES periods (id) ON DELETE SET NULL,
    CHECK ((indicator_id IS NULL) = (comparator IS NULL) AND (comparator IS NULL) = (threshold IS NULL)),
    UNIQUE (plan_id, position)
);

CREATE TABLE tasks (
    id bigserial PRIMARY KEY,
    -- Where the task comes from: a plan, or a directive document of the registry.
    plan_id bigint REFERENCES plans (id) ON DELETE RESTRICT,
    source_document_id bigint REFERENCES documents (id) ON DELETE RESTRICT,
    code text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$'),
    title text NOT NULL CHECK (btrim(title) <> ''),
    content_area text,
    lead_unit_id bigint NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    -- The product (sản phẩm): kế hoạch, báo cáo, quyết định…
    expected_output text,
    start_date date,
    -- As the source words it (a date, an instant, a month, a quarter, a year, ongoing).
    due jsonb NOT NULL,
    -- The instant `due` means with the calendar; NULL for ongoing work.
    deadline timestamptz,
    reports_every text CHECK (reports_every IN ('month', 'quarter')),
    -- The local time a working day ends, with which `deadline` was derived (re-derived when
    -- the calendar changes).
    working_day_ends time NOT NULL,
    -- The latest extension (gia hạn); the original deadline stays in `deadline`.
    extended_due jsonb,
    extended_deadline timestamptz,
    progress_percent smallint NOT NULL DEFAULT 0 CHECK (progress_percent BETWEEN 0 AND 100),
    last_progress_at timestamptz,
    completion text NOT NULL DEFAULT 'open' CHECK (completion IN ('open', 'declared', 'confirmed')),
    declared_at timestamptz,
    output_document_id bigint REFERENCES documents (id) ON DELETE RESTRICT,
    completion_note text,
    confirmed_at timestamptz,
    returned_at timestamptz,
    return_reason text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    CHECK (num_nonnulls(plan_id, source_document_id) = 1),
    CHECK ((completion = 'open') = (declared_at IS NULL)),
    CHECK ((completion = 'confirmed') = (confirmed_at IS NOT NULL))
);
CREATE UNIQUE INDEX tasks_plan_code_idx ON tasks (plan_id, code) WHERE plan_id IS NOT NULL;
CREATE UNIQUE INDEX tasks_source_code_idx ON tasks (source_document_id, code)
    WHERE source_document_id IS NOT NULL;
CREATE INDEX tasks_lead_unit_idx ON tasks (lead_unit_id);

CREATE TABLE task_units (
    task_id bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    unit_id bigint NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    PRIMARY KEY (task_id, unit_id)
);
CREATE INDEX task_units_unit_idx ON task_units (unit_id);

-- Extensions granted by the Office; each keeps the deadline it replaced.
CREATE TABLE task_extensions (
    id bigserial PRIMARY KEY,
    task_id bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    previous_deadline timestamptz,
    due jsonb NOT NULL,
    deadline timestamptz NOT NULL,
    reason text NOT NULL CHECK (btrim(reason) <> ''),
    granted_at timestamptz NOT NULL,
    granted_by text NOT NULL
);
CREATE INDEX task_extensions_task_idx ON task_extensions (task_id, id);

-- The task's history: progress reports, coordinating units' contributions, the declaration of
-- completion, the Office's confirmation or return.
CREATE TABLE task_events (
    id bigserial PRIMARY KEY,
    task_id bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('progress', 'contribution', 'declared_done', 'returned', 'confirmed')),
    unit_id bigint REFERENCES units (id) ON DELETE RESTRICT,
    percent smallint CHECK (percent BETWEEN 0 AND 100),
    note text,
    output_document_id bigint REFERENCES documents (id) ON DELETE RESTRICT,
    at timestamptz NOT NULL,
    actor text NOT NULL
);
CREATE INDEX task_events_task_idx ON task_events (task_id, id);

-- Evidence cited by a progress report or a declaration: a registry document, with the section
-- and page that show the work.
CREATE TABLE task_evidence (
    event_id bigint NOT NULL REFERENCES task_events (id) ON DELETE CASCADE,
    position integer NOT NULL,
    document_id bigint NOT NULL REFERENCES documents (id) ON DELETE RESTRICT,
    section text,
    page integer CHECK (page > 0),
    PRIMARY KEY (event_id, position)
);

ALTER TABLE audit_events DROP CONSTRAINT audit_events_entity_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_entity_type_check CHECK (entity_type IN (
    'unit', 'token', 'indicator', 'period', 'holiday', 'submission', 'attachment',
    'document', 'integration', 'webhook', 'job', 'plan', 'task'
));
