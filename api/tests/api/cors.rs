//! CORS as a browser sees it: a real preflight, then the headers a page on another origin may
//! read on every kind of answer — success, problem, 429 and the request-timeout 503.

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::header::HeaderMap;
use reqwest::Method;

use crate::common::{config_of, Answer, TestApp};

const ORIGIN: &str = "https://congdvc.example.vn";

/// The comma-separated values of a header, lower-cased (header names are case-insensitive).
fn list(headers: &HeaderMap, name: &str) -> Vec<String> {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|v| v.trim().to_ascii_lowercase())
        .filter(|v| !v.is_empty())
        .collect()
}

/// Asserts what a browser needs to hand an answer to the page: the origin allowed, and the
/// headers the page reads exposed.
#[track_caller]
fn readable_by_page(answer: &Answer) {
    assert_eq!(
        answer
            .headers
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some(ORIGIN),
        "status {} without Access-Control-Allow-Origin; headers: {:?}",
        answer.status,
        answer.headers
    );
    let exposed = list(&answer.headers, "access-control-expose-headers");
    for name in [
        "location",
        "etag",
        "x-request-id",
        "idempotent-replayed",
        "retry-after",
        "content-disposition",
    ] {
        assert!(
            exposed.contains(&name.to_owned()),
            "{name} not exposed: {exposed:?}"
        );
    }
}

async fn from_page(app: &TestApp, method: Method, path: &str, token: Option<&str>) -> Answer {
    let mut request = app
        .client
        .request(method, format!("{}{path}", app.base_url))
        .header("origin", ORIGIN);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    TestApp::send(request).await
}

async fn preflight(app: &TestApp, method: &str, headers: &str) -> reqwest::Response {
    app.client
        .request(Method::OPTIONS, format!("{}/api/v1/units", app.base_url))
        .header("origin", ORIGIN)
        .header("access-control-request-method", method)
        .header("access-control-request-headers", headers)
        .send()
        .await
        .unwrap()
}

#[actix_web::test]
async fn a_preflight_allows_the_methods_and_headers_a_front_end_sends() {
    let app = TestApp::spawn_with(config_of(&[("CCHC_CORS_ALLOWED_ORIGINS", ORIGIN)])).await;
    for method in ["GET", "POST", "PATCH", "PUT", "DELETE"] {
        // As a browser sends it: lower-case names, sorted, comma-separated.
        let answer = preflight(
            &app,
            method,
            "accept,authorization,content-type,idempotency-key,if-match,if-none-match",
        )
        .await;
        assert_eq!(answer.status().as_u16(), 200, "{method}");
        let headers = answer.headers();
        assert_eq!(
            headers
                .get("access-control-allow-origin")
                .and_then(|v| v.to_str().ok()),
            Some(ORIGIN)
        );
        assert!(list(headers, "access-control-allow-methods").contains(&method.to_lowercase()));
        let allowed = list(headers, "access-control-allow-headers");
        for name in [
            "authorization",
            "content-type",
            "if-match",
            "if-none-match",
            "accept",
            "idempotency-key",
        ] {
            assert!(allowed.contains(&name.to_owned()), "{name}: {allowed:?}");
        }
        assert!(headers.contains_key("access-control-max-age"));
    }
    // A header the API does not take fails the preflight, so the browser never sends it.
    let refused = preflight(&app, "GET", "x-unknown").await;
    assert!(refused
        .headers()
        .get("access-control-allow-origin")
        .is_none());
}

#[actix_web::test]
async fn successes_and_problems_are_readable_by_the_page() {
    let app = TestApp::spawn_with(config_of(&[("CCHC_CORS_ALLOWED_ORIGINS", ORIGIN)])).await;
    let ok = from_page(&app, Method::GET, "/api/v1/units", Some(&app.admin)).await;
    readable_by_page(&ok);
    ok.expect(200);

    let unauthenticated = from_page(&app, Method::GET, "/api/v1/units", None).await;
    readable_by_page(&unauthenticated);
    unauthenticated.problem(401, "unauthenticated");

    let no_route = from_page(&app, Method::GET, "/api/v1/no-such-thing", Some(&app.admin)).await;
    readable_by_page(&no_route);
    no_route.problem(404, "not_found");

    let wrong_method = from_page(&app, Method::PUT, "/api/v1/units", Some(&app.admin)).await;
    readable_by_page(&wrong_method);
    assert_eq!(wrong_method.status.as_u16(), 405);

    // Another origin gets the answer but no permission to read it.
    let foreign = TestApp::send(
        app.client
            .get(format!("{}/api/v1/units", app.base_url))
            .bearer_auth(&app.admin)
            .header("origin", "https://evil.example.com"),
    )
    .await;
    assert!(!foreign.headers.contains_key("access-control-allow-origin"));
}

#[actix_web::test]
async fn a_rate_limited_page_reads_retry_after_and_preflights_are_not_counted() {
    let app = TestApp::spawn_with(config_of(&[
        ("CCHC_CORS_ALLOWED_ORIGINS", ORIGIN),
        ("CCHC_RATE_LIMIT_PER_MINUTE", "2"),
    ]))
    .await;
    // Preflights by the dozen spend nothing: the page's two requests still go through.
    for _ in 0..10 {
        let answer = preflight(&app, "GET", "authorization").await;
        assert_eq!(answer.status().as_u16(), 200);
    }
    for _ in 0..2 {
        from_page(&app, Method::GET, "/api/v1/units", Some(&app.admin))
            .await
            .expect(200);
    }
    let refused = from_page(&app, Method::GET, "/api/v1/units", Some(&app.admin)).await;
    readable_by_page(&refused);
    assert!(refused.headers.contains_key("retry-after"));
    assert!(refused.headers.contains_key("x-request-id"));
    refused.problem(429, "rate_limited");
    // The limit reached, a preflight is still answered (so the page sees the 429, not a
    // network error, on its next try).
    let answer = preflight(&app, "GET", "authorization").await;
    assert_eq!(answer.status().as_u16(), 200);
}

#[actix_web::test]
async fn a_request_timeout_is_readable_by_the_page() {
    let app = TestApp::spawn_with(config_of(&[
        ("CCHC_CORS_ALLOWED_ORIGINS", ORIGIN),
        ("CCHC_REQUEST_TIMEOUT_SECS", "1"),
    ]))
    .await;
    // A body that stalls past the deadline.
    let body = r#"{"code": "KHTC", "name": "Phòng Kế hoạch", "kind": "division"}"#.as_bytes();
    let (first, rest) = body.split_at(20);
    let (first, rest) = (first.to_vec(), rest.to_vec());
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(first) }).chain(
        futures_util::stream::once(async move {
            tokio::time::sleep(Duration::from_secs(3)).await;
            Ok(rest)
        }),
    );
    let answer = TestApp::send(
        app.client
            .post(format!("{}/api/v1/units", app.base_url))
            .bearer_auth(&app.admin)
            .header("origin", ORIGIN)
            .header("content-type", "application/json")
            .header("content-length", body.len())
            .body(reqwest::Body::wrap_stream(stream)),
    )
    .await;
    readable_by_page(&answer);
    assert!(answer.headers.contains_key("x-request-id"));
    assert_eq!(
        answer
            .headers
            .get("x-content-type-options")
            .and_then(|v| v.to_str().ok()),
        Some("nosniff")
    );
    answer.problem(503, "request_timeout");
}
