-- Baseline for (a) GET /api/v1/submissions/{id}: the primary-key select of the submission and
-- the select of its values by primary-key prefix (submission_values (submission_id,
-- indicator_id)), i.e. the two reads that carry the row data the endpoint returns. The endpoint
-- also reads the token, the period, the unit, the period's indicators, evidence, attachments,
-- documents and the extension (about ten statements in all); those are not in the baseline.
-- Variables from bench/run: lo, hi = the smallest and largest submission id.
\set id random(:lo, :hi)
SELECT id, period_id, unit_id, status, narrative, revision, first_submitted_at,
       first_timeliness, first_minutes_late, last_submitted_at, submit_count, return_reason,
       returned_at, accepted_at, created_at, updated_at
FROM submissions WHERE id = :id;
SELECT submission_id, indicator_id, numerator, denominator, number, flag, text_value,
       not_applicable, system_value, system_value_source, explanation, note
FROM submission_values WHERE submission_id = :id;
