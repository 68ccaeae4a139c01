//! The scenario of seed 000 end to end: Sở Công Thương's Q1/2023 report, deadline 16:30 on
//! 10/03/2023, through filing, timeliness, a refused discrepancy, a return and an acceptance.

use cchc_domain::model::token::Role;
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

use crate::common::{Answer, TestApp};

fn at(local: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(local)
        .unwrap()
        .with_timezone(&Utc)
}

/// A complete, consistent answer for every indicator of the period, with evidence where asked.
fn full_answers(period: &Value) -> (Value, Value) {
    let mut values = Map::new();
    let mut evidence = Vec::new();
    for indicator in period["indicators"].as_array().unwrap() {
        let code = indicator["code"].as_str().unwrap();
        let value = match indicator["kind"].as_str().unwrap() {
            "ratio" => json!({"numerator": 95, "denominator": 100}),
            "count" => json!({"number": 12}),
            "decimal" => json!({"number": 25.5}),
            "boolean" => json!({"flag": true}),
            _ => {
                json!({"text": "Triển khai mô hình một cửa điện tử tại Bộ phận tiếp nhận và trả kết quả."})
            }
        };
        values.insert(code.to_owned(), value);
        if indicator["evidence_required"] == true {
            evidence.push(json!({
                "indicator_code": code,
                "document_number": "125/QĐ-SCT",
                "title": "Quyết định công bố danh mục thủ tục hành chính",
                "section": "Mục II",
                "page": 3
            }));
        }
    }
    (Value::Object(values), Value::Array(evidence))
}

struct Unit {
    token: String,
    submission: i64,
    etag: String,
}

async fn start(app: &TestApp, period_id: i64, code: &str) -> Unit {
    let token = app.token(Role::Reporter, Some(code)).await;
    let created = app
        .post_as(
            &token,
            &format!("/api/v1/periods/{period_id}/submissions"),
            json!({}),
        )
        .await;
    let etag = created.headers["etag"].to_str().unwrap().to_owned();
    let body = created.expect(201);
    assert_eq!(body["unit_code"], code);
    assert_eq!(body["status"], "draft");
    Unit {
        token,
        submission: body["id"].as_i64().unwrap(),
        etag,
    }
}

async fn patch(app: &TestApp, token: &str, unit: &mut Unit, body: Value) -> Value {
    let answer = app
        .client
        .patch(format!(
            "{}/api/v1/submissions/{}",
            app.base_url, unit.submission
        ))
        .bearer_auth(token)
        .header("if-match", &unit.etag)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        answer.status().as_u16(),
        200,
        "{}",
        answer.text().await.unwrap()
    );
    unit.etag = answer.headers()["etag"].to_str().unwrap().to_owned();
    answer.json().await.unwrap()
}

async fn submit(app: &TestApp, unit: &Unit) -> Answer {
    app.post_as(
        &unit.token,
        &format!("/api/v1/submissions/{}/submit", unit.submission),
        json!({}),
    )
    .await
}

/// An app with the demo data, and its Q1/2023 period (id and answer).
async fn demo_q1_2023() -> (TestApp, i64, Value) {
    let app = TestApp::spawn().await;
    {
        let mut conn = app.state.pool.get().await.unwrap();
        cchc_app::demo::load(&mut conn, &app.state.config.default_policy)
            .await
            .unwrap();
    }
    let periods = app.get("/api/v1/periods?q=2023-Q1").await.expect(200);
    let period_id = periods["items"][0]["id"].as_i64().unwrap();
    let period = app
        .get(&format!("/api/v1/periods/{period_id}"))
        .await
        .expect(200);
    (app, period_id, period)
}

