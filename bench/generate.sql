-- Benchmark data set: one department (BENCH) with :units reporting units, :indicators
-- indicators, :periods quarterly periods ending with an open one, every unit reporting in
-- every period with a value per indicator, and 1 to 4 submitted versions per submission.
--
--   psql -v units=5000 -v indicators=40 -v periods=8 -v tasks=5000 -f bench/generate.sql "$DATABASE_URL"
--
-- It also writes an issued CCHC plan (KH-BENCH) with :tasks tasks over the eight content areas,
-- led by 50 of the units with two coordinating units each, deadlines from three months ago to
-- three months ahead, about 40 % confirmed done (some late), a few extended, some ongoing.
--
-- And a PAR Index round (issue 17): a published criteria set of 100 criteria (10 areas of 9
-- scored criteria, 100 points; two criteria computed from the first indicator of the open
-- period) and a self-assessment round TDG-BENCH whose 88 proposed parts go to 30 units, two
-- thirds of them citing a registry document.
--
-- Runs against a freshly migrated, empty database in one transaction. Random figures come from
-- a fixed seed, so two runs give the same data.
\set ON_ERROR_STOP on
BEGIN;
SELECT setseed(0.42);

INSERT INTO units (code, name, kind)
VALUES ('BENCH', 'Sở Thử nghiệm Hiệu năng', 'department');

INSERT INTO units (code, name, kind, parent_id)
SELECT format('U%s', lpad(n::text, 5, '0')),
       format('Phòng thử nghiệm số %s', n),
       'division',
       (SELECT id FROM units WHERE code = 'BENCH')
FROM generate_series(1, :units) AS n;

-- A head and two focal persons per unit: 2 reminders per unit per step.
INSERT INTO unit_contacts (unit_id, role, name, email, sort_order)
SELECT u.id, c.role, c.name || ' ' || u.code, lower(u.code) || c.suffix || '@bench.invalid', c.sort_order
FROM units u
CROSS JOIN (VALUES ('head', 'Trưởng phòng', '.head', 0),
                   ('focal_person', 'Đầu mối CCHC', '.focal1', 1),
                   ('focal_person', 'Đầu mối CCHC', '.focal2', 2)) AS c(role, name, suffix, sort_order)
WHERE u.code <> 'BENCH';

-- Kinds in a realistic mix: half rates, then counts, amounts and yes/no.
INSERT INTO indicators (code, name, content_area, kind, unit_of_measure, target_comparator, target_threshold, tolerance,
                        aggregation)
SELECT format('CT-%s', lpad(n::text, 2, '0')),
       format('Chỉ tiêu thử nghiệm %s', n),
       'administrative_procedure_reform',
       k.kind,
       k.uom,
       CASE WHEN k.kind = 'ratio' THEN 'gte' END,
       CASE WHEN k.kind = 'ratio' THEN 90 END,
       CASE WHEN k.kind = 'ratio' THEN 1 ELSE 0 END,
       -- The default rule of each kind (no decimal here is in percent).
       CASE WHEN k.kind = 'ratio' THEN 'pooled' ELSE 'sum' END
FROM generate_series(1, :indicators) AS n
CROSS JOIN LATERAL (
    SELECT CASE
        WHEN n % 10 < 5 THEN 'ratio'
        WHEN n % 10 < 7 THEN 'count'
        WHEN n % 10 < 9 THEN 'decimal'
        ELSE 'boolean' END AS kind
) kk
CROSS JOIN LATERAL (
    SELECT kk.kind,
           CASE kk.kind WHEN 'ratio' THEN '%' WHEN 'count' THEN 'hồ sơ' WHEN 'decimal' THEN 'triệu đồng' END AS uom
) k;

INSERT INTO indicator_versions (indicator_id, version, code, name, description, content_area, kind,
                                unit_of_measure, target_comparator, target_threshold, tolerance,
                                evidence_required, aggregation, aggregation_weight)
SELECT id, 1, code, name, description, content_area, kind, unit_of_measure, target_comparator,
       target_threshold, tolerance, evidence_required, aggregation, aggregation_weight
FROM indicators;

-- Quarterly periods ending with 2026-Q4 (open); the earlier ones are closed.
INSERT INTO periods (code, title, report_type, frequency, year, sequence, data_from, data_to,
                     window_source, requested_deadline, deadline, status, policy, opened_at, closed_at)
