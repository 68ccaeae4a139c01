ALTER TABLE audit_events DROP CONSTRAINT audit_events_entity_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_entity_type_check CHECK (entity_type IN (
    'unit', 'token', 'indicator', 'period', 'holiday', 'submission', 'attachment',
    'document', 'integration', 'webhook', 'job', 'plan', 'task', 'task_file', 'criteria_set',
    'assessment'
)) NOT VALID;
-- Citations of files cannot survive without them.
DELETE FROM assessment_evidence WHERE file_id IS NOT NULL;
DROP INDEX assessment_evidence_file_idx;
ALTER TABLE assessment_evidence
    DROP CONSTRAINT assessment_evidence_one_source,
    DROP COLUMN file_id,
    ALTER COLUMN document_id SET NOT NULL;
DROP TABLE assessment_files;
