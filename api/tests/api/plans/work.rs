//! The work on a task: the lead unit's progress, the coordinating units' contributions, the
//! declaration the Office confirms or returns; who may do what; tasks of a directive.

use cchc_domain::model::token::Role;
use serde_json::json;

use super::{department, document, id, issued_plan};
use crate::common::TestApp;

#[actix_web::test]
async fn units_report_the_lead_declares_and_the_office_returns_then_confirms() {
    let app = TestApp::spawn().await;
    department(&app).await;
    let plan = issued_plan(&app, "KH-2026").await;
    let created = app
        .post(
            &format!("/api/v1/plans/{plan}/tasks"),
            json!({"code": "2.3", "title": "Rà soát các thủ tục hành chính mức độ 3, 4 không phát sinh hồ sơ",
                   "content_area": "administrative_procedure_reform",
                   "lead_unit_code": "QLTM", "coordinating_unit_codes": ["KHTC"],
                   "expected_output": "Báo cáo kết quả rà soát",
                   "due": {"kind": "month", "year": 2026, "month": 12}}),
        )
        .await;
    let location = created.headers.get("location").cloned();
    let task = created.expect(201);
    let task_id = id(&task);
    assert_eq!(
        location.and_then(|l| l.to_str().ok().map(str::to_owned)),
        Some(format!("/api/v1/tasks/{task_id}"))
    );
    let lead = app.token(Role::Reporter, Some("QLTM")).await;
    let coordinating = app.token(Role::Reporter, Some("KHTC")).await;
    let outsider = app.token(Role::Reporter, Some("VP")).await;
    let viewer = app.token(Role::Viewer, None).await;
    let evidence = document(&app, "12/BC-QLTM", "2026-11-18", "Báo cáo rà soát thủ tục").await;
    let path = format!("/api/v1/tasks/{task_id}");

    let reported = app
        .post_as(
            &lead,
            &format!("{path}/progress"),
            json!({"percent": 40, "note": "Đã rà soát 24/60 thủ tục",
                   "evidence": [{"document_id": evidence, "section": "Mục II.2", "page": 3}]}),
        )
        .await
        .expect(200);
    assert_eq!(reported["progress_percent"], 40);
    assert_eq!(reported["history"][0]["kind"], "progress");
    assert_eq!(reported["history"][0]["unit"]["code"], "QLTM");
    assert_eq!(
        reported["history"][0]["evidence"][0]["document"]["number"],
        "12/BC-QLTM"
    );
    assert_eq!(reported["history"][0]["evidence"][0]["section"], "Mục II.2");

    // A coordinating unit adds its contribution, without a percent.
    let problem = app
        .post_as(
            &coordinating,
            &format!("{path}/progress"),
            json!({"percent": 90, "note": "Đã phối hợp"}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "percent");
    assert_eq!(problem["errors"][0]["code"], "lead_only");
    let contributed = app
        .post_as(
            &coordinating,
            &format!("{path}/progress"),
            json!({"note": "Đã cung cấp số liệu hồ sơ trực tuyến"}),
        )
        .await
        .expect(200);
    assert_eq!(contributed["history"][1]["kind"], "contribution");
    assert_eq!(contributed["progress_percent"], 40);

    // Another unit's reporter does not see the task; a viewer reads but does not report.
    app.get_as(&outsider, &path).await.problem(404, "not_found");
    let own_list = app.get_as(&outsider, "/api/v1/tasks").await.expect(200);
    assert_eq!(own_list["total"], 0);
    assert_eq!(
        app.get_as(&coordinating, "/api/v1/tasks").await.expect(200)["total"],
        1
    );
    app.get_as(&viewer, &path).await.expect(200);
    app.post_as(&viewer, &format!("{path}/progress"), json!({"note": "x"}))
        .await
        .problem(403, "forbidden");
    app.get_as(&lead, &format!("/api/v1/plans/{plan}/board"))
        .await
        .problem(403, "forbidden");

    // Only the lead unit declares it done.
    app.post_as(&coordinating, &format!("{path}/completion"), json!({}))
        .await
        .problem(403, "forbidden");
    let declared = app
        .post_as(
            &lead,
            &format!("{path}/completion"),
            json!({"output_document_id": evidence, "note": "Đã ban hành báo cáo"}),
        )
        .await
        .expect(200);
    assert_eq!(declared["completion"], "declared");
    assert_eq!(declared["output_document"]["number"], "12/BC-QLTM");
    app.post_as(&lead, &format!("{path}/progress"), json!({"note": "thêm"}))
        .await
        .problem(409, "awaiting_confirmation");
    app.post_as(&lead, &format!("{path}/confirm"), json!({}))
        .await
        .problem(403, "forbidden");

    let returned = app
        .post(
            &format!("{path}/return"),
            json!({"reason": "Chưa có quyết định công bố kèm theo"}),
        )
        .await
        .expect(200);
    assert_eq!(returned["completion"], "open");
    assert_eq!(returned["progress_percent"], 40);
    assert_eq!(
        returned["return_reason"],
        "Chưa có quyết định công bố kèm theo"
    );

    app.post_as(
        &lead,
        &format!("{path}/completion"),
        json!({"output_document_id": evidence}),
    )
    .await
    .expect(200);
    let confirmed = app
        .post(&format!("{path}/confirm"), json!({}))
        .await
        .expect(200);
    assert_eq!(confirmed["status"], "done_on_time");
    assert_eq!(confirmed["status_label"], "Hoàn thành đúng hạn");
    let kinds: Vec<&str> = confirmed["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "progress",
            "contribution",
            "declared_done",
            "returned",
            "declared_done",
            "confirmed"
        ]
    );
    app.delete(&path).await.problem(409, "task_has_history");

    let trail = app
        .get(&format!(
            "/api/v1/audit?entity_type=task&entity_id={task_id}"
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
        "progress_reported",
        "contribution_reported",
        "declared_done",
        "returned",
        "confirmed",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
}

#[actix_web::test]
async fn a_draft_plan_takes_no_reports_and_a_directive_has_its_own_tasks() {
    let app = TestApp::spawn().await;
    department(&app).await;
    let draft = id(&app
        .post(
            "/api/v1/plans",
            json!({"code": "KH-NHAP", "year": 2026, "title": "Kế hoạch (dự thảo)"}),
        )
        .await
        .expect(201));
    let draft_task = super::task(
        &app,
        draft,
        "1",
        "VP",
        json!({"kind": "month", "year": 2026, "month": 12}),
    )
    .await;
    app.post(
        &format!("/api/v1/tasks/{}/progress", id(&draft_task)),
        json!({"note": "Bắt đầu"}),
    )
    .await
    .problem(409, "plan_not_issued");
    // A task of a draft plan with nothing reported can be removed.
    app.delete(&format!("/api/v1/tasks/{}", id(&draft_task)))
        .await
        .expect(204);

    // A meeting conclusion (thông báo kết luận) assigns tasks of its own.
    let conclusion = document(
        &app,
        "45/TB-SCT",
        "2022-04-28",
        "Thông báo kết luận của Giám đốc Sở tại cuộc họp về công tác CCHC",
    )
    .await;
    let problem = app
        .post(
            "/api/v1/tasks",
            json!({"code": "1", "title": "Rà soát thủ tục", "lead_unit_code": "VP",
                   "due": {"kind": "month", "year": 2022, "month": 5}}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "source_document_id");
    let directive = app
        .post(
            "/api/v1/tasks",
            json!({"code": "1", "title": "Rà soát các TTHC mức độ 3, 4 không phát sinh hồ sơ",
                   "source_document_id": conclusion, "lead_unit_code": "VP",
                   "due": {"kind": "month", "year": 2022, "month": 5}}),
        )
        .await
        .expect(201);
    assert_eq!(directive["source_document"]["number"], "45/TB-SCT");
    assert_eq!(directive["plan"], serde_json::Value::Null);
    assert_eq!(directive["deadline"], "2022-05-31T17:00:00+07:00");
    assert_eq!(directive["status"], "overdue");
    app.post(
        "/api/v1/tasks",
        json!({"code": "1", "title": "Trùng số", "source_document_id": conclusion,
               "lead_unit_code": "VP", "due": {"kind": "year", "year": 2022}}),
    )
    .await
    .problem(409, "duplicate_code");
    let by_source = app
        .get(&format!("/api/v1/tasks?source_document_id={conclusion}"))
        .await
        .expect(200);
    assert_eq!(by_source["total"], 1);
}
