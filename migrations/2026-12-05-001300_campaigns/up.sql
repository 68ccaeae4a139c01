-- Emulation campaigns (phong trào thi đua): rounds with their review dates, the criteria units
-- are ranked by, the units that registered, the points the Office enters, and each reviewed
-- round's frozen leaderboard (seed 004).
CREATE TABLE campaigns (
    id bigserial PRIMARY KEY,
    code text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$'),
    year integer NOT NULL CHECK (year BETWEEN 2000 AND 2200),
    title text NOT NULL CHECK (btrim(title) <> ''),
    document_id bigint REFERENCES documents (id) ON DELETE RESTRICT,
    participation text NOT NULL CHECK (participation IN ('all', 'registered')),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX campaigns_year_idx ON campaigns (year DESC, id DESC);

CREATE TABLE campaign_rounds (
    campaign_id bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    number integer NOT NULL CHECK (number >= 1),
    starts_on date NOT NULL,
    ends_on date NOT NULL CHECK (ends_on >= starts_on),
    review_on date NOT NULL CHECK (review_on >= ends_on),
    -- The leaderboard as it stood when the Office reviewed the round; later changes to the
    -- records do not rewrite it.
    reviewed_at timestamptz,
    reviewed_by text,
    snapshot jsonb,
    PRIMARY KEY (campaign_id, number),
    CHECK ((reviewed_at IS NULL) = (snapshot IS NULL))
);

CREATE TABLE campaign_criteria (
    campaign_id bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    position integer NOT NULL,
    code text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$'),
    title text NOT NULL CHECK (btrim(title) <> ''),
    kind text NOT NULL CHECK (kind IN ('scored', 'bonus', 'penalty')),
    max_points numeric(7, 2) NOT NULL CHECK (max_points > 0),
    -- {"method": "reports_on_time" | "accepted_first_time" | "tasks_on_time" | "entered"}
    source jsonb NOT NULL,
    PRIMARY KEY (campaign_id, code),
    UNIQUE (campaign_id, position)
);

CREATE TABLE campaign_registrations (
    campaign_id bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    unit_id bigint NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    registered_at timestamptz NOT NULL,
    registered_by text NOT NULL,
    PRIMARY KEY (campaign_id, unit_id)
);

CREATE TABLE campaign_points (
    campaign_id bigint NOT NULL,
    round_number integer NOT NULL,
    unit_id bigint NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    criterion_code text NOT NULL,
    points numeric(7, 2) NOT NULL CHECK (points >= 0),
    note text NOT NULL CHECK (btrim(note) <> ''),
    entered_at timestamptz NOT NULL,
    entered_by text NOT NULL,
    PRIMARY KEY (campaign_id, round_number, unit_id, criterion_code),
    FOREIGN KEY (campaign_id, round_number)
        REFERENCES campaign_rounds (campaign_id, number) ON DELETE CASCADE,
    FOREIGN KEY (campaign_id, criterion_code)
        REFERENCES campaign_criteria (campaign_id, code) ON DELETE CASCADE
);

ALTER TABLE audit_events DROP CONSTRAINT audit_events_entity_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_entity_type_check CHECK (entity_type IN (
    'unit', 'token', 'indicator', 'period', 'holiday', 'submission', 'attachment',
    'document', 'integration', 'webhook', 'job', 'plan', 'task', 'task_file', 'criteria_set',
    'assessment', 'assessment_file', 'campaign'
));