SELECT format('%s-Q%s', y, q),
       format('Báo cáo CCHC Quý %s/%s', q, y),
       'periodic', 'quarterly', y, q,
       make_date(y, q * 3 - 2, 1) - 17,
       make_date(y, q * 3, 14),
       'decree_09',
       make_date(y, q * 3, 15) + time '16:30' - interval '7 hours',
       make_date(y, q * 3, 15) + time '16:30' - interval '7 hours',
       CASE WHEN i = :periods THEN 'open' ELSE 'closed' END,
       '{"reminder_working_days_before":[5,2,0],"reminder_time":"08:00","deadline_day_reminder_time":"14:00","office_hours_start":"07:30","office_hours_end":"17:00","escalate_to_head_after_minutes":60,"escalate_to_leadership_after_working_days":2,"early_margin_working_days":1}',
       make_date(y, q * 3 - 2, 1),
       CASE WHEN i = :periods THEN NULL ELSE make_date(y, q * 3, 28) END
FROM generate_series(1, :periods) AS i
CROSS JOIN LATERAL (
    SELECT 2026 - (:periods - i) / 4 AS y, 4 - (:periods - i) % 4 AS q
) yq;

INSERT INTO period_indicators (period_id, indicator_id, indicator_version_id, sort_order)
SELECT p.id, v.indicator_id, v.id, row_number() OVER (PARTITION BY p.id ORDER BY v.code)
FROM periods p CROSS JOIN indicator_versions v;

INSERT INTO period_units (period_id, unit_id)
SELECT p.id, u.id FROM periods p CROSS JOIN units u WHERE u.code <> 'BENCH';

-- Closed periods: every unit submitted and was accepted. The open period: 60 % submitted,
-- 10 % still drafting, 30 % not started (those get reminders). Every time lies in the past, as
-- in a real database: the open period's reports were sent in the days before the run (a
-- report sent "later than now" would make every board look back in time).
INSERT INTO submissions (period_id, unit_id, status, narrative, revision, first_submitted_at,
                         first_timeliness, first_minutes_late, last_submitted_at, submit_count,
                         accepted_at, created_at, updated_at)
SELECT p.id, u.id,
       CASE WHEN p.status = 'closed' THEN 'accepted' WHEN r < 0.6 THEN 'submitted' ELSE 'draft' END,
       'Báo cáo kết quả thực hiện công tác cải cách hành chính của ' || u.name,
       1 + versions,
       CASE WHEN sent THEN t END,
       CASE WHEN sent THEN
            CASE WHEN minutes_early < 0 THEN 'late' WHEN minutes_early >= 1440 THEN 'early' ELSE 'on_time' END END,
       CASE WHEN sent THEN greatest(0, -minutes_early) END,
       CASE WHEN sent THEN greatest(t, least(p.deadline - make_interval(mins => (r * 10000)::int), now())) END,
       CASE WHEN sent THEN versions ELSE 0 END,
       CASE WHEN p.status = 'closed' THEN p.deadline + interval '3 days' END,
       least(p.deadline - interval '20 days', now() - interval '20 days'),
       least(p.deadline - interval '1 day', now())
FROM periods p
CROSS JOIN units u
CROSS JOIN LATERAL (SELECT random() + u.id * 0 AS r, 1 + floor(random() * 4)::int + u.id * 0 AS versions) rr
CROSS JOIN LATERAL (
    SELECT p.status = 'closed' OR rr.r < 0.6 AS sent,
           CASE WHEN p.status = 'closed'
                THEN p.deadline - make_interval(mins => (rr.r * 20000)::int - 2000)
                ELSE least(p.deadline - make_interval(mins => (rr.r * 20000)::int - 2000),
                           now() - make_interval(mins => 60 + (rr.r * 20000)::int)) END AS t
) st
CROSS JOIN LATERAL (SELECT floor(extract(epoch FROM p.deadline - st.t) / 60)::int AS minutes_early) me
WHERE u.code <> 'BENCH' AND (p.status = 'closed' OR rr.r < 0.7)
-- Ids in period order: each period's submissions get one contiguous id range (bench/run's
-- pgbench scripts pick random ids in a range).
ORDER BY p.id, u.id;

INSERT INTO submission_values (submission_id, indicator_id, numerator, denominator, number, flag)
SELECT s.id, i.id,
       CASE WHEN i.kind = 'ratio' THEN d - floor(random() * (d * 0.2 + 1)) END,
       CASE WHEN i.kind = 'ratio' THEN d END,
       CASE WHEN i.kind = 'count' THEN floor(random() * 500)
            WHEN i.kind = 'decimal' THEN round((random() * 1000)::numeric, 2) END,
       CASE WHEN i.kind = 'boolean' THEN random() < 0.8 END
