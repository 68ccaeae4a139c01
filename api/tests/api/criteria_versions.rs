//! Editing a published criteria set: rewritten while no round was sent against it, its next
//! version once one was; the open rounds' parts follow the edit by criterion code.

use serde_json::{json, Value};

use crate::assessments::{item, round};
use crate::common::{errors, TestApp};
use crate::criteria_sets::set_body;

async fn put(app: &TestApp, path: &str, body: &Value) -> crate::common::Answer {
    app.request(reqwest::Method::PUT, path, Some(&app.admin), Some(body))
        .await
}

fn codes(round: &Value) -> Vec<&str> {
    round["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect()
}

#[actix_web::test]
async fn an_edit_before_sending_rewrites_the_set_and_the_open_round_follows() {
    let app = TestApp::spawn().await;
    let (id, created, plan_doc) = round(&app).await;
    let set_id = created["criteria_set_id"].as_i64().unwrap();
    let path = format!("/api/v1/assessments/{id}");
    // VP scores 1.1 with evidence; the Office scores nothing else yet.
    put(
        &app,
        &format!("{path}/items/1.1/score"),
        &
        json!({"level": 0, "evidence": [{"document_id": plan_doc, "section": "Mục I", "page": 1}]}),
    )
    .await
    .expect(200);
    app.patch(&format!("{path}/items/1.2"), json!({"unit_code": "QLTM"}))
        .await
        .expect(200);
    put(
        &app,
        &format!("{path}/items/1.2/score"),
        &json!({"points": 1.5, "explanation": "Báo cáo đủ 4 kỳ"}),
    )
    .await
    .expect(200);

    // The province amends: 1.2 is worth 1.5 now (area 1: 2.5), the survey leaves, 2.3 comes.
    let mut body = set_body("PAR-2026");
    body["criteria"][0]["max_points"] = json!(2.5);
    body["criteria"][2]["max_points"] = json!(1.5);
    body["criteria"][5] = json!({"code": "2.3", "parent_code": "2", "title": "Số hóa hồ sơ",
                                 "max_points": 0.5, "scoring": {"method": "entered"},
                                 "content_area": "institutional_reform"});
    let set = put(&app, &format!("/api/v1/criteria-sets/{set_id}"), &body)
        .await
        .expect(200);
    assert_eq!(set["id"], set_id);
    assert_eq!(set["version"], 1);
    assert_eq!(set["total_points"], 4.0);

    let after = app.get(&path).await.expect(200);
    assert_eq!(after["criteria_set_id"], set_id);
    assert_eq!(codes(&after), ["1.1", "1.2", "2.1", "2.3"]);
    // Unchanged criterion: score and evidence kept.
    let kept = item(&after, "1.1");
    assert_eq!(kept["status"], "proposed");
    assert_eq!(kept["self_points"], 1.0);
    assert_eq!(kept["evidence"].as_array().unwrap().len(), 1);
    // Points changed: the score is cleared, the unit and explanation stay.
    let cleared = item(&after, "1.2");
    assert_eq!(cleared["status"], "pending");
    assert_eq!(cleared["self_points"], Value::Null);
    assert_eq!(cleared["unit"]["code"], "QLTM");
    assert_eq!(cleared["explanation"], "Báo cáo đủ 4 kỳ");
    // The new leaf goes to the plan's lead unit of its area.
    assert_eq!(item(&after, "2.3")["unit"]["code"], "VP");
    assert_eq!(item(&after, "2.3")["status"], "pending");

    let trail = app
        .get(&format!(
            "/api/v1/audit?entity_type=assessment&entity_id={id}"
        ))
        .await
        .expect(200);
    let change = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "criteria_changed")
        .expect("the round records the edit");
    assert_eq!(change["after"]["removed"], json!(["2.2"]));
    assert_eq!(change["after"]["added"], json!(["2.3"]));
    assert_eq!(change["after"]["cleared"], json!(["1.2"]));

    // A published set keeps its code.
    let mut renamed = body.clone();
    renamed["code"] = json!("PAR-KHAC");
    let problem = put(&app, &format!("/api/v1/criteria-sets/{set_id}"), &renamed)
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), [("code".into(), "code_fixed".into())]);
}

