//! Submissions through the HTTP API: filing a unit's report, who sees and changes what,
//! ETag/If-Match concurrency, values and evidence, completeness and timeliness at submit,
//! review by the Office, per-unit extensions and versions.
//!
//! Fixture: the department SCT with divisions KHTC, QLTM and TCHC and its office VP taking
//! part in period 2026-Q4 (deadline Tuesday 2026-12-15 16:30 local); TTRA exists but does not
//! take part.

use cchc_domain::model::token::Role;
use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{errors, pairs, Answer, TestApp};

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

// ---------------------------------------------------------------------------------------
// Creating
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn a_reporter_starts_its_own_units_draft() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let token = app.token(Role::Reporter, Some("KHTC")).await;
    let created = app
        .post_as(
            &token,
            &format!("/api/v1/periods/{period}/submissions"),
            json!({}),
        )
        .await;
    let etag = tag(&created);
    let location = created.headers["location"].to_str().unwrap().to_owned();
    let body = created.expect(201);
    let id = body["id"].as_i64().unwrap();
    assert_eq!(etag, format!("\"{id}.1\""));
    assert_eq!(location, format!("/api/v1/submissions/{id}"));
    assert_eq!(body["period_id"], period);
    assert_eq!(body["period_code"], "2026-Q4");
    assert_eq!(body["unit_code"], "KHTC");
    assert_eq!(body["unit_name"], "Đơn vị KHTC");
    assert_eq!(body["status"], "draft");
    assert_eq!(body["revision"], 1);
    assert_eq!(body["narrative"], Value::Null);
    assert_eq!(body["evidence"], json!([]));
    assert_eq!(body["deadline"], DEADLINE);
    assert_eq!(body["has_extension"], false);
    assert_eq!(body["submit_count"], 0);
    assert_eq!(body["timeliness"], Value::Null);
    assert_eq!(body["minutes_late"], Value::Null);
    assert_eq!(body["first_submitted_at"], Value::Null);
    assert_eq!(body["return_reason"], Value::Null);
    assert_eq!(body["accepted_at"], Value::Null);
    assert_eq!(body["created_at"], "2026-11-20T09:00:00+07:00");
    let codes: Vec<&str> = body["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes, INDICATORS,
        "one entry per indicator, in period order"
    );
    for v in body["values"].as_array().unwrap() {
        assert_eq!(v["answered"], false, "{v}");
        assert_eq!(v["explanation_required"], false, "{v}");
        assert_eq!(v["percentage"], Value::Null, "{v}");
    }
    assert_eq!(value(&body, "TL-DUNGHAN")["kind"], "ratio");
    assert_eq!(value(&body, "SL-VANBAN")["unit_of_measure"], "văn bản");

    // The Location answers, with the same entity tag.
    let fetched = app.get_as(&token, &location).await;
    assert_eq!(tag(&fetched), etag);
    assert_eq!(fetched.expect(200)["id"], id);

    // A reporter may also name its own unit.
    let qltm = app.token(Role::Reporter, Some("QLTM")).await;
    let own = app
        .post_as(
            &qltm,
            &format!("/api/v1/periods/{period}/submissions"),
            json!({"unit_code": "QLTM"}),
        )
        .await
        .expect(201);
    assert_eq!(own["unit_code"], "QLTM");
    assert_ne!(own["id"], id);
}

#[actix_web::test]
async fn creating_is_refused_for_the_wrong_unit_or_role() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let path = format!("/api/v1/periods/{period}/submissions");
    let khtc = app.token(Role::Reporter, Some("KHTC")).await;

    for other in ["QLTM", "NOPE"] {
        let problem = app
            .post_as(&khtc, &path, json!({"unit_code": other}))
            .await
            .problem(422, "validation_failed");
        assert_eq!(
            errors(&problem),
            pairs(&[("unit_code", "not_your_unit")]),
            "{other}"
        );
    }

    let problem = app
        .post(&path, json!({}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), pairs(&[("unit_code", "required")]));
    let problem = app
        .post(&path, json!({"unit_code": "NOPE"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), pairs(&[("unit_code", "unknown_code")]));
    let problem = app
        .post(&path, json!({"unit_code": "TTRA"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[("unit_code", "not_participating")])
    );
    let ttra = app.token(Role::Reporter, Some("TTRA")).await;
    let problem = app
        .post_as(&ttra, &path, json!({}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[("unit_code", "not_participating")])
    );

    let viewer = app.token(Role::Viewer, None).await;
    let integration = app.token(Role::Integration, None).await;
    for token in [&viewer, &integration] {
        app.post_as(token, &path, json!({}))
            .await
            .problem(403, "forbidden");
        app.post_as(token, &path, json!({"unit_code": "KHTC"}))
            .await
            .problem(403, "forbidden");
    }

    // Nothing was created so far.
    assert_eq!(
        app.get(&path).await.expect(200)["total"],
        0,
        "refusals create nothing"
    );

    let first = app.post_as(&khtc, &path, json!({})).await.expect(201);
    let problem = app
        .post_as(&khtc, &path, json!({}))
        .await
        .problem(409, "submission_exists");
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains(&first["id"].to_string()));
    app.post(&path, json!({"unit_code": "KHTC"}))
        .await
        .problem(409, "submission_exists");

    // The Office files for a unit by naming it.
    let by_office = app
        .post(&path, json!({"unit_code": "QLTM"}))
        .await
        .expect(201);
    assert_eq!(by_office["unit_code"], "QLTM");
    let list = app.get(&path).await.expect(200);
    assert_eq!(list["total"], 2);
    assert_eq!(unit_codes(&list), ["KHTC", "QLTM"]);

    app.post_as(&khtc, "/api/v1/periods/999999/submissions", json!({}))
        .await
        .problem(404, "not_found");
}

#[actix_web::test]
async fn concurrent_creation_of_one_units_report_is_one_201_and_409s() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let token = app.token(Role::Reporter, Some("KHTC")).await;
    let path = format!("/api/v1/periods/{period}/submissions");
    // Many at once, so some pass the pre-check together and meet at the unique key.
    let answers =
        futures_util::future::join_all((0..16).map(|_| app.post_as(&token, &path, json!({}))))
            .await;
    let mut created = 0;
    for answer in answers {
        if answer.status.as_u16() == 201 {
            created += 1;
        } else {
            answer.problem(409, "submission_exists");
        }
    }
    assert_eq!(created, 1, "exactly one report is created");
    assert_eq!(app.get(&path).await.expect(200)["total"], 1);
}

#[actix_web::test]
async fn drafts_need_an_open_period() {
    let app = TestApp::spawn().await;
    organisation(&app).await;
    let period = draft_period(&app).await;
    let path = format!("/api/v1/periods/{period}/submissions");
    let khtc = app.token(Role::Reporter, Some("KHTC")).await;
    app.post_as(&khtc, &path, json!({}))
        .await
        .problem(409, "period_not_open");
    app.post(&path, json!({"unit_code": "QLTM"}))
        .await
        .problem(409, "period_not_open");

    open(&app, period).await;
    let vp = start(&app, period, "VP").await;
    assert!(vp.id > 0);

    app.clock.set(at("2026-12-16T08:00:00+07:00"));
    close(&app, period).await;
    app.post_as(&khtc, &path, json!({}))
        .await
        .problem(409, "period_closed");
    app.post(&path, json!({"unit_code": "QLTM"}))
        .await
        .problem(409, "period_closed");
    let list = app.get(&path).await.expect(200);
    assert_eq!(unit_codes(&list), ["VP"]);
}

