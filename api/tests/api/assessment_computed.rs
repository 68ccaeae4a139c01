//! Criteria computed from the system's own work: a plan's share of tasks done on time and a
//! year's share of reports submitted on time, each through its thresholds, shown with what it
//! counted and refused when a unit tries to type it.

use cchc_domain::model::token::Role;
use serde_json::{json, Value};

use crate::assessments::item;
use crate::common::{errors, TestApp};
use crate::criteria_sets::fixtures;

fn set(plan_code: &str) -> Value {
    json!({"code": "PAR-TU-DONG", "year": 2026, "title": "Bộ tiêu chí năm 2026",
    "restored_share_percent": 70,
    "criteria": [
      {"code": "1", "title": "Chỉ đạo, điều hành", "max_points": 3},
      {"code": "1.1", "parent_code": "1", "title": "Hoàn thành nhiệm vụ kế hoạch CCHC đúng hạn",
       "max_points": 1, "scoring": {"method": "plan_on_time", "plan_code": plan_code,
         "thresholds": [{"at_least": 50, "points": 0.5}, {"at_least": 100, "points": 1}]}},
      {"code": "1.2", "parent_code": "1", "title": "Báo cáo CCHC đúng hạn", "max_points": 2,
       "scoring": {"method": "report_timeliness", "year": 2026,
         "thresholds": [{"at_least": 80, "points": 1}, {"at_least": 100, "points": 2}]}}
    ]})
}

#[actix_web::test]
async fn the_plans_tasks_and_the_years_reports_score_their_criteria() {
    let app = TestApp::spawn().await;
    fixtures(&app).await;
    let document = app
        .post("/api/v1/documents", json!({"number": "383/KH-SCT", "issued_on": "2026-01-15",
               "issuing_agency": "Sở Công Thương", "subject": "Kế hoạch CCHC năm 2026", "direction": "outgoing"}))
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let plan = app
        .post(
            "/api/v1/plans",
            json!({"code": "KH-2026", "year": 2026, "title": "Kế hoạch CCHC năm 2026", "document_id": document}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let due = json!({"kind": "month", "year": 2026, "month": 12});
    let mut tasks = Vec::new();
    for code in ["1", "2"] {
        let task = app
            .post(
                &format!("/api/v1/plans/{plan}/tasks"),
                json!({"code": code, "title": format!("Nhiệm vụ {code}"), "lead_unit_code": "VP", "due": due}),
            )
            .await
            .expect(201);
        tasks.push(task["id"].as_i64().unwrap());
    }
    app.post(&format!("/api/v1/plans/{plan}/issue"), json!({}))
        .await
        .expect(200);
    // Task 1 done and confirmed before its deadline; task 2 not yet.
    let vp = app.token(Role::Reporter, Some("VP")).await;
    app.post_as(
        &vp,
        &format!("/api/v1/tasks/{}/completion", tasks[0]),
        json!({}),
    )
    .await
    .expect(200);
    app.post(&format!("/api/v1/tasks/{}/confirm", tasks[0]), json!({}))
        .await
        .expect(200);

    // A set naming a plan that does not exist is refused, naming the field.
    let problem = app
        .post("/api/v1/criteria-sets", set("KH-KHONG-CO"))
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        [(
            "criteria[1].scoring.plan_code".into(),
            "unknown_plan".into()
        )]
    );
    let set_id = app
        .post("/api/v1/criteria-sets", set("KH-2026"))
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    app.post(
        &format!("/api/v1/criteria-sets/{set_id}/publish"),
        json!({}),
    )
    .await
    .expect(200);
    let round = app
        .post(
            "/api/v1/assessments",
            json!({"code": "TDG-2026", "title": "Tự đánh giá năm 2026", "criteria_set_id": set_id,
                   "units_due_at": "2026-12-10T17:00:00+07:00", "send_due_at": "2026-12-20T17:00:00+07:00"}),
        )
        .await
        .expect(201);
    let id = round["id"].as_i64().unwrap();

    // 1 of 2 tasks on time: 50 %, the first step. No report of 2026 is open yet: no data.
    let on_time = &item(&round, "1.1")["computed"];
    assert_eq!(on_time["method"], "plan_on_time");
    assert_eq!(on_time["plan_code"], "KH-2026");
    assert_eq!(
        (on_time["counted"].as_i64(), on_time["out_of"].as_i64()),
        (Some(1), Some(2))
    );
    assert_eq!(on_time["value"], 50.0);
    assert_eq!(on_time["points"], 0.5);
    assert_eq!(item(&round, "1.1")["unit"], Value::Null);
    let reports = &item(&round, "1.2")["computed"];
    assert_eq!(reports["method"], "report_timeliness");
    assert_eq!(reports["value"], Value::Null);
    assert_eq!(item(&round, "1.2")["problems"], json!(["no_data"]));

    // The quarter opens and VP files early: 1 of 1 report on time, full points.
    let period = app.get("/api/v1/periods?year=2026").await.expect(200)["items"][0]["id"]
        .as_i64()
        .unwrap();
    app.post(&format!("/api/v1/periods/{period}/open"), json!({}))
        .await
        .expect(200);
    crate::campaigns::file(&app, period, "VP").await;
    let read = app
        .get(&format!("/api/v1/assessments/{id}"))
        .await
        .expect(200);
    let reports = &item(&read, "1.2")["computed"];
    assert_eq!(
        (reports["counted"].as_i64(), reports["out_of"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(reports["value"], 100.0);
    assert_eq!(reports["points"], 2.0);
    assert!(item(&read, "1.2")["problems"]
        .as_array()
        .unwrap()
        .is_empty());

    // Nobody types a computed criterion.
    app.request(
        reqwest::Method::PUT,
        &format!("/api/v1/assessments/{id}/items/1.1/score"),
        Some(&app.admin),
        Some(&json!({"points": 1, "explanation": "x"})),
    )
    .await
    .problem(409, "computed_criterion");
}
