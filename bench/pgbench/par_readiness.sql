-- Baseline for (g) GET /api/v1/assessments/{id}/readiness and /results: a round's parts with
-- their criteria, units and evidence in one query, counted and summed per area in SQL (the API
-- also reads the criteria set, derives each part's problems, reads the computed criteria's
-- consolidation through the board cache, and sums per area and per unit in Rust).
-- Variables from bench/run: assessment = the round's id.
SELECT split_part(c.code, '.', 1) AS area, u.code,
       count(*) AS criteria,
       count(*) FILTER (WHERE i.status = 'accepted') AS accepted,
       sum(c.max_points) AS max_points,
       sum(coalesce(i.self_points, 0)) AS self_points,
       sum(coalesce(i.self_points, 0)) FILTER (WHERE e.item_id IS NULL) AS points_at_risk
FROM assessment_items i
JOIN criteria c ON c.id = i.criterion_id
LEFT JOIN units u ON u.id = i.unit_id
LEFT JOIN LATERAL (
    SELECT item_id FROM assessment_evidence WHERE item_id = i.id LIMIT 1
) e ON true
WHERE i.assessment_id = :assessment
GROUP BY ROLLUP (split_part(c.code, '.', 1), u.code);