#[actix_web::test]
async fn an_edit_after_a_round_was_sent_makes_the_next_version() {
    let app = TestApp::spawn().await;
    let (sent_id, created, _) = round(&app).await;
    let old_set = created["criteria_set_id"].as_i64().unwrap();
    // A second round on the same set stays open.
    let open = app
        .post(
            "/api/v1/assessments",
            json!({"code": "TDG-2026-B", "title": "Tự đánh giá (lần 2)", "criteria_set_id": old_set,
                   "units_due_at": "2026-12-10T17:00:00+07:00", "send_due_at": "2026-12-20T17:00:00+07:00"}),
        )
        .await
        .expect(201);
    let open_id = open["id"].as_i64().unwrap();
    app.post(
        &format!("/api/v1/assessments/{sent_id}/send"),
        json!({"override_reason": "Gửi đúng hạn theo yêu cầu của tỉnh"}),
    )
    .await
    .expect(200);

    let mut body = set_body("PAR-2026");
    body["criteria"][4]["title"] = json!("Tỷ lệ hồ sơ trực tuyến toàn trình");
    let response = put(&app, &format!("/api/v1/criteria-sets/{old_set}"), &body).await;
    let location = response
        .headers
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    let next = response.expect(201);
    let next_id = next["id"].as_i64().unwrap();
    assert_ne!(next_id, old_set);
    assert_eq!(location, Some(format!("/api/v1/criteria-sets/{next_id}")));
    assert_eq!(next["code"], "PAR-2026");
    assert_eq!(next["version"], 2);
    assert_eq!(next["status"], "published");
    assert_eq!(next["previous_version_id"], old_set);
    assert_eq!(
        next["criteria"][4]["title"],
        "Tỷ lệ hồ sơ trực tuyến toàn trình"
    );

    let old = app
        .get(&format!("/api/v1/criteria-sets/{old_set}"))
        .await
        .expect(200);
    assert_eq!(old["superseded_by_id"], next_id);
    assert!(old["superseded_at"].is_string());
    assert_eq!(old["criteria"][4]["title"], "Tỷ lệ hồ sơ trực tuyến");
    // The sent round keeps the set it was scored against; the open one moved, parts and all.
    let sent = app
        .get(&format!("/api/v1/assessments/{sent_id}"))
        .await
        .expect(200);
    assert_eq!(sent["criteria_set_id"], old_set);
    let moved = app
        .get(&format!("/api/v1/assessments/{open_id}"))
        .await
        .expect(200);
    assert_eq!(moved["criteria_set_id"], next_id);
    assert_eq!(codes(&moved), ["1.1", "1.2", "2.1", "2.2"]);
    assert_eq!(item(&moved, "1.1")["unit"]["code"], "VP");

    // The old version is edited no more, and new rounds use the newer one.
    put(&app, &format!("/api/v1/criteria-sets/{old_set}"), &body)
        .await
        .problem(409, "criteria_set_superseded");
    let problem = app
        .post(
            "/api/v1/assessments",
            json!({"code": "TDG-X", "title": "Tự đánh giá", "criteria_set_id": old_set,
                   "units_due_at": "2026-12-10T17:00:00+07:00", "send_due_at": "2026-12-20T17:00:00+07:00"}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        [("criteria_set_id".into(), "criteria_set_superseded".into())]
    );
    let current = app
        .get("/api/v1/criteria-sets?superseded=false")
        .await
        .expect(200);
    assert_eq!(current["total"], 1);
    assert_eq!(current["items"][0]["id"], next_id);
    let all = app.get("/api/v1/criteria-sets").await.expect(200);
    let versions: Vec<(i64, bool)> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["version"].as_i64().unwrap(),
                s["superseded"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(versions, [(2, false), (1, true)]);
}
