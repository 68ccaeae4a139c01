-- Foundation of the reporting core: units and their contacts, API tokens, versioned indicators,
-- reporting periods with their legal basis, indicator set and participating units, and the
-- holiday calendar that drives working-day arithmetic.

CREATE TABLE units (
    id bigserial PRIMARY KEY,
    code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
    name text NOT NULL CHECK (btrim(name) <> ''),
    kind text NOT NULL CHECK (kind IN ('department', 'office', 'division', 'inspectorate', 'service_unit', 'other')),
    parent_id bigint REFERENCES units (id) ON DELETE RESTRICT,
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX units_parent_id_idx ON units (parent_id);

CREATE TABLE unit_contacts (
    id bigserial PRIMARY KEY,
    unit_id bigint NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    role text NOT NULL CHECK (role IN ('head', 'focal_person')),
    name text NOT NULL CHECK (btrim(name) <> ''),
    position_title text,
    email text NOT NULL,
    phone text,
    sort_order smallint NOT NULL DEFAULT 0
);
CREATE INDEX unit_contacts_unit_id_idx ON unit_contacts (unit_id);
-- A unit answers through exactly one head.
CREATE UNIQUE INDEX unit_contacts_one_head_idx ON unit_contacts (unit_id) WHERE role = 'head';

CREATE TABLE api_tokens (
    id bigserial PRIMARY KEY,
    name text NOT NULL CHECK (btrim(name) <> ''),
    role text NOT NULL CHECK (role IN ('admin', 'reporter', 'viewer', 'integration')),
    unit_id bigint REFERENCES units (id) ON DELETE RESTRICT,
    -- SHA-256 of the secret: tokens are 256-bit random values, so a fast hash is enough and
    -- lets us look a token up by its hash.
    token_hash bytea NOT NULL UNIQUE,
    token_prefix text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    last_used_at timestamptz,
    revoked_at timestamptz,
    CHECK ((role = 'reporter') = (unit_id IS NOT NULL))
);

CREATE TABLE indicators (
    id bigserial PRIMARY KEY,
    code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9._-]{0,31}$'),
    current_version integer NOT NULL DEFAULT 1,
    name text NOT NULL CHECK (btrim(name) <> ''),
    description text,
    content_area text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('ratio', 'count', 'decimal', 'boolean', 'text')),
    unit_of_measure text,
    target_comparator text CHECK (target_comparator IN ('gte', 'lte', 'eq')),
    target_threshold numeric,
    tolerance numeric NOT NULL DEFAULT 0 CHECK (tolerance >= 0),
    evidence_required boolean NOT NULL DEFAULT false,
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((target_comparator IS NULL) = (target_threshold IS NULL))
);

-- Every edit of an indicator's definition writes a new immutable version; periods point at the
-- version they were opened with, so closed periods keep showing what they showed.
CREATE TABLE indicator_versions (
    id bigserial PRIMARY KEY,
    indicator_id bigint NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    version integer NOT NULL,
    code text NOT NULL,
    name text NOT NULL,
    description text,
    content_area text NOT NULL,
    kind text NOT NULL,
    unit_of_measure text,
    target_comparator text,
    target_threshold numeric,
    tolerance numeric NOT NULL,
    evidence_required boolean NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (indicator_id, version)
);

CREATE TABLE periods (
    id bigserial PRIMARY KEY,
    code text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$'),
    title text NOT NULL CHECK (btrim(title) <> ''),
    description text,
    report_type text NOT NULL CHECK (report_type IN ('periodic', 'thematic', 'ad_hoc')),
    frequency text NOT NULL CHECK (frequency IN ('monthly', 'quarterly', 'half_year', 'nine_month', 'annual', 'ad_hoc')),
    year integer,
    sequence integer,
    data_from date NOT NULL,
    data_to date NOT NULL,
    window_source text NOT NULL CHECK (window_source IN ('decree_09', 'custom')),
    requested_deadline timestamptz NOT NULL,
    deadline timestamptz NOT NULL,
    deadline_shifted boolean NOT NULL DEFAULT false,
    shift_deadline_off_non_working_day boolean NOT NULL DEFAULT true,
    strict_deadline_check boolean NOT NULL DEFAULT false,
    deadline_warning text,
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
    policy jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    opened_at timestamptz,
    closed_at timestamptz,
    CHECK (data_from <= data_to)
);
CREATE INDEX periods_status_idx ON periods (status);

CREATE TABLE period_documents (
    id bigserial PRIMARY KEY,
    period_id bigint NOT NULL REFERENCES periods (id) ON DELETE CASCADE,
    number text NOT NULL CHECK (btrim(number) <> ''),
    issued_on date NOT NULL,
    title text NOT NULL CHECK (btrim(title) <> ''),
    sort_order smallint NOT NULL DEFAULT 0
);
CREATE INDEX period_documents_period_id_idx ON period_documents (period_id);

CREATE TABLE period_indicators (
    period_id bigint NOT NULL REFERENCES periods (id) ON DELETE CASCADE,
    indicator_id bigint NOT NULL REFERENCES indicators (id) ON DELETE RESTRICT,
    indicator_version_id bigint NOT NULL REFERENCES indicator_versions (id) ON DELETE RESTRICT,
    sort_order smallint NOT NULL DEFAULT 0,
    PRIMARY KEY (period_id, indicator_id)
);

CREATE TABLE period_units (
    period_id bigint NOT NULL REFERENCES periods (id) ON DELETE CASCADE,
    unit_id bigint NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    PRIMARY KEY (period_id, unit_id)
);
CREATE INDEX period_units_unit_id_idx ON period_units (unit_id);

CREATE TABLE holidays (
    day date PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('public_holiday', 'day_off', 'working_day')),
    name text NOT NULL CHECK (name <> ''),
    note text,
    provisional boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
