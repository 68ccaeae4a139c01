//! The consolidated report by each indicator's aggregation rule (issue 19): a decimal measured
//! in % is averaged, not summed (12,5 % and 25,75 % make 19,125 %, short of "tăng tối thiểu
//! 20 %"); a weighted mean by a headcount leaves out the unit without one; a ratio judged on
//! its weakest unit; an amount not aggregated; and a period keeps the rule of the version it
//! pinned.
//!
//! Fixture: divisions KHTC, QLTM and TCHC of the department SCT report on period 2026-Q4;
//! their reports are submitted, and the report counts submitted ones (`include=submitted`).

use cchc_domain::model::token::Role;
use serde_json::{json, Value};

use crate::common::TestApp;

const UNITS: [&str; 3] = ["KHTC", "QLTM", "TCHC"];

async fn organisation(app: &TestApp) {
    app.unit("SCT", "department", None).await;
    for unit in UNITS {
        app.unit(unit, "division", Some("SCT")).await;
    }
    let indicators = [
        // The seed's "số hóa kết quả … tăng tối thiểu 20%": a decimal in %, by default the mean.
        json!({"code": "SOHOA-KQ-TANG", "kind": "decimal", "unit_of_measure": "%",
               "target": {"comparator": "gte", "threshold": 20}}),
        json!({"code": "CCVC-SOLUONG", "kind": "count", "unit_of_measure": "người"}),
        // The share of staff trained, weighted by each unit's headcount.
        json!({"code": "DAOTAO-TL", "kind": "decimal", "unit_of_measure": "%",
               "aggregation": "weighted_mean", "aggregation_weight": "CCVC-SOLUONG",
               "target": {"comparator": "gte", "threshold": 60}}),
        // On-time dossiers, judged on the weakest unit.
        json!({"code": "TL-DUNGHAN", "kind": "ratio", "aggregation": "min",
               "target": {"comparator": "gte", "threshold": 90}}),
        // An amount nobody adds up.
        json!({"code": "KP-CCHC", "kind": "decimal", "unit_of_measure": "triệu đồng",
               "aggregation": "none", "target": {"comparator": "lte", "threshold": 100}}),
    ];
    for mut indicator in indicators {
        indicator["name"] = json!(format!("Chỉ tiêu {}", indicator["code"].as_str().unwrap()));
        indicator["content_area"] = json!("administrative_procedure_reform");
        app.post("/api/v1/indicators", indicator).await.expect(201);
    }
}

/// The open period 2026-Q4 over every indicator and unit; its id.
async fn open_period(app: &TestApp) -> i64 {
    organisation(app).await;
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
                "deadline": "2026-12-15T16:30:00+07:00",
                "indicator_codes": ["SOHOA-KQ-TANG", "CCVC-SOLUONG", "DAOTAO-TL", "TL-DUNGHAN", "KP-CCHC"],
                "unit_codes": UNITS,
            }),
        )
        .await
        .expect(201);
    let period = period["id"].as_i64().unwrap();
    app.post(&format!("/api/v1/periods/{period}/open"), json!({}))
        .await
        .expect(200);
    period
}

/// The unit's reporter files `values` and submits.
async fn report(app: &TestApp, period: i64, unit: &str, values: Value) {
    let token = app.token(Role::Reporter, Some(unit)).await;
    let draft = app
        .post_as(
            &token,
            &format!("/api/v1/periods/{period}/submissions"),
            json!({}),
        )
        .await
        .expect(201);
    let path = format!("/api/v1/submissions/{}", draft["id"]);
    let saved = app
        .client
        .patch(format!("{}{path}", app.base_url))
        .bearer_auth(&token)
        .header("if-match", "*")
        .json(&json!({"values": values}))
        .send()
        .await
        .expect("request");
    assert!(
        saved.status().is_success(),
        "{}",
        saved.text().await.unwrap()
    );
    let submitted = app
        .post_as(&token, &format!("{path}/submit"), json!({}))
        .await
        .expect(200);
    assert_eq!(submitted["status"], "submitted");
}

fn not_applicable() -> Value {
    json!({"not_applicable": true, "explanation": "Đơn vị không theo dõi chỉ tiêu này trong kỳ."})
}

/// The three reports.
async fn file_reports(app: &TestApp, period: i64) {
    report(
        app,
        period,
        "KHTC",
        json!({
            "SOHOA-KQ-TANG": {"number": 12.5},
            "CCVC-SOLUONG": {"number": 10},
            "DAOTAO-TL": {"number": 80},
            "TL-DUNGHAN": {"numerator": 95, "denominator": 100},
            "KP-CCHC": {"number": 40},
        }),
    )
    .await;
    report(
        app,
        period,
        "QLTM",
        json!({
            "SOHOA-KQ-TANG": {"number": 25.75},
            "CCVC-SOLUONG": {"number": 30},
            "DAOTAO-TL": {"number": 50},
            "TL-DUNGHAN": {"numerator": 45, "denominator": 50},
            "KP-CCHC": {"number": 70},
        }),
    )
    .await;
    // TCHC does not count its rise in digitisation nor its headcount.
    report(
        app,
        period,
        "TCHC",
        json!({
            "SOHOA-KQ-TANG": not_applicable(),
            "CCVC-SOLUONG": not_applicable(),
            "DAOTAO-TL": {"number": 100},
            "TL-DUNGHAN": {"numerator": 27, "denominator": 30},
            "KP-CCHC": {"number": 10},
        }),
    )
    .await;
}