// ---------------------------------------------------------------------------------------
// Reading and scoping
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn another_units_submission_is_not_found_to_a_reporter() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = filled(&app, period, "KHTC").await;
    let qltm = app.token(Role::Reporter, Some("QLTM")).await;

    app.get_as(&qltm, &khtc.path())
        .await
        .problem(404, "not_found");
    app.get_as(&qltm, &format!("{}/versions", khtc.path()))
        .await
        .problem(404, "not_found");
    for if_match in [khtc.etag.as_str(), "*"] {
        patch_as(
            &app,
            &qltm,
            khtc.id,
            Some(if_match),
            json!({"narrative": "Ghi đè"}),
        )
        .await
        .problem(404, "not_found");
    }
    app.post_as(&qltm, &format!("{}/submit", khtc.path()), json!({}))
        .await
        .problem(404, "not_found");

    // Untouched, and still KHTC's to read and submit.
    let mine = app.get_as(&khtc.token, &khtc.path()).await.expect(200);
    assert_eq!(mine["revision"], 2);
    assert_eq!(mine["narrative"], Value::Null);
    assert_eq!(mine["status"], "draft");
    submit(&app, &mut khtc).await.expect(200);
    app.get_as(&qltm, &format!("{}/versions", khtc.path()))
        .await
        .problem(404, "not_found");
    assert_eq!(
        app.get_as(&khtc.token, &format!("{}/versions", khtc.path()))
            .await
            .expect(200)["total"],
        1
    );

    app.get_as(&qltm, "/api/v1/submissions/999999")
        .await
        .problem(404, "not_found");
    app.get("/api/v1/submissions/999999")
        .await
        .problem(404, "not_found");
}

#[actix_web::test]
async fn the_list_shows_a_reporter_only_its_unit_and_filters() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let path = format!("/api/v1/periods/{period}/submissions");
    for unit in ["VP", "TCHC"] {
        app.post(&path, json!({"unit_code": unit}))
            .await
            .expect(201);
    }
    let mut khtc = filled(&app, period, "KHTC").await;
    submit(&app, &mut khtc).await.expect(200);

    let all = app.get(&path).await.expect(200);
    assert_eq!(unit_codes(&all), ["KHTC", "TCHC", "VP"], "unit-code order");
    assert_eq!(all["total"], 3);
    let first = &all["items"][0];
    assert_eq!(first["id"], khtc.id);
    assert_eq!(first["status"], "submitted");
    assert_eq!(first["timeliness"], "early");
    assert_eq!(first["minutes_late"], 0);
    assert_eq!(first["submit_count"], 1);
    assert_eq!(first["first_submitted_at"], "2026-11-20T09:00:00+07:00");
    assert_eq!(all["items"][1]["status"], "draft");
    assert_eq!(all["items"][1]["timeliness"], Value::Null);

    let viewer = app.token(Role::Viewer, None).await;
    let seen = app.get_as(&viewer, &path).await.expect(200);
    assert_eq!(unit_codes(&seen), ["KHTC", "TCHC", "VP"]);

    let own = app.get_as(&khtc.token, &path).await.expect(200);
    assert_eq!(unit_codes(&own), ["KHTC"]);
    assert_eq!(own["total"], 1);
    let vp = app.token(Role::Reporter, Some("VP")).await;
    assert_eq!(
        unit_codes(&app.get_as(&vp, &path).await.expect(200)),
        ["VP"]
    );
    let qltm = app.token(Role::Reporter, Some("QLTM")).await;
    let none = app.get_as(&qltm, &path).await.expect(200);
    assert_eq!(none["total"], 0);
    assert_eq!(none["items"], json!([]));

    let drafts = app.get(&format!("{path}?status=draft")).await.expect(200);
    assert_eq!(unit_codes(&drafts), ["TCHC", "VP"]);
    assert_eq!(drafts["total"], 2);
    let submitted = app
        .get(&format!("{path}?status=submitted"))
        .await
        .expect(200);
    assert_eq!(unit_codes(&submitted), ["KHTC"]);
    let accepted = app
        .get(&format!("{path}?status=accepted"))
        .await
        .expect(200);
    assert_eq!(accepted["total"], 0);
    let one = app.get(&format!("{path}?unit_code=VP")).await.expect(200);
    assert_eq!(unit_codes(&one), ["VP"]);
    let both = app
        .get(&format!("{path}?status=submitted&unit_code=VP"))
        .await
        .expect(200);
    assert_eq!(both["total"], 0);
    // A reporter asking for another unit still sees only its own (here: nothing).
    let scoped = app
        .get_as(&vp, &format!("{path}?unit_code=KHTC"))
        .await
        .expect(200);
    assert_eq!(scoped["total"], 0);
    let problem = app
        .get(&format!("{path}?unit_code=NOPE"))
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), pairs(&[("unit_code", "unknown_code")]));
    let paged = app
        .get(&format!("{path}?per_page=2&page=2"))
        .await
        .expect(200);
    assert_eq!(unit_codes(&paged), ["VP"]);
    assert_eq!(paged["total"], 3);
    app.get("/api/v1/periods/999999/submissions")
        .await
        .problem(404, "not_found");
}

#[actix_web::test]
async fn a_viewer_reads_but_cannot_change() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = filled(&app, period, "KHTC").await;
    let viewer = app.token(Role::Viewer, None).await;

    let read = app.get_as(&viewer, &khtc.path()).await;
    assert_eq!(tag(&read), khtc.etag);
    let read = read.expect(200);
    assert_eq!(read["unit_code"], "KHTC");
    assert_eq!(num(&value(&read, "TL-DUNGHAN")["percentage"]), 95.0);
    assert_eq!(
        app.get_as(&viewer, &format!("{}/versions", khtc.path()))
            .await
            .expect(200)["total"],
        0
    );

    patch_as(
        &app,
        &viewer,
        khtc.id,
        Some(&khtc.etag),
        json!({"narrative": "Không được"}),
    )
    .await
    .problem(403, "forbidden");
    app.post_as(&viewer, &format!("{}/submit", khtc.path()), json!({}))
        .await
        .problem(403, "forbidden");
    let unchanged = app.get(&khtc.path()).await.expect(200);
    assert_eq!(unchanged["revision"], 2);
    assert_eq!(unchanged["narrative"], Value::Null);
    assert_eq!(unchanged["status"], "draft");

    submit(&app, &mut khtc).await.expect(200);
    app.post_as(&viewer, &format!("{}/accept", khtc.path()), json!({}))
        .await
        .problem(403, "forbidden");
    app.post_as(
        &viewer,
        &format!("{}/return", khtc.path()),
        json!({"reason": "Xem lại"}),
    )
    .await
    .problem(403, "forbidden");
    assert_eq!(
        app.get_as(&viewer, &khtc.path()).await.expect(200)["status"],
        "submitted"
    );
}

// ---------------------------------------------------------------------------------------
// Concurrency
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn changing_needs_the_current_entity_tag() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = start(&app, period, "KHTC").await;
    let other = start(&app, period, "QLTM").await;
    let id = khtc.id;
    assert_eq!(khtc.etag, format!("\"{id}.1\""));

    patch_as(&app, &khtc.token, id, None, json!({"narrative": "Không"}))
        .await
        .problem(428, "precondition_required");

    let stale = khtc.etag.clone();
    let first = save(&app, &mut khtc, json!({"narrative": "Lần một"})).await;
    assert_eq!(first["revision"], 2);
    assert_eq!(khtc.etag, format!("\"{id}.2\""));

    // The tag read before that write is stale: refused, nothing written.
    patch_as(
        &app,
        &khtc.token,
        id,
        Some(&stale),
        json!({"narrative": "Ghi đè", "values": {"SL-VANBAN": {"number": 1}}}),
    )
    .await
    .problem(412, "precondition_failed");
    for bad in [
        format!("W/\"{id}.2\""),
        "garbage".to_owned(),
        format!("{id}.2"),
        format!("\"{id}\""),
        format!("\"{id}.two\""),
        format!("\"{}.1\"", other.id),
        format!("\"{}.2\"", other.id),
    ] {
        patch_as(
            &app,
            &khtc.token,
            id,
            Some(&bad),
            json!({"narrative": "Ghi đè"}),
        )
        .await
        .problem(412, "precondition_failed");
    }
    let now = app.get_as(&khtc.token, &khtc.path()).await;
    assert_eq!(tag(&now), format!("\"{id}.2\""));
    let now = now.expect(200);
    assert_eq!(now["revision"], 2);
    assert_eq!(now["narrative"], "Lần một");
    assert_eq!(value(&now, "SL-VANBAN")["answered"], false);
    // The other submission was not touched either.
    assert_eq!(app.get(&other.path()).await.expect(200)["revision"], 1);

    // `*` matches whatever the current revision is.
    let any = patch_as(
        &app,
        &khtc.token,
        id,
        Some("*"),
        json!({"narrative": "Lần hai"}),
    )
    .await;
    assert_eq!(tag(&any), format!("\"{id}.3\""));
    let any = any.expect(200);
    assert_eq!(any["revision"], 3);
    assert_eq!(any["narrative"], "Lần hai");

    // The next write must use the newest tag.
    patch_as(
        &app,
        &khtc.token,
        id,
        Some(&format!("\"{id}.2\"")),
        json!({"narrative": "Cũ"}),
    )
    .await
    .problem(412, "precondition_failed");
    khtc.etag = format!("\"{id}.3\"");
    let fourth = save(&app, &mut khtc, json!({"narrative": "Lần ba"})).await;
    assert_eq!(fourth["revision"], 4);
    let read = app.get(&khtc.path()).await;
    assert_eq!(tag(&read), format!("\"{id}.4\""));
    assert_eq!(read.expect(200)["narrative"], "Lần ba");
}

