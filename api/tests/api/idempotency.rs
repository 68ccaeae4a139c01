//! `Idempotency-Key` on POSTs: a retried create or transition is answered from the first
//! answer and done once; a key reused for another request, or while the first is running, is
//! refused; keys are per caller and expire; 5xx answers are not kept.

use cchc_app::config::Config;
use cchc_app::repo::idempotency::{self, Claim, Fingerprint, KeyOwner};
use cchc_domain::model::token::Role;
use chrono::Duration;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use futures_util::StreamExt;
use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::common::{enc, pdf, Answer, Files, TestApp};

const KEY: &str = "3f1c2a9e-7b44-4c1e-9a57-0d7e3b2f6a10";

pub(crate) async fn post_with_key(
    app: &TestApp,
    token: &str,
    path: &str,
    key: &str,
    body: &Value,
) -> Answer {
    TestApp::send(
        app.client
            .request(Method::POST, format!("{}{path}", app.base_url))
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .json(body),
    )
    .await
}

/// Claims `key` for `owner` as a first POST /api/v1/units with `body` would, and leaves it
/// unanswered: the state of a key whose first request is still running.
pub(crate) async fn claim_in_flight(app: &TestApp, owner: &KeyOwner, key: &str, body: &Value) {
    let mut conn = app.state.pool.get().await.unwrap();
    let claim = idempotency::claim(
        &mut conn,
        owner,
        key,
        &Fingerprint {
            method: "POST".into(),
            path: "/api/v1/units".into(),
            body_sha256: format!("{:x}", Sha256::digest(serde_json::to_vec(body).unwrap())),
        },
        app.state.clock.now(),
        Duration::hours(24),
    )
    .await
    .unwrap();
    assert_eq!(claim, Claim::Claimed);
}

fn unit(code: &str) -> Value {
    json!({
        "code": code,
        "name": format!("Phòng {code}"),
        "kind": "division",
        "head": {"name": "Nguyễn Văn An", "email": "an@example.vn"},
        "focal_persons": [{"name": "Trần Thị Bình", "email": "binh@example.vn"}],
    })
}

fn header<'a>(answer: &'a Answer, name: &str) -> Option<&'a str> {
    answer.headers.get(name).map(|v| v.to_str().unwrap())
}

