-- Baseline for (e) the worker: what a job runner does in SQL per job, in one transaction:
-- claim the oldest due job with FOR UPDATE SKIP LOCKED, then mark it done (shared/src/repo/
-- jobs.rs). The worker additionally reads the period and the unit's standing, renders the
-- mail and delivers it over SMTP before the UPDATE, all inside the claiming transaction.
-- bench/run fills the queue with exactly as many jobs as the clients run transactions.
BEGIN;
SELECT id AS job_id FROM jobs
WHERE status = 'queued' AND run_at <= now()
ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED \gset
UPDATE jobs SET status = 'done', attempts = attempts + 1, outcome = 'sent <bench>',
       updated_at = now(), finished_at = now()
WHERE id = :job_id;
COMMIT;
