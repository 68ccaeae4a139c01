-- What the worker needs to remind, escalate and digest a plan's tasks.

-- The monitoring working group (Tổ công tác) of a plan: who gets its monthly and quarterly
-- digest. Empty: the Office's mailboxes get it.
ALTER TABLE plans ADD COLUMN working_group jsonb NOT NULL DEFAULT '[]'::jsonb
    CHECK (jsonb_typeof(working_group) = 'array' AND jsonb_array_length(working_group) <= 50);

-- The deadline `task.overdue` was last sent for: sent once per deadline, again only when an
-- extension's deadline passes too.
ALTER TABLE tasks ADD COLUMN overdue_notified_deadline timestamptz;

-- Escalations of overdue tasks: one row per task, level and missed deadline, written once by
-- planning (whichever replica gets there first) and read by the mail jobs.
CREATE TABLE task_escalations (
    id bigserial PRIMARY KEY,
    task_id bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    level text NOT NULL CHECK (level IN ('head', 'leadership')),
    deadline timestamptz NOT NULL,
    escalated_at timestamptz NOT NULL,
    minutes_late integer NOT NULL CHECK (minutes_late >= 0),
    UNIQUE (task_id, level, deadline)
);