#[actix_web::test]
async fn quarter_one_2023_from_filing_to_acceptance() {
    let (app, period_id, period) = demo_q1_2023().await;
    assert_eq!(period["deadline"]["effective"], "2023-03-10T16:30:00+07:00");
    let (values, evidence) = full_answers(&period);

    // KHTC files one minute before the deadline: on time.
    let mut khtc = start(&app, period_id, "KHTC").await;
    let token = khtc.token.clone();
    patch(&app, &token, &mut khtc, json!({"narrative": "Báo cáo kết quả CCHC Quý I/2023 của Phòng Kế hoạch – Tài chính.", "values": values, "evidence": evidence})).await;
    app.clock.set(at("2023-03-10T16:29:00+07:00"));
    let submitted = submit(&app, &khtc).await.expect(200);
    assert_eq!(submitted["status"], "submitted");
    assert_eq!(submitted["timeliness"], "on_time");
    assert_eq!(submitted["minutes_late"], 0);
    khtc.etag = format!("\"{}.{}\"", submitted["id"], submitted["revision"]);

    // QLTM files one minute after: late by 1 minute.
    let mut qltm = start(&app, period_id, "QLTM").await;
    let token = qltm.token.clone();
    patch(
        &app,
        &token,
        &mut qltm,
        json!({"values": values, "evidence": evidence}),
    )
    .await;
    app.clock.set(at("2023-03-10T16:31:00+07:00"));
    let late = submit(&app, &qltm).await.expect(200);
    assert_eq!(late["timeliness"], "late");
    assert_eq!(late["minutes_late"], 1);

    // QLCNMT's on-time dossier rate differs from the province's system: refused without an
    // explanation, accepted with one.
    let mut qlcnmt = start(&app, period_id, "QLCNMT").await;
    let token = qlcnmt.token.clone();
    patch(
        &app,
        &token,
        &mut qlcnmt,
        json!({"values": values, "evidence": evidence}),
    )
    .await;
    let office = app.admin.clone();
    let with_system = patch(
        &app,
        &office,
        &mut qlcnmt,
        json!({"values": {"TTHC-DUNGHAN": {"numerator": 95, "denominator": 100, "system_value": 97.5}}}),
    )
    .await;
    let dossier = with_system["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["code"] == "TTHC-DUNGHAN")
        .unwrap()
        .clone();
    assert_eq!(dossier["percentage"], 95.0);
    assert_eq!(dossier["system_value_source"], "office");
    assert_eq!(dossier["discrepancy"], 2.5);
    assert_eq!(dossier["explanation_required"], true);
    app.clock.set(at("2023-03-09T10:00:00+07:00"));
    let refused = submit(&app, &qlcnmt)
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        Answer::fields(&refused),
        vec!["values.TTHC-DUNGHAN.explanation"]
    );
    assert_eq!(refused["errors"][0]["code"], "explanation_required");
    patch(
        &app,
        &token,
        &mut qlcnmt,
        json!({"values": {"TTHC-DUNGHAN": {"numerator": 95, "denominator": 100, "system_value": 97.5,
            "explanation": "02 hồ sơ tiếp nhận trực tiếp chưa được cập nhật lên Hệ thống thông tin giải quyết TTHC của tỉnh."}}}),
    )
    .await;
    let early = submit(&app, &qlcnmt).await.expect(200);
    assert_eq!(
        early["timeliness"], "early",
        "a working day ahead of the deadline"
    );

    // The Office returns KHTC's report; KHTC corrects a figure and resubmits after the
    // deadline, keeping its first timeliness.
    let returned = app
        .post(
            &format!("/api/v1/submissions/{}/return", khtc.submission),
            json!({"reason": "Đề nghị rà soát lại số hồ sơ trực tuyến mức độ 3, 4."}),
        )
        .await
        .expect(200);
    assert_eq!(returned["status"], "returned");
    khtc.etag = format!("\"{}.{}\"", returned["id"], returned["revision"]);
    let mine = app
        .get_as(
            &khtc.token,
            &format!("/api/v1/submissions/{}", khtc.submission),
        )
        .await
        .expect(200);
    assert_eq!(
        mine["return_reason"],
        "Đề nghị rà soát lại số hồ sơ trực tuyến mức độ 3, 4."
    );
    let token = khtc.token.clone();
    patch(
        &app,
        &token,
        &mut khtc,
        json!({"values": {"HS-TRUCTUYEN": {"numerator": 61, "denominator": 100}}}),
    )
    .await;
    app.clock.set(at("2023-03-13T09:00:00+07:00"));
    let resubmitted = submit(&app, &khtc).await.expect(200);
    assert_eq!(resubmitted["timeliness"], "on_time");
    assert_eq!(resubmitted["submit_count"], 2);
    let versions = app
        .get_as(
            &khtc.token,
            &format!("/api/v1/submissions/{}/versions", khtc.submission),
        )
        .await
        .expect(200);
    assert_eq!(versions["total"], 2);
    let latest = &versions["items"][0];
    assert_eq!(latest["version"], 2);
    assert_eq!(
        latest["timeliness"], "late",
        "each version records its own timeliness"
    );
    assert_eq!(
        latest["changes"],
        json!([{"field": "values.HS-TRUCTUYEN.numerator", "before": 95.0, "after": 61.0}])
    );
    assert_eq!(versions["items"][1]["timeliness"], "on_time");

    // The board as the Office saw it at the deadline, and now.
    let board = app
        .get(&format!(
            "/api/v1/periods/{period_id}/compliance?at=2023-03-10T16:30:00%2B07:00"
        ))
        .await
        .expect(200);
    assert_eq!(board["as_of"], "2023-03-10T16:30:00+07:00");
    let standing = |board: &Value, code: &str| {
        board["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["unit_code"] == code)
            .unwrap()["standing"]
            .clone()
    };
    assert_eq!(standing(&board, "KHTC"), "on_time");
    assert_eq!(standing(&board, "QLCNMT"), "early");
    assert_eq!(
        standing(&board, "QLTM"),
        "pending",
        "its 16:31 submission had not come in"
    );
    assert_eq!(board["totals"]["expected"], 7);
    assert_eq!(board["totals"]["reported"], 2);
    assert_eq!(board["totals"]["pending"], 5);
    let later = app
        .get(&format!(
            "/api/v1/periods/{period_id}/compliance?at=2023-03-10T17:00:00%2B07:00"
        ))
        .await
        .expect(200);
    assert_eq!(standing(&later, "QLTM"), "late");
    let vp = later["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit_code"] == "VP")
        .unwrap();
    assert_eq!(vp["standing"], "missing");
    assert_eq!(vp["overdue_minutes"], 30);
    assert_eq!(later["totals"]["reported"], 3);
    assert_eq!(later["totals"]["missing"], 4);
    assert_eq!(later["totals"]["reporting_rate"], 42.86);
    assert_eq!(later["totals"]["on_time_rate"], 28.57);
    assert_eq!(
        (later["page"].clone(), later["total"].clone()),
        (json!(1), json!(7))
    );
    // The units to chase, a page at a time; the totals stay those of the whole period.
    let missing = app
        .get(&format!(
            "/api/v1/periods/{period_id}/compliance?at=2023-03-10T17:00:00%2B07:00&standing=missing&per_page=3"
        ))
        .await
        .expect(200);
    assert_eq!(missing["total"], 4);
    assert_eq!(missing["per_page"], 3);
    assert_eq!(codes_of(&missing["units"]), ["QLNL", "TTKC", "TTRA"]);
    assert_eq!(missing["totals"], later["totals"]);
    let second = app
        .get(&format!(
            "/api/v1/periods/{period_id}/compliance?at=2023-03-10T17:00:00%2B07:00&standing=missing&per_page=3&page=2"
        ))
        .await
        .expect(200);
    assert_eq!(codes_of(&second["units"]), ["VP"]);
    let problem = app
        .get(&format!(
            "/api/v1/periods/{period_id}/compliance?standing=absent"
        ))
        .await
        .problem(400, "invalid_query");
    assert!(problem.to_string().contains("standing"), "{problem}");
    app.get_as(
        &khtc.token,
        &format!("/api/v1/periods/{period_id}/compliance"),
    )
    .await
    .problem(403, "forbidden");

    // The Office accepts all three.
    for unit in [&khtc, &qltm, &qlcnmt] {
        let accepted = app
            .post(
                &format!("/api/v1/submissions/{}/accept", unit.submission),
                json!({}),
            )
            .await
            .expect(200);
        assert_eq!(accepted["status"], "accepted");
    }
    let list = app
        .get(&format!(
            "/api/v1/periods/{period_id}/submissions?status=accepted"
        ))
        .await
        .expect(200);
    let codes: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["unit_code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["KHTC", "QLCNMT", "QLTM"]);

    // The consolidation sums numerators and denominators over the accepted reports.
    let report = app
        .get(&format!("/api/v1/periods/{period_id}/consolidation"))
        .await
        .expect(200);
    assert_eq!(report["units"], json!(["KHTC", "QLCNMT", "QLTM"]));
    let indicator = |code: &str| {
        report["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["code"] == code)
            .unwrap()
            .clone()
    };
    // Online dossiers: KHTC corrected to 61/100, the others 95/100 → 251/300 = 83.6667%.
    let online = indicator("HS-TRUCTUYEN");
    assert_eq!(online["numerator_sum"], 251.0);
    assert_eq!(online["denominator_sum"], 300.0);
    assert_eq!(online["value"], 83.6667);
    assert_eq!(online["units_reporting"], 3);
    assert_eq!(online["target_met"], true, "≥ 50%");
    assert_eq!(
        online["lowest"],
        json!({"unit_code": "KHTC", "figure": 61.0})
    );
    assert_eq!(online["highest"]["figure"], 95.0);
    // On-time dossiers: 285/300 = 95%, and QLCNMT's explained discrepancy is listed.
    let on_time = indicator("TTHC-DUNGHAN");
    assert_eq!(on_time["value"], 95.0);
    let discrepancies = on_time["discrepancies"].as_array().unwrap();
    assert_eq!(discrepancies.len(), 1);
    assert_eq!(discrepancies[0]["unit_code"], "QLCNMT");
    assert_eq!(discrepancies[0]["system_value"], 97.5);
    assert_eq!(discrepancies[0]["difference"], 2.5);
    assert!(discrepancies[0]["explanation"]
        .as_str()
        .unwrap()
        .starts_with("02 hồ sơ"));
    assert_eq!(online["breakdown"], json!([]), "only when asked for");
    let detailed = app
        .get(&format!(
            "/api/v1/periods/{period_id}/consolidation?breakdown=true"
        ))
        .await
        .expect(200);
    let online_detail = detailed["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "HS-TRUCTUYEN")
        .unwrap();
    assert_eq!(
        codes_of(&online_detail["breakdown"]),
        ["KHTC", "QLCNMT", "QLTM"]
    );
    assert_eq!(online_detail["breakdown"][0]["numerator"], 61.0);
    assert_eq!(online_detail["value"], online["value"]);
    // Headcount is summed.
    assert_eq!(indicator("CCVC-SOLUONG")["value"], 36.0);
    // The rise in digitisation, a decimal in %, is averaged (25.5 % each), never summed.
    let digitised = indicator("SOHOA-KQ-TANG");
    assert_eq!(digitised["aggregation"], "mean");
    assert_eq!(digitised["value"], 25.5);
    assert_eq!(digitised["target_met"], true, "≥ 20 %");
    // Satisfaction target ≥ 86.6% is met at 95%; the public-disclosure target = 100% is not.
    assert_eq!(indicator("HAILONG-CQHC")["target_met"], true);
    assert_eq!(indicator("TTHC-CONGKHAI")["target_met"], false);
    // A subtree without reports consolidates to nothing.
    let empty = app
        .get(&format!(
            "/api/v1/periods/{period_id}/consolidation?under=VP"
        ))
        .await
        .expect(200);
    assert_eq!(empty["units"], json!([]));
    assert_eq!(empty["indicators"][0]["value"], Value::Null);
}

/// The `unit_code` of each item, in order.
fn codes_of(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["unit_code"].as_str().unwrap().to_owned())
        .collect()
}

async fn board_generation(app: &TestApp) -> i64 {
    let mut conn = app.state.pool.get().await.unwrap();
    cchc_app::repo::submissions::board_generation(&mut conn)
        .await
        .unwrap()
}

fn row_of<'a>(board: &'a Value, code: &str) -> &'a Value {
    board["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit_code"] == code)
        .unwrap()
}

