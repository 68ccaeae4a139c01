//! `/api/v1/indicators`: versioned indicator definitions and their targets.
//!
//! Tests by topic live in the submodules; this file holds the helpers they share.

use cchc_domain::model::token::Role;
use serde_json::{json, Value};

use crate::common::{codes, enc, Answer, TestApp};

mod aggregation;
mod creating;
mod reading;
mod targets;
mod versions;

const CONTENT_AREAS: [&str; 8] = [
    "institutional_reform",
    "administrative_procedure_reform",
    "organizational_reform",
    "civil_service_quality",
    "public_finance_reform",
    "digital_government",
    "communication",
    "inspection",
];

fn path_of(indicator: &Value) -> String {
    format!(
        "/api/v1/indicators/{}",
        indicator["id"].as_i64().expect("id")
    )
}

/// A decimal number of an answer (thresholds and tolerances are JSON numbers).
fn num(value: &Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("expected a number, got {value}"))
}

/// A minimal valid creation body.
fn body(code: &str, kind: &str) -> Value {
    json!({
        "code": code,
        "name": format!("Chỉ tiêu {code}"),
        "content_area": "administrative_procedure_reform",
        "kind": kind,
    })
}

fn with(mut base: Value, extra: Value) -> Value {
    for (key, value) in extra.as_object().expect("object") {
        base[key] = value.clone();
    }
    base
}

/// `(field, code)` of every error of a problem.
fn errors(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pair(field: &str, code: &str) -> (String, String) {
    (field.to_owned(), code.to_owned())
}

async fn listed(app: &TestApp, query: impl AsRef<str>) -> Vec<String> {
    codes(
        &app.get(&format!("/api/v1/indicators?{}", query.as_ref()))
            .await
            .expect(200),
    )
}

async fn total(app: &TestApp) -> i64 {
    app.get("/api/v1/indicators").await.expect(200)["total"]
        .as_i64()
        .expect("total")
}

async fn versions(app: &TestApp, indicator: &Value) -> Value {
    app.get(&format!("{}/versions", path_of(indicator)))
        .await
        .expect(200)
}
