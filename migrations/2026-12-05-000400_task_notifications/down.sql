DROP TABLE task_escalations;
ALTER TABLE tasks DROP COLUMN overdue_notified_deadline;
ALTER TABLE plans DROP COLUMN working_group;
