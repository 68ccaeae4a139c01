-- A plan's board is kept in memory like the compliance boards (see 2026-12-02-000100): the
-- counter moves when a task, a plan, its targets or the working-day calendar change. (Its
-- statuses also move with the clock: the API keeps a board for the minute it was computed in.)
CREATE CONSTRAINT TRIGGER tasks_board_generation
    AFTER INSERT OR UPDATE OR DELETE ON tasks
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION bump_board_generation();
CREATE CONSTRAINT TRIGGER plans_board_generation
    AFTER INSERT OR UPDATE OR DELETE ON plans
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION bump_board_generation();
CREATE CONSTRAINT TRIGGER plan_targets_board_generation
    AFTER INSERT OR UPDATE OR DELETE ON plan_targets
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION bump_board_generation();
CREATE CONSTRAINT TRIGGER holidays_board_generation
    AFTER INSERT OR UPDATE OR DELETE ON holidays
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION bump_board_generation();
