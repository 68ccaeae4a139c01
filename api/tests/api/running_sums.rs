//! The running figures of issue 23: after random sequences of drafts, edits, submissions,
//! returns, acceptances and extensions over 20 units, the compliance board and the
//! consolidated report read from the maintained counts and sums are exactly what the
//! from-scratch computation (`reference_*`) gives, JSON for JSON, and so is a rebuild.

use cchc_app::repo::submissions::{reference_compliance, reference_consolidation};
use cchc_domain::model::submission::{ConsolidationQuery, ConsolidationScope, Standing};
use chrono::{DateTime, Duration, Utc};
use diesel_async::RunQueryDsl;
use serde_json::{json, Value};

use crate::common::{config_of, TestApp};

/// A small seeded generator (xorshift64*): the same sequence on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const DEADLINE: &str = "2026-12-15T16:30:00+07:00";

fn unit_code(i: usize) -> String {
    format!("PX{:02}", 20 - i)
}

async fn organisation(app: &TestApp) {
    app.unit("UBND", "department", None).await;
    for i in 0..20 {
        app.unit(&unit_code(i), "division", Some("UBND")).await;
    }
    let indicators = [
        json!({"code": "TL-CHUNG", "kind": "ratio", "target": {"comparator": "gte", "threshold": 80}}),
        json!({"code": "TL-THAPNHAT", "kind": "ratio", "aggregation": "min",
               "target": {"comparator": "gte", "threshold": 50}}),
        json!({"code": "SL-CCVC", "kind": "count", "unit_of_measure": "người"}),
        json!({"code": "PT-SOHOA", "kind": "decimal", "unit_of_measure": "%",
               "target": {"comparator": "gte", "threshold": 40}}),
        json!({"code": "PT-DAOTAO", "kind": "decimal", "unit_of_measure": "%",
               "aggregation": "weighted_mean", "aggregation_weight": "SL-CCVC"}),
        json!({"code": "CO-MOTCUA", "kind": "boolean",
               "target": {"comparator": "eq", "threshold": 1}}),
        json!({"code": "GHI-CHU", "kind": "text"}),
        json!({"code": "KP-CAONHAT", "kind": "decimal", "unit_of_measure": "triệu đồng",
               "aggregation": "max"}),
        json!({"code": "KP-TONG", "kind": "count", "aggregation": "none"}),
    ];
    for mut indicator in indicators {
        indicator["name"] = json!(format!("Chỉ tiêu {}", indicator["code"].as_str().unwrap()));
        indicator["content_area"] = json!("administrative_procedure_reform");
        app.post("/api/v1/indicators", indicator).await.expect(201);
    }
}

const CODES: [&str; 9] = [
    "TL-CHUNG",
    "TL-THAPNHAT",
    "SL-CCVC",
    "PT-SOHOA",
    "PT-DAOTAO",
    "CO-MOTCUA",
    "GHI-CHU",
    "KP-CAONHAT",
    "KP-TONG",
];

/// A random report: every indicator answered, some not applicable, some with the system's
/// figure.
fn values(rng: &mut Rng) -> Value {
    let mut values = serde_json::Map::new();
    for code in CODES {
        let value = if rng.chance(8) {
            json!({"not_applicable": true, "explanation": "Đơn vị không theo dõi chỉ tiêu này."})
        } else {
            match code {
                "TL-CHUNG" | "TL-THAPNHAT" => {
                    let denominator = 1 + rng.below(12);
                    let numerator = rng.below(denominator + 1);
                    let mut v = json!({"numerator": numerator, "denominator": denominator});
                    if rng.chance(30) {
                        v["system_value"] = json!(rng.below(101));
                        v["explanation"] = json!("Số liệu hệ thống chưa cập nhật.");
                    }
                    v
                }
                "SL-CCVC" | "KP-TONG" => json!({"number": rng.below(4) * 5}),
                "PT-SOHOA" | "PT-DAOTAO" => {
                    json!({"number": format!("{}.{:02}", rng.below(101), rng.below(100)).parse::<f64>().unwrap()})
                }
                "CO-MOTCUA" => json!({"flag": rng.chance(70)}),
                "GHI-CHU" => {
                    if rng.chance(30) {
                        json!({"text": "  "})
                    } else {
                        json!({"text": "Đã triển khai một cửa điện tử."})
                    }
                }
                _ => json!({"number": rng.below(3) * 100}),
            }
        };
        values.insert(code.to_owned(), value);
    }
    Value::Object(values)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    None,
    Draft,
    Submitted,
    Returned,
    Accepted,
}

