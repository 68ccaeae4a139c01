-- Baseline for (c) GET /api/v1/periods/{id}/compliance: the compliance aggregate of the open
-- period in SQL: every participating unit left-joined to its submission, counted by standing
-- (reported early / on time / late, not reported) and status. The endpoint returns, besides
-- these totals, one row per unit (5,000 at full scale) with its standing and escalation level.
-- Variables from bench/run: period = the open period's id.
SELECT count(*) AS expected,
       count(s.first_submitted_at) AS reported,
       count(*) FILTER (WHERE s.first_timeliness = 'early') AS early,
       count(*) FILTER (WHERE s.first_timeliness = 'on_time') AS on_time,
       count(*) FILTER (WHERE s.first_timeliness = 'late') AS late,
       count(*) FILTER (WHERE s.first_submitted_at IS NULL) AS not_reported,
       count(*) FILTER (WHERE s.status = 'accepted') AS accepted,
       count(*) FILTER (WHERE s.status = 'returned') AS returned,
       count(*) FILTER (WHERE s.first_submitted_at IS NULL AND now() > p.deadline) AS missing
FROM period_units pu
JOIN periods p ON p.id = pu.period_id
LEFT JOIN submissions s ON s.period_id = pu.period_id AND s.unit_id = pu.unit_id
WHERE pu.period_id = :period;
