//! PAR Index self-assessment rounds through the HTTP API: parts given by the year's plan,
//! scores with evidence or explanations, the Office's judgement, the readiness board with the
//! points at risk (seed 001: the department lost its rank for want of evidence), sending
//! refused until resolved or overridden.

use cchc_domain::model::token::Role;
use serde_json::{json, Value};

use crate::common::{errors, TestApp};
use crate::criteria_sets::{fixtures, set_body};

/// A published set, the year's plan (383/KH-SCT) giving institutional reform to VP, and an
/// open round; the round's id and body, and the plan document's id.
pub(crate) async fn round(app: &TestApp) -> (i64, Value, i64) {
    fixtures(app).await;
    app.unit("QLTM", "division", Some("SCT")).await;
    let plan_doc = app
        .post("/api/v1/documents", json!({"number": "383/KH-SCT", "issued_on": "2026-01-15",
               "issuing_agency": "Sở Công Thương", "subject": "Kế hoạch CCHC năm 2026", "direction": "outgoing"}))
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let plan = app
        .post(
            "/api/v1/plans",
            json!({"code": "KH-2026", "year": 2026, "title": "Kế hoạch CCHC năm 2026", "document_id": plan_doc,
                   "areas": [{"content_area": "institutional_reform", "lead_unit_code": "VP"}]}),
        )
        .await
        .expect(201);
    app.post(&format!("/api/v1/plans/{}/issue", plan["id"]), json!({}))
        .await
        .expect(200);
    let set = app
        .post("/api/v1/criteria-sets", set_body("PAR-2026"))
        .await
        .expect(201);
    let set_id = set["id"].as_i64().unwrap();
    let body = json!({"code": "TDG-2026", "title": "Tự đánh giá Chỉ số CCHC năm 2026",
                      "criteria_set_id": set_id,
                      "units_due_at": "2026-12-10T17:00:00+07:00",
                      "send_due_at": "2026-12-20T17:00:00+07:00"});
    // A draft set is refused.
    let problem = app
        .post("/api/v1/assessments", body.clone())
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem)[0],
        (
            "criteria_set_id".into(),
            "criteria_set_not_published".into()
        )
    );
    app.post(
        &format!("/api/v1/criteria-sets/{set_id}/publish"),
        json!({}),
    )
    .await
    .expect(200);
    let created = app.post("/api/v1/assessments", body).await.expect(201);
    (created["id"].as_i64().unwrap(), created, plan_doc)
}

pub(crate) fn item<'a>(round: &'a Value, code: &str) -> &'a Value {
    round["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == code)
        .unwrap_or_else(|| panic!("no part {code} in {round:#}"))
}

