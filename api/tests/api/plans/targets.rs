//! The board's targets: each measured by its indicator in the consolidation of accepted
//! reports, of the period it names or else of the latest period with a value; met or not.

use cchc_domain::model::token::Role;
use serde_json::{json, Value};

use super::{department, document, id};
use crate::common::TestApp;

/// Period `code` (deadline `deadline`) asking KHTC and QLTM for indicator SO-HOA; opened.
async fn open_period(app: &TestApp, code: &str, deadline: &str) -> i64 {
    let period = app
        .post(
            "/api/v1/periods",
            json!({
                "code": code,
                "title": format!("Báo cáo CCHC {code}"),
                "report_type": "periodic",
                "frequency": "quarterly",
                "year": 2026,
                "sequence": if code.ends_with("Q3") { 3 } else { 4 },
                "deadline": deadline,
                "indicator_codes": ["SO-HOA"],
                "unit_codes": ["KHTC", "QLTM"],
            }),
        )
        .await
        .expect(201);
    let period = id(&period);
    app.post(&format!("/api/v1/periods/{period}/open"), json!({}))
        .await
        .expect(200);
    period
}

/// `unit` reports `number` in `period` and submits; returns the submission id.
async fn report(app: &TestApp, period: i64, unit: &str, number: i64) -> i64 {
    let token = app.token(Role::Reporter, Some(unit)).await;
    let created = app
        .post_as(
            &token,
            &format!("/api/v1/periods/{period}/submissions"),
            json!({}),
        )
        .await;
    let etag = created.headers["etag"].to_str().unwrap().to_owned();
    let submission = id(&created.expect(201));
    let saved = app
        .client
        .patch(format!("{}/api/v1/submissions/{submission}", app.base_url))
        .bearer_auth(&token)
        .header("if-match", etag)
        .json(&json!({"values": {"SO-HOA": {"number": number}}}))
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status().as_u16(), 200);
    app.post_as(
        &token,
        &format!("/api/v1/submissions/{submission}/submit"),
        json!({}),
    )
    .await
    .expect(200);
    submission
}

async fn accept(app: &TestApp, submission: i64) {
    app.post(
        &format!("/api/v1/submissions/{submission}/accept"),
        json!({}),
    )
    .await
    .expect(200);
}

