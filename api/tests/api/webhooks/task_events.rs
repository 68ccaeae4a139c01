//! Task events through the API and the worker: `task.assigned` when an issued plan's task is
//! created, when a draft plan is issued and when a task's lead unit changes; `task.overdue`
//! once its deadline passes (planned by the worker); `task.completed` when the Office confirms
//! it.

use super::*;
use crate::plans::{department, document, id, issued_plan, task};

const TASK_EVENTS: [&str; 3] = ["task.assigned", "task.overdue", "task.completed"];

#[actix_web::test]
async fn task_events_are_emitted_by_their_actions_and_delivered_signed() {
    let app = TestApp::spawn_with(loopback_config()).await;
    let qlvb = FakeQlvb::start();
    let (_, secret) = subscribe(&app, &qlvb.webhook_url(), &TASK_EVENTS).await;
    department(&app).await;
    let plan = issued_plan(&app, "KH-2026").await;

    let created = task(
        &app,
        plan,
        "1",
        "QLTM",
        json!({"kind": "date", "date": "2026-11-30"}),
    )
    .await;
    let task_id = id(&created);
    assert_eq!(drain(&app).await.done, 1);
    let received = qlvb.wait_for_webhooks(1).await;
    let assigned = verified(&app, &received[0], &secret);
    assert_eq!(assigned["type"], "task.assigned");
    assert_eq!(
        assigned["data"],
        json!({
            "task_id": task_id,
            "task_code": "1",
            "title": "Nhiệm vụ 1",
            "plan_id": plan,
            "plan_code": "KH-2026",
            "source_document_id": null,
            "lead_unit_id": created["lead_unit"]["id"],
            "lead_unit_code": "QLTM",
            "coordinating_unit_codes": [],
            "deadline": "2026-11-30T17:00:00+07:00",
            "completed_at": null,
            "on_time": null,
        })
    );

    // A change of title says nothing; a new lead unit is an assignment.
    let path = format!("/api/v1/tasks/{task_id}");
    app.patch(&path, json!({"title": "Rà soát TTHC"}))
        .await
        .expect(200);
    app.patch(
        &path,
        json!({"lead_unit_code": "KHTC", "coordinating_unit_codes": ["QLTM"]}),
    )
    .await
    .expect(200);
    drain(&app).await;
    let received = qlvb.wait_for_webhooks(2).await;
    let reassigned = verified(&app, &received[1], &secret);
    assert_eq!(reassigned["type"], "task.assigned");
    assert_eq!(reassigned["data"]["lead_unit_code"], "KHTC");
    assert_eq!(
        reassigned["data"]["coordinating_unit_codes"],
        json!(["QLTM"])
    );

    // A draft plan's task is assigned when the plan is issued, not before.
    let draft_doc = document(&app, "77/KH-SCT", "2026-02-01", "Kế hoạch bổ sung").await;
    let draft = app
        .post(
            "/api/v1/plans",
            json!({"code": "KH-BS", "year": 2026, "title": "Kế hoạch bổ sung", "document_id": draft_doc}),
        )
        .await
        .expect(201);
    let draft = id(&draft);
    task(
        &app,
        draft,
        "1",
        "VP",
        json!({"kind": "month", "year": 2026, "month": 12}),
    )
    .await;
    assert_eq!(
        drain(&app).await.done,
        0,
        "a draft's task is not assigned yet"
    );
    app.post(&format!("/api/v1/plans/{draft}/issue"), json!({}))
        .await
        .expect(200);
    drain(&app).await;
    let received = qlvb.wait_for_webhooks(3).await;
    assert_eq!(
        verified(&app, &received[2], &secret)["data"]["plan_code"],
        "KH-BS"
    );

    // The deadline passes: the worker's schedule announces it, once.
    app.clock.set(at("2026-12-01T09:00:00+07:00"));
    let worker = worker(&app);
    assert_eq!(worker.plan().await.unwrap().tasks_overdue, 1);
    assert_eq!(worker.plan().await.unwrap().tasks_overdue, 0);
    drain(&app).await;
    let received = qlvb.wait_for_webhooks(4).await;
    let overdue = verified(&app, &received[3], &secret);
    assert_eq!(overdue["type"], "task.overdue");
    assert_eq!(overdue["data"]["task_id"], task_id);

    // Declared late, confirmed: completed, not on time.
    let lead = app.token(Role::Reporter, Some("KHTC")).await;
    app.post_as(
        &lead,
        &format!("{path}/completion"),
        json!({"note": "Đã xong"}),
    )
    .await
    .expect(200);
    app.post(&format!("{path}/confirm"), json!({}))
        .await
        .expect(200);
    drain(&app).await;
    let received = qlvb.wait_for_webhooks(5).await;
    let completed = verified(&app, &received[4], &secret);
    assert_eq!(completed["type"], "task.completed");
    assert_eq!(
        completed["data"]["completed_at"],
        "2026-12-01T09:00:00+07:00"
    );
    assert_eq!(completed["data"]["on_time"], false);
    assert_eq!(
        types(&received),
        [
            "task.assigned",
            "task.assigned",
            "task.assigned",
            "task.overdue",
            "task.completed"
        ]
    );
}
