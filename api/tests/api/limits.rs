//! Per-caller rate limits and the request deadline.

use std::time::{Duration, Instant};

use cchc_app::config::Config;
use cchc_domain::model::token::Role;
use futures_util::StreamExt;
use reqwest::Method;

use crate::common::{Answer, TestApp};

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

async fn get_with_authorization(app: &TestApp, value: &str) -> Answer {
    TestApp::send(
        app.client
            .get(format!("{}/api/v1/units", app.base_url))
            .header("authorization", value),
    )
    .await
}

#[track_caller]
fn retry_after(answer: &Answer) -> u64 {
    answer
        .headers
        .get("retry-after")
        .expect("Retry-After")
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[actix_web::test]
async fn spellings_of_one_token_share_its_budget() {
    let app = TestApp::spawn_with(config(&[("CCHC_RATE_LIMIT_PER_MINUTE", "3")])).await;
    let token = &app.admin;
    for spelling in ["Bearer {}", "bearer {}", "Bearer  {}"] {
        let value = spelling.replace("{}", token);
        get_with_authorization(&app, &value).await.expect(200);
    }
    for spelling in ["BEARER {}", " Bearer {} ", "Bearer {}"] {
        let value = spelling.replace("{}", token);
        let refused = get_with_authorization(&app, &value).await;
        assert!((1..=20).contains(&retry_after(&refused)));
        refused.problem(429, "rate_limited");
    }
}

#[actix_web::test]
async fn made_up_tokens_from_one_address_are_refused_once_its_failures_are_spent() {
    let app = TestApp::spawn_with(config(&[
        ("CCHC_RATE_LIMIT_PER_MINUTE", "1000"),
        ("CCHC_AUTH_FAILURES_PER_MINUTE", "3"),
    ]))
    .await;
    // A valid token does not spend the failure budget.
    for _ in 0..5 {
        app.get("/api/v1/units").await.expect(200);
    }
    for n in 0..3 {
        app.get_as(&format!("cchc_made-up-{n}"), "/api/v1/units")
            .await
            .problem(401, "unauthenticated");
    }
    // Each a new token with its own request budget, yet refused without a lookup.
    for n in 3..6 {
        let refused = app
            .get_as(&format!("cchc_made-up-{n}"), "/api/v1/units")
            .await;
        assert!(
            (1..=20).contains(&retry_after(&refused)),
            "one failure refills every 20 s"
        );
        refused.problem(429, "rate_limited");
    }
    // The admin's token authenticated before the flood, so a colleague behind the same address
    // is not locked out; a valid token not seen yet waits, as a made-up one would (telling
    // them apart would take the lookup the budget is there to save).
    app.get("/api/v1/units").await.expect(200);
    let unseen = app.token(Role::Viewer, None).await;
    app.get_as(&unseen, "/api/v1/units")
        .await
        .problem(429, "rate_limited");
    // So are the address's other requests with a made-up token, an idempotent POST among
    // them, until the budget refills; those without one cost no lookup and are answered as
    // before.
    TestApp::send(
        app.client
            .post(format!("{}/api/v1/units", app.base_url))
            .bearer_auth("cchc_made-up-post")
            .header("Idempotency-Key", "k-1")
            .json(&serde_json::json!({})),
    )
    .await
    .problem(429, "rate_limited");
    app.request(Method::GET, "/api/v1/units", None, None)
        .await
        .problem(401, "unauthenticated");
}

#[actix_web::test]
async fn failed_authentications_through_the_idempotency_layer_are_counted_once() {
    let app = TestApp::spawn_with(config(&[("CCHC_AUTH_FAILURES_PER_MINUTE", "2")])).await;
    for n in 0..2 {
        TestApp::send(
            app.client
                .post(format!("{}/api/v1/units", app.base_url))
                .bearer_auth(format!("cchc_made-up-{n}"))
                .header("Idempotency-Key", format!("k-{n}"))
                .json(&serde_json::json!({})),
        )
        .await
        .problem(401, "unauthenticated");
    }
    app.get_as("cchc_made-up-2", "/api/v1/units")
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
