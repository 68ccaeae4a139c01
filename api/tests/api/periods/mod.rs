//! Reporting periods through the HTTP API: Decree 09 cut-off windows, deadline rules, defaults,
//! validation, the draft → open → closed lifecycle, pinned indicator versions and the list.
//!
//! Tests by topic live in the submodules; this file holds the helpers they share.

use cchc_domain::model::token::Role;
use serde_json::{json, Value};

use crate::common::{errors, pairs, Answer, TestApp};

mod changes;
mod deadlines;
mod lifecycle;
mod list;
mod setup;
mod windows;

/// A Friday, a working day after every default window used below (all in 2023–2025).
const LATE_DEADLINE: &str = "2026-11-27T16:30:00+07:00";

/// A minimal valid creation body.
fn period(code: &str, frequency: &str, year: Option<i32>, sequence: Option<i32>) -> Value {
    let mut body = json!({
        "code": code,
        "title": format!("Báo cáo CCHC {code}"),
        "report_type": "periodic",
        "frequency": frequency,
        "deadline": LATE_DEADLINE,
    });
    if let Some(year) = year {
        body["year"] = json!(year);
    }
    if let Some(sequence) = sequence {
        body["sequence"] = json!(sequence);
    }
    body
}

/// `body` with the fields of `extra` set (a `null` in `extra` removes the field).
fn with(mut body: Value, extra: Value) -> Value {
    let target = body.as_object_mut().expect("object body");
    for (key, value) in extra.as_object().expect("object extra") {
        if value.is_null() {
            target.remove(key);
        } else {
            target.insert(key.clone(), value.clone());
        }
    }
    body
}

fn codes(items: &Value, key: &str) -> Vec<String> {
    items
        .as_array()
        .expect("array")
        .iter()
        .map(|item| item[key].as_str().expect("string code").to_owned())
        .collect()
}

/// The department, two reporting units and two indicators.
async fn organisation(app: &TestApp) {
    app.unit("SCT", "department", None).await;
    app.unit("VP", "office", Some("SCT")).await;
    app.unit("KHTC", "division", Some("SCT")).await;
    app.indicator("TTHC-DUNGHAN", "ratio").await;
    app.indicator("TTHC-TRUCTUYEN", "count").await;
}

async fn create(app: &TestApp, body: Value) -> Value {
    app.post("/api/v1/periods", body).await.expect(201)
}

/// The period as the API shows it now.
async fn read(app: &TestApp, period: &Value) -> Value {
    app.get(&format!("/api/v1/periods/{}", id_of(period)))
        .await
        .expect(200)
}

fn id_of(period: &Value) -> i64 {
    period["id"].as_i64().expect("period id")
}
