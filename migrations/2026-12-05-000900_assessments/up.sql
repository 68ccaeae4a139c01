-- PAR Index self-assessment rounds against a published criteria set: each leaf criterion's
-- part (the responsible unit, the proposed score, its evidence or explanation, the Office's
-- judgement), and the round's sending to the province.
CREATE TABLE assessments (
    id bigserial PRIMARY KEY,
    code text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$'),
    year integer NOT NULL,
    title text NOT NULL CHECK (btrim(title) <> ''),
    criteria_set_id bigint NOT NULL REFERENCES criteria_sets (id) ON DELETE RESTRICT,
    units_due_at timestamptz NOT NULL,
    send_due_at timestamptz NOT NULL CHECK (send_due_at >= units_due_at),
    status text NOT NULL CHECK (status IN ('open', 'sent')),
    sent_at timestamptz,
    sent_by text,
    -- Why it was sent although criteria were unresolved.
    override_reason text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);

CREATE TABLE assessment_items (
    id bigserial PRIMARY KEY,
    assessment_id bigint NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    criterion_id bigint NOT NULL REFERENCES criteria (id) ON DELETE RESTRICT,
    unit_id bigint REFERENCES units (id) ON DELETE RESTRICT,
    status text NOT NULL CHECK (status IN ('pending', 'proposed', 'returned', 'accepted')),
    self_points numeric(7, 2) CHECK (self_points >= 0),
    level_index integer CHECK (level_index >= 0),
    explanation text,
    return_reason text,
    proposed_at timestamptz,
    proposed_by text,
    reviewed_at timestamptz,
    reviewed_by text,
    UNIQUE (assessment_id, criterion_id)
);
CREATE INDEX assessment_items_unit_idx ON assessment_items (unit_id);

CREATE TABLE assessment_evidence (
    item_id bigint NOT NULL REFERENCES assessment_items (id) ON DELETE CASCADE,
    position integer NOT NULL,
    document_id bigint NOT NULL REFERENCES documents (id) ON DELETE RESTRICT,
    section text,
    page integer CHECK (page > 0),
    PRIMARY KEY (item_id, position)
);

ALTER TABLE audit_events DROP CONSTRAINT audit_events_entity_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_entity_type_check CHECK (entity_type IN (
    'unit', 'token', 'indicator', 'period', 'holiday', 'submission', 'attachment',
    'document', 'integration', 'webhook', 'job', 'plan', 'task', 'task_file', 'criteria_set',
    'assessment'
));
