//! PAR Index criteria sets through the HTTP API: the tree checked at once, a draft replaced,
//! published (then kept: not removed, not published twice), who may do what.

use cchc_domain::model::token::Role;
use serde_json::{json, Value};

use crate::common::{errors, TestApp};

/// A small department-level set: area 1 (3 points: the plan by levels, reports entered) and
/// area 2 (1.5 points: online dossiers computed from an indicator in a period, SIPAS survey).
pub(crate) fn set_body(code: &str) -> Value {
    json!({
        "code": code,
        "year": 2026,
        "title": "Bộ tiêu chí xác định Chỉ số CCHC các sở, ban, ngành năm 2026",
        "restored_share_percent": 70,
        "ranking_classes": [
            {"label": "Tốt", "min_points": 90},
            {"label": "Khá", "min_points": 80},
            {"label": "Trung bình", "min_points": 65},
            {"label": "Yếu", "min_points": 0}
        ],
        "criteria": [
            {"code": "1", "title": "Công tác chỉ đạo, điều hành CCHC", "max_points": 3},
            {"code": "1.1", "parent_code": "1", "title": "Ban hành kế hoạch CCHC năm", "max_points": 1,
             "content_area": "institutional_reform",
             "scoring": {"method": "levels", "levels": [
                {"label": "Ban hành đúng thời hạn", "points": 1},
                {"label": "Ban hành chậm", "points": 0.5},
                {"label": "Không ban hành", "points": 0}]},
             "evidence_hint": "Kế hoạch CCHC năm của cơ quan"},
            {"code": "1.2", "parent_code": "1", "title": "Thực hiện chế độ báo cáo CCHC", "max_points": 2,
             "scoring": {"method": "entered"}},
            {"code": "2", "title": "Cải cách thủ tục hành chính", "max_points": 1.5},
            {"code": "2.1", "parent_code": "2", "title": "Tỷ lệ hồ sơ trực tuyến", "max_points": 1,
             "content_area": "administrative_procedure_reform",
             "scoring": {"method": "indicator", "indicator_code": "TTHC-TRUCTUYEN", "period_code": "2026-Q4",
                         "thresholds": [{"at_least": 30, "points": 0.5}, {"at_least": 50, "points": 1}]}},
            {"code": "2.2", "parent_code": "2", "title": "Chỉ số hài lòng (SIPAS)", "max_points": 0.5,
             "scoring": {"method": "survey"}}
        ]
    })
}

/// The indicator and the period the computed criterion reads.
pub(crate) async fn fixtures(app: &TestApp) {
    app.unit("SCT", "department", None).await;
    app.unit("VP", "office", Some("SCT")).await;
    app.post(
        "/api/v1/indicators",
        json!({"code": "TTHC-TRUCTUYEN", "name": "Tỷ lệ hồ sơ trực tuyến", "kind": "ratio",
               "content_area": "administrative_procedure_reform"}),
    )
    .await
    .expect(201);
    app.post(
        "/api/v1/periods",
        json!({"code": "2026-Q4", "title": "Báo cáo CCHC Quý IV/2026", "report_type": "periodic",
               "frequency": "quarterly", "year": 2026, "sequence": 4,
               "deadline": "2026-12-15T16:30:00+07:00",
               "indicator_codes": ["TTHC-TRUCTUYEN"], "unit_codes": ["VP"]}),
    )
    .await
    .expect(201);
}

