-- A unit's own files as evidence of its work on a task (a scanned minute, a photo of a
-- public notice board, a spreadsheet of results), beside the registry documents a report can
-- already cite. The bytes live in object storage under storage_key; this row says what they are.
CREATE TABLE task_files (
    id bigserial PRIMARY KEY,
    task_id bigint NOT NULL REFERENCES tasks (id) ON DELETE RESTRICT,
    -- The unit whose evidence it is (the lead unit or a coordinating unit of the task).
    unit_id bigint NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    -- As uploaded, without folders or control characters; used for downloads.
    filename text NOT NULL CHECK (btrim(filename) <> '' AND char_length(filename) <= 255),
    -- Decided from the content, not from the name or the declared type.
    content_type text NOT NULL,
    size_bytes bigint NOT NULL CHECK (size_bytes > 0),
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    storage_key text NOT NULL UNIQUE,
    uploaded_at timestamptz NOT NULL,
    uploaded_by text NOT NULL
);
CREATE INDEX task_files_task_idx ON task_files (task_id, id);

-- A citation names a registry document or one of the task's files, never both.
ALTER TABLE task_evidence
    ALTER COLUMN document_id DROP NOT NULL,
    ADD COLUMN file_id bigint REFERENCES task_files (id) ON DELETE RESTRICT,
    ADD CONSTRAINT task_evidence_one_source CHECK ((document_id IS NULL) <> (file_id IS NULL));
CREATE INDEX task_evidence_file_idx ON task_evidence (file_id) WHERE file_id IS NOT NULL;

ALTER TABLE audit_events DROP CONSTRAINT audit_events_entity_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_entity_type_check CHECK (entity_type IN (
    'unit', 'token', 'indicator', 'period', 'holiday', 'submission', 'attachment',
    'document', 'integration', 'webhook', 'job', 'plan', 'task', 'task_file'
));
