ALTER TABLE audit_events DROP CONSTRAINT audit_events_entity_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_entity_type_check CHECK (entity_type IN (
    'unit', 'token', 'indicator', 'period', 'holiday', 'submission', 'attachment',
    'document', 'integration', 'webhook', 'job'
)) NOT VALID;
DROP TABLE task_evidence;
DROP TABLE task_events;
DROP TABLE task_extensions;
DROP TABLE task_units;
DROP TABLE tasks;
DROP TABLE plan_targets;
DROP TABLE plan_area_units;
DROP TABLE plan_areas;
DROP TABLE plan_legal_basis;
DROP TABLE plans;