// ---------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn values_are_replaced_indicator_by_indicator() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = start(&app, period, "KHTC").await;

    let saved = save(
        &app,
        &mut khtc,
        json!({"values": {
            "TL-DUNGHAN": {"numerator": 45, "denominator": 60},
            "SL-VANBAN": {"number": 12},
            "CO-MOTCUA": {"flag": false},
        }}),
    )
    .await;
    let ratio = value(&saved, "TL-DUNGHAN");
    assert_eq!(ratio["answered"], true);
    assert_eq!(num(&ratio["numerator"]), 45.0);
    assert_eq!(num(&ratio["denominator"]), 60.0);
    assert_eq!(num(&ratio["percentage"]), 75.0);
    assert_eq!(ratio["discrepancy"], Value::Null);
    assert_eq!(num(&value(&saved, "SL-VANBAN")["number"]), 12.0);
    assert_eq!(value(&saved, "SL-VANBAN")["percentage"], Value::Null);
    assert_eq!(value(&saved, "CO-MOTCUA")["flag"], false);
    assert_eq!(value(&saved, "CO-MOTCUA")["answered"], true);
    assert_eq!(value(&saved, "TL-TRUCTUYEN")["answered"], false);

    // Naming one indicator replaces only that one.
    let saved = save(
        &app,
        &mut khtc,
        json!({"values": {"SL-VANBAN": {"number": 7, "note": "  Số văn bản ban hành trong quý  "}}}),
    )
    .await;
    assert_eq!(num(&value(&saved, "SL-VANBAN")["number"]), 7.0);
    assert_eq!(
        value(&saved, "SL-VANBAN")["note"],
        "Số văn bản ban hành trong quý"
    );
    assert_eq!(num(&value(&saved, "TL-DUNGHAN")["percentage"]), 75.0);
    assert_eq!(value(&saved, "CO-MOTCUA")["flag"], false);

    // An entry replaces the indicator's whole value: what it leaves out is gone.
    let saved = save(
        &app,
        &mut khtc,
        json!({"values": {"TL-DUNGHAN": {"numerator": 1, "denominator": 3}}}),
    )
    .await;
    assert_eq!(num(&value(&saved, "TL-DUNGHAN")["percentage"]), 33.3333);
    let saved = save(
        &app,
        &mut khtc,
        json!({"values": {"SL-VANBAN": {"number": 8}}}),
    )
    .await;
    assert_eq!(value(&saved, "SL-VANBAN")["note"], Value::Null);

    // An empty object clears the value.
    let saved = save(&app, &mut khtc, json!({"values": {"CO-MOTCUA": {}}})).await;
    let cleared = value(&saved, "CO-MOTCUA");
    assert_eq!(cleared["answered"], false);
    assert_eq!(cleared["flag"], Value::Null);
    assert_eq!(value(&saved, "SL-VANBAN")["answered"], true);
    assert_eq!(value(&saved, "TL-DUNGHAN")["answered"], true);

    // And what was saved is what is read.
    let read = app.get_as(&khtc.token, &khtc.path()).await.expect(200);
    assert_eq!(read["values"], saved["values"]);
    assert_eq!(read["revision"], 6);
}

#[actix_web::test]
async fn values_that_do_not_fit_are_refused_on_save() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let khtc = start(&app, period, "KHTC").await;

    let cases = [
        (
            json!({"NOPE": {"number": 1}}),
            vec![("values.NOPE", "unknown_indicator")],
        ),
        (
            json!({"TL-DUNGHAN": {"number": 95}}),
            vec![("values.TL-DUNGHAN.number", "not_for_kind")],
        ),
        (
            json!({"SL-VANBAN": {"number": -3}}),
            vec![("values.SL-VANBAN.number", "negative")],
        ),
        (
            json!({"SL-VANBAN": {"number": 2.5}}),
            vec![("values.SL-VANBAN.number", "not_whole")],
        ),
        (
            json!({"SL-VANBAN": {"numerator": 1, "denominator": 2}}),
            vec![
                ("values.SL-VANBAN.numerator", "not_for_kind"),
                ("values.SL-VANBAN.denominator", "not_for_kind"),
            ],
        ),
        (
            json!({"TL-DUNGHAN": {"numerator": -1, "denominator": 10}}),
            vec![("values.TL-DUNGHAN.numerator", "negative")],
        ),
        (
            json!({"CO-MOTCUA": {"text": "Có"}}),
            vec![("values.CO-MOTCUA.text", "not_for_kind")],
        ),
        // Beyond ±10^15 (a ratio's sums would lose their percentage, a whole number past
        // 2^53 its last digits in JSON): refused, not silently changed.
        (
            json!({"TL-DUNGHAN": {"numerator": 7.9e28, "denominator": 10}}),
            vec![("values.TL-DUNGHAN.numerator", "out_of_range")],
        ),
        (
            json!({"SL-VANBAN": {"number": 9_007_199_254_740_993_u64}}),
            vec![("values.SL-VANBAN.number", "out_of_range")],
        ),
        // A good value next to a bad one is not saved either.
        (
            json!({"KP-CCHC": {"number": 3.5}, "NOPE": {"number": 1}}),
            vec![("values.NOPE", "unknown_indicator")],
        ),
    ];
    for (values, expected) in cases {
        let problem = try_save(&app, &khtc, json!({"values": values}))
            .await
            .problem(422, "validation_failed");
        assert_eq!(errors(&problem), pairs(&expected), "{values}");
    }
    let read = app.get_as(&khtc.token, &khtc.path()).await.expect(200);
    assert_eq!(read["revision"], 1, "nothing was written");
    assert!(read["values"]
        .as_array()
        .unwrap()
        .iter()
        .all(|v| v["answered"] == false));
}

#[actix_web::test]
async fn the_offices_system_figure_cannot_be_overwritten_by_the_unit() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = filled(&app, period, "KHTC").await;
    let office = app.admin.clone();

    let set = save_as(
        &app,
        &office,
        &mut khtc,
        json!({"values": {"TL-DUNGHAN": {"numerator": 95, "denominator": 100, "system_value": 97.5}}}),
    )
    .await;
    let dossier = value(&set, "TL-DUNGHAN");
    assert_eq!(num(&dossier["system_value"]), 97.5);
    assert_eq!(dossier["system_value_source"], "office");
    assert_eq!(num(&dossier["discrepancy"]), 2.5);
    assert_eq!(dossier["explanation_required"], true);

    let problem = try_save(
        &app,
        &khtc,
        json!({"values": {"TL-DUNGHAN": {"numerator": 95, "denominator": 100, "system_value": 96}}}),
    )
    .await
    .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[("values.TL-DUNGHAN.system_value", "set_by_office")])
    );
    let read = app.get_as(&khtc.token, &khtc.path()).await.expect(200);
    assert_eq!(num(&value(&read, "TL-DUNGHAN")["system_value"]), 97.5);

    // Sending the Office's figure unchanged is fine; it stays the Office's.
    let same = save(
        &app,
        &mut khtc,
        json!({"values": {"TL-DUNGHAN": {"numerator": 96, "denominator": 100, "system_value": 97.5}}}),
    )
    .await;
    let dossier = value(&same, "TL-DUNGHAN");
    assert_eq!(num(&dossier["numerator"]), 96.0);
    assert_eq!(num(&dossier["system_value"]), 97.5);
    assert_eq!(dossier["system_value_source"], "office");
    assert_eq!(num(&dossier["discrepancy"]), 1.5);
}

