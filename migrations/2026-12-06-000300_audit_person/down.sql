ALTER TABLE audit_events
    DROP CONSTRAINT audit_events_person_is_whole,
    DROP COLUMN actor_issuer,
    DROP COLUMN actor_subject,
    DROP COLUMN actor_email;
