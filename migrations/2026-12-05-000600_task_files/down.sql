-- Citations of files go with the files (their stored bytes stay in object storage, orphaned
-- and harmless); the audit trail of the files stays, outside the narrowed check (NOT VALID).
ALTER TABLE audit_events DROP CONSTRAINT audit_events_entity_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_entity_type_check CHECK (entity_type IN (
    'unit', 'token', 'indicator', 'period', 'holiday', 'submission', 'attachment',
    'document', 'integration', 'webhook', 'job', 'plan', 'task'
)) NOT VALID;
DELETE FROM task_evidence WHERE file_id IS NOT NULL;
DROP INDEX task_evidence_file_idx;
ALTER TABLE task_evidence
    DROP CONSTRAINT task_evidence_one_source,
    DROP COLUMN file_id,
    ALTER COLUMN document_id SET NOT NULL;
DROP TABLE task_files;