fn target(board: &Value, position: i64) -> &Value {
    board["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["position"] == position)
        .unwrap_or_else(|| panic!("target {position} in {board:#}"))
}

#[actix_web::test]
async fn targets_show_their_latest_measured_value_and_whether_it_is_met() {
    let app = TestApp::spawn().await;
    department(&app).await;
    app.indicator("SO-HOA", "count").await;
    let q3 = open_period(&app, "2026-Q3", "2026-10-15T16:30:00+07:00").await;
    let doc = document(&app, "383/KH-SCT", "2026-01-15", "Kế hoạch CCHC năm 2026").await;
    let plan = app
        .post(
            "/api/v1/plans",
            json!({
                "code": "KH-2026", "year": 2026, "title": "Kế hoạch CCHC năm 2026",
                "document_id": doc,
                "targets": [
                    {"description": "Số hóa tối thiểu 20 hồ sơ", "indicator_code": "SO-HOA",
                     "target": {"comparator": "gte", "threshold": 20}},
                    {"description": "Số hóa tối thiểu 20 hồ sơ trong quý III", "indicator_code": "SO-HOA",
                     "target": {"comparator": "gte", "threshold": 20}, "period_code": "2026-Q3"},
                    {"description": "Nâng cao chất lượng phục vụ"},
                ],
            }),
        )
        .await
        .expect(201);
    let board_path = format!("/api/v1/plans/{}/board", id(&plan));

    // Nothing accepted yet: nothing measured.
    let board = app.get(&board_path).await.expect(200);
    for position in 1..=3 {
        assert_eq!(
            target(&board, position)["state"],
            "not_measured",
            "{board:#}"
        );
    }

    // Q3: KHTC 12 accepted, QLTM 10 submitted but not accepted: 12 < 20.
    let khtc = report(&app, q3, "KHTC", 12).await;
    accept(&app, khtc).await;
    report(&app, q3, "QLTM", 10).await;
    let board = app.get(&board_path).await.expect(200);
    let first = target(&board, 1);
    assert_eq!(first["description"], "Số hóa tối thiểu 20 hồ sơ");
    assert_eq!(first["indicator"]["code"], "SO-HOA");
    assert_eq!(first["measured_in"]["code"], "2026-Q3");
    assert_eq!(first["value"], 12.0);
    assert_eq!(first["units_reporting"], 1);
    assert_eq!(first["state"], "not_met");

    // Q4 opens later: the first target follows the latest period with a value, the second
    // stays on Q3. In Q4 both units are accepted: 9 + 15 = 24.
    let q4 = open_period(&app, "2026-Q4", "2027-01-15T16:30:00+07:00").await;
    let board = app.get(&board_path).await.expect(200);
    assert_eq!(
        target(&board, 1)["measured_in"]["code"],
        "2026-Q3",
        "Q4 has no accepted value yet"
    );
    for (unit, number) in [("KHTC", 9), ("QLTM", 15)] {
        let submission = report(&app, q4, unit, number).await;
        accept(&app, submission).await;
    }
    let board = app.get(&board_path).await.expect(200);
    let first = target(&board, 1);
    assert_eq!(
        (
            &first["measured_in"]["code"],
            &first["value"],
            &first["state"]
        ),
        (&json!("2026-Q4"), &json!(24.0), &json!("met"))
    );
    let second = target(&board, 2);
    assert_eq!(
        (
            &second["measured_in"]["code"],
            &second["value"],
            &second["state"]
        ),
        (&json!("2026-Q3"), &json!(12.0), &json!("not_met"))
    );
    let third = target(&board, 3);
    assert_eq!(third["state"], "not_measured");
    assert_eq!(third["value"], Value::Null);
}

#[actix_web::test]
async fn the_board_is_kept_for_its_minute_and_a_change_shows_at_once() {
    let app = TestApp::spawn().await;
    department(&app).await;
    let plan = super::issued_plan(&app, "KH-2026").await;
    let task = super::task(
        &app,
        plan,
        "1",
        "QLTM",
        json!({"kind": "date", "date": "2026-11-27"}),
    )
    .await;
    let path = format!("/api/v1/plans/{plan}/board");
    let counts = |board: &Value| {
        (
            board["totals"]["in_progress"].clone(),
            board["totals"]["overdue"].clone(),
        )
    };
    let first = app.get(&path).await.expect(200);
    assert_eq!(counts(&first), (json!(0), json!(0)), "due soon: {first:#}");
    let again = app.get(&path).await.expect(200);
    assert_eq!(
        again["as_of"], first["as_of"],
        "the same minute: the board kept"
    );
    assert_eq!(app.state.boards.plan_stats().hits, 1);

    // A change shows at once: the deadline moved to yesterday.
    app.patch(
        &format!("/api/v1/tasks/{}", id(&task)),
        json!({"due": {"kind": "date", "date": "2026-11-19"}}),
    )
    .await
    .expect(200);
    let changed = app.get(&path).await.expect(200);
    assert_eq!(counts(&changed), (json!(0), json!(1)));

    // The clock alone moves a status: a minute later the board is derived again.
    app.patch(
        &format!("/api/v1/tasks/{}", id(&task)),
        json!({"due": {"kind": "at", "at": "2026-11-20T09:01:30+07:00"}}),
    )
    .await
    .expect(200);
    let before = app.get(&path).await.expect(200);
    assert_eq!(before["totals"]["overdue"], 0);
    app.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-11-20T09:02:00+07:00")
            .unwrap()
            .with_timezone(&chrono::Utc),
    );
    let after = app.get(&path).await.expect(200);
    assert_eq!(after["totals"]["overdue"], 1, "{after:#}");
}