fn problems(part: &Value) -> Vec<&str> {
    part["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect()
}

#[actix_web::test]
async fn units_score_with_evidence_and_the_board_shows_the_points_at_risk() {
    let app = TestApp::spawn().await;
    let (id, created, plan_doc) = round(&app).await;
    let path = format!("/api/v1/assessments/{id}");
    // Leaves only, in the set's order; 1.1 goes to the plan's lead unit for its area.
    let codes: Vec<&str> = created["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["1.1", "1.2", "2.1", "2.2"]);
    assert_eq!(item(&created, "1.1")["unit"]["code"], "VP");
    assert_eq!(item(&created, "1.2")["unit"], Value::Null);
    assert_eq!(
        problems(item(&created, "1.2")),
        ["unassigned", "not_scored"]
    );
    // The computed criterion has no accepted report yet; the survey waits for the province.
    assert_eq!(problems(item(&created, "2.1")), ["no_data"]);
    assert_eq!(item(&created, "2.1")["computed"]["period_code"], "2026-Q4");
    assert!(problems(item(&created, "2.2")).is_empty());

    app.patch(&format!("{path}/items/1.2"), json!({"unit_code": "QLTM"}))
        .await
        .expect(200);
    let vp = app.token(Role::Reporter, Some("VP")).await;
    let qltm = app.token(Role::Reporter, Some("QLTM")).await;
    // A reporter sees its own unit's parts only, and cannot score another's.
    let seen = app.get_as(&vp, &path).await.expect(200);
    assert_eq!(seen["items"].as_array().unwrap().len(), 1);
    app.request(
        reqwest::Method::PUT,
        &format!("{path}/items/1.2/score"),
        Some(&vp),
        Some(&json!({"points": 1})),
    )
    .await
    .problem(404, "not_found");

    // VP chooses a level with the plan as evidence, located; QLTM claims 2 points bare.
    let scored = app
        .request(reqwest::Method::PUT, &format!("{path}/items/1.1/score"), Some(&vp),
                 Some(&json!({"level": 0, "evidence": [{"document_id": plan_doc, "section": "Mục I", "page": 1}]})))
        .await
        .expect(200);
    assert_eq!(item(&scored, "1.1")["self_points"], 1.0);
    assert_eq!(item(&scored, "1.1")["status"], "proposed");
    assert_eq!(
        item(&scored, "1.1")["evidence"][0]["document"]["number"],
        "383/KH-SCT"
    );
    let bad = app
        .request(
            reqwest::Method::PUT,
            &format!("{path}/items/1.2/score"),
            Some(&qltm),
            Some(&json!({"points": 2.5, "level": 1})),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&bad),
        [
            ("level".into(), "points_only".into()),
            ("points".into(), "out_of_range".into())
        ]
    );
    app.request(
        reqwest::Method::PUT,
        &format!("{path}/items/1.2/score"),
        Some(&qltm),
        Some(&json!({"points": 2})),
    )
    .await
    .expect(200);
    app.request(
        reqwest::Method::PUT,
        &format!("{path}/items/2.1/score"),
        Some(&app.admin),
        Some(&json!({"points": 1})),
    )
    .await
    .problem(409, "computed_criterion");
    app.request(
        reqwest::Method::PUT,
        &format!("{path}/items/2.2/score"),
        Some(&qltm),
        Some(&json!({"points": 0.5})),
    )
    .await
    .problem(403, "forbidden");

    // The board: 1.2's 2 points have no evidence; nothing is accepted yet.
    let board = app.get(&format!("{path}/readiness")).await.expect(200);
    assert_eq!(board["ready"], false);
    assert_eq!(board["self_points"], 3.0);
    assert_eq!(board["points_at_risk"], 2.0);
    assert_eq!(board["areas"][0]["code"], "1");
    assert_eq!(board["areas"][0]["points_at_risk"], 2.0);
    let unresolved: Vec<(&str, Vec<&str>)> = board["unresolved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["code"].as_str().unwrap(),
                u["problems"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p.as_str().unwrap())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        unresolved,
        [
            ("1.1", vec!["not_accepted"]),
            ("1.2", vec!["no_evidence", "not_accepted"]),
            ("2.1", vec!["no_data"])
        ]
    );
    let qltm_row = board["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"]["code"] == "QLTM")
        .unwrap();
    assert_eq!(qltm_row["points_at_risk"], 2.0);
    app.get_as(&vp, &format!("{path}/readiness"))
        .await
        .problem(403, "forbidden");

    // Sending is refused with every unresolved criterion named.
    let refused = app
        .post(&format!("{path}/send"), json!({}))
        .await
        .problem(409, "assessment_not_ready");
    assert!(
        errors(&refused).contains(&("criteria[1.2]".into(), "no_evidence".into())),
        "{refused:#}"
    );

    // The Office returns 1.2; QLTM explains; the Office accepts both.
    app.post(
        &format!("{path}/items/1.2/return"),
        json!({"reason": "Bổ sung tài liệu kiểm chứng."}),
    )
    .await
    .expect(200);
    let returned = app.get_as(&qltm, &path).await.expect(200);
    assert_eq!(item(&returned, "1.2")["status"], "returned");
    assert_eq!(
        item(&returned, "1.2")["return_reason"],
        "Bổ sung tài liệu kiểm chứng."
    );
    app.request(
        reqwest::Method::PUT,
        &format!("{path}/items/1.2/score"),
        Some(&qltm),
        Some(
            &json!({"points": 2, "explanation": "Báo cáo gửi qua hệ thống QLVB, chưa có bản lưu."}),
        ),
    )
    .await
    .expect(200);
    app.post(&format!("{path}/items/1.1/accept"), json!({}))
        .await
        .expect(200);
    let accepted = app
        .post(&format!("{path}/items/1.2/accept"), json!({}))
        .await
        .expect(200);
    assert!(problems(item(&accepted, "1.2")).is_empty());
    app.request(
        reqwest::Method::PUT,
        &format!("{path}/items/1.2/score"),
        Some(&qltm),
        Some(&json!({"points": 1})),
    )
    .await
    .problem(409, "item_accepted");
    let board = app.get(&format!("{path}/readiness")).await.expect(200);
    // Explained: resolved, but the points stay at risk; the computed criterion lacks data.
    assert_eq!(board["points_at_risk"], 2.0);
    assert_eq!(board["unresolved"].as_array().unwrap().len(), 1);

    // The Office overrides with a reason; the round is sent and frozen.
    let sent = app
        .post(
            &format!("{path}/send"),
            json!({"override_reason": "Gửi đúng hạn; số liệu trực tuyến bổ sung khi thẩm định."}),
        )
        .await
        .expect(200);
    assert_eq!(sent["status"], "sent");
    assert!(sent["override_reason"]
        .as_str()
        .unwrap()
        .starts_with("Gửi đúng hạn"));
    app.post(&format!("{path}/send"), json!({}))
        .await
        .problem(409, "assessment_sent");
    app.post(&format!("{path}/items/1.1/return"), json!({"reason": "x"}))
        .await
        .problem(409, "assessment_sent");
    let audit = app
        .get(&format!(
            "/api/v1/audit?entity_type=assessment&entity_id={id}"
        ))
        .await
        .expect(200);
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"sent"), "{actions:?}");
    assert!(actions.contains(&"item_returned"), "{actions:?}");
}

