-- The worker's job queue and the escalation record.
--
-- Schedules only enqueue; runners claim due jobs with FOR UPDATE SKIP LOCKED and hold the row
-- lock while the job runs, so a crashed runner's job becomes claimable again when its
-- transaction ends. `dedup_key` makes enqueueing idempotent: a reminder's key names (period,
-- unit, step, recipient), so any number of schedule firings on any number of replicas enqueue
-- it once, and a done job is kept so it is never enqueued again.
CREATE TABLE jobs (
    id bigserial PRIMARY KEY,
    kind text NOT NULL CHECK (btrim(kind) <> ''),
    payload jsonb NOT NULL DEFAULT '{}'::jsonb,
    dedup_key text UNIQUE,
    status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'done', 'failed')),
    attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts integer NOT NULL DEFAULT 8 CHECK (max_attempts > 0),
    run_at timestamptz NOT NULL,
    last_error text,
    -- What the job did, e.g. the Message-ID of the mail it sent or why it was skipped.
    outcome text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    finished_at timestamptz
);
CREATE INDEX jobs_due_idx ON jobs (run_at, id) WHERE status = 'queued';
CREATE INDEX jobs_status_idx ON jobs (status, id);

-- Runners LISTEN on this channel so a new job starts at once; polling is the fallback.
CREATE FUNCTION jobs_notify_queued() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('cchc_jobs', NEW.id::text);
    RETURN NULL;
END;
$$;

CREATE TRIGGER jobs_queued_notify
    AFTER INSERT OR UPDATE OF status ON jobs
    FOR EACH ROW WHEN (NEW.status = 'queued')
    EXECUTE FUNCTION jobs_notify_queued();

-- Each unit is escalated at most once per level per period; the unique key is what makes an
-- escalation (and its mail) happen once however often the schedule fires.
CREATE TABLE escalations (
    id bigserial PRIMARY KEY,
    period_id bigint NOT NULL REFERENCES periods (id) ON DELETE CASCADE,
    unit_id bigint NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    level text NOT NULL CHECK (level IN ('head', 'leadership')),
    deadline timestamptz NOT NULL,
    escalated_at timestamptz NOT NULL,
    minutes_late integer NOT NULL CHECK (minutes_late >= 0),
    UNIQUE (period_id, unit_id, level)
);
CREATE INDEX escalations_unit_id_idx ON escalations (unit_id);
