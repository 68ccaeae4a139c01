-- Fails while a code has several versions: their rows cannot share one code again.
DROP INDEX criteria_sets_previous_idx;
DROP INDEX criteria_sets_current_code_idx;
ALTER TABLE criteria_sets DROP CONSTRAINT criteria_sets_code_version_key;
ALTER TABLE criteria_sets ADD CONSTRAINT criteria_sets_code_key UNIQUE (code);
ALTER TABLE criteria_sets DROP CONSTRAINT criteria_sets_superseded_check;
ALTER TABLE criteria_sets DROP CONSTRAINT criteria_sets_version_chain_check;
ALTER TABLE criteria_sets DROP COLUMN superseded_at;
ALTER TABLE criteria_sets DROP COLUMN previous_version_id;
ALTER TABLE criteria_sets DROP COLUMN version;
