//! Verified tokens kept in each API process, in step with revocations across processes: two
//! API processes on one database; a token revoked through one (or by any write to the
//! table) is refused by the other within a second; a process whose change channel drops
//! forgets what it kept and reads the database until the channel is back.

use std::time::{Duration, Instant};

use cchc_domain::clock::Clock;
use cchc_domain::model::token::Role;
use diesel_async::RunQueryDsl;

use cchc_app::token_cache::TokenCache;

use crate::common::TestApp;

/// Waits until `tokens` listens (its LISTEN connection is up).
async fn live(tokens: &TokenCache) {
    let start = Instant::now();
    while !tokens.is_live() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the listener never came up"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn status(base_url: &str, token: &str) -> u16 {
    reqwest::Client::new()
        .get(format!("{base_url}/api/v1/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// How long until `base_url` refuses `token` (401), polling every 10 ms for up to 5 s.
async fn refused_after(base_url: &str, token: &str) -> Duration {
    let start = Instant::now();
    while status(base_url, token).await != 401 {
        assert!(start.elapsed() < Duration::from_secs(5), "never refused");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    start.elapsed()
}

async fn token_id(app: &TestApp, token: &str) -> i64 {
    app.get_as(token, "/api/v1/me").await.expect(200)["token_id"]
        .as_i64()
        .expect("the caller's token id")
}

#[actix_web::test]
async fn a_token_revoked_through_one_process_is_refused_by_another_within_a_second() {
    let app = TestApp::spawn().await;
    let other = app.another_process().await;
    live(&other.state.tokens).await;
    let token = app.token(Role::Viewer, None).await;
    let id = token_id(&app, &token).await;
    // The other process verifies it once, then answers from its cache.
    assert_eq!(status(&other.base_url, &token).await, 200);
    let now = app.clock.now();
    assert!(other.state.tokens.get(&token, now).is_some(), "not kept");
    assert_eq!(status(&other.base_url, &token).await, 200);

    app.delete(&format!("/api/v1/tokens/{id}"))
        .await
        .expect(200);
    // The revoking process forgets it at once; the other on the notification.
    assert_eq!(status(&app.base_url, &token).await, 401);
    let waited = refused_after(&other.base_url, &token).await;
    assert!(waited < Duration::from_secs(1), "refused after {waited:?}");

    // A change written by anything else (here plain SQL, as an operator would) counts too.
    let second = app.token(Role::Viewer, None).await;
    let second_id = token_id(&app, &second).await;
    assert_eq!(status(&other.base_url, &second).await, 200);
    assert!(other.state.tokens.get(&second, now).is_some());
    let mut conn = app.state.pool.get().await.unwrap();
    diesel::sql_query(format!(
        "UPDATE api_tokens SET revoked_at = now() WHERE id = {second_id}"
    ))
    .execute(&mut conn)
    .await
    .unwrap();
    let waited = refused_after(&other.base_url, &second).await;
    assert!(waited < Duration::from_secs(1), "refused after {waited:?}");
}

#[actix_web::test]
async fn a_process_whose_channel_drops_forgets_its_tokens_until_it_listens_again() {
    let app = TestApp::spawn().await;
    live(&app.state.tokens).await;
    let token = app.token(Role::Viewer, None).await;
    assert_eq!(status(&app.base_url, &token).await, 200);
    let now = app.clock.now();
    assert!(app.state.tokens.get(&token, now).is_some());

    // The listener's connection is killed (a restart, a network cut).
    let mut conn = app.state.pool.get().await.unwrap();
    diesel::sql_query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND query = 'LISTEN cchc_token_changes'",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    let start = Instant::now();
    while app.state.tokens.is_live() {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "the drop went unnoticed"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Down: what was kept is forgotten; the database still answers.
    assert!(app.state.tokens.get(&token, now).is_none());
    assert_eq!(status(&app.base_url, &token).await, 200);
    // Back after a short pause, keeping tokens again on use.
    live(&app.state.tokens).await;
    assert_eq!(status(&app.base_url, &token).await, 200);
    assert!(app.state.tokens.get(&token, now).is_some());
}
