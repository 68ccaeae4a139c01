//! Submissions through the HTTP API: filing a unit's report, who sees and changes what,
//! ETag/If-Match concurrency, values and evidence, completeness and timeliness at submit,
//! review by the Office, per-unit extensions and versions.
//!
//! Fixture: the department SCT with divisions KHTC, QLTM and TCHC and its office VP taking
//! part in period 2026-Q4 (deadline Tuesday 2026-12-15 16:30 local); TTRA exists but does not
//! take part.
//!
//! Tests by topic live in the submodules; this file holds the helpers they share.

use cchc_domain::model::token::Role;
use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{errors, pairs, Answer, TestApp};

mod creating;
mod extensions;
mod people;
mod review;
mod scoping;
mod submit;
mod values;

/// The period's deadline, a Tuesday.
const DEADLINE: &str = "2026-12-15T16:30:00+07:00";

/// The period's indicators in the period's order (deliberately not alphabetical).
const INDICATORS: [&str; 6] = [
    "TL-DUNGHAN",
    "SL-VANBAN",
    "KP-CCHC",
    "CO-MOTCUA",
    "ND-SANGKIEN",
    "TL-TRUCTUYEN",
];

const TEXT_ANSWER: &str =
    "Triển khai mô hình một cửa điện tử tại Bộ phận tiếp nhận và trả kết quả.";

fn at(local: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(local)
        .unwrap()
        .with_timezone(&Utc)
}

/// A JSON number as f64 (decimals are answered as JSON numbers).
fn num(value: &Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("expected a number, got {value}"))
}

fn unit_codes(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["unit_code"].as_str().expect("unit code").to_owned())
        .collect()
}

/// The value of one indicator in a submission.
fn value<'a>(submission: &'a Value, code: &str) -> &'a Value {
    submission["values"]
        .as_array()
        .expect("values")
        .iter()
        .find(|v| v["code"] == code)
        .unwrap_or_else(|| panic!("no value for {code} in {submission:#}"))
}

#[track_caller]
fn tag(answer: &Answer) -> String {
    assert!(
        answer.status.is_success(),
        "unexpected status {}; body: {:#}",
        answer.status,
        answer.body
    );
    answer
        .headers
        .get("etag")
        .expect("an ETag header")
        .to_str()
        .unwrap()
        .to_owned()
}

async fn indicator(app: &TestApp, code: &str, kind: &str, extra: Value) {
    let mut body = json!({
        "code": code,
        "name": format!("Chỉ tiêu {code}"),
        "content_area": "administrative_procedure_reform",
        "kind": kind,
    });
    for (key, value) in extra.as_object().unwrap() {
        body[key] = value.clone();
    }
    app.post("/api/v1/indicators", body).await.expect(201);
}

/// Units and indicators.
async fn organisation(app: &TestApp) {
    app.unit("SCT", "department", None).await;
    app.unit("VP", "office", Some("SCT")).await;
    app.unit("KHTC", "division", Some("SCT")).await;
    app.unit("QLTM", "division", Some("SCT")).await;
    app.unit("TCHC", "division", Some("SCT")).await;
    app.unit("TTRA", "division", Some("SCT")).await;
    indicator(app, "TL-DUNGHAN", "ratio", json!({"tolerance": 1})).await;
    indicator(
        app,
        "SL-VANBAN",
        "count",
        json!({"unit_of_measure": "văn bản", "evidence_required": true}),
    )
    .await;
    indicator(
        app,
        "KP-CCHC",
        "decimal",
        json!({"unit_of_measure": "triệu đồng"}),
    )
    .await;
    indicator(app, "CO-MOTCUA", "boolean", json!({})).await;
    indicator(app, "ND-SANGKIEN", "text", json!({})).await;
    indicator(app, "TL-TRUCTUYEN", "ratio", json!({})).await;
}

/// Creates period 2026-Q4 (still a draft) and returns its id.
async fn draft_period(app: &TestApp) -> i64 {
    let period = app
        .post(
            "/api/v1/periods",
            json!({
                "code": "2026-Q4",
                "title": "Báo cáo CCHC Quý IV/2026",
                "report_type": "periodic",
                "frequency": "quarterly",
                "year": 2026,
                "sequence": 4,
                "deadline": DEADLINE,
                "indicator_codes": INDICATORS,
                "unit_codes": ["KHTC", "QLTM", "TCHC", "VP"],
            }),
        )
        .await
        .expect(201);
    period["id"].as_i64().unwrap()
}

async fn open(app: &TestApp, period: i64) {
    let opened = app
        .post(&format!("/api/v1/periods/{period}/open"), json!({}))
        .await
        .expect(200);
    assert_eq!(opened["status"], "open");
    assert_eq!(opened["deadline"]["effective"], DEADLINE);
}

async fn close(app: &TestApp, period: i64) {
    let closed = app
        .post(&format!("/api/v1/periods/{period}/close"), json!({}))
        .await
        .expect(200);
    assert_eq!(closed["status"], "closed");
}

