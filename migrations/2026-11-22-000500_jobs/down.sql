DROP TABLE escalations;
DROP TABLE jobs;
DROP FUNCTION jobs_notify_queued();