async fn compare(app: &TestApp, period: i64, step: usize) {
    let mut conn = app.state.pool.get().await.expect("connection");
    for include in ["accepted", "submitted"] {
        let served = app
            .get(&format!(
                "/api/v1/periods/{period}/consolidation?include={include}"
            ))
            .await
            .expect(200);
        let query = ConsolidationQuery {
            include: Some(if include == "accepted" {
                ConsolidationScope::Accepted
            } else {
                ConsolidationScope::Submitted
            }),
            under: None,
        };
        let reference = reference_consolidation(&mut conn, period, &query, false)
            .await
            .expect("reference");
        assert_eq!(
            served,
            serde_json::to_value(&reference).unwrap(),
            "consolidation ({include}) at step {step}"
        );
    }
    let now: DateTime<Utc> = app.state.clock.now();
    let filters: [(Option<Standing>, &str); 6] = [
        (None, ""),
        (Some(Standing::Missing), "&standing=missing"),
        (Some(Standing::Pending), "&standing=pending"),
        (Some(Standing::OnTime), "&standing=on_time"),
        (Some(Standing::Late), "&standing=late"),
        (Some(Standing::Early), "&standing=early"),
    ];
    let earlier = now - Duration::hours(20);
    for (standing, query) in filters {
        // A board looking back before the latest submissions counts them as not yet in.
        let served = app
            .get(&format!(
                "/api/v1/periods/{period}/compliance?at={}{query}",
                crate::common::enc(&earlier.to_rfc3339())
            ))
            .await
            .expect(200);
        let reference = reference_compliance(&mut conn, period, earlier, standing, (1, 50))
            .await
            .expect("reference");
        assert_eq!(
            served,
            serde_json::to_value(&reference).unwrap(),
            "compliance {query} 20 hours back at step {step}"
        );
        for (page, per_page) in [(1, 50), (2, 7)] {
            let served = app
                .get(&format!(
                    "/api/v1/periods/{period}/compliance?page={page}&per_page={per_page}{query}"
                ))
                .await
                .expect(200);
            let reference =
                reference_compliance(&mut conn, period, now, standing, (page, per_page))
                    .await
                    .expect("reference");
            assert_eq!(
                served,
                serde_json::to_value(&reference).unwrap(),
                "compliance {query} page {page} at step {step}"
            );
        }
    }
}