#[actix_web::test]
async fn a_unit_may_leave_out_the_offices_system_figure() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = filled(&app, period, "KHTC").await;
    let office = app.admin.clone();
    save_as(
        &app,
        &office,
        &mut khtc,
        json!({"values": {"TL-DUNGHAN": {"numerator": 95, "denominator": 100, "system_value": 97.5}}}),
    )
    .await;

    // The unit corrects its own figures without repeating the system's: the Office's figure
    // is kept and stays the Office's.
    let kept = save(
        &app,
        &mut khtc,
        json!({"values": {"TL-DUNGHAN": {"numerator": 97, "denominator": 100}}}),
    )
    .await;
    let dossier = value(&kept, "TL-DUNGHAN");
    assert_eq!(num(&dossier["numerator"]), 97.0);
    assert_eq!(num(&dossier["system_value"]), 97.5);
    assert_eq!(dossier["system_value_source"], "office");
    assert_eq!(num(&dossier["discrepancy"]), 0.5);
    assert_eq!(dossier["explanation_required"], false);
}

#[actix_web::test]
async fn a_units_own_system_figure_is_marked_as_the_units() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = filled(&app, period, "KHTC").await;

    let own = save(
        &app,
        &mut khtc,
        json!({"values": {
            "TL-DUNGHAN": {"numerator": 95, "denominator": 100, "system_value": 99},
            "SL-VANBAN": {"number": 12, "system_value": 10},
        }}),
    )
    .await;
    let dossier = value(&own, "TL-DUNGHAN");
    assert_eq!(num(&dossier["system_value"]), 99.0);
    assert_eq!(dossier["system_value_source"], "unit");
    assert_eq!(num(&dossier["discrepancy"]), 4.0);
    assert_eq!(dossier["explanation_required"], true);
    let count = value(&own, "SL-VANBAN");
    assert_eq!(count["system_value_source"], "unit");
    assert_eq!(num(&count["discrepancy"]), 2.0);
    assert_eq!(
        count["explanation_required"], true,
        "tolerance 0 by default"
    );

    // The unit may change its own figure.
    let changed = save(
        &app,
        &mut khtc,
        json!({"values": {"TL-DUNGHAN": {"numerator": 95, "denominator": 100, "system_value": 95.5}}}),
    )
    .await;
    let dossier = value(&changed, "TL-DUNGHAN");
    assert_eq!(num(&dossier["system_value"]), 95.5);
    assert_eq!(dossier["system_value_source"], "unit");
    assert_eq!(dossier["explanation_required"], false);

    // The Office's figure replaces it and is marked as the Office's.
    let office = app.admin.clone();
    let by_office = save_as(
        &app,
        &office,
        &mut khtc,
        json!({"values": {"TL-DUNGHAN": {"numerator": 95, "denominator": 100, "system_value": 96}}}),
    )
    .await;
    assert_eq!(
        value(&by_office, "TL-DUNGHAN")["system_value_source"],
        "office"
    );
}

#[actix_web::test]
async fn the_narrative_is_set_and_cleared() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = start(&app, period, "KHTC").await;

    let set = save(
        &app,
        &mut khtc,
        json!({"narrative": "  Báo cáo kết quả CCHC Quý IV/2026.  "}),
    )
    .await;
    assert_eq!(set["narrative"], "Báo cáo kết quả CCHC Quý IV/2026.");
    let kept = save(
        &app,
        &mut khtc,
        json!({"values": {"SL-VANBAN": {"number": 3}}}),
    )
    .await;
    assert_eq!(kept["narrative"], "Báo cáo kết quả CCHC Quý IV/2026.");
    let cleared = save(&app, &mut khtc, json!({"narrative": null})).await;
    assert_eq!(cleared["narrative"], Value::Null);
    save(&app, &mut khtc, json!({"narrative": "Tạm"})).await;
    let blank = save(&app, &mut khtc, json!({"narrative": "   "})).await;
    assert_eq!(blank["narrative"], Value::Null);
    assert_eq!(
        app.get(&khtc.path()).await.expect(200)["narrative"],
        Value::Null
    );
}

#[actix_web::test]
async fn evidence_is_replaced_as_a_list_and_checked() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = start(&app, period, "KHTC").await;

    let two = save(
        &app,
        &mut khtc,
        json!({"evidence": [
            {"indicator_code": "SL-VANBAN", "document_number": "125/QĐ-SCT", "title": "Quyết định công bố", "section": "Mục II", "page": 3},
            {"title": "  Báo cáo tổng hợp  "},
        ]}),
    )
    .await;
    assert_eq!(
        two["evidence"],
        json!([
            {"indicator_code": "SL-VANBAN", "document_number": "125/QĐ-SCT", "title": "Quyết định công bố", "section": "Mục II", "page": 3, "attachment_id": null},
            {"indicator_code": null, "document_number": null, "title": "Báo cáo tổng hợp", "section": null, "page": null, "attachment_id": null},
        ])
    );

    let one = save(
        &app,
        &mut khtc,
        json!({"evidence": [{"indicator_code": "TL-DUNGHAN", "title": "Sổ theo dõi hồ sơ", "page": 12}]}),
    )
    .await;
    let replaced = json!([{"indicator_code": "TL-DUNGHAN", "document_number": null, "title": "Sổ theo dõi hồ sơ", "section": null, "page": 12, "attachment_id": null}]);
    assert_eq!(one["evidence"], replaced);
    let kept = save(&app, &mut khtc, json!({"narrative": "Có tài liệu"})).await;
    assert_eq!(
        kept["evidence"], replaced,
        "a PATCH without evidence keeps it"
    );

    let cases = [
        (
            json!([{"title": "Quyết định", "page": 0}]),
            vec![("evidence[0].page", "out_of_range")],
        ),
        (
            json!([{"title": "Quyết định", "page": -2}]),
            vec![("evidence[0].page", "out_of_range")],
        ),
        (
            json!([{"title": "   "}]),
            vec![("evidence[0].title", "required")],
        ),
        (
            json!([{"title": "Quyết định"}, {"title": "Kế hoạch", "indicator_code": "NOPE"}]),
            vec![("evidence[1].indicator_code", "unknown_indicator")],
        ),
    ];
    for (list, expected) in cases {
        let problem = try_save(&app, &khtc, json!({"evidence": list}))
            .await
            .problem(422, "validation_failed");
        assert_eq!(errors(&problem), pairs(&expected), "{list}");
    }
    let read = app.get_as(&khtc.token, &khtc.path()).await.expect(200);
    assert_eq!(read["evidence"], replaced, "refused lists change nothing");

    let emptied = save(&app, &mut khtc, json!({"evidence": []})).await;
    assert_eq!(emptied["evidence"], json!([]));
}

