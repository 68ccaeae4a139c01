ALTER TABLE audit_events DROP CONSTRAINT audit_events_entity_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_entity_type_check CHECK (entity_type IN (
    'unit', 'token', 'indicator', 'period', 'holiday', 'submission', 'attachment',
    'document', 'integration', 'webhook', 'job', 'plan', 'task', 'task_file', 'criteria_set',
    'assessment', 'assessment_file'
)) NOT VALID;
DROP TABLE campaign_points;
DROP TABLE campaign_registrations;
DROP TABLE campaign_criteria;
DROP TABLE campaign_rounds;
DROP TABLE campaigns;
