-- Baseline for (e) the worker: the classic queue claim in SQL, one job per transaction:
-- claim the oldest due job with FOR UPDATE SKIP LOCKED, then mark it done. The worker instead
-- claims 8 due jobs at a time under session advisory locks (shared/app/src/repo/jobs.rs), reads the
-- period and the unit's standing, renders the mail, delivers it over SMTP and commits each job's
-- outcome on its own; this transaction is the database's floor for a queue that records every
-- job's outcome as it happens. bench/run fills the queue with exactly as many jobs as the
-- clients run transactions.
BEGIN;
SELECT id AS job_id FROM jobs
WHERE status = 'queued' AND run_at <= now()
ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED \gset
UPDATE jobs SET status = 'done', attempts = attempts + 1, outcome = 'sent <bench>',
       updated_at = now(), finished_at = now()
WHERE id = :job_id;
COMMIT;
