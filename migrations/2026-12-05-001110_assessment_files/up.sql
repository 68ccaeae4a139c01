-- A unit's own files of evidence for its parts of a self-assessment round (a scanned minute,
-- a photo, a spreadsheet of results), beside the registry documents a part can already cite.
-- The bytes live in object storage under storage_key; this row says what they are. Files
-- belong to the round and a unit (none: the Office's own), not to a part, so an edit of the
-- criteria set that removes a part leaves them in place.
CREATE TABLE assessment_files (
    id bigserial PRIMARY KEY,
    assessment_id bigint NOT NULL REFERENCES assessments (id) ON DELETE RESTRICT,
    unit_id bigint REFERENCES units (id) ON DELETE RESTRICT,
    filename text NOT NULL CHECK (btrim(filename) <> '' AND char_length(filename) <= 255),
    content_type text NOT NULL,
    size_bytes bigint NOT NULL CHECK (size_bytes > 0),
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    storage_key text NOT NULL UNIQUE,
    uploaded_at timestamptz NOT NULL,
    uploaded_by text NOT NULL
);
CREATE INDEX assessment_files_round_idx ON assessment_files (assessment_id, id);

-- A citation names a registry document or one of the round's files, never both.
ALTER TABLE assessment_evidence
    ALTER COLUMN document_id DROP NOT NULL,
    ADD COLUMN file_id bigint REFERENCES assessment_files (id) ON DELETE RESTRICT,
    ADD CONSTRAINT assessment_evidence_one_source
        CHECK ((document_id IS NULL) <> (file_id IS NULL));
CREATE INDEX assessment_evidence_file_idx ON assessment_evidence (file_id)
    WHERE file_id IS NOT NULL;

ALTER TABLE audit_events DROP CONSTRAINT audit_events_entity_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_entity_type_check CHECK (entity_type IN (
    'unit', 'token', 'indicator', 'period', 'holiday', 'submission', 'attachment',
    'document', 'integration', 'webhook', 'job', 'plan', 'task', 'task_file', 'criteria_set',
    'assessment', 'assessment_file'
));