/// The organisation and the open period 2026-Q4; returns the period id.
async fn open_period(app: &TestApp) -> i64 {
    organisation(app).await;
    let period = draft_period(app).await;
    open(app, period).await;
    period
}

/// A unit's draft as its reporter sees it.
struct Draft {
    token: String,
    id: i64,
    etag: String,
}

impl Draft {
    fn path(&self) -> String {
        format!("/api/v1/submissions/{}", self.id)
    }
}

/// The unit's reporter starts its draft.
async fn start(app: &TestApp, period: i64, unit: &str) -> Draft {
    let token = app.token(Role::Reporter, Some(unit)).await;
    let created = app
        .post_as(
            &token,
            &format!("/api/v1/periods/{period}/submissions"),
            json!({}),
        )
        .await;
    let etag = tag(&created);
    let body = created.expect(201);
    assert_eq!(body["unit_code"], unit);
    assert_eq!(body["status"], "draft");
    Draft {
        token,
        id: body["id"].as_i64().unwrap(),
        etag,
    }
}

/// Any request with an optional If-Match.
async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    if_match: Option<&str>,
    body: Option<&Value>,
) -> Answer {
    let mut request = app
        .client
        .request(method, format!("{}{path}", app.base_url))
        .bearer_auth(token);
    if let Some(if_match) = if_match {
        request = request.header("if-match", if_match);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    Answer {
        status,
        headers,
        body,
    }
}

/// PATCH with the given token and If-Match.
async fn patch_as(
    app: &TestApp,
    token: &str,
    id: i64,
    if_match: Option<&str>,
    body: Value,
) -> Answer {
    send(
        app,
        Method::PATCH,
        &format!("/api/v1/submissions/{id}"),
        token,
        if_match,
        Some(&body),
    )
    .await
}

/// PATCH as `token` with the draft's current ETag; expects 200, checks the revision moved on
/// by one and keeps the new ETag.
async fn save_as(app: &TestApp, token: &str, draft: &mut Draft, body: Value) -> Value {
    let answer = patch_as(app, token, draft.id, Some(&draft.etag), body).await;
    let etag = tag(&answer);
    let body = answer.expect(200);
    let revision = body["revision"].as_i64().unwrap();
    assert_eq!(draft.etag, format!("\"{}.{}\"", draft.id, revision - 1));
    assert_eq!(etag, format!("\"{}.{revision}\"", draft.id));
    draft.etag = etag;
    body
}

/// PATCH as the unit's reporter (see [`save_as`]).
async fn save(app: &TestApp, draft: &mut Draft, body: Value) -> Value {
    let token = draft.token.clone();
    save_as(app, &token, draft, body).await
}

/// PATCH as the reporter with the current ETag, expecting a refusal.
async fn try_save(app: &TestApp, draft: &Draft, body: Value) -> Answer {
    patch_as(app, &draft.token, draft.id, Some(&draft.etag), body).await
}

/// Submits as `token`; on success keeps the new ETag.
async fn submit_as(app: &TestApp, token: &str, draft: &mut Draft) -> Answer {
    let answer = app
        .post_as(token, &format!("{}/submit", draft.path()), json!({}))
        .await;
    if answer.status.is_success() {
        draft.etag = tag(&answer);
    }
    answer
}

async fn submit(app: &TestApp, draft: &mut Draft) -> Answer {
    let token = draft.token.clone();
    submit_as(app, &token, draft).await
}

/// Returns a submitted report (admin) and keeps the new ETag.
async fn return_report(app: &TestApp, draft: &mut Draft, reason: &str) -> Value {
    let answer = app
        .post(
            &format!("{}/return", draft.path()),
            json!({"reason": reason}),
        )
        .await;
    draft.etag = tag(&answer);
    answer.expect(200)
}

fn evidence() -> Value {
    json!([{
        "indicator_code": "SL-VANBAN",
        "document_number": "125/QĐ-SCT",
        "title": "Quyết định công bố danh mục thủ tục hành chính",
        "section": "Mục II",
        "page": 3
    }])
}

/// A complete, consistent answer for every indicator, with the evidence asked for.
fn complete() -> Value {
    json!({
        "values": {
            "TL-DUNGHAN": {"numerator": 95, "denominator": 100},
            "SL-VANBAN": {"number": 12},
            "KP-CCHC": {"number": 25.5},
            "CO-MOTCUA": {"flag": true},
            "ND-SANGKIEN": {"text": TEXT_ANSWER},
            "TL-TRUCTUYEN": {"numerator": 45, "denominator": 60},
        },
        "evidence": evidence(),
    })
}

/// Starts the unit's draft and fills it completely.
async fn filled(app: &TestApp, period: i64, unit: &str) -> Draft {
    let mut draft = start(app, period, unit).await;
    save(app, &mut draft, complete()).await;
    draft
}