async fn consolidation(app: &TestApp, period: i64) -> Value {
    app.get(&format!(
        "/api/v1/periods/{period}/consolidation?include=submitted&breakdown=true"
    ))
    .await
    .expect(200)
}

fn indicator<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {report:#}"))
}

fn unit_figure(unit: &str, figure: f64) -> Value {
    json!({"unit_code": unit, "figure": figure})
}

#[actix_web::test]
async fn each_indicator_is_consolidated_by_its_rule() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    file_reports(&app, period).await;
    let report = consolidation(&app, period).await;
    assert_eq!(report["units"], json!(UNITS));

    // 12,5 % and 25,75 %: the mean 19,125 %, short of ≥ 20 % (the sum said 38,25 %, "Đạt").
    let digitised = indicator(&report, "SOHOA-KQ-TANG");
    assert_eq!(digitised["aggregation"], "mean");
    assert_eq!(digitised["aggregation_weight"], Value::Null);
    assert_eq!(digitised["value"], 19.125);
    assert_eq!(digitised["target_met"], false);
    assert_eq!(digitised["units_reporting"], 2, "TCHC's does not apply");
    assert_eq!(digitised["lowest"], unit_figure("KHTC", 12.5));
    assert_eq!(digitised["highest"], unit_figure("QLTM", 25.75));

    // The headcount is summed.
    let headcount = indicator(&report, "CCVC-SOLUONG");
    assert_eq!(headcount["aggregation"], "sum");
    assert_eq!(headcount["value"], 40.0);

    // (80 × 10 + 50 × 30) / 40 = 57,5 %: TCHC, without a headcount, is left out of the mean
    // (the plain mean of 80, 50 and 100 would say 76,67 % and meet ≥ 60 %).
    let trained = indicator(&report, "DAOTAO-TL");
    assert_eq!(trained["aggregation"], "weighted_mean");
    assert_eq!(trained["aggregation_weight"], "CCVC-SOLUONG");
    assert_eq!(trained["value"], 57.5);
    assert_eq!(trained["target_met"], false);
    assert_eq!(trained["units_reporting"], 3);
    assert_eq!(trained["highest"], unit_figure("TCHC", 100.0));

    // 95 %, 90 % and 90 %: the weakest is 90 %, QLTM before TCHC on the tie; the sums stay.
    let on_time = indicator(&report, "TL-DUNGHAN");
    assert_eq!(on_time["aggregation"], "min");
    assert_eq!(on_time["value"], 90.0);
    assert_eq!(on_time["target_met"], true);
    assert_eq!(on_time["lowest"], unit_figure("QLTM", 90.0));
    assert_eq!(on_time["numerator_sum"], 167.0);
    assert_eq!(on_time["denominator_sum"], 180.0);

    // Not aggregated: no figure and no verdict, the units' figures still listed.
    let spending = indicator(&report, "KP-CCHC");
    assert_eq!(spending["aggregation"], "none");
    assert_eq!(spending["value"], Value::Null);
    assert_eq!(spending["target_met"], Value::Null);
    assert_eq!(spending["units_reporting"], 3);
    assert_eq!(spending["lowest"], unit_figure("TCHC", 10.0));
    assert_eq!(spending["highest"], unit_figure("QLTM", 70.0));
    let figures: Vec<&Value> = spending["breakdown"]
        .as_array()
        .unwrap()
        .iter()
        .map(|unit| &unit["figure"])
        .collect();
    assert_eq!(figures, [&json!(40.0), &json!(70.0), &json!(10.0)]);

    // The cached report (no breakdown) says the same.
    let cached = app
        .get(&format!(
            "/api/v1/periods/{period}/consolidation?include=submitted"
        ))
        .await
        .expect(200);
    for code in ["SOHOA-KQ-TANG", "DAOTAO-TL", "KP-CCHC"] {
        assert_eq!(
            indicator(&cached, code)["value"],
            indicator(&report, code)["value"]
        );
    }
}

/// The rule belongs to the indicator's version: an open period keeps the one it pinned.
#[actix_web::test]
async fn a_period_keeps_the_rule_of_the_version_it_pinned() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    file_reports(&app, period).await;
    let found = app
        .get("/api/v1/indicators?q=SOHOA-KQ-TANG")
        .await
        .expect(200);
    let id = found["items"][0]["id"].as_i64().unwrap();
    let changed = app
        .patch(
            &format!("/api/v1/indicators/{id}"),
            json!({"aggregation": "max"}),
        )
        .await
        .expect(200);
    assert_eq!(
        (changed["aggregation"].as_str(), changed["version"].as_i64()),
        (Some("max"), Some(2))
    );

    let report = consolidation(&app, period).await;
    let digitised = indicator(&report, "SOHOA-KQ-TANG");
    assert_eq!(
        digitised["aggregation"], "mean",
        "version 1, as the period pinned it"
    );
    assert_eq!(digitised["value"], 19.125);
}
