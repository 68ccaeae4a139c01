use std::sync::{Arc, Mutex};

use cchc_domain::model::token::Role;
use reqwest::Method;
use serde_json::json;
use tracing_subscriber::fmt::format::FmtSpan;

use crate::common::{Answer, TestApp};

#[actix_web::test]
async fn requests_without_a_valid_token_are_401() {
    let app = TestApp::spawn().await;
    let missing = app.request(Method::GET, "/api/v1/units", None, None).await;
    assert_eq!(
        missing
            .headers
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok()),
        Some("Bearer realm=\"cchc\"")
    );
    missing.problem(401, "unauthenticated");
    app.get_as("cchc_not-a-real-token", "/api/v1/units")
        .await
        .problem(401, "unauthenticated");
    let basic = app
        .client
        .get(format!("{}/api/v1/units", app.base_url))
        .header("authorization", "Basic dXNlcjpwYXNz")
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status().as_u16(), 401);
}

#[actix_web::test]
async fn revoked_and_expired_tokens_stop_working() {
    let app = TestApp::spawn().await;
    let created = app
        .post(
            "/api/v1/tokens",
            json!({"name": "Lãnh đạo Sở", "role": "viewer"}),
        )
        .await
        .expect(201);
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("cchc_"));
    let id = created["token"]["id"].as_i64().unwrap();
    assert_eq!(
        app.get_as(&secret, "/api/v1/me").await.expect(200)["role"],
        "viewer"
    );

    let listed = app.get(&format!("/api/v1/tokens/{id}")).await.expect(200);
    assert!(listed["last_used_at"].is_string(), "use is recorded");
    assert!(listed.get("secret").is_none(), "secrets are never listed");

    let revoked = app
        .delete(&format!("/api/v1/tokens/{id}"))
        .await
        .expect(200);
    assert_eq!(revoked["active"], false);
    app.get_as(&secret, "/api/v1/me")
        .await
        .problem(401, "unauthenticated");
    // Revoked tokens leave the default list but stay visible on request.
    let active = app.get("/api/v1/tokens").await.expect(200);
    assert!(active["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["id"] != id));
    let all = app
        .get("/api/v1/tokens?include_revoked=true")
        .await
        .expect(200);
    assert!(all["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["id"] == id));

    let expiring = app
        .post(
            "/api/v1/tokens",
            json!({"name": "Tạm thời", "role": "viewer", "expires_at": "2026-11-21T09:00:00+07:00"}),
        )
        .await
        .expect(201);
    let secret = expiring["secret"].as_str().unwrap().to_owned();
    app.get_as(&secret, "/api/v1/me").await.expect(200);
    app.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-11-21T09:00:01+07:00")
            .unwrap()
            .into(),
    );
    app.get_as(&secret, "/api/v1/me")
        .await
        .problem(401, "unauthenticated");
}

#[actix_web::test]
async fn only_admins_write_and_manage_tokens() {
    let app = TestApp::spawn().await;
    app.unit("KHTC", "division", None).await;
    let reporter = app.token(Role::Reporter, Some("KHTC")).await;
    let viewer = app.token(Role::Viewer, None).await;
    let integration = app.token(Role::Integration, None).await;
    for token in [&reporter, &viewer, &integration] {
        // Reading the set-up is open to every role…
        app.get_as(token, "/api/v1/units").await.expect(200);
        app.get_as(token, "/api/v1/indicators").await.expect(200);
        app.get_as(token, "/api/v1/periods").await.expect(200);
        app.get_as(token, "/api/v1/holidays").await.expect(200);
        // …changing it and managing tokens is not.
        app.post_as(
            token,
            "/api/v1/units",
            json!({"code": "X", "name": "X", "kind": "division"}),
        )
        .await
        .problem(403, "forbidden");
        app.post_as(token, "/api/v1/indicators", json!({}))
            .await
            .problem(403, "forbidden");
        app.get_as(token, "/api/v1/tokens")
            .await
            .problem(403, "forbidden");
        app.post_as(
            token,
            "/api/v1/tokens",
            json!({"name": "x", "role": "admin"}),
        )
        .await
        .problem(403, "forbidden");
    }
    let me = app.get_as(&reporter, "/api/v1/me").await.expect(200);
    assert_eq!(me["role"], "reporter");
    assert_eq!(me["unit_code"], "KHTC");
}

#[actix_web::test]
async fn token_creation_is_validated() {
    let app = TestApp::spawn().await;
    app.unit("KHTC", "division", None).await;
    let problem = app
        .post("/api/v1/tokens", json!({"name": " ", "role": "reporter"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(Answer::fields(&problem), vec!["name", "unit_code"]);
    let problem = app
        .post(
            "/api/v1/tokens",
            json!({"name": "x", "role": "viewer", "unit_code": "KHTC"}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["code"], "not_allowed");
    let problem = app
        .post(
            "/api/v1/tokens",
            json!({"name": "x", "role": "reporter", "unit_code": "NOPE"}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["code"], "unknown_code");
    let problem = app
        .post(
            "/api/v1/tokens",
            json!({"name": "x", "role": "viewer", "expires_at": "2020-01-01T00:00:00+07:00"}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(Answer::fields(&problem), vec!["expires_at"]);
    let problem = app
        .post("/api/v1/tokens", json!({"name": "x", "role": "root"}))
        .await
        .problem(400, "invalid_body");
    assert_eq!(Answer::fields(&problem), vec!["role"]);
    let created = app
        .post(
            "/api/v1/tokens",
            json!({"name": "Chuyên viên KHTC", "role": "reporter", "unit_code": "KHTC"}),
        )
        .await;
    assert_eq!(
        created
            .headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(|l| l.starts_with("/api/v1/tokens/")),
        Some(true)
    );
    assert_eq!(created.expect(201)["token"]["unit_code"], "KHTC");
}

/// Collects what a tracing subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[actix_web::test]
async fn a_token_in_the_query_string_is_refused_and_kept_out_of_the_log() {
    let app = TestApp::spawn().await;
    // The app's own middleware stack, served on this thread so that a subscriber set for the
    // thread sees its spans; each span's fields are written when it closes.
    let service = actix_web::test::init_service(cchc_api::app::app(
        app.state.clone(),
        Arc::new(cchc_api::app::openapi()),
    ))
    .await;
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    let request = actix_web::test::TestRequest::get()
        .uri(&format!("/api/v1/units?access_token={}&page=1", app.admin))
        .to_request();
    let response = actix_web::test::call_service(&service, request).await;
    assert_eq!(
        response.status().as_u16(),
        401,
        "a query token is not a credential"
    );
    let body: serde_json::Value = actix_web::test::read_body_json(response).await;
    assert_eq!(body["code"], "unauthenticated");
    drop(guard);

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        log.contains("http.target=/api/v1/units?access_token=REDACTED&page=REDACTED"),
        "the request is logged, its query values redacted: {log}"
    );
    assert!(!log.contains(&app.admin), "the secret is not logged: {log}");
}
