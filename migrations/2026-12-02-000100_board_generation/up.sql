-- One counter that changes whenever a compliance board or a consolidated report could change,
-- so the API can keep computed boards in memory and know, with one primary-key read, whether
-- they are still current. The counter is bumped by deferred constraint triggers: at commit,
-- once per transaction, after every other lock the transaction takes, so the row lock is held
-- only for the commit and cannot take part in a deadlock. A reader that reads the counter
-- before the data it caches never stores data older than the counter it files it under.
CREATE TABLE board_generation (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    generation bigint NOT NULL DEFAULT 0
);
INSERT INTO board_generation DEFAULT VALUES;

CREATE FUNCTION bump_board_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Once per transaction: a bulk change of 5,000 rows bumps the counter once.
    IF current_setting('cchc.board_generation_bumped_by', true)
           IS DISTINCT FROM txid_current()::text THEN
        UPDATE board_generation SET generation = generation + 1;
        PERFORM set_config('cchc.board_generation_bumped_by', txid_current()::text, true);
    END IF;
    RETURN NULL;
END
$$;

-- Submissions: a new or deleted report, and any change to one that is not a draft (status,
-- first submission, values of a submitted or returned report). A draft edited in place
-- (PATCH, the busiest write) changes neither the board nor the consolidation.
CREATE CONSTRAINT TRIGGER submissions_board_generation_rows
    AFTER INSERT OR DELETE ON submissions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION bump_board_generation();
CREATE CONSTRAINT TRIGGER submissions_board_generation_changes
    AFTER UPDATE ON submissions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.status <> 'draft' OR NEW.status <> 'draft')
    EXECUTE FUNCTION bump_board_generation();

CREATE CONSTRAINT TRIGGER periods_board_generation
    AFTER INSERT OR UPDATE OR DELETE ON periods
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION bump_board_generation();
CREATE CONSTRAINT TRIGGER period_units_board_generation
    AFTER INSERT OR UPDATE OR DELETE ON period_units
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION bump_board_generation();
CREATE CONSTRAINT TRIGGER period_indicators_board_generation
    AFTER INSERT OR UPDATE OR DELETE ON period_indicators
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION bump_board_generation();
CREATE CONSTRAINT TRIGGER period_extensions_board_generation
    AFTER INSERT OR UPDATE OR DELETE ON period_extensions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION bump_board_generation();
CREATE CONSTRAINT TRIGGER units_board_generation
    AFTER INSERT OR UPDATE OR DELETE ON units
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION bump_board_generation();
CREATE CONSTRAINT TRIGGER escalations_board_generation
    AFTER INSERT OR UPDATE OR DELETE ON escalations
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION bump_board_generation();
