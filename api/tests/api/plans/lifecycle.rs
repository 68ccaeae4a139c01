//! A plan from draft to closed: its document, legal basis, areas and targets.

use serde_json::json;

use super::{department, document, id};
use crate::common::{errors, pairs, TestApp};

#[actix_web::test]
async fn a_plan_is_written_issued_with_its_document_and_closed() {
    let app = TestApp::spawn().await;
    department(&app).await;
    app.indicator("DVC-TRUCTUYEN", "ratio").await;
    let basis = document(
        &app,
        "4289/KH-UBND",
        "2021-12-20",
        "Kế hoạch CCHC năm 2022 của tỉnh",
    )
    .await;
    let own = document(&app, "383/KH-SCT", "2022-02-21", "Kế hoạch CCHC năm 2022").await;
    let answer = app
        .post(
            "/api/v1/plans",
            json!({
                "code": "KH-CCHC-2022",
                "year": 2022,
                "title": "Kế hoạch cải cách hành chính năm 2022 của Sở Công Thương",
                "legal_basis_document_ids": [basis],
                "areas": [
                    {"content_area": "administrative_procedure_reform", "lead_unit_code": "VP", "coordinating_unit_codes": ["QLTM", "KHTC"]},
                    {"content_area": "institutional_reform", "lead_unit_code": "VP"},
                ],
                "targets": [{
                    "description": "Trên 50% hồ sơ thủ tục hành chính được tiếp nhận trực tuyến",
                    "content_area": "administrative_procedure_reform",
                    "indicator_code": "DVC-TRUCTUYEN",
                    "target": {"comparator": "gt", "threshold": 50},
                }],
            }),
        )
        .await;
    let location = answer.headers.get("location").cloned();
    let plan = answer.expect(201);
    let plan_id = id(&plan);
    assert_eq!(
        location.and_then(|l| l.to_str().ok().map(str::to_owned)),
        Some(format!("/api/v1/plans/{plan_id}"))
    );
    assert_eq!(plan["status"], "draft");
    assert_eq!(plan["legal_basis"][0]["number"], "4289/KH-UBND");
    // Areas come in the order of the eight CCHC areas, with their Vietnamese names.
    assert_eq!(plan["areas"][0]["content_area"], "institutional_reform");
    assert_eq!(plan["areas"][0]["label"], "Cải cách thể chế");
    assert_eq!(plan["areas"][1]["lead_unit"]["code"], "VP");
    let coordinating: Vec<&str> = plan["areas"][1]["coordinating_units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["code"].as_str().unwrap())
        .collect();
    assert_eq!(coordinating.len(), 2);
    assert!(coordinating.contains(&"QLTM") && coordinating.contains(&"KHTC"));
    assert_eq!(plan["targets"][0]["indicator"]["code"], "DVC-TRUCTUYEN");
    assert_eq!(plan["targets"][0]["target"]["comparator"], "gt");

    // Issuing needs the plan's own document.
    let problem = app
        .post(&format!("/api/v1/plans/{plan_id}/issue"), json!({}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), pairs(&[("document_id", "required")]));
    app.patch(
        &format!("/api/v1/plans/{plan_id}"),
        json!({"document_id": own}),
    )
    .await
    .expect(200);
    let issued = app
        .post(&format!("/api/v1/plans/{plan_id}/issue"), json!({}))
        .await
        .expect(200);
    assert_eq!(issued["status"], "issued");
    assert_eq!(issued["document"]["number"], "383/KH-SCT");
    assert!(issued["issued_at"].as_str().unwrap().ends_with("+07:00"));

    // Issued: the year is locked, the rest can change; a draft-only delete is refused.
    let problem = app
        .patch(&format!("/api/v1/plans/{plan_id}"), json!({"year": 2023}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), pairs(&[("year", "locked_when_issued")]));
    app.delete(&format!("/api/v1/plans/{plan_id}"))
        .await
        .problem(409, "plan_not_draft");

    let list = app.get("/api/v1/plans?year=2022").await.expect(200);
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["document"]["number"], "383/KH-SCT");
    assert_eq!(
        app.get("/api/v1/plans?year=2023").await.expect(200)["total"],
        0
    );

    let closed = app
        .post(&format!("/api/v1/plans/{plan_id}/close"), json!({}))
        .await
        .expect(200);
    assert_eq!(closed["status"], "closed");
    app.patch(
        &format!("/api/v1/plans/{plan_id}"),
        json!({"title": "Khác"}),
    )
    .await
    .problem(409, "plan_closed");
    app.post(&format!("/api/v1/plans/{plan_id}/close"), json!({}))
        .await
        .problem(409, "invalid_transition");

    // Every change is in the audit trail.
    let trail = app
        .get(&format!(
            "/api/v1/audit?entity_type=plan&entity_id={plan_id}"
        ))
        .await
        .expect(200);
    let actions: Vec<&str> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in ["created", "updated", "issued", "closed"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
}

#[actix_web::test]
async fn a_plan_with_problems_is_refused_naming_every_field_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    department(&app).await;
    let problem = app
        .post(
            "/api/v1/plans",
            json!({
                "code": "KH 2022",
                "year": 1800,
                "title": " ",
                "document_id": 999,
                "areas": [
                    {"content_area": "inspection", "lead_unit_code": "NOPE"},
                    {"content_area": "inspection", "lead_unit_code": "VP", "coordinating_unit_codes": ["VP"]},
                ],
                "targets": [{"description": "Trên 90% hài lòng", "target": {"comparator": "gte", "threshold": 90}}],
            }),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[
            ("code", "invalid_code"),
            ("year", "out_of_range"),
            ("title", "required"),
            ("document_id", "unknown_document"),
            ("areas[1].content_area", "duplicate"),
            (
                "areas[1].coordinating_unit_codes[0]",
                "lead_also_coordinating"
            ),
            ("areas[0].lead_unit_code", "unknown_unit"),
            ("targets[0].indicator_code", "required"),
        ])
    );
    assert_eq!(app.get("/api/v1/plans").await.expect(200)["total"], 0);

    app.post(
        "/api/v1/plans",
        json!({"code": "KH-1", "year": 2026, "title": "Kế hoạch"}),
    )
    .await
    .expect(201);
    app.post(
        "/api/v1/plans",
        json!({"code": "KH-1", "year": 2026, "title": "Kế hoạch"}),
    )
    .await
    .problem(409, "duplicate_code");
}

