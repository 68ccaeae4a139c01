//! Per-caller rate limits and the request deadline.

use std::time::{Duration, Instant};

use cchc_shared::config::Config;
use cchc_shared::model::token::Role;
use futures_util::StreamExt;
use reqwest::Method;

use crate::common::TestApp;

fn config(vars: &'static [(&'static str, &'static str)]) -> Config {
    Config::from_lookup(|name| {
        vars.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| (*v).to_owned())
    })
    .unwrap()
}

#[actix_web::test]
async fn a_token_over_its_budget_gets_429_with_retry_after_and_others_go_on() {
    let app = TestApp::spawn_with(config(&[("CCHC_RATE_LIMIT_PER_MINUTE", "3")])).await;
    for _ in 0..3 {
        app.get("/api/v1/units").await.expect(200);
    }
    let refused = app.get("/api/v1/units").await;
    let retry_after: u64 = refused
        .headers
        .get("retry-after")
        .expect("Retry-After")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=20).contains(&retry_after),
        "one request per 20 s: {retry_after}"
    );
    assert!(refused.headers.contains_key("x-request-id"));
    refused.problem(429, "rate_limited");

    // Another caller has its own budget; health checks are not counted.
    let viewer = app.token(Role::Viewer, None).await;
    app.get_as(&viewer, "/api/v1/units").await.expect(200);
    for _ in 0..5 {
        let health = app
            .client
            .get(format!("{}/healthz", app.base_url))
            .send()
            .await
            .unwrap();
        assert_eq!(health.status().as_u16(), 200);
    }
    // Callers without a token count by address, so guessing tokens is limited too.
    for _ in 0..3 {
        app.request(Method::GET, "/api/v1/units", Some("made-up"), None)
            .await
            .problem(401, "unauthenticated");
    }
    app.request(Method::GET, "/api/v1/units", Some("made-up"), None)
        .await
        .problem(429, "rate_limited");
}

#[actix_web::test]
async fn a_request_past_the_deadline_is_cancelled_and_writes_nothing() {
    let app = TestApp::spawn_with(config(&[("CCHC_REQUEST_TIMEOUT_SECS", "1")])).await;
    // A client that sends half its body, then stalls past the deadline.
    let body = br#"{"code": "KHTC", "name": "Phong Ke hoach", "kind": "division"}"#;
    let (first, rest) = body.split_at(20);
    let (first, rest) = (first.to_vec(), rest.to_vec());
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(first) }).chain(
        futures_util::stream::once(async move {
            tokio::time::sleep(Duration::from_secs(3)).await;
            Ok(rest)
        }),
    );
    let started = Instant::now();
    let answer = TestApp::send(
        app.client
            .post(format!("{}/api/v1/units", app.base_url))
            .bearer_auth(&app.admin)
            .header("content-type", "application/json")
            .header("content-length", body.len())
            .body(reqwest::Body::wrap_stream(stream)),
    )
    .await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "answered at the deadline"
    );
    let problem = answer.problem(503, "request_timeout");
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("nothing was changed"));
    let units = app.get("/api/v1/units").await.expect(200);
    assert_eq!(units["total"], 0, "nothing was written");
}
