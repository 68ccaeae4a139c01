-- API processes keep verified tokens in memory (issue 23). Whatever changes what a token
-- grants (revocation, expiry, role, unit; a deletion) tells every process at once, on commit,
-- through NOTIFY cchc_token_changes with the token's id; a change of a unit's code, which the
-- principal carries, tells them to forget every token ('*'). last_used_at alone notifies
-- nothing: it is written at most once a minute per token and grants nothing.
CREATE FUNCTION cchc_notify_token_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('cchc_token_changes', OLD.id::text);
    RETURN NULL;
END;
$$;

CREATE TRIGGER api_tokens_notify_change
AFTER UPDATE ON api_tokens
FOR EACH ROW
WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at
   OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
   OR OLD.role IS DISTINCT FROM NEW.role
   OR OLD.unit_id IS DISTINCT FROM NEW.unit_id
   OR OLD.token_hash IS DISTINCT FROM NEW.token_hash
   OR OLD.name IS DISTINCT FROM NEW.name)
EXECUTE FUNCTION cchc_notify_token_change();

CREATE TRIGGER api_tokens_notify_delete
AFTER DELETE ON api_tokens
FOR EACH ROW
EXECUTE FUNCTION cchc_notify_token_change();

CREATE FUNCTION cchc_notify_unit_code_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('cchc_token_changes', '*');
    RETURN NULL;
END;
$$;

CREATE TRIGGER units_notify_token_change
AFTER UPDATE ON units
FOR EACH ROW
WHEN (OLD.code IS DISTINCT FROM NEW.code)
EXECUTE FUNCTION cchc_notify_unit_code_change();
