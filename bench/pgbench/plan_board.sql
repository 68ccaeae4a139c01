-- Baseline for (f) GET /api/v1/plans/{id}/board: the plan's tasks counted by status per lead
-- unit and per content area in SQL, the status derived with a CASE (the API derives it with
-- the working-day calendar, counts "due soon" in working days and judges ongoing work by its
-- progress reports; the SQL approximates both). The endpoint also answers the totals, the
-- on-time rates and the plan's targets.
-- Variables from bench/run: plan = the plan's id.
WITH t AS (
    SELECT lead_unit_id, content_area,
           CASE
               WHEN completion = 'confirmed' THEN
                   CASE WHEN coalesce(extended_deadline, deadline) IS NULL
                             OR declared_at <= coalesce(extended_deadline, deadline)
                        THEN 'done_on_time' ELSE 'done_late' END
               WHEN coalesce(extended_deadline, deadline) IS NULL THEN 'in_progress'
               WHEN now() > coalesce(extended_deadline, deadline) THEN 'overdue'
               WHEN coalesce(extended_deadline, deadline) < now() + interval '7 days' THEN 'due_soon'
               ELSE 'in_progress'
           END AS status
    FROM tasks
    WHERE plan_id = :plan
)
SELECT 'unit' AS axis, u.code AS key, u.name, t.status, count(*)
FROM t JOIN units u ON u.id = t.lead_unit_id
GROUP BY u.code, u.name, t.status
UNION ALL
SELECT 'area', t.content_area, NULL, t.status, count(*)
FROM t
GROUP BY t.content_area, t.status;