// ---------------------------------------------------------------------------------------
// Submit
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn submitting_an_empty_draft_lists_every_problem() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = start(&app, period, "KHTC").await;

    let problem = submit(&app, &mut khtc)
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[
            ("values.TL-DUNGHAN", "required"),
            ("values.SL-VANBAN", "required"),
            ("values.SL-VANBAN.evidence", "evidence_required"),
            ("values.KP-CCHC", "required"),
            ("values.CO-MOTCUA", "required"),
            ("values.ND-SANGKIEN", "required"),
            ("values.TL-TRUCTUYEN", "required"),
        ])
    );
    let read = app.get_as(&khtc.token, &khtc.path()).await.expect(200);
    assert_eq!(read["status"], "draft");
    assert_eq!(read["submit_count"], 0);
    assert_eq!(read["revision"], 1);
    assert_eq!(read["timeliness"], Value::Null);
    assert_eq!(
        app.get(&format!("{}/versions", khtc.path()))
            .await
            .expect(200)["total"],
        0
    );

    // Partly filled: only what is still missing.
    save(
        &app,
        &mut khtc,
        json!({"values": {
            "TL-DUNGHAN": {"numerator": 95, "denominator": 100},
            "SL-VANBAN": {"number": 12},
            "KP-CCHC": {"number": 25.5},
            "CO-MOTCUA": {"flag": false},
            "ND-SANGKIEN": {"text": "   "},
            "TL-TRUCTUYEN": {"numerator": 45},
        }}),
    )
    .await;
    let problem = submit(&app, &mut khtc)
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[
            ("values.SL-VANBAN.evidence", "evidence_required"),
            ("values.ND-SANGKIEN", "required"),
            ("values.TL-TRUCTUYEN.denominator", "required"),
        ])
    );
}

#[actix_web::test]
async fn ratios_are_checked_at_submit() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;

    let mut khtc = filled(&app, period, "KHTC").await;
    let zero = save(
        &app,
        &mut khtc,
        json!({"values": {"TL-TRUCTUYEN": {"numerator": 0, "denominator": 0}}}),
    )
    .await;
    assert_eq!(value(&zero, "TL-TRUCTUYEN")["percentage"], Value::Null);
    let problem = submit(&app, &mut khtc)
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[("values.TL-TRUCTUYEN.denominator", "denominator_zero")])
    );
    save(
        &app,
        &mut khtc,
        json!({"values": {"TL-TRUCTUYEN": {"numerator": 0, "denominator": 0, "not_applicable": true}}}),
    )
    .await;
    let problem = submit(&app, &mut khtc)
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[("values.TL-TRUCTUYEN.explanation", "explanation_required")])
    );
    let marked = save(
        &app,
        &mut khtc,
        json!({"values": {"TL-TRUCTUYEN": {"numerator": 0, "denominator": 0, "not_applicable": true,
            "explanation": "Trong quý không phát sinh hồ sơ trực tuyến."}}}),
    )
    .await;
    assert_eq!(value(&marked, "TL-TRUCTUYEN")["not_applicable"], true);
    let submitted = submit(&app, &mut khtc).await.expect(200);
    assert_eq!(submitted["status"], "submitted");

    let mut qltm = filled(&app, period, "QLTM").await;
    save(
        &app,
        &mut qltm,
        json!({"values": {"TL-DUNGHAN": {"numerator": 61, "denominator": 60}}}),
    )
    .await;
    let problem = submit(&app, &mut qltm)
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[(
            "values.TL-DUNGHAN.numerator",
            "numerator_exceeds_denominator"
        )])
    );
    // Equal is 100%, fine.
    let full = save(
        &app,
        &mut qltm,
        json!({"values": {"TL-DUNGHAN": {"numerator": 60, "denominator": 60}}}),
    )
    .await;
    assert_eq!(num(&value(&full, "TL-DUNGHAN")["percentage"]), 100.0);
    submit(&app, &mut qltm).await.expect(200);
}

#[actix_web::test]
async fn a_discrepancy_within_tolerance_needs_no_explanation() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let office = app.admin.clone();
    let system = |figure: f64| json!({"values": {"TL-DUNGHAN": {"numerator": 95, "denominator": 100, "system_value": figure}}});

    // 95% against 95.8%: 0.8 points, within the tolerance of 1.
    let mut khtc = filled(&app, period, "KHTC").await;
    let within = save_as(&app, &office, &mut khtc, system(95.8)).await;
    let dossier = value(&within, "TL-DUNGHAN");
    assert_eq!(num(&dossier["discrepancy"]), 0.8);
    assert_eq!(dossier["explanation_required"], false);
    submit(&app, &mut khtc).await.expect(200);

    // Exactly the tolerance is still within it.
    let mut vp = filled(&app, period, "VP").await;
    let edge = save_as(&app, &office, &mut vp, system(96.0)).await;
    assert_eq!(value(&edge, "TL-DUNGHAN")["explanation_required"], false);
    submit(&app, &mut vp).await.expect(200);

    // 95% against 96.5%: beyond it; refused until explained. A tolerance of 0 (TL-TRUCTUYEN)
    // refuses any difference.
    let mut qltm = filled(&app, period, "QLTM").await;
    let beyond = save_as(
        &app,
        &office,
        &mut qltm,
        json!({"values": {
            "TL-DUNGHAN": {"numerator": 95, "denominator": 100, "system_value": 96.5},
            "TL-TRUCTUYEN": {"numerator": 45, "denominator": 60, "system_value": 75.5},
        }}),
    )
    .await;
    assert_eq!(value(&beyond, "TL-DUNGHAN")["explanation_required"], true);
    assert_eq!(num(&value(&beyond, "TL-TRUCTUYEN")["discrepancy"]), 0.5);
    let problem = submit(&app, &mut qltm)
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[
            ("values.TL-DUNGHAN.explanation", "explanation_required"),
            ("values.TL-TRUCTUYEN.explanation", "explanation_required"),
        ])
    );
    save(
        &app,
        &mut qltm,
        json!({"values": {
            "TL-DUNGHAN": {"numerator": 95, "denominator": 100, "system_value": 96.5,
                "explanation": "Hồ sơ tiếp nhận trực tiếp chưa cập nhật lên hệ thống."},
            "TL-TRUCTUYEN": {"numerator": 45, "denominator": 60, "system_value": 75.5,
                "explanation": "Số liệu hệ thống tính cả hồ sơ liên thông."},
        }}),
    )
    .await;
    assert_eq!(
        submit(&app, &mut qltm).await.expect(200)["status"],
        "submitted"
    );
}

#[actix_web::test]
async fn a_submitted_report_is_locked() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = filled(&app, period, "KHTC").await;
    let before = khtc.etag.clone();

    let answer = submit(&app, &mut khtc).await;
    let submitted = answer.expect(200);
    assert_eq!(submitted["status"], "submitted");
    assert_eq!(submitted["submit_count"], 1);
    assert_eq!(submitted["revision"], 3);
    assert_eq!(khtc.etag, format!("\"{}.3\"", khtc.id));
    assert_ne!(khtc.etag, before);
    assert_eq!(submitted["first_submitted_at"], "2026-11-20T09:00:00+07:00");
    assert_eq!(submitted["last_submitted_at"], "2026-11-20T09:00:00+07:00");
    assert_eq!(submitted["timeliness"], "early");
    assert_eq!(submitted["minutes_late"], 0);

    for if_match in [khtc.etag.as_str(), "*"] {
        patch_as(
            &app,
            &khtc.token,
            khtc.id,
            Some(if_match),
            json!({"narrative": "Sửa sau khi gửi"}),
        )
        .await
        .problem(409, "submission_not_editable");
    }
    let problem = submit(&app, &mut khtc)
        .await
        .problem(409, "invalid_transition");
    assert!(problem["detail"].as_str().unwrap().contains("submitted"));
    let read = app.get_as(&khtc.token, &khtc.path()).await.expect(200);
    assert_eq!(read["revision"], 3);
    assert_eq!(read["submit_count"], 1);
    assert_eq!(read["narrative"], Value::Null);
}

