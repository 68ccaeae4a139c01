-- The audit trail: who changed what, when, from what to what. Append-only: the triggers below
-- refuse every UPDATE, DELETE and TRUNCATE, so no code path (nor a mistaken query) can rewrite
-- history. Entity ids are text and carry no foreign key, so deleting a draft period keeps its
-- audit rows.
CREATE TABLE audit_events (
    id bigserial PRIMARY KEY,
    occurred_at timestamptz NOT NULL,
    actor_name text NOT NULL,
    actor_token_id bigint,
    actor_role text,
    request_id text,
    entity_type text NOT NULL CHECK (entity_type IN (
        'unit', 'token', 'indicator', 'period', 'holiday', 'submission', 'attachment'
    )),
    entity_id text NOT NULL,
    action text NOT NULL CHECK (btrim(action) <> ''),
    before jsonb,
    after jsonb
);
CREATE INDEX audit_events_entity_idx ON audit_events (entity_type, entity_id, id);
CREATE INDEX audit_events_occurred_at_idx ON audit_events (occurred_at, id);

CREATE FUNCTION audit_events_are_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_events_no_update_or_delete
    BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_are_immutable();

CREATE TRIGGER audit_events_no_truncate
    BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_are_immutable();
