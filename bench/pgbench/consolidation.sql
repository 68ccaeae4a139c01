-- Baseline for (d) GET /api/v1/periods/{id}/consolidation?include=submitted: the consolidation
-- aggregate in SQL: per indicator of the open period, over its submitted and accepted reports,
-- the number of reporting units, Σ numerators and Σ denominators (and sum, min, max of the
-- plain numbers). The endpoint returns, besides these sums, each unit's contribution to each
-- indicator (3,000 × 40 at full scale) and the discrepancies.
-- Variables from bench/run: period = the open period's id.
SELECT v.indicator_id,
       count(*) AS units_reporting,
       sum(v.numerator) AS numerator_sum,
       sum(v.denominator) AS denominator_sum,
       sum(v.number) AS number_sum,
       min(v.number) AS number_min,
       max(v.number) AS number_max,
       count(*) FILTER (WHERE v.flag) AS flags_true
FROM submissions s
JOIN submission_values v ON v.submission_id = s.id
WHERE s.period_id = :period AND s.status IN ('submitted', 'accepted')
GROUP BY v.indicator_id
ORDER BY v.indicator_id;
