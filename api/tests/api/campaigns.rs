//! Emulation campaigns through the HTTP API (seed 004): a campaign with two rounds, criteria
//! computed from the units' reports inside each round and points the Office enters; the
//! leaderboard with each unit's computation and the tie rule; a reviewed round frozen until
//! re-opened with a reason; registration where participation is by registration.

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Reader, Xlsx};
use cchc_domain::model::token::Role;
use serde_json::{json, Value};

use crate::common::{errors, TestApp};

/// Units SCT (department), VP, QLTM, KHTC; a period due 25/11/2026 for the three, open.
async fn setup(app: &TestApp) -> i64 {
    app.unit("SCT", "department", None).await;
    for code in ["VP", "QLTM", "KHTC"] {
        app.unit(code, "division", Some("SCT")).await;
    }
    app.post(
        "/api/v1/indicators",
        json!({"code": "TTHC-TRUCTUYEN", "name": "Tỷ lệ hồ sơ trực tuyến", "kind": "ratio",
               "content_area": "administrative_procedure_reform"}),
    )
    .await
    .expect(201);
    let period = app
        .post(
            "/api/v1/periods",
            json!({"code": "2026-T11", "title": "Báo cáo CCHC tháng 11/2026", "report_type": "periodic",
                   "frequency": "monthly", "year": 2026, "sequence": 11,
                   "deadline": "2026-11-25T16:30:00+07:00",
                   "indicator_codes": ["TTHC-TRUCTUYEN"], "unit_codes": ["VP", "QLTM", "KHTC"]}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    app.post(&format!("/api/v1/periods/{period}/open"), json!({}))
        .await
        .expect(200);
    period
}

/// `unit`'s reporter files its report (30 of 40 for TTHC-TRUCTUYEN); its id.
pub(crate) async fn file(app: &TestApp, period: i64, unit: &str) -> i64 {
    let token = app.token(Role::Reporter, Some(unit)).await;
    let draft = app
        .post_as(
            &token,
            &format!("/api/v1/periods/{period}/submissions"),
            json!({}),
        )
        .await;
    let etag = draft
        .headers
        .get("etag")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let id = draft.expect(201)["id"].as_i64().unwrap();
    let saved = app
        .client
        .patch(format!("{}/api/v1/submissions/{id}", app.base_url))
        .bearer_auth(&token)
        .header("if-match", etag)
        .json(&json!({"values": {"TTHC-TRUCTUYEN": {"numerator": 30, "denominator": 40}}}))
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status().as_u16(), 200);
    app.post_as(
        &token,
        &format!("/api/v1/submissions/{id}/submit"),
        json!({}),
    )
    .await
    .expect(200);
    id
}

fn campaign(participation: &str, code: &str) -> Value {
    json!({"code": code, "year": 2026,
    "title": "Phong trào thi đua \"Giải quyết nhanh thủ tục hành chính\"",
    "participation": participation,
    "rounds": [
      {"starts_on": "2026-10-01", "ends_on": "2026-11-30", "review_on": "2026-11-30"},
      {"starts_on": "2026-12-01", "ends_on": "2026-12-31", "review_on": "2027-01-01"}
    ],
    "criteria": [
      {"code": "TC1", "title": "Nộp báo cáo đúng hạn", "max_points": 60, "source": {"method": "reports_on_time"}},
      {"code": "TC2", "title": "Báo cáo được chấp nhận ngay lần đầu", "max_points": 40, "source": {"method": "accepted_first_time"}},
      {"code": "TC3", "title": "Sáng kiến", "kind": "bonus", "max_points": 5, "source": {"method": "entered"}},
      {"code": "TC4", "title": "Vi phạm quy chế", "kind": "penalty", "max_points": 5, "source": {"method": "entered"}}
    ]})
}

fn ranks(board: &Value) -> Vec<(i64, String, f64)> {
    board["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["rank"].as_i64().unwrap(),
                r["unit_code"].as_str().unwrap().to_owned(),
                r["points"].as_f64().unwrap(),
            )
        })
        .collect()
}