// ---------------------------------------------------------------------------------------
// Timeliness
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn timeliness_is_judged_against_the_deadline() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let cases = [
        ("KHTC", "2026-12-14T16:29:00+07:00", "early", 0),
        ("QLTM", "2026-12-14T16:31:00+07:00", "on_time", 0),
        ("TCHC", "2026-12-15T16:30:00+07:00", "on_time", 0),
        ("VP", "2026-12-15T18:00:00+07:00", "late", 90),
    ];
    for (unit, instant, timeliness, minutes_late) in cases {
        app.clock.set(at("2026-11-20T09:00:00+07:00"));
        let mut draft = filled(&app, period, unit).await;
        app.clock.set(at(instant));
        let submitted = submit(&app, &mut draft).await.expect(200);
        assert_eq!(submitted["timeliness"], timeliness, "{unit} at {instant}");
        assert_eq!(
            submitted["minutes_late"], minutes_late,
            "{unit} at {instant}"
        );
        assert_eq!(submitted["first_submitted_at"], instant, "{unit}");
        assert_eq!(submitted["deadline"], DEADLINE, "{unit}");
        let versions = app
            .get_as(&draft.token, &format!("{}/versions", draft.path()))
            .await
            .expect(200);
        assert_eq!(versions["items"][0]["timeliness"], timeliness, "{unit}");
        assert_eq!(versions["items"][0]["minutes_late"], minutes_late, "{unit}");
        assert_eq!(versions["items"][0]["deadline"], DEADLINE, "{unit}");
    }
    let list = app
        .get(&format!("/api/v1/periods/{period}/submissions"))
        .await
        .expect(200);
    let judged: Vec<(String, Value)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["unit_code"].as_str().unwrap().to_owned(),
                s["timeliness"].clone(),
            )
        })
        .collect();
    assert_eq!(
        judged,
        vec![
            ("KHTC".to_owned(), json!("early")),
            ("QLTM".to_owned(), json!("on_time")),
            ("TCHC".to_owned(), json!("on_time")),
            ("VP".to_owned(), json!("late")),
        ]
    );
}

#[actix_web::test]
async fn timeliness_is_kept_across_return_and_resubmission() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = filled(&app, period, "KHTC").await;

    app.clock.set(at("2026-12-10T10:00:00+07:00"));
    let first = submit(&app, &mut khtc).await.expect(200);
    assert_eq!(first["timeliness"], "early");

    return_report(&app, &mut khtc, "Đề nghị bổ sung số liệu.").await;
    save(
        &app,
        &mut khtc,
        json!({"values": {"SL-VANBAN": {"number": 13}}}),
    )
    .await;
    app.clock.set(at("2026-12-15T18:00:00+07:00"));
    let second = submit(&app, &mut khtc).await.expect(200);
    assert_eq!(
        second["timeliness"], "early",
        "the first timeliness is kept"
    );
    assert_eq!(second["minutes_late"], 0);
    assert_eq!(second["first_submitted_at"], "2026-12-10T10:00:00+07:00");
    assert_eq!(second["last_submitted_at"], "2026-12-15T18:00:00+07:00");
    assert_eq!(second["submit_count"], 2);

    // Returned again, the unit gets an extension and resubmits after it.
    return_report(&app, &mut khtc, "Đề nghị giải trình thêm.").await;
    app.post(
        &format!("/api/v1/periods/{period}/extensions"),
        json!({"unit_code": "KHTC", "deadline": "2026-12-18T16:30:00+07:00", "reason": "Chờ số liệu"}),
    )
    .await
    .expect(200);
    app.clock.set(at("2026-12-18T17:00:00+07:00"));
    let third = submit(&app, &mut khtc).await.expect(200);
    assert_eq!(third["timeliness"], "early");
    assert_eq!(third["minutes_late"], 0);
    assert_eq!(third["submit_count"], 3);
    assert_eq!(third["has_extension"], true);
    assert_eq!(third["deadline"], "2026-12-18T16:30:00+07:00");

    let versions = app
        .get_as(&khtc.token, &format!("{}/versions", khtc.path()))
        .await
        .expect(200);
    assert_eq!(versions["total"], 3);
    let judged: Vec<(i64, &str, i64, &str)> = versions["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["version"].as_i64().unwrap(),
                v["timeliness"].as_str().unwrap(),
                v["minutes_late"].as_i64().unwrap(),
                v["deadline"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        judged,
        vec![
            (3, "late", 30, "2026-12-18T16:30:00+07:00"),
            (2, "late", 90, DEADLINE),
            (1, "early", 0, DEADLINE),
        ]
    );
}

// ---------------------------------------------------------------------------------------
// Review
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn the_office_returns_and_accepts() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = filled(&app, period, "KHTC").await;
    let path = khtc.path();

    // Only submitted reports are reviewed.
    app.post(&format!("{path}/return"), json!({"reason": "Xem lại"}))
        .await
        .problem(409, "invalid_transition");
    app.post(&format!("{path}/accept"), json!({}))
        .await
        .problem(409, "invalid_transition");

    submit(&app, &mut khtc).await.expect(200);
    app.post_as(
        &khtc.token,
        &format!("{path}/return"),
        json!({"reason": "Tự trả"}),
    )
    .await
    .problem(403, "forbidden");
    app.post_as(&khtc.token, &format!("{path}/accept"), json!({}))
        .await
        .problem(403, "forbidden");

    for reason in ["", "   "] {
        let problem = app
            .post(&format!("{path}/return"), json!({"reason": reason}))
            .await
            .problem(422, "validation_failed");
        assert_eq!(errors(&problem), pairs(&[("reason", "required")]));
    }
    assert_eq!(
        app.get(&path).await.expect(200)["status"],
        "submitted",
        "refusals change nothing"
    );

    app.clock.set(at("2026-11-23T10:00:00+07:00"));
    let returned = return_report(
        &app,
        &mut khtc,
        "  Đề nghị rà soát lại số hồ sơ trực tuyến.  ",
    )
    .await;
    assert_eq!(returned["status"], "returned");
    assert_eq!(
        returned["return_reason"],
        "Đề nghị rà soát lại số hồ sơ trực tuyến."
    );
    assert_eq!(returned["returned_at"], "2026-11-23T10:00:00+07:00");
    assert_eq!(returned["revision"], 4);
    assert_eq!(khtc.etag, format!("\"{}.4\"", khtc.id));
    app.post(&format!("{path}/return"), json!({"reason": "Lần nữa"}))
        .await
        .problem(409, "invalid_transition");
    app.post(&format!("{path}/accept"), json!({}))
        .await
        .problem(409, "invalid_transition");

    // The unit sees why, and may edit again.
    let mine = app.get_as(&khtc.token, &path).await.expect(200);
    assert_eq!(mine["status"], "returned");
    assert_eq!(
        mine["return_reason"],
        "Đề nghị rà soát lại số hồ sơ trực tuyến."
    );
    let fixed = save(
        &app,
        &mut khtc,
        json!({"values": {"TL-TRUCTUYEN": {"numerator": 50, "denominator": 60}}}),
    )
    .await;
    assert_eq!(fixed["status"], "returned");
    let again = submit(&app, &mut khtc).await.expect(200);
    assert_eq!(again["status"], "submitted");
    assert_eq!(again["submit_count"], 2);

    app.clock.set(at("2026-11-24T14:00:00+07:00"));
    let accepted = app.post(&format!("{path}/accept"), json!({})).await;
    assert_eq!(tag(&accepted), format!("\"{}.7\"", khtc.id));
    let accepted = accepted.expect(200);
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(accepted["accepted_at"], "2026-11-24T14:00:00+07:00");
    khtc.etag = format!("\"{}.7\"", khtc.id);

    app.post(&format!("{path}/accept"), json!({}))
        .await
        .problem(409, "invalid_transition");
    app.post(&format!("{path}/return"), json!({"reason": "Xem lại"}))
        .await
        .problem(409, "invalid_transition");
    try_save(&app, &khtc, json!({"narrative": "Sau khi chấp nhận"}))
        .await
        .problem(409, "submission_not_editable");
    submit(&app, &mut khtc)
        .await
        .problem(409, "invalid_transition");
    let list = app
        .get(&format!(
            "/api/v1/periods/{period}/submissions?status=accepted"
        ))
        .await
        .expect(200);
    assert_eq!(unit_codes(&list), ["KHTC"]);
}

