-- Audit rows are never deleted, so rows of the newer types may remain; NOT VALID keeps them
-- while refusing new ones.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_entity_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_entity_type_check CHECK (entity_type IN (
    'unit', 'token', 'indicator', 'period', 'holiday', 'submission', 'attachment'
)) NOT VALID;
