DROP TRIGGER holidays_board_generation ON holidays;
DROP TRIGGER plan_targets_board_generation ON plan_targets;
DROP TRIGGER plans_board_generation ON plans;
DROP TRIGGER tasks_board_generation ON tasks;
