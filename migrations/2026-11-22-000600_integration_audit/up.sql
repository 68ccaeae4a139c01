-- The integration records (official documents, QLVB integrations and their inbound events,
-- webhook subscriptions) are audited like everything else. The worker's own acts on jobs
-- (a retry by hand) are recorded as `job`.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_entity_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_entity_type_check CHECK (entity_type IN (
    'unit', 'token', 'indicator', 'period', 'holiday', 'submission', 'attachment',
    'document', 'integration', 'webhook', 'job'
));