FROM submissions s
CROSS JOIN indicators i
CROSS JOIN LATERAL (SELECT 20 + floor(random() * 300) + i.id * 0 + s.id * 0 AS d) dd;

-- What was submitted, each time (~2.5 versions per submitted report).
INSERT INTO submission_versions (submission_id, version, submitted_at, submitted_by, timeliness,
                                 minutes_late, deadline, content, changes)
SELECT s.id, v, least(s.first_submitted_at + (v - 1) * interval '1 day', now()), 'bench generator',
       s.first_timeliness, s.first_minutes_late, p.deadline,
       jsonb_build_object('narrative', s.narrative), '{}'::jsonb
FROM submissions s
JOIN periods p ON p.id = s.period_id
CROSS JOIN LATERAL generate_series(1, s.submit_count) AS v
WHERE s.submit_count > 0;

-- The plan and its tasks (the 5,000-task board of issue 16).
INSERT INTO plans (code, year, title, status, created_at, updated_at, issued_at)
VALUES ('KH-BENCH', 2026, 'Kế hoạch cải cách hành chính năm 2026 (benchmark)', 'issued',
        now() - interval '120 days', now() - interval '120 days', now() - interval '120 days');

CREATE TEMP TABLE bench_leads AS
SELECT id, row_number() OVER (ORDER BY id) AS n
FROM units WHERE code <> 'BENCH' ORDER BY id LIMIT 50;

INSERT INTO tasks (plan_id, code, title, content_area, lead_unit_id, expected_output, due,
                   deadline, reports_every, working_day_ends, extended_due, extended_deadline,
                   progress_percent, last_progress_at, completion, declared_at, confirmed_at,
                   created_at, updated_at)
