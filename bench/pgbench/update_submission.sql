-- Baseline for (b) PATCH /api/v1/submissions/{id}: one single-row update by primary key, as
-- the endpoint's last write does (new revision, updated_at), autocommitted. The row is a random
-- submission of the open period (drafts and submitted ones alike: the cost of the update does
-- not depend on the status). The endpoint itself runs a transaction with a SELECT … FOR UPDATE,
-- the reads of GET, a delete and insert per changed value, this update and an audit insert,
-- then reads the submission again for the response.
-- Variables from bench/run: lo, hi = the open period's id range of submissions.
\set id random(:lo, :hi)
UPDATE submissions SET revision = revision + 1, updated_at = now() WHERE id = :id;