fn row<'a>(board: &'a Value, unit: &str) -> &'a Value {
    board["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit_code"] == unit)
        .unwrap()
}

#[actix_web::test]
async fn rounds_rank_units_from_their_reports_and_a_review_freezes_the_board() {
    let app = TestApp::spawn().await;
    let period = setup(&app).await;
    let created = app
        .post("/api/v1/campaigns", campaign("all", "TD-TTHC-2026"))
        .await
        .expect(201);
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["scale"], 100.0);
    // 01/01/2027 is the New Year holiday: shown with the working day it falls on.
    assert_eq!(created["rounds"][1]["review_on"], "2027-01-01");
    assert_eq!(created["rounds"][1]["review_effective_on"], "2027-01-04");

    // VP files and is accepted at once; QLTM files, is returned, files again and is accepted;
    // KHTC files nothing.
    let vp = file(&app, period, "VP").await;
    app.post(&format!("/api/v1/submissions/{vp}/accept"), json!({}))
        .await
        .expect(200);
    let qltm = file(&app, period, "QLTM").await;
    app.post(
        &format!("/api/v1/submissions/{qltm}/return"),
        json!({"reason": "Bổ sung số liệu"}),
    )
    .await
    .expect(200);
    let qltm_token = app.token(Role::Reporter, Some("QLTM")).await;
    app.post_as(
        &qltm_token,
        &format!("/api/v1/submissions/{qltm}/submit"),
        json!({}),
    )
    .await
    .expect(200);
    app.post(&format!("/api/v1/submissions/{qltm}/accept"), json!({}))
        .await
        .expect(200);
    let points = |unit: &str, code: &str, points: f64, note: &str| json!({"unit_code": unit, "criterion_code": code, "points": points, "note": note});
    let path = format!("/api/v1/campaigns/{id}/rounds/1");
    app.request(
        reqwest::Method::PUT,
        &format!("{path}/points"),
        Some(&app.admin),
        Some(&points("VP", "TC3", 5.0, "Sáng kiến một cửa liên thông")),
    )
    .await
    .expect(204);
    app.request(
        reqwest::Method::PUT,
        &format!("{path}/points"),
        Some(&app.admin),
        Some(&points("QLTM", "TC4", 2.0, "Chậm trả lời phiếu khảo sát")),
    )
    .await
    .expect(204);
    // Computed criteria are not entered; points stay within the criterion's.
    let problem = app
        .request(
            reqwest::Method::PUT,
            &format!("{path}/points"),
            Some(&app.admin),
            Some(&points("VP", "TC1", 6.0, "x")),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        [("criterion_code".into(), "computed_criterion".into())]
    );
    let problem = app
        .request(
            reqwest::Method::PUT,
            &format!("{path}/points"),
            Some(&app.admin),
            Some(&points("VP", "TC3", 6.0, "x")),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), [("points".into(), "out_of_range".into())]);

    let board = app.get(&format!("{path}/leaderboard")).await.expect(200);
    assert_eq!(board["state"], "live");
    assert_eq!(
        ranks(&board),
        [
            (1, "VP".into(), 105.0),
            (2, "QLTM".into(), 58.0),
            (3, "KHTC".into(), 0.0)
        ]
    );
    let qltm_row = row(&board, "QLTM");
    assert_eq!(qltm_row["criteria"][0]["counted"], 1);
    assert_eq!(qltm_row["criteria"][0]["out_of"], 1);
    assert_eq!(qltm_row["criteria"][0]["share_percent"], 100.0);
    assert_eq!(qltm_row["criteria"][1]["points"], 0.0);
    assert_eq!(qltm_row["criteria"][3]["points"], -2.0);
    assert_eq!(
        qltm_row["criteria"][3]["note"],
        "Chậm trả lời phiếu khảo sát"
    );
    assert!(board["tie_rule"]
        .as_str()
        .unwrap()
        .contains("share the rank"));

    // Round 2 has no report due: nothing was late, everybody earns the points and shares
    // the first rank.
    let second = app
        .get(&format!("/api/v1/campaigns/{id}/rounds/2/leaderboard"))
        .await
        .expect(200);
    assert_eq!(
        ranks(&second),
        [
            (1, "KHTC".into(), 100.0),
            (1, "QLTM".into(), 100.0),
            (1, "VP".into(), 100.0)
        ]
    );
    assert_eq!(row(&second, "VP")["criteria"][0]["out_of"], 0);
    assert_eq!(
        row(&second, "VP")["criteria"][0]["share_percent"],
        Value::Null
    );

    // The review freezes round 1: KHTC's late report does not rewrite it.
    let frozen = app
        .post(&format!("{path}/review"), json!({}))
        .await
        .expect(200);
    assert_eq!(frozen["state"], "frozen");
    app.post(&format!("{path}/review"), json!({}))
        .await
        .problem(409, "round_reviewed");
    app.request(
        reqwest::Method::PUT,
        &format!("{path}/points"),
        Some(&app.admin),
        Some(&points("KHTC", "TC3", 1.0, "x")),
    )
    .await
    .problem(409, "round_reviewed");
    app.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-11-26T09:00:00+07:00")
            .unwrap()
            .to_utc(),
    );
    let khtc = file(&app, period, "KHTC").await;
    app.post(&format!("/api/v1/submissions/{khtc}/accept"), json!({}))
        .await
        .expect(200);
    let still = app.get(&format!("{path}/leaderboard")).await.expect(200);
    assert_eq!(still["state"], "frozen");
    assert_eq!(row(&still, "KHTC")["points"], 0.0);

    // Re-opened with a reason: live again, KHTC's report (late, but accepted at once) counts.
    app.post(&format!("{path}/reopen"), json!({"reason": " "}))
        .await
        .problem(422, "validation_failed");
    app.post(
        &format!("{path}/reopen"),
        json!({"reason": "Bổ sung báo cáo của Phòng KHTC theo chỉ đạo của Giám đốc Sở"}),
    )
    .await
    .expect(204);
    let live = app.get(&format!("{path}/leaderboard")).await.expect(200);
    assert_eq!(live["state"], "live");
    assert_eq!(row(&live, "KHTC")["points"], 40.0);
    assert_eq!(row(&live, "KHTC")["criteria"][0]["points"], 0.0);

    // The whole campaign: each unit's mean over the two rounds.
    let whole = app
        .get(&format!("/api/v1/campaigns/{id}/leaderboard"))
        .await
        .expect(200);
    assert_eq!(whole["round"], Value::Null);
    assert_eq!(
        ranks(&whole),
        [
            (1, "VP".into(), 102.5),
            (2, "QLTM".into(), 79.0),
            (3, "KHTC".into(), 70.0)
        ]
    );

    // The commendation list of round 1, the top two.
    let response = app
        .client
        .get(format!("{}{path}/commendations.xlsx?top=2", app.base_url))
        .bearer_auth(&app.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.contains("khen-thuong-TD-TTHC-2026-dot-1.xlsx"),
        "{disposition}"
    );
    let bytes = response.bytes().await.unwrap().to_vec();
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let sheet = workbook.worksheet_range("Đề nghị khen thưởng").unwrap();
    let text = |r: u32, c: u32| {
        sheet
            .get_value((r, c))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    assert_eq!(text(0, 0), "DANH SÁCH ĐƠN VỊ ĐỀ NGHỊ KHEN THƯỞNG");
    assert_eq!(text(2, 0), "Đợt 1 (từ ngày 01/10/2026 đến ngày 30/11/2026)");
    assert_eq!(text(5, 1), "Đơn vị VP");
    assert_eq!(text(5, 2), "105");
    assert!(
        text(5, 4).contains("TC1. Nộp báo cáo đúng hạn: 60/60 (1/1)"),
        "{}",
        text(5, 4)
    );
    assert_eq!(text(6, 1), "Đơn vị QLTM");
    assert_eq!(text(7, 1), "");
    let viewer = app.token(Role::Viewer, None).await;
    let reporter = app.token(Role::Reporter, Some("VP")).await;
    let status = |token: &str| {
        let request = app
            .client
            .get(format!("{}{path}/commendations.xlsx", app.base_url))
            .bearer_auth(token.to_owned());
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(status(&viewer).await, 200);
    assert_eq!(status(&reporter).await, 403);
    app.get(&format!("/api/v1/campaigns/{id}/commendations.xlsx?top=0"))
        .await
        .problem(422, "validation_failed");

    let trail = app
        .get(&format!(
            "/api/v1/audit?entity_type=campaign&entity_id={id}"
        ))
        .await
        .expect(200);
    let actions: Vec<&str> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in [
        "created",
        "points_entered",
        "round_reviewed",
        "round_reopened",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    // Everyone takes part: nothing to register.
    app.post(
        &format!("/api/v1/campaigns/{id}/registrations"),
        json!({"unit_code": "VP"}),
    )
    .await
    .problem(409, "open_to_all");
}

#[actix_web::test]
async fn units_register_and_only_they_compete() {
    let app = TestApp::spawn().await;
    setup(&app).await;
    let id = app
        .post("/api/v1/campaigns", campaign("registered", "TD-DK-2026"))
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let qltm = app.token(Role::Reporter, Some("QLTM")).await;
    let viewer = app.token(Role::Viewer, None).await;
    let registered = app
        .post_as(
            &qltm,
            &format!("/api/v1/campaigns/{id}/registrations"),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(registered["registered_units"][0]["code"], "QLTM");
    let problem = app
        .post_as(
            &qltm,
            &format!("/api/v1/campaigns/{id}/registrations"),
            json!({"unit_code": "VP"}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        [("unit_code".into(), "not_your_unit".into())]
    );
    app.post_as(
        &viewer,
        &format!("/api/v1/campaigns/{id}/registrations"),
        json!({}),
    )
    .await
    .problem(403, "forbidden");
    app.post(
        &format!("/api/v1/campaigns/{id}/registrations"),
        json!({"unit_code": "KHTC"}),
    )
    .await
    .expect(200);
    // Twice changes nothing.
    let again = app
        .post(
            &format!("/api/v1/campaigns/{id}/registrations"),
            json!({"unit_code": "KHTC"}),
        )
        .await
        .expect(200);
    assert_eq!(again["registered_units"].as_array().unwrap().len(), 2);
    let board = app
        .get(&format!("/api/v1/campaigns/{id}/rounds/1/leaderboard"))
        .await
        .expect(200);
    let units: Vec<String> = ranks(&board).into_iter().map(|(_, u, _)| u).collect();
    assert_eq!(units, ["KHTC", "QLTM"]);

    // Faults named at once; the list; a reporter reads but does not launch.
    let mut bad = campaign("all", "TD-X");
    bad["rounds"][1]["starts_on"] = json!("2026-11-15");
    bad["criteria"][2]["source"] = json!({"method": "tasks_on_time"});
    let problem = app
        .post("/api/v1/campaigns", bad)
        .await
        .problem(422, "validation_failed");
    let found = errors(&problem);
    assert!(
        found.contains(&("rounds[1].starts_on".into(), "overlaps".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("criteria[2].source".into(), "entered_only".into())),
        "{found:?}"
    );
    app.post("/api/v1/campaigns", campaign("all", "TD-DK-2026"))
        .await
        .problem(409, "duplicate_code");
    let list = app
        .get_as(&qltm, "/api/v1/campaigns?year=2026")
        .await
        .expect(200);
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["rounds"], 2);
    app.post_as(&qltm, "/api/v1/campaigns", campaign("all", "TD-Y"))
        .await
        .problem(403, "forbidden");
}

#[actix_web::test]
async fn a_ratio_indicator_scores_the_units_accepted_figures() {
    let app = TestApp::spawn().await;
    let period = setup(&app).await;
    let body = json!({"code": "TD-HS-2026", "year": 2026, "title": "Giải quyết hồ sơ đúng hạn",
        "participation": "all",
        "rounds": [{"starts_on": "2026-11-01", "ends_on": "2026-11-30", "review_on": "2026-12-01"}],
        "criteria": [{"code": "TC1", "title": "Tỷ lệ hồ sơ trực tuyến", "max_points": 100,
                      "source": {"method": "indicator", "indicator_code": "TTHC-TRUCTUYEN"}}]});
    let mut unknown = body.clone();
    unknown["criteria"][0]["source"]["indicator_code"] = json!("KHONG-CO");
    let problem = app
        .post("/api/v1/campaigns", unknown)
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        [(
            "criteria[0].source.indicator_code".into(),
            "unknown_indicator".into()
        )]
    );
    let id = app.post("/api/v1/campaigns", body).await.expect(201)["id"]
        .as_i64()
        .unwrap();
    // VP's 30 of 40 is accepted; QLTM's is not yet; KHTC files nothing.
    let vp = file(&app, period, "VP").await;
    app.post(&format!("/api/v1/submissions/{vp}/accept"), json!({}))
        .await
        .expect(200);
    file(&app, period, "QLTM").await;
    let board = app
        .get(&format!("/api/v1/campaigns/{id}/rounds/1/leaderboard"))
        .await
        .expect(200);
    assert_eq!(
        ranks(&board),
        [
            (1, "VP".into(), 75.0),
            (2, "KHTC".into(), 0.0),
            (2, "QLTM".into(), 0.0)
        ]
    );
    assert_eq!(row(&board, "VP")["criteria"][0]["share_percent"], 75.0);
    assert_eq!(
        row(&board, "QLTM")["criteria"][0]["share_percent"],
        Value::Null
    );
}

#[actix_web::test]
async fn a_units_ready_parts_of_the_self_assessment_score_it() {
    let app = TestApp::spawn().await;
    let (round, _, plan_doc) = crate::assessments::round(&app).await;
    let body = json!({"code": "TD-PAR-2026", "year": 2026, "title": "Thi đua tự đánh giá Chỉ số CCHC",
        "participation": "all",
        "rounds": [{"starts_on": "2026-11-01", "ends_on": "2026-12-20", "review_on": "2026-12-21"}],
        "criteria": [{"code": "TC1", "title": "Tài liệu kiểm chứng đầy đủ", "max_points": 100,
                      "source": {"method": "assessment_readiness", "assessment_code": "TDG-2026"}}]});
    let mut unknown = body.clone();
    unknown["criteria"][0]["source"]["assessment_code"] = json!("TDG-KHONG-CO");
    let problem = app
        .post("/api/v1/campaigns", unknown)
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        [(
            "criteria[0].source.assessment_code".into(),
            "unknown_assessment".into()
        )]
    );
    let id = app.post("/api/v1/campaigns", body).await.expect(201)["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/campaigns/{id}/rounds/1/leaderboard");
    // VP's one part (1.1) is not scored yet; QLTM has none (nothing due).
    let board = app.get(&path).await.expect(200);
    assert_eq!(row(&board, "VP")["criteria"][0]["out_of"], 1);
    assert_eq!(row(&board, "VP")["points"], 0.0);
    assert_eq!(row(&board, "QLTM")["points"], 100.0);
    // Scored with located evidence and accepted: ready, full points.
    let vp = app.token(Role::Reporter, Some("VP")).await;
    app.request(
        reqwest::Method::PUT,
        &format!("/api/v1/assessments/{round}/items/1.1/score"),
        Some(&vp),
        Some(&json!({"level": 0, "evidence": [{"document_id": plan_doc, "section": "Mục I", "page": 1}]})),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/assessments/{round}/items/1.1/accept"),
        json!({}),
    )
    .await
    .expect(200);
    let board = app.get(&path).await.expect(200);
    assert_eq!(row(&board, "VP")["criteria"][0]["counted"], 1);
    assert_eq!(row(&board, "VP")["points"], 100.0);
}