SELECT pl.id, format('%s.%s', 1 + k % 8, k), format('Nhiệm vụ cải cách hành chính số %s', k),
       (ARRAY['institutional_reform', 'administrative_procedure_reform', 'organizational_reform',
              'civil_service_quality', 'public_finance_reform', 'digital_government',
              'communication', 'inspection'])[1 + k % 8],
       l.id, 'Báo cáo kết quả',
       CASE WHEN ongoing THEN '{"kind": "recurring", "every": "month"}'::jsonb
            ELSE jsonb_build_object('kind', 'date', 'date', to_char(dl AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD')) END,
       CASE WHEN ongoing THEN NULL ELSE dl END,
       CASE WHEN ongoing THEN 'month' END,
       '17:00',
       CASE WHEN extended THEN jsonb_build_object('kind', 'date', 'date', to_char((dl + interval '30 days') AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD')) END,
       CASE WHEN extended THEN dl + interval '30 days' END,
       CASE WHEN done THEN 100 ELSE floor(r * 90)::int END,
       CASE WHEN ongoing AND r < 0.5 THEN now() - interval '3 days' END,
       CASE WHEN done THEN 'confirmed' ELSE 'open' END,
       CASE WHEN done THEN dl + (r - 0.8) * interval '20 days' END,
       CASE WHEN done THEN dl + (r - 0.7) * interval '20 days' END,
       now() - interval '120 days', now() - interval '1 day'
FROM plans pl
CROSS JOIN generate_series(1, :tasks) AS g(k)
CROSS JOIN LATERAL (SELECT random() + k * 0 AS r) rr
CROSS JOIN LATERAL (
    SELECT date_trunc('day', now() - interval '90 days' + random() * interval '180 days')
               + interval '10 hours' + k * interval '0' AS dl,
           k % 20 = 0 AS ongoing
) d
CROSS JOIN LATERAL (
    SELECT NOT d.ongoing AND d.dl < now() AND rr.r < 0.8 AS done,
           NOT d.ongoing AND k % 25 = 1 AS extended
) f
JOIN bench_leads l ON l.n = 1 + k % 50
WHERE pl.code = 'KH-BENCH';

INSERT INTO task_units (task_id, unit_id)
SELECT t.id, l.id
FROM tasks t
JOIN bench_leads lead ON lead.id = t.lead_unit_id
JOIN bench_leads l ON l.n IN (1 + lead.n % 50, 1 + (lead.n + 7) % 50)
WHERE l.id <> t.lead_unit_id;

-- The PAR Index round of issue 17.
INSERT INTO documents (number_symbol, number, document_type, issuer, issued_on, issue_year,
                       issuing_agency, agency_key, subject, direction, source, status,
                       created_at, updated_at)
VALUES ('15/KH-BENCH', 15, 'KH', 'BENCH', '2026-01-15', 2026, 'Sở Thử nghiệm Hiệu năng',
        'sở thử nghiệm hiệu năng', 'Kế hoạch cải cách hành chính năm 2026', 'outgoing', 'manual',
        'registered', now(), now());

INSERT INTO criteria_sets (code, year, title, status, restored_share_percent, ranking_classes,
                           published_at, created_at, updated_at)
VALUES ('PAR-BENCH', 2026, 'Bộ tiêu chí Chỉ số CCHC (benchmark)', 'published', 70,
        '[{"label": "Tốt", "min_points": 90}, {"label": "Khá", "min_points": 80}]', now(), now(), now());

INSERT INTO criteria (set_id, position, code, parent_id, depth, title, max_points)
SELECT s.id, (a - 1) * 10 + 1, a::text, NULL, 1, format('Lĩnh vực %s', a), 10
FROM criteria_sets s CROSS JOIN generate_series(1, 10) AS a
WHERE s.code = 'PAR-BENCH';

INSERT INTO criteria (set_id, position, code, parent_id, depth, title, max_points, scoring)
SELECT p.set_id, p.position + l, format('%s.%s', p.code, l), p.id, 2,
       format('Tiêu chí %s.%s', p.code, l), CASE WHEN l = 9 THEN 2 ELSE 1 END,
       CASE
           WHEN l = 1 AND p.code IN ('1', '2') THEN jsonb_build_object(
               'method', 'indicator',
               'indicator_code', (SELECT code FROM indicators ORDER BY id LIMIT 1),
               'period_code', (SELECT code FROM periods WHERE status = 'open'),
               'thresholds', '[{"at_least": 50, "points": 0.5}, {"at_least": 90, "points": 1}]'::jsonb)
           WHEN l % 3 = 0 THEN jsonb_build_object('method', 'levels', 'levels', jsonb_build_array(
               jsonb_build_object('label', 'Đầy đủ', 'points', CASE WHEN l = 9 THEN 2 ELSE 1 END),
               jsonb_build_object('label', 'Chưa đầy đủ', 'points', 0.5),
               jsonb_build_object('label', 'Không thực hiện', 'points', 0)))
           ELSE '{"method": "entered"}'::jsonb
       END
FROM criteria p CROSS JOIN generate_series(1, 9) AS l
WHERE p.depth = 1 AND p.set_id = (SELECT id FROM criteria_sets WHERE code = 'PAR-BENCH');

INSERT INTO assessments (code, year, title, criteria_set_id, units_due_at, send_due_at, status,
                         created_at, updated_at)
SELECT 'TDG-BENCH', 2026, 'Tự đánh giá Chỉ số CCHC năm 2026 (benchmark)', id,
       now() + interval '10 days', now() + interval '20 days', 'open', now(), now()
FROM criteria_sets WHERE code = 'PAR-BENCH';

CREATE TEMP TABLE bench_par_units AS
SELECT id, row_number() OVER (ORDER BY id) AS n
FROM units WHERE code <> 'BENCH' ORDER BY id LIMIT 30;

INSERT INTO assessment_items (assessment_id, criterion_id, unit_id, status, self_points,
                              level_index, proposed_at, proposed_by)
SELECT a.id, c.id,
       CASE WHEN c.scoring ->> 'method' = 'indicator' THEN NULL ELSE u.id END,
       CASE WHEN c.scoring ->> 'method' = 'indicator' THEN 'pending'
            WHEN c.position % 4 = 0 THEN 'accepted' ELSE 'proposed' END,
       CASE WHEN c.scoring ->> 'method' = 'indicator' THEN NULL ELSE c.max_points END,
       CASE WHEN c.scoring ->> 'method' = 'levels' THEN 0 END,
       CASE WHEN c.scoring ->> 'method' = 'indicator' THEN NULL ELSE now() END,
       CASE WHEN c.scoring ->> 'method' = 'indicator' THEN NULL ELSE 'bench' END
FROM assessments a
JOIN criteria c ON c.set_id = a.criteria_set_id AND c.scoring IS NOT NULL
JOIN bench_par_units u ON u.n = 1 + c.position % 30
WHERE a.code = 'TDG-BENCH';

INSERT INTO assessment_evidence (item_id, position, document_id, section, page)
SELECT i.id, 1, (SELECT id FROM documents WHERE number_symbol = '15/KH-BENCH'),
       'Mục II', CASE WHEN i.criterion_id % 2 = 0 THEN 3 END
FROM assessment_items i
WHERE i.assessment_id = (SELECT id FROM assessments WHERE code = 'TDG-BENCH')
  AND i.self_points IS NOT NULL AND i.criterion_id % 3 <> 0;

COMMIT;
ANALYZE;