// ---------------------------------------------------------------------------------------
// Extensions
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn extensions_are_checked() {
    let app = TestApp::spawn().await;
    organisation(&app).await;
    let period = draft_period(&app).await;
    let path = format!("/api/v1/periods/{period}/extensions");
    let later = "2026-12-22T16:30:00+07:00";
    let grant = |unit: &str, deadline: &str| json!({"unit_code": unit, "deadline": deadline, "reason": "Phòng đang chờ số liệu."});

    app.post(&path, grant("KHTC", later))
        .await
        .problem(409, "period_not_open");
    open(&app, period).await;

    for deadline in [
        DEADLINE,
        "2026-12-15T09:30:00Z",
        "2026-12-10T16:30:00+07:00",
    ] {
        let problem = app
            .post(&path, grant("KHTC", deadline))
            .await
            .problem(422, "validation_failed");
        assert_eq!(
            errors(&problem),
            pairs(&[("deadline", "not_later")]),
            "{deadline}"
        );
    }
    let problem = app
        .post(&path, grant("NOPE", later))
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), pairs(&[("unit_code", "unknown_code")]));
    let problem = app
        .post(&path, grant("TTRA", later))
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[("unit_code", "not_participating")])
    );
    let problem = app
        .post(
            &path,
            json!({"unit_code": "NOPE", "deadline": DEADLINE, "reason": "  "}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[
            ("reason", "required"),
            ("deadline", "not_later"),
            ("unit_code", "unknown_code"),
        ])
    );

    let reporter = app.token(Role::Reporter, Some("KHTC")).await;
    let viewer = app.token(Role::Viewer, None).await;
    for token in [&reporter, &viewer] {
        app.post_as(token, &path, grant("KHTC", later))
            .await
            .problem(403, "forbidden");
    }
    assert_eq!(app.get(&path).await.expect(200)["total"], 0);
    app.post("/api/v1/periods/999999/extensions", grant("KHTC", later))
        .await
        .problem(404, "not_found");
}

#[actix_web::test]
async fn extensions_are_listed_and_replaced() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let path = format!("/api/v1/periods/{period}/extensions");
    let khtc = start(&app, period, "KHTC").await;
    let before = app.get(&khtc.path()).await.expect(200);
    assert_eq!(before["has_extension"], false);
    assert_eq!(before["deadline"], DEADLINE);

    app.clock.set(at("2026-11-25T09:00:00+07:00"));
    let granted = app
        .post(
            &path,
            json!({"unit_code": "QLTM", "deadline": "2026-12-18T16:30:00+07:00", "reason": "  Chờ số liệu từ Cổng dịch vụ công.  "}),
        )
        .await
        .expect(200);
    assert_eq!(
        granted,
        json!({
            "unit_code": "QLTM",
            "deadline": "2026-12-18T16:30:00+07:00",
            "reason": "Chờ số liệu từ Cổng dịch vụ công.",
            "granted_at": "2026-11-25T09:00:00+07:00",
            "granted_by": "test admin",
        })
    );
    app.post(
        &path,
        json!({"unit_code": "KHTC", "deadline": "2026-12-22T09:30:00Z", "reason": "Nhân sự nghỉ ốm."}),
    )
    .await
    .expect(200);

    let all = app.get(&path).await.expect(200);
    assert_eq!(all["total"], 2);
    assert_eq!(unit_codes(&all), ["KHTC", "QLTM"]);
    assert_eq!(all["items"][0]["deadline"], "2026-12-22T16:30:00+07:00");
    assert_eq!(all["items"][1], granted);
    let viewer = app.token(Role::Viewer, None).await;
    assert_eq!(
        unit_codes(&app.get_as(&viewer, &path).await.expect(200)),
        ["KHTC", "QLTM"]
    );
    let own = app.get_as(&khtc.token, &path).await.expect(200);
    assert_eq!(unit_codes(&own), ["KHTC"]);
    assert_eq!(own["total"], 1);
    let vp = app.token(Role::Reporter, Some("VP")).await;
    let none = app.get_as(&vp, &path).await.expect(200);
    assert_eq!(none["total"], 0);

    // The existing draft now carries the extension's deadline.
    let after = app.get_as(&khtc.token, &khtc.path()).await.expect(200);
    assert_eq!(after["has_extension"], true);
    assert_eq!(after["deadline"], "2026-12-22T16:30:00+07:00");

    // Granting again replaces it.
    app.clock.set(at("2026-11-26T09:00:00+07:00"));
    let again = app
        .post(
            &path,
            json!({"unit_code": "KHTC", "deadline": "2026-12-29T16:30:00+07:00", "reason": "Gia hạn thêm."}),
        )
        .await
        .expect(200);
    assert_eq!(again["deadline"], "2026-12-29T16:30:00+07:00");
    let all = app.get(&path).await.expect(200);
    assert_eq!(all["total"], 2);
    assert_eq!(
        all["items"][0],
        json!({
            "unit_code": "KHTC",
            "deadline": "2026-12-29T16:30:00+07:00",
            "reason": "Gia hạn thêm.",
            "granted_at": "2026-11-26T09:00:00+07:00",
            "granted_by": "test admin",
        })
    );
    let after = app.get_as(&khtc.token, &khtc.path()).await.expect(200);
    assert_eq!(after["deadline"], "2026-12-29T16:30:00+07:00");

    // A unit without one keeps the period's.
    let vp_draft = app
        .post_as(
            &vp,
            &format!("/api/v1/periods/{period}/submissions"),
            json!({}),
        )
        .await
        .expect(201);
    assert_eq!(vp_draft["has_extension"], false);
    assert_eq!(vp_draft["deadline"], DEADLINE);
}

#[actix_web::test]
async fn after_closing_only_units_with_an_extension_may_file() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let path = format!("/api/v1/periods/{period}/extensions");
    // TCHC starts a draft while the period is open but gets no extension.
    let mut tchc = filled(&app, period, "TCHC").await;
    for (unit, deadline) in [
        ("KHTC", "2026-12-22T16:30:00+07:00"),
        ("QLTM", "2026-12-18T16:30:00+07:00"),
    ] {
        app.post(
            &path,
            json!({"unit_code": unit, "deadline": deadline, "reason": "Chờ số liệu."}),
        )
        .await
        .expect(200);
    }
    app.clock.set(at("2026-12-16T08:00:00+07:00"));
    close(&app, period).await;

    // With an extension: a draft can still be started and submitted, judged against the
    // unit's own deadline.
    app.clock.set(at("2026-12-17T09:00:00+07:00"));
    let mut khtc = filled(&app, period, "KHTC").await;
    let mut qltm = filled(&app, period, "QLTM").await;
    app.clock.set(at("2026-12-22T09:00:00+07:00"));
    let on_time = submit(&app, &mut khtc).await.expect(200);
    assert_eq!(on_time["timeliness"], "on_time");
    assert_eq!(on_time["minutes_late"], 0);
    assert_eq!(on_time["has_extension"], true);
    assert_eq!(on_time["deadline"], "2026-12-22T16:30:00+07:00");
    let late = submit(&app, &mut qltm).await.expect(200);
    assert_eq!(late["timeliness"], "late");
    // Friday 18/12 16:30 to Tuesday 22/12 09:00: 88 h 30 min.
    assert_eq!(late["minutes_late"], 5310);
    assert_eq!(late["deadline"], "2026-12-18T16:30:00+07:00");
    let versions = app
        .get_as(&qltm.token, &format!("{}/versions", qltm.path()))
        .await
        .expect(200);
    assert_eq!(
        versions["items"][0]["deadline"],
        "2026-12-18T16:30:00+07:00"
    );

    // Without one: closed.
    let vp = app.token(Role::Reporter, Some("VP")).await;
    app.post_as(
        &vp,
        &format!("/api/v1/periods/{period}/submissions"),
        json!({}),
    )
    .await
    .problem(409, "period_closed");
    submit(&app, &mut tchc).await.problem(409, "period_closed");
    let tchc_now = app.get(&tchc.path()).await.expect(200);
    assert_eq!(tchc_now["status"], "draft");
    assert_eq!(tchc_now["submit_count"], 0);

    // The Office can still grant one after closing, and then the unit may file.
    app.post(
        &path,
        json!({"unit_code": "VP", "deadline": "2026-12-23T16:30:00+07:00", "reason": "Bổ sung sau."}),
    )
    .await
    .expect(200);
    let vp_draft = app
        .post_as(
            &vp,
            &format!("/api/v1/periods/{period}/submissions"),
            json!({}),
        )
        .await
        .expect(201);
    assert_eq!(vp_draft["deadline"], "2026-12-23T16:30:00+07:00");
    let list = app
        .get(&format!("/api/v1/periods/{period}/submissions"))
        .await
        .expect(200);
    assert_eq!(unit_codes(&list), ["KHTC", "QLTM", "TCHC", "VP"]);
}