#[actix_web::test]
async fn the_working_group_is_kept_checked_and_replaced() {
    let app = TestApp::spawn().await;
    department(&app).await;
    let bad = app
        .post(
            "/api/v1/plans",
            json!({
                "code": "KH-TCT", "year": 2026, "title": "Kế hoạch CCHC năm 2026",
                "working_group": [
                    {"name": "Tổ trưởng", "email": "totruong@sct.example.vn"},
                    {"name": null, "email": "not-an-address"},
                    {"name": "Thư ký", "email": "TOTRUONG@sct.example.vn"},
                ],
            }),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&bad),
        pairs(&[
            ("working_group[1].email", "invalid_email"),
            ("working_group[2].email", "duplicate"),
        ])
    );
    app.get("/api/v1/plans?q=KH-TCT").await.expect(200)["total"]
        .as_i64()
        .filter(|n| *n == 0)
        .expect("nothing written");

    let plan = app
        .post(
            "/api/v1/plans",
            json!({
                "code": "KH-TCT", "year": 2026, "title": "Kế hoạch CCHC năm 2026",
                "working_group": [{"name": "  Tổ trưởng  ", "email": " totruong@sct.example.vn "}],
            }),
        )
        .await
        .expect(201);
    assert_eq!(
        plan["working_group"],
        json!([{"name": "Tổ trưởng", "email": "totruong@sct.example.vn"}])
    );
    let path = format!("/api/v1/plans/{}", plan["id"]);
    // A change of title keeps the group; a new list replaces it.
    let changed = app
        .patch(&path, json!({"title": "Kế hoạch CCHC 2026"}))
        .await
        .expect(200);
    assert_eq!(changed["working_group"], plan["working_group"]);
    let changed = app
        .patch(
            &path,
            json!({"working_group": [{"email": "vanphong@sct.example.vn"}]}),
        )
        .await
        .expect(200);
    assert_eq!(
        changed["working_group"],
        json!([{"name": null, "email": "vanphong@sct.example.vn"}])
    );
}