async fn audit_actions(app: &TestApp, entity_type: &str, entity_id: &str) -> Vec<String> {
    let page = app
        .get(&format!(
            "/api/v1/audit?entity_type={entity_type}&entity_id={}&per_page=100",
            enc(entity_id)
        ))
        .await
        .expect(200);
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

async fn stored_keys(app: &TestApp) -> i64 {
    use cchc_db::schema::idempotency_keys;
    let mut conn = app.state.pool.get().await.unwrap();
    idempotency_keys::table
        .count()
        .get_result(&mut *conn)
        .await
        .unwrap()
}

#[actix_web::test]
async fn a_create_sent_twice_with_one_key_is_done_once_and_answered_the_same() {
    let app = TestApp::spawn().await;
    let first = post_with_key(&app, &app.admin, "/api/v1/units", KEY, &unit("KHTC")).await;
    assert_eq!(header(&first, "idempotent-replayed"), None);
    let location = header(&first, "location").unwrap().to_owned();
    let created = first.expect(201);

    let again = post_with_key(&app, &app.admin, "/api/v1/units", KEY, &unit("KHTC")).await;
    assert_eq!(header(&again, "idempotent-replayed"), Some("true"));
    assert_eq!(header(&again, "location"), Some(location.as_str()));
    assert_eq!(header(&again, "content-type"), Some("application/json"));
    assert_eq!(again.expect(201), created, "the same body");

    let units = app.get("/api/v1/units").await.expect(200);
    assert_eq!(units["total"], 1, "one unit: {units:#}");
    let id = created["id"].as_i64().unwrap().to_string();
    assert_eq!(audit_actions(&app, "unit", &id).await, ["created"]);

    // A period too: same id, one row.
    let period = json!({
        "code": "DOT-XUAT-01",
        "title": "Báo cáo đột xuất về TTHC",
        "report_type": "ad_hoc",
        "frequency": "ad_hoc",
        "data_from": "2026-10-01",
        "data_to": "2026-10-31",
        "deadline": "2026-12-15T16:30:00+07:00",
    });
    let a = post_with_key(&app, &app.admin, "/api/v1/periods", "period-1", &period)
        .await
        .expect(201);
    let b = post_with_key(&app, &app.admin, "/api/v1/periods", "period-1", &period)
        .await
        .expect(201);
    assert_eq!(a["id"], b["id"]);
    assert_eq!(app.get("/api/v1/periods").await.expect(200)["total"], 1);
}

#[actix_web::test]
async fn a_key_reused_for_another_request_is_refused() {
    let app = TestApp::spawn().await;
    post_with_key(&app, &app.admin, "/api/v1/units", KEY, &unit("KHTC"))
        .await
        .expect(201);
    // Another body.
    let problem = post_with_key(&app, &app.admin, "/api/v1/units", KEY, &unit("QLTM"))
        .await
        .problem(422, "idempotency_key_reused");
    assert_eq!(problem["errors"][0]["field"], "Idempotency-Key");
    // Another path, same body.
    post_with_key(&app, &app.admin, "/api/v1/indicators", KEY, &unit("KHTC"))
        .await
        .problem(422, "idempotency_key_reused");
    assert_eq!(
        app.get("/api/v1/units").await.expect(200)["total"],
        1,
        "nothing was created by the refused requests"
    );
}

#[actix_web::test]
async fn a_transition_replayed_answers_the_same_and_happens_once() {
    let app = TestApp::spawn().await;
    app.unit("KHTC", "division", None).await;
    app.indicator("SL-VANBAN", "count").await;
    let period = app
        .post(
            "/api/v1/periods",
            json!({
                "code": "DOT-XUAT-01",
                "title": "Báo cáo đột xuất về TTHC",
                "report_type": "ad_hoc",
                "frequency": "ad_hoc",
                "data_from": "2026-10-01",
                "data_to": "2026-10-31",
                "deadline": "2026-12-15T16:30:00+07:00",
                "indicator_codes": ["SL-VANBAN"],
                "unit_codes": ["KHTC"],
            }),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/periods/{period}/open");
    let first = post_with_key(&app, &app.admin, &path, "open-1", &json!({}))
        .await
        .expect(200);
    let again = post_with_key(&app, &app.admin, &path, "open-1", &json!({})).await;
    assert_eq!(header(&again, "idempotent-replayed"), Some("true"));
    assert_eq!(again.expect(200), first);
    let actions = audit_actions(&app, "period", &period.to_string()).await;
    assert_eq!(
        actions.iter().filter(|a| a.as_str() == "opened").count(),
        1,
        "{actions:?}"
    );
    // Without the key, a second open is the state conflict it always was.
    app.post(&path, json!({}))
        .await
        .problem(409, "invalid_transition");

    // A reporter's submit, replayed: the same ETag, one submission.
    let reporter = app.token(Role::Reporter, Some("KHTC")).await;
    let draft = app
        .draft_with(&reporter, period, json!({"SL-VANBAN": {"number": 12}}))
        .await;
    let submit = format!("/api/v1/submissions/{draft}/submit");
    let first = post_with_key(&app, &reporter, &submit, "submit-1", &json!({})).await;
    let etag = header(&first, "etag").unwrap().to_owned();
    let first = first.expect(200);
    let again = post_with_key(&app, &reporter, &submit, "submit-1", &json!({})).await;
    assert_eq!(header(&again, "etag"), Some(etag.as_str()));
    assert_eq!(again.expect(200), first);
    assert_eq!(first["submit_count"], 1);
    let actions = audit_actions(&app, "submission", &draft.to_string()).await;
    assert_eq!(
        actions.iter().filter(|a| a.as_str() == "submitted").count(),
        1,
        "{actions:?}"
    );
}

#[actix_web::test]
async fn different_callers_may_use_the_same_key() {
    let app = TestApp::spawn().await;
    let other_admin = app.token(Role::Admin, None).await;
    let a = post_with_key(&app, &app.admin, "/api/v1/units", KEY, &unit("KHTC"))
        .await
        .expect(201);
    let b = post_with_key(&app, &other_admin, "/api/v1/units", KEY, &unit("QLTM")).await;
    assert_eq!(header(&b, "idempotent-replayed"), None);
    let b = b.expect(201);
    assert_ne!(a["id"], b["id"]);
    assert_eq!(app.get("/api/v1/units").await.expect(200)["total"], 2);
}

#[actix_web::test]
async fn a_client_error_is_kept_and_replayed() {
    let app = TestApp::spawn().await;
    app.unit("KHTC", "division", None).await;
    // A duplicate code: 409.
    let first = post_with_key(&app, &app.admin, "/api/v1/units", KEY, &unit("KHTC"))
        .await
        .problem(409, "duplicate_code");
    let again = post_with_key(&app, &app.admin, "/api/v1/units", KEY, &unit("KHTC")).await;
    assert_eq!(header(&again, "idempotent-replayed"), Some("true"));
    assert_eq!(again.problem(409, "duplicate_code"), first);

    // A refused caller's 403 too.
    let viewer = app.token(Role::Viewer, None).await;
    post_with_key(&app, &viewer, "/api/v1/units", KEY, &unit("QLTM"))
        .await
        .problem(403, "forbidden");
    let again = post_with_key(&app, &viewer, "/api/v1/units", KEY, &unit("QLTM")).await;
    assert_eq!(header(&again, "idempotent-replayed"), Some("true"));
    again.problem(403, "forbidden");
}

#[actix_web::test]
async fn an_invalid_key_is_400_naming_the_header() {
    let app = TestApp::spawn().await;
    let long = "k".repeat(256);
    for bad in ["", "two words", long.as_str()] {
        let problem = post_with_key(&app, &app.admin, "/api/v1/units", bad, &unit("KHTC"))
            .await
            .problem(400, "invalid_header");
        assert_eq!(problem["errors"][0]["field"], "Idempotency-Key", "{bad:?}");
    }
    // Non-ASCII bytes.
    let problem = TestApp::send(
        app.client
            .post(format!("{}/api/v1/units", app.base_url))
            .bearer_auth(&app.admin)
            .header(
                "Idempotency-Key",
                reqwest::header::HeaderValue::from_bytes("khóa".as_bytes()).unwrap(),
            )
            .json(&unit("KHTC")),
    )
    .await
    .problem(400, "invalid_header");
    assert_eq!(problem["errors"][0]["field"], "Idempotency-Key");
    // The longest key is fine.
    post_with_key(
        &app,
        &app.admin,
        "/api/v1/units",
        &"k".repeat(255),
        &unit("KHTC"),
    )
    .await
    .expect(201);
    assert_eq!(app.get("/api/v1/units").await.expect(200)["total"], 1);
}

#[actix_web::test]
async fn a_key_whose_first_request_is_still_running_is_409_until_it_is_abandoned() {
    let app = TestApp::spawn().await;
    let me = app.get("/api/v1/me").await.expect(200);
    let body = unit("KHTC");
    // The first request has claimed the key and not answered yet.
    claim_in_flight(
        &app,
        &KeyOwner::Token(me["token_id"].as_i64().unwrap()),
        KEY,
        &body,
    )
    .await;
    post_with_key(&app, &app.admin, "/api/v1/units", KEY, &body)
        .await
        .problem(409, "idempotency_key_in_progress");
    assert_eq!(app.get("/api/v1/units").await.expect(200)["total"], 0);

    // Still "in progress" ten minutes on, the first request died with its connection: the
    // retry takes the key over and is answered (and kept) normally.
    app.clock.set(app.state.clock.now() + Duration::minutes(9));
    post_with_key(&app, &app.admin, "/api/v1/units", KEY, &body)
        .await
        .problem(409, "idempotency_key_in_progress");
    app.clock.set(app.state.clock.now() + Duration::minutes(1));
    let taken = post_with_key(&app, &app.admin, "/api/v1/units", KEY, &body).await;
    assert_eq!(header(&taken, "idempotent-replayed"), None);
    let created = taken.expect(201);
    let again = post_with_key(&app, &app.admin, "/api/v1/units", KEY, &body).await;
    assert_eq!(header(&again, "idempotent-replayed"), Some("true"));
    assert_eq!(again.expect(201), created);
    assert_eq!(app.get("/api/v1/units").await.expect(200)["total"], 1);
}

#[actix_web::test]
async fn keys_expire_after_the_ttl_and_are_removed() {
    let app = TestApp::spawn().await;
    post_with_key(&app, &app.admin, "/api/v1/units", KEY, &unit("KHTC"))
        .await
        .expect(201);
    app.clock.set(app.state.clock.now() + Duration::hours(23));
    post_with_key(&app, &app.admin, "/api/v1/units", KEY, &unit("QLTM"))
        .await
        .problem(422, "idempotency_key_reused");
    app.clock.set(app.state.clock.now() + Duration::hours(1));
    // 24 h later the key is free: this is a new request.
    let fresh = post_with_key(&app, &app.admin, "/api/v1/units", KEY, &unit("QLTM")).await;
    assert_eq!(header(&fresh, "idempotent-replayed"), None);
    assert_eq!(fresh.expect(201)["code"], "QLTM");
    assert_eq!(stored_keys(&app).await, 1, "the expired row was removed");
}

#[actix_web::test]
async fn a_server_error_is_not_kept_so_the_request_may_be_retried() {
    let config = cchc_app::config::Config::from_lookup(|_| None).unwrap();
    let app = TestApp::spawn_with_files(config, Files::Unwritable).await;
    app.unit("KHTC", "division", None).await;
    let document = app
        .post(
            "/api/v1/documents",
            json!({
                "number": "12/BC-SCT",
                "issued_on": "2026-11-10",
                "issuing_agency": "Sở Công Thương",
                "subject": "Báo cáo cải cách hành chính",
                "direction": "outgoing",
            }),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let upload = || {
        app.client
            .post(format!(
                "{}/api/v1/documents/{document}/files",
                app.base_url
            ))
            .bearer_auth(&app.admin)
            .header("Idempotency-Key", KEY)
            .multipart(
                Form::new().part(
                    "file",
                    Part::bytes(pdf())
                        .file_name("bao-cao.pdf")
                        .mime_str("application/pdf")
                        .unwrap(),
                ),
            )
    };
    let first = TestApp::send(upload()).await;
    assert_eq!(first.status.as_u16(), 503, "{:#}", first.body);
    assert_eq!(stored_keys(&app).await, 0, "a 5xx answer is not kept");
    let again = TestApp::send(upload()).await;
    assert_eq!(again.status.as_u16(), 503);
    assert_eq!(header(&again, "idempotent-replayed"), None, "run again");
}

/// With a key the body is read before the handler runs, but only up to the route's own limit:
/// 1 MiB for JSON, not the 21 MiB an upload may take. The client below never finishes its
/// body, so any answer before the request deadline shows the server stopped reading.
#[actix_web::test]
async fn a_body_over_the_routes_limit_is_refused_without_reading_it_whole() {
    const MIB: usize = 1024 * 1024;
    let config =
        Config::from_lookup(|name| (name == "CCHC_REQUEST_TIMEOUT_SECS").then(|| "20".to_owned()))
            .unwrap();
    let app = TestApp::spawn_with(config).await;
    let post = |declared: Option<usize>, sent: usize| {
        let stalled =
            futures_util::stream::once(async move { Ok::<_, std::io::Error>(vec![b' '; sent]) })
                .chain(futures_util::stream::once(async {
                    tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                    Ok(Vec::new())
                }));
        let mut request = app
            .client
            .post(format!("{}/api/v1/units", app.base_url))
            .bearer_auth(&app.admin)
            .header("Idempotency-Key", KEY)
            .header("content-type", "application/json");
        if let Some(length) = declared {
            request = request.header("content-length", length);
        }
        TestApp::send(request.body(reqwest::Body::wrap_stream(stalled)))
    };
    // 21 MiB declared: refused on the header, before reading.
    let problem = post(Some(21 * MIB), 64 * 1024)
        .await
        .problem(413, "payload_too_large");
    assert!(
        problem["detail"].as_str().unwrap().contains("1048576"),
        "{problem:#}"
    );
    // No length declared: refused once past 1 MiB.
    post(None, 2 * MIB).await.problem(413, "payload_too_large");
    assert_eq!(stored_keys(&app).await, 0, "nothing claimed");

    // An upload keeps its own, larger limit.
    app.unit("KHTC", "division", None).await;
    let document = app
        .post(
            "/api/v1/documents",
            json!({
                "number": "12/BC-SCT",
                "issued_on": "2026-11-10",
                "issuing_agency": "Sở Công Thương",
                "subject": "Báo cáo cải cách hành chính",
                "direction": "outgoing",
            }),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let mut large = pdf();
    large.push(b'%');
    large.resize(2 * MIB, b'x');
    let upload = app
        .client
        .post(format!(
            "{}/api/v1/documents/{document}/files",
            app.base_url
        ))
        .bearer_auth(&app.admin)
        .header("Idempotency-Key", KEY)
        .multipart(
            Form::new().part(
                "file",
                Part::bytes(large)
                    .file_name("bao-cao.pdf")
                    .mime_str("application/pdf")
                    .unwrap(),
            ),
        );
    let stored = TestApp::send(upload).await.expect(201);
    assert_eq!(stored["size_bytes"], 2 * MIB, "{stored:#}");
    assert_eq!(stored_keys(&app).await, 1, "its answer is kept");
}

#[test]
fn every_post_documents_the_header_and_its_refusals() {
    let spec = serde_json::to_value(cchc_api::app::openapi()).unwrap();
    let mut posts = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        let Some(post) = item.get("post") else {
            continue;
        };
        posts += 1;
        let header = post["parameters"]
            .as_array()
            .and_then(|params| {
                params
                    .iter()
                    .find(|p| p["name"] == "Idempotency-Key" && p["in"] == "header")
            })
            .unwrap_or_else(|| panic!("POST {path} does not document Idempotency-Key"));
        assert_eq!(header["required"], false, "POST {path}");
        assert_eq!(header["schema"]["maxLength"], 255, "POST {path}");
        for status in ["400", "409", "422"] {
            assert!(
                post["responses"].get(status).is_some(),
                "POST {path} does not document {status}"
            );
        }
    }
    assert!(posts >= 20, "only {posts} POST operations found");
    // Other methods do not take it.
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in ["get", "patch", "delete"] {
            let documented = item[method]["parameters"]
                .as_array()
                .is_some_and(|params| params.iter().any(|p| p["name"] == "Idempotency-Key"));
            assert!(!documented, "{method} {path} documents Idempotency-Key");
        }
    }
}