/// Boards and reports kept in memory are served again only while nothing they show has
/// changed: a new draft, a submission or a unit renamed straight in the database is seen at
/// once; a draft's values edited in place do not cost a recomputation.
#[actix_web::test]
async fn kept_boards_follow_every_change_that_shows() {
    let (app, period_id, period) = demo_q1_2023().await;
    let (values, evidence) = full_answers(&period);
    let board_path = format!("/api/v1/periods/{period_id}/compliance?per_page=200");
    let report_path = format!("/api/v1/periods/{period_id}/consolidation?include=submitted");
    let stats = || app.state.boards.stats();

    let first = app.get(&board_path).await.expect(200);
    assert_eq!(row_of(&first, "KHTC")["status"], Value::Null);
    let again = app.get(&board_path).await.expect(200);
    assert_eq!(again, first);
    assert_eq!(
        (stats().0.hits, stats().0.misses),
        (0, 0),
        "the board at the present instant is read from the running counts (issue 23), not \
         kept in memory"
    );
    let empty_report = app.get(&report_path).await.expect(200);
    assert_eq!(empty_report["units"], json!([]));

    // A new draft shows on the board at once.
    let generation = board_generation(&app).await;
    let mut khtc = start(&app, period_id, "KHTC").await;
    assert!(board_generation(&app).await > generation);
    let drafting = app.get(&board_path).await.expect(200);
    assert_eq!(row_of(&drafting, "KHTC")["status"], "draft");

    // Editing the draft changes neither the board nor the report: no recomputation.
    let generation = board_generation(&app).await;
    let token = khtc.token.clone();
    patch(
        &app,
        &token,
        &mut khtc,
        json!({"values": values, "evidence": evidence}),
    )
    .await;
    assert_eq!(board_generation(&app).await, generation);
    assert_eq!(app.get(&board_path).await.expect(200), drafting);
    assert_eq!(app.get(&report_path).await.expect(200), empty_report);

    // Submitting shows on the board and in the report.
    let submitted = submit(&app, &khtc).await.expect(200);
    assert_eq!(submitted["status"], "submitted");
    let reported = app.get(&board_path).await.expect(200);
    assert_eq!(row_of(&reported, "KHTC")["status"], "submitted");
    assert_eq!(reported["totals"]["reported"], 1);
    let report = app.get(&report_path).await.expect(200);
    assert_eq!(report["units"], json!(["KHTC"]));
    assert_eq!(app.get(&report_path).await.expect(200), report);
    assert_eq!(
        (stats().1.hits, stats().1.misses),
        (1, 3),
        "one report per generation computed, the repeat served from memory"
    );

    // A change made straight in the database, outside the API, is seen too.
    {
        use diesel_async::RunQueryDsl;
        let mut conn = app.state.pool.get().await.unwrap();
        diesel::sql_query(
            "UPDATE units SET name = 'Phòng Kế hoạch - Tài chính (mới)' WHERE code = 'KHTC'",
        )
        .execute(&mut conn)
        .await
        .unwrap();
    }
    let renamed = app.get(&board_path).await.expect(200);
    assert_eq!(
        row_of(&renamed, "KHTC")["unit_name"],
        "Phòng Kế hoạch - Tài chính (mới)"
    );
}
