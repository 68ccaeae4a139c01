//! Plans and their tasks through the HTTP API: the plan's life, tasks with dues as the source
//! words them, derived statuses, progress, completion, extensions, the board, and who may do
//! what.

mod appendix;
mod files;
mod lifecycle;
mod reports;
mod statuses;
mod targets;
mod work;

use serde_json::{json, Value};

use crate::common::TestApp;

/// Units of a department: the Office (VP) and two divisions.
pub async fn department(app: &TestApp) {
    app.unit("SCT", "department", None).await;
    app.unit("VP", "office", Some("SCT")).await;
    app.unit("QLTM", "division", Some("SCT")).await;
    app.unit("KHTC", "division", Some("SCT")).await;
}

/// A registered document; returns its id.
pub async fn document(app: &TestApp, number: &str, issued_on: &str, subject: &str) -> i64 {
    let issuer = if number.contains("UBND") {
        "Ủy ban nhân dân tỉnh"
    } else {
        "Sở Công Thương"
    };
    app.post(
        "/api/v1/documents",
        json!({
            "number": number,
            "issued_on": issued_on,
            "issuing_agency": issuer,
            "subject": subject,
            "direction": "outgoing",
        }),
    )
    .await
    .expect(201)["id"]
        .as_i64()
        .expect("a document id")
}

/// An issued plan for 2026 with its document; returns its id.
pub async fn issued_plan(app: &TestApp, code: &str) -> i64 {
    let doc = document(
        app,
        &format!("{}/KH-SCT", 300 + code.len()),
        "2026-01-15",
        "Kế hoạch cải cách hành chính năm 2026",
    )
    .await;
    let plan = app
        .post(
            "/api/v1/plans",
            json!({
                "code": code,
                "year": 2026,
                "title": "Kế hoạch cải cách hành chính năm 2026",
                "document_id": doc,
            }),
        )
        .await
        .expect(201);
    let id = plan["id"].as_i64().expect("a plan id");
    app.post(&format!("/api/v1/plans/{id}/issue"), json!({}))
        .await
        .expect(200);
    id
}

/// Adds task `code` led by `lead` to plan `plan` with `due`; returns the created task.
pub async fn task(app: &TestApp, plan: i64, code: &str, lead: &str, due: Value) -> Value {
    app.post(
        &format!("/api/v1/plans/{plan}/tasks"),
        json!({
            "code": code,
            "title": format!("Nhiệm vụ {code}"),
            "lead_unit_code": lead,
            "due": due,
        }),
    )
    .await
    .expect(201)
}

pub fn id(value: &Value) -> i64 {
    value["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("an id in {value:#}"))
}