#[actix_web::test]
async fn running_figures_match_a_fresh_computation_after_random_changes() {
    // Hundreds of reads a minute: above the default rate limit.
    let app = TestApp::spawn_with(config_of(&[("CCHC_RATE_LIMIT_PER_MINUTE", "1000000")])).await;
    organisation(&app).await;
    let units: Vec<String> = (0..20).map(unit_code).collect();
    let period = app
        .post(
            "/api/v1/periods",
            json!({
                "code": "2026-Q4",
                "title": "Báo cáo CCHC Quý IV/2026",
                "report_type": "periodic",
                "frequency": "quarterly",
                "year": 2026,
                "sequence": 4,
                "deadline": DEADLINE,
                "indicator_codes": CODES,
                "unit_codes": units,
            }),
        )
        .await
        .expect(201);
    let period = period["id"].as_i64().unwrap();
    app.post(&format!("/api/v1/periods/{period}/open"), json!({}))
        .await
        .expect(200);
    let start = DateTime::parse_from_rfc3339("2026-12-11T08:00:00+07:00")
        .unwrap()
        .with_timezone(&Utc);
    let deadline = DateTime::parse_from_rfc3339(DEADLINE)
        .unwrap()
        .with_timezone(&Utc);
    let mut rng = Rng(0x5eed_2026_1206_0023);
    let mut states = [State::None; 20];
    let mut ids = [0i64; 20];
    let (mut submits, mut returns, mut accepts, mut edits, mut extensions) = (0, 0, 0, 0, 0);
    compare(&app, period, 0).await;
    for step in 1..=300 {
        let now = start + Duration::minutes(25 * step as i64);
        app.clock.set(now);
        let u = usize::try_from(rng.below(20)).unwrap();
        let unit = &units[u];
        if rng.chance(6) {
            let later = deadline + Duration::hours(1 + i64::try_from(rng.below(72)).unwrap());
            app.post(
                &format!("/api/v1/periods/{period}/extensions"),
                json!({"unit_code": unit, "deadline": later.to_rfc3339(), "reason": "Phòng đang chờ số liệu."}),
            )
            .await
            .expect(200);
            extensions += 1;
        } else {
            match states[u] {
                State::None => {
                    let draft = app
                        .post(
                            &format!("/api/v1/periods/{period}/submissions"),
                            json!({"unit_code": unit}),
                        )
                        .await
                        .expect(201);
                    ids[u] = draft["id"].as_i64().unwrap();
                    states[u] = State::Draft;
                }
                State::Draft | State::Returned if rng.chance(40) => {
                    let saved = app
                        .client
                        .patch(format!("{}/api/v1/submissions/{}", app.base_url, ids[u]))
                        .bearer_auth(&app.admin)
                        .header("if-match", "*")
                        .json(&json!({"values": values(&mut rng)}))
                        .send()
                        .await
                        .expect("request");
                    assert!(
                        saved.status().is_success(),
                        "{}",
                        saved.text().await.unwrap()
                    );
                    edits += 1;
                }
                State::Draft | State::Returned => {
                    let answer = app
                        .post(&format!("/api/v1/submissions/{}/submit", ids[u]), json!({}))
                        .await;
                    if answer.status.is_success() {
                        states[u] = State::Submitted;
                        submits += 1;
                    } else {
                        // Not complete yet: the next edit fills it in.
                        answer.expect(422);
                    }
                }
                State::Submitted if rng.chance(40) => {
                    app.post(
                        &format!("/api/v1/submissions/{}/return", ids[u]),
                        json!({"reason": "Đề nghị rà soát lại số liệu."}),
                    )
                    .await
                    .expect(200);
                    states[u] = State::Returned;
                    returns += 1;
                }
                State::Submitted => {
                    app.post(&format!("/api/v1/submissions/{}/accept", ids[u]), json!({}))
                        .await
                        .expect(200);
                    states[u] = State::Accepted;
                    accepts += 1;
                }
                State::Accepted => {}
            }
        }
        if step % 3 == 0 {
            compare(&app, period, step).await;
        }
    }
    assert!(
        submits >= 20 && returns >= 5 && accepts >= 5 && edits >= 20 && extensions >= 5,
        "the sequence exercises every change: {submits} submits, {returns} returns, \
         {accepts} accepts, {edits} edits, {extensions} extensions"
    );
    let board = app
        .get(&format!("/api/v1/periods/{period}/compliance"))
        .await
        .expect(200);
    let report = app
        .get(&format!(
            "/api/v1/periods/{period}/consolidation?include=submitted"
        ))
        .await
        .expect(200);
    // The sequence left every kind of line to compare: late and missing units, accepted and
    // returned reports, discrepancies, ties for the lowest figure.
    for total in ["late", "missing", "accepted", "returned"] {
        assert!(board["totals"][total].as_u64().unwrap() > 0, "{total}");
    }
    assert!(!report["indicators"][0]["discrepancies"]
        .as_array()
        .unwrap()
        .is_empty());
    // A board looking back before the latest submission, far back.
    let earlier = start + Duration::hours(30);
    let mut conn = app.state.pool.get().await.expect("connection");
    let served = app
        .get(&format!(
            "/api/v1/periods/{period}/compliance?at={}",
            crate::common::enc(&earlier.to_rfc3339())
        ))
        .await
        .expect(200);
    let reference = reference_compliance(&mut conn, period, earlier, None, (1, 50))
        .await
        .unwrap();
    assert_eq!(served, serde_json::to_value(&reference).unwrap());
    // Sums rebuilt from scratch are the sums kept.
    let kept_submitted = cchc_db::running_sums::sums(&conn, period, false)
        .await
        .unwrap();
    cchc_db::running_sums::set_stale(&mut conn, period, true)
        .await
        .unwrap();
    drop(conn);
    compare(&app, period, 301).await;
    let conn = app.state.pool.get().await.expect("connection");
    let mut rebuilt = cchc_db::running_sums::sums(&conn, period, false)
        .await
        .unwrap();
    // An indicator nobody counts any more keeps a row of zeros; a rebuild has none.
    let mut kept: Vec<_> = kept_submitted
        .into_iter()
        .filter(|row| row.usable > 0 || row.texts > 0)
        .collect();
    rebuilt.sort_by_key(|row| row.indicator_id);
    kept.sort_by_key(|row| row.indicator_id);
    assert_eq!(kept, rebuilt);
    drop(conn);

    // A report moved outside the use cases (a script): its period's sums are marked stale and
    // rebuilt on the next read, the counts follow by trigger.
    let mut conn = app.state.pool.get().await.expect("connection");
    let moved = diesel::sql_query(
        "UPDATE submissions SET status = 'submitted' WHERE status = 'returned' AND period_id = $1",
    )
    .bind::<diesel::sql_types::BigInt, _>(period)
    .execute(&mut conn)
    .await
    .unwrap();
    assert!(moved > 0);
    let state = cchc_db::running_sums::state(&conn, period)
        .await
        .unwrap()
        .unwrap();
    assert!(state.consolidation_stale);
    // `migrate` rebuilds what is stale before anyone reads it: once.
    let rebuilt = cchc_app::repo::submissions::rebuild_stale_sums(&mut conn)
        .await
        .unwrap();
    assert_eq!(rebuilt, 1);
    let state = cchc_db::running_sums::state(&conn, period)
        .await
        .unwrap()
        .unwrap();
    assert!(!state.consolidation_stale);
    assert_eq!(
        cchc_app::repo::submissions::rebuild_stale_sums(&mut conn)
            .await
            .unwrap(),
        0
    );
    drop(conn);
    compare(&app, period, 302).await;
}
