-- Versions of a criteria set: a published set edited after a round was sent against it is
-- not rewritten (the sent round keeps what it was scored against); the edit becomes a new
-- row with the same code and the next version, and the old one is marked superseded.
ALTER TABLE criteria_sets ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE criteria_sets
    ADD COLUMN previous_version_id bigint REFERENCES criteria_sets (id) ON DELETE RESTRICT;
ALTER TABLE criteria_sets ADD COLUMN superseded_at timestamptz;
ALTER TABLE criteria_sets ADD CONSTRAINT criteria_sets_version_chain_check
    CHECK ((version = 1) = (previous_version_id IS NULL));
ALTER TABLE criteria_sets ADD CONSTRAINT criteria_sets_superseded_check
    CHECK (superseded_at IS NULL OR status = 'published');
ALTER TABLE criteria_sets DROP CONSTRAINT criteria_sets_code_key;
ALTER TABLE criteria_sets ADD CONSTRAINT criteria_sets_code_version_key UNIQUE (code, version);
-- One version of a code is in force at a time.
CREATE UNIQUE INDEX criteria_sets_current_code_idx ON criteria_sets (code)
    WHERE superseded_at IS NULL;
CREATE INDEX criteria_sets_previous_idx ON criteria_sets (previous_version_id);
