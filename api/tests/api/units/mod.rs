//! `/api/v1/units`: the department's tree of units with their head and CCHC focal persons.
//!
//! Tests by topic live in the submodules; this file holds the helpers they share.

use cchc_domain::model::token::Role;
use serde_json::{json, Value};

use crate::common::{codes, enc, Answer, TestApp};

mod changing;
mod creating;
mod reading;
mod validation;

fn id_of(unit: &Value) -> i64 {
    unit["id"].as_i64().expect("id")
}

async fn search(app: &TestApp, q: &str) -> Vec<String> {
    codes(
        &app.get(&format!("/api/v1/units?q={}", enc(q)))
            .await
            .expect(200),
    )
}

async fn total(app: &TestApp) -> i64 {
    app.get("/api/v1/units").await.expect(200)["total"]
        .as_i64()
        .expect("total")
}

/// A unit named in Vietnamese, without contacts.
async fn named(app: &TestApp, code: &str, name: &str, kind: &str, parent: Option<&str>) -> Value {
    app.post(
        "/api/v1/units",
        json!({"code": code, "name": name, "kind": kind, "parent_code": parent}),
    )
    .await
    .expect(201)
}