#[actix_web::test]
async fn the_office_writes_a_set_publishes_it_and_it_stays() {
    let app = TestApp::spawn().await;
    fixtures(&app).await;
    let created = app
        .post("/api/v1/criteria-sets", set_body("PAR-SO-2026"))
        .await;
    let location = created
        .headers
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    let set = created.expect(201);
    let id = set["id"].as_i64().unwrap();
    assert_eq!(location, Some(format!("/api/v1/criteria-sets/{id}")));
    assert_eq!(set["status"], "draft");
    assert_eq!(set["total_points"], 4.5);
    let criteria = set["criteria"].as_array().unwrap();
    let codes: Vec<(&str, i64)> = criteria
        .iter()
        .map(|c| (c["code"].as_str().unwrap(), c["depth"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        codes,
        [
            ("1", 1),
            ("1.1", 2),
            ("1.2", 2),
            ("2", 1),
            ("2.1", 2),
            ("2.2", 2)
        ]
    );
    assert_eq!(criteria[1]["parent_code"], "1");
    assert_eq!(criteria[1]["scoring"]["levels"][1]["points"], 0.5);
    assert_eq!(criteria[4]["scoring"]["method"], "indicator");
    assert_eq!(criteria[0]["scoring"], Value::Null);

    // Replaced whole while a draft: area 2 loses its survey criterion.
    let mut body = set_body("PAR-SO-2026");
    body["criteria"][3]["max_points"] = json!(1);
    body["criteria"].as_array_mut().unwrap().pop();
    let replaced = app
        .request(
            reqwest::Method::PUT,
            &format!("/api/v1/criteria-sets/{id}"),
            Some(&app.admin),
            Some(&body),
        )
        .await
        .expect(200);
    assert_eq!(replaced["total_points"], 4.0);
    assert_eq!(replaced["criteria"].as_array().unwrap().len(), 5);

    let list = app.get("/api/v1/criteria-sets?year=2026").await.expect(200);
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["criteria_count"], 5);

    let published = app
        .post(&format!("/api/v1/criteria-sets/{id}/publish"), json!({}))
        .await
        .expect(200);
    assert_eq!(published["status"], "published");
    assert!(published["published_at"].is_string());
    assert_eq!(published["version"], 1);
    // No round was sent against it: an edit rewrites it, and it stays published.
    body["title"] = json!("Bộ tiêu chí (sửa đổi)");
    let rewritten = app
        .request(
            reqwest::Method::PUT,
            &format!("/api/v1/criteria-sets/{id}"),
            Some(&app.admin),
            Some(&body),
        )
        .await
        .expect(200);
    assert_eq!(rewritten["id"], id);
    assert_eq!(rewritten["version"], 1);
    assert_eq!(rewritten["status"], "published");
    app.delete(&format!("/api/v1/criteria-sets/{id}"))
        .await
        .problem(409, "criteria_set_published");
    app.post(&format!("/api/v1/criteria-sets/{id}/publish"), json!({}))
        .await
        .problem(409, "criteria_set_published");
    // A reporter reads it; only the Office writes.
    let reporter = app.token(Role::Reporter, Some("VP")).await;
    app.get_as(&reporter, &format!("/api/v1/criteria-sets/{id}"))
        .await
        .expect(200);
    app.post_as(&reporter, "/api/v1/criteria-sets", set_body("PAR-2"))
        .await
        .problem(403, "forbidden");
    app.post("/api/v1/criteria-sets", set_body("PAR-SO-2026"))
        .await
        .problem(409, "duplicate_code");
}

#[actix_web::test]
async fn every_fault_of_a_set_is_answered_at_once_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    fixtures(&app).await;
    let mut body = set_body("PAR-LOI");
    body["restored_share_percent"] = json!(120);
    body["criteria"][0]["max_points"] = json!(4);
    body["criteria"][2]["scoring"] = Value::Null;
    body["criteria"][4]["scoring"]["indicator_code"] = json!("KHONG-CO");
    body["criteria"][4]["scoring"]["thresholds"] =
        json!([{"at_least": 50, "points": 1}, {"at_least": 30, "points": 0.5}]);
    body["criteria"][5]["parent_code"] = json!("9");
    body["criteria"][5]["max_points"] = json!(0.125);
    let problem = app
        .post("/api/v1/criteria-sets", body)
        .await
        .problem(422, "validation_failed");
    let found = errors(&problem);
    for expected in [
        ("restored_share_percent", "out_of_range"),
        ("criteria[0].max_points", "sum_mismatch"),
        ("criteria[2].scoring", "required"),
        ("criteria[4].scoring.thresholds", "not_ascending"),
        ("criteria[4].scoring.indicator_code", "unknown_indicator"),
        ("criteria[5].parent_code", "unknown_parent"),
        ("criteria[5].max_points", "too_precise"),
    ] {
        assert!(
            found.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} not in {found:?}"
        );
    }
    // A decimal typed in JSON as people write it (0.1, 0.3) is exact.
    let mut tenths = set_body("PAR-THAPPHAN");
    tenths["criteria"][3]["max_points"] = json!(0.4);
    tenths["criteria"][4]["max_points"] = json!(0.3);
    tenths["criteria"][4]["scoring"]["thresholds"] = json!([{"at_least": 50, "points": 0.3}]);
    tenths["criteria"][5]["max_points"] = json!(0.1);
    let set = app.post("/api/v1/criteria-sets", tenths).await.expect(201);
    assert_eq!(set["total_points"], 3.4);
    let list = app.get("/api/v1/criteria-sets").await.expect(200);
    assert_eq!(list["total"], 1);
}