// ---------------------------------------------------------------------------------------
// Versions
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn versions_record_each_submit() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = filled(&app, period, "KHTC").await;
    save(
        &app,
        &mut khtc,
        json!({"narrative": "Báo cáo kết quả CCHC Quý IV/2026."}),
    )
    .await;
    let versions_path = format!("{}/versions", khtc.path());
    assert_eq!(
        app.get_as(&khtc.token, &versions_path).await.expect(200)["total"],
        0
    );

    submit(&app, &mut khtc).await.expect(200);
    return_report(&app, &mut khtc, "Đề nghị rà soát tỷ lệ.").await;
    save(
        &app,
        &mut khtc,
        json!({"narrative": "Báo cáo đã rà soát.", "values": {"TL-DUNGHAN": {"numerator": 90, "denominator": 100}}}),
    )
    .await;
    app.clock.set(at("2026-11-27T10:00:00+07:00"));
    submit(&app, &mut khtc).await.expect(200);
    // Returned again, the Office submits it unchanged on the unit's behalf.
    return_report(&app, &mut khtc, "Thiếu chữ ký.").await;
    app.clock.set(at("2026-12-16T08:00:00+07:00"));
    let office = app.admin.clone();
    submit_as(&app, &office, &mut khtc).await.expect(200);

    let versions = app.get_as(&khtc.token, &versions_path).await.expect(200);
    assert_eq!(versions["total"], 3);
    let items = versions["items"].as_array().unwrap();
    let numbers: Vec<i64> = items
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [3, 2, 1], "newest first");
    let (third, second, first) = (&items[0], &items[1], &items[2]);

    assert_eq!(first["submitted_by"], "test reporter");
    assert_eq!(first["submitted_at"], "2026-11-20T09:00:00+07:00");
    assert_eq!(first["timeliness"], "early");
    assert_eq!(first["deadline"], DEADLINE);
    let content = &first["content"];
    assert_eq!(content["narrative"], "Báo cáo kết quả CCHC Quý IV/2026.");
    let mut recorded_evidence = evidence();
    recorded_evidence[0]["attachment_id"] = Value::Null;
    assert_eq!(content["evidence"], recorded_evidence);
    assert_eq!(content["attachments"], json!([]));
    let mut keys: Vec<&String> = content["values"].as_object().unwrap().keys().collect();
    keys.sort();
    let mut expected_keys = INDICATORS.to_vec();
    expected_keys.sort();
    assert_eq!(keys, expected_keys, "values keyed by indicator code");
    assert_eq!(
        content["values"]["TL-DUNGHAN"],
        json!({"numerator": 95.0, "denominator": 100.0})
    );
    assert_eq!(content["values"]["CO-MOTCUA"], json!({"flag": true}));
    assert_eq!(
        content["values"]["ND-SANGKIEN"],
        json!({"text": TEXT_ANSWER})
    );
    assert_eq!(num(&content["values"]["KP-CCHC"]["number"]), 25.5);

    // The first version lists every answered field.
    let mut fields: Vec<String> = first["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap().to_owned())
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "evidence",
            "narrative",
            "values.CO-MOTCUA.flag",
            "values.KP-CCHC.number",
            "values.ND-SANGKIEN.text",
            "values.SL-VANBAN.number",
            "values.TL-DUNGHAN.denominator",
            "values.TL-DUNGHAN.numerator",
            "values.TL-TRUCTUYEN.denominator",
            "values.TL-TRUCTUYEN.numerator",
        ]
    );
    // The first version is compared with an empty report: nothing before, an empty
    // evidence list.
    for change in first["changes"].as_array().unwrap() {
        let empty = if change["field"] == "evidence" {
            json!([])
        } else {
            Value::Null
        };
        assert_eq!(change["before"], empty, "{change}");
    }
    let numerator = first["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"] == "values.TL-DUNGHAN.numerator")
        .unwrap();
    assert_eq!(num(&numerator["after"]), 95.0);

    // A later one only what changed.
    assert_eq!(second["submitted_by"], "test reporter");
    assert_eq!(second["submitted_at"], "2026-11-27T10:00:00+07:00");
    assert_eq!(second["timeliness"], "early");
    let mut changes = second["changes"].as_array().unwrap().clone();
    changes.sort_by(|a, b| a["field"].as_str().cmp(&b["field"].as_str()));
    assert_eq!(
        changes,
        vec![
            json!({"field": "narrative", "before": "Báo cáo kết quả CCHC Quý IV/2026.", "after": "Báo cáo đã rà soát."}),
            json!({"field": "values.TL-DUNGHAN.numerator", "before": 95.0, "after": 90.0}),
        ]
    );
    assert_eq!(
        second["content"]["values"]["TL-DUNGHAN"],
        json!({"numerator": 90.0, "denominator": 100.0})
    );
    // Earlier versions are immutable.
    assert_eq!(
        first["content"]["values"]["TL-DUNGHAN"]["numerator"],
        json!(95.0)
    );

    // Unchanged content: no changes; the Office's token name; late against the deadline.
    assert_eq!(third["submitted_by"], "test admin");
    assert_eq!(third["changes"], json!([]));
    assert_eq!(third["timeliness"], "late");
    assert_eq!(third["minutes_late"], 930);
    assert_eq!(third["content"], second["content"]);

    // Paged.
    let page = app
        .get(&format!("{versions_path}?per_page=1&page=2"))
        .await
        .expect(200);
    assert_eq!(page["total"], 3);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["version"], 2);
}

#[actix_web::test]
async fn a_unit_cannot_clear_the_offices_system_figure() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut draft = start(&app, period, "KHTC").await;
    let admin = app.admin.clone();
    save_as(
        &app,
        &admin,
        &mut draft,
        json!({"values": {"TL-DUNGHAN": {"system_value": 97.5}}}),
    )
    .await;
    let cleared = save(&app, &mut draft, json!({"values": {"TL-DUNGHAN": {}}})).await;
    let kept = value(&cleared, "TL-DUNGHAN");
    assert_eq!(num(&kept["system_value"]), 97.5);
    assert_eq!(kept["system_value_source"], "office");
    assert_eq!(kept["numerator"], Value::Null);
    // The Office itself may clear it.
    let by_office = save_as(
        &app,
        &admin,
        &mut draft,
        json!({"values": {"TL-DUNGHAN": {}}}),
    )
    .await;
    assert_eq!(value(&by_office, "TL-DUNGHAN")["answered"], false);
}

#[actix_web::test]
async fn drafts_freeze_when_the_period_closes_unless_extended() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = start(&app, period, "KHTC").await;
    let qltm = start(&app, period, "QLTM").await;
    close(&app, period).await;
    try_save(&app, &qltm, json!({"narrative": "Muộn"}))
        .await
        .problem(409, "period_closed");
    app.post(
        &format!("/api/v1/periods/{period}/extensions"),
        json!({"unit_code": "KHTC", "deadline": "2026-12-20T16:30:00+07:00", "reason": "Chờ số liệu"}),
    )
    .await
    .expect(200);
    let saved = save(&app, &mut khtc, json!({"narrative": "Bổ sung"})).await;
    assert_eq!(saved["narrative"], "Bổ sung");
}

#[actix_web::test]
async fn another_units_report_stays_hidden_whatever_if_match_says() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let khtc = start(&app, period, "KHTC").await;
    let outsider = app.token(Role::Reporter, Some("QLTM")).await;
    for if_match in [None, Some("\"1.1\""), Some("garbage")] {
        patch_as(
            &app,
            &outsider,
            khtc.id,
            if_match,
            json!({"narrative": "x"}),
        )
        .await
        .problem(404, "not_found");
    }
    // The unit's own reporter still gets the precondition answers.
    patch_as(&app, &khtc.token, khtc.id, None, json!({"narrative": "x"}))
        .await
        .problem(428, "precondition_required");
}
