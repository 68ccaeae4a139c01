DROP TRIGGER units_notify_token_change ON units;
DROP FUNCTION cchc_notify_unit_code_change();
DROP TRIGGER api_tokens_notify_delete ON api_tokens;
DROP TRIGGER api_tokens_notify_change ON api_tokens;
DROP FUNCTION cchc_notify_token_change();