/// Seed 001: the 2021 self-assessment lacked evidence; after explanations the department kept
/// only 70 % of the restored points and ranked "Khá". The appraisal is recorded, the final
/// points follow the set's rule, and earlier years are compared.
#[actix_web::test]
async fn the_appraisal_gives_final_points_the_class_and_where_points_were_lost() {
    let app = TestApp::spawn().await;
    let (id, _, plan_doc) = round(&app).await;
    let path = format!("/api/v1/assessments/{id}");
    let put = |path: String, body: Value| {
        let app = &app;
        async move {
            app.request(reqwest::Method::PUT, &path, Some(&app.admin), Some(&body))
                .await
        }
    };
    // An earlier year, appraised: one criterion, 0.8 points.
    let earlier_set = json!({"code": "PAR-2025", "year": 2025, "title": "Bộ tiêu chí năm 2025",
        "restored_share_percent": 70, "ranking_classes": [{"label": "Khá", "min_points": 0.5}],
        "criteria": [{"code": "1", "title": "Chỉ đạo, điều hành", "max_points": 1, "scoring": {"method": "entered"}}]});
    let earlier_set = app
        .post("/api/v1/criteria-sets", earlier_set)
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    app.post(
        &format!("/api/v1/criteria-sets/{earlier_set}/publish"),
        json!({}),
    )
    .await
    .expect(200);
    let earlier = app
        .post(
            "/api/v1/assessments",
            json!({"code": "TDG-2025", "title": "Tự đánh giá năm 2025",
              "criteria_set_id": earlier_set, "units_due_at": "2025-12-10T17:00:00+07:00",
              "send_due_at": "2025-12-20T17:00:00+07:00"}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    put(
        format!("/api/v1/assessments/{earlier}/appraisal"),
        json!({"items": [{"code": "1", "appraised_points": 0.8}]}),
    )
    .await
    .problem(409, "assessment_not_sent");
    put(
        format!("/api/v1/assessments/{earlier}/items/1/score"),
        json!({"points": 1, "explanation": "Đã thực hiện"}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/assessments/{earlier}/send"),
        json!({"override_reason": "Gửi đúng hạn"}),
    )
    .await
    .expect(200);
    put(
        format!("/api/v1/assessments/{earlier}/appraisal"),
        json!({"items": [{"code": "1", "appraised_points": 0.8}]}),
    )
    .await
    .expect(200);

    // This year: 1.1 with evidence, 1.2 explained only; sent with the computed one unresolved.
    app.patch(&format!("{path}/items/1.2"), json!({"unit_code": "QLTM"}))
        .await
        .expect(200);
    put(
        format!("{path}/items/1.1/score"),
        json!({"level": 0, "evidence": [{"document_id": plan_doc, "page": 2}]}),
    )
    .await
    .expect(200);
    put(
        format!("{path}/items/1.2/score"),
        json!({"points": 2, "explanation": "Báo cáo gửi qua QLVB"}),
    )
    .await
    .expect(200);
    for code in ["1.1", "1.2"] {
        app.post(&format!("{path}/items/{code}/accept"), json!({}))
            .await
            .expect(200);
    }
    app.post(
        &format!("{path}/send"),
        json!({"override_reason": "Số liệu trực tuyến chưa tổng hợp"}),
    )
    .await
    .expect(200);

    let bad = put(
        format!("{path}/appraisal"),
        json!({"items": [
            {"code": "9.9", "appraised_points": 1},
            {"code": "1.2", "appraised_points": 1, "restored_points": 0.5}],
            "rank_position": 21, "rank_among": 20}),
    )
    .await
    .problem(422, "validation_failed");
    assert_eq!(
        errors(&bad),
        [
            ("items[0].code".into(), "unknown_criterion".into()),
            ("items[1].restored_points".into(), "out_of_range".into()),
            ("rank_position".into(), "out_of_range".into()),
        ]
    );
    let results = put(format!("{path}/appraisal"), json!({"items": [
            {"code": "1.1", "appraised_points": 1},
            {"code": "1.2", "appraised_points": 0, "comment": "Không có tài liệu kiểm chứng", "restored_points": 2},
            {"code": "2.2", "appraised_points": 0.4}],
            "rank_position": 12, "rank_among": 20}))
        .await
        .expect(200);
    let criterion = |code: &str| {
        results["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == code)
            .unwrap()
            .clone()
    };
    // 70 % of the 2 points restored after the explanation: 1.4 kept, 0.6 lost.
    assert_eq!(criterion("1.2")["final_points"], 1.4);
    assert_eq!(criterion("1.2")["lost_points"], 0.6);
    assert_eq!(criterion("1.2")["comment"], "Không có tài liệu kiểm chứng");
    assert_eq!(criterion("1")["self_points"], 3.0);
    assert_eq!(criterion("1")["final_points"], 2.4);
    assert_eq!(criterion("2")["final_points"], 0.4);
    assert_eq!(results["final_points"], 2.8);
    assert_eq!(results["self_points"], 3.0);
    assert_eq!(results["ranking_class"], "Yếu");
    assert_eq!(
        (
            results["rank_position"].as_i64(),
            results["rank_among"].as_i64()
        ),
        (Some(12), Some(20))
    );
    assert_eq!(results["earlier"][0]["year"], 2025);
    assert_eq!(results["earlier"][0]["final_points"], 0.8);
    assert_eq!(results["earlier"][0]["ranking_class"], "Khá");
    assert_eq!(results["earlier"][0]["self_points"], 1.0);
    assert_eq!(results["earlier"][0]["lost_points"], 0.2);
    // Per area, to set beside this year's areas.
    let area = &results["earlier"][0]["areas"][0];
    assert_eq!(area["code"], "1");
    assert_eq!(area["max_points"], 1.0);
    assert_eq!(area["final_points"], 0.8);
    assert_eq!(area["lost_points"], 0.2);
    assert_eq!(results["earlier"][0]["areas"].as_array().unwrap().len(), 1);
    let round = app.get(&path).await.expect(200);
    assert_eq!(round["status"], "appraised");
    // A lost criterion becomes a task of next year's plan, led by the unit responsible for it.
    let next = app
        .post(
            "/api/v1/plans",
            json!({"code": "KH-2027", "year": 2027, "title": "Kế hoạch CCHC năm 2027"}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let due = json!({"kind": "quarter", "year": 2027, "quarter": 2});
    let created = app
        .post(
            &format!("{path}/items/1.2/task"),
            json!({"plan_id": next, "due": due}),
        )
        .await
        .expect(201);
    assert_eq!(created["code"], "PAR-1.2");
    assert_eq!(created["lead_unit"]["code"], "QLTM");
    assert!(
        created["title"]
            .as_str()
            .unwrap()
            .contains("(mất 0,6 điểm)"),
        "{created:#}"
    );
    app.post(
        &format!("{path}/items/1.1/task"),
        json!({"plan_id": next, "due": due}),
    )
    .await
    .problem(409, "criterion_not_lost");
    // The results are the Office's and the leadership's; the round changes no more.
    let reporter = app.token(Role::Reporter, Some("VP")).await;
    app.get_as(&reporter, &format!("{path}/results"))
        .await
        .problem(403, "forbidden");
    app.post(&format!("{path}/items/1.1/return"), json!({"reason": "x"}))
        .await
        .problem(409, "assessment_sent");
}
