//! Outbound webhooks end to end: subscriptions through the API, events emitted by the real
//! actions in their own transactions, delivered by the worker's queue to a fake QLVB that
//! records them, signed under the subscription's secret, retried while the receiver is down,
//! logged, and sent again on request.
//!
//! Fixture: department SCT with divisions KHTC and QLTM taking part in period 2026-Q4 with one
//! indicator (deadline Tuesday 2026-12-15 16:30 local); the clock starts on Friday 2026-11-20.
//!
//! Tests by topic live in the submodules; this file holds the helpers they share.

use std::sync::Arc;

use cchc_app::outbound::AllowList;
use cchc_app::repo::periods;
use cchc_domain::clock::Clock;
use cchc_domain::model::audit::Actor;
use cchc_domain::model::token::Role;
use cchc_domain::rules::signature;
use cchc_worker::dispatch::JobDispatcher;
use cchc_worker::email::{Composer, Mailer, Transport};
use cchc_worker::mail_jobs::MailJobs;
use cchc_worker::runtime::{DrainReport, Worker};
use cchc_worker::webhook_jobs::{WebhookJobs, UNREACHABLE};
use chrono::{DateTime, Duration, Utc};
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde_json::{json, Value};

use crate::common::{errors, loopback_config, pairs, TestApp};
use cchc_testkit::fake_qlvb::{FakeQlvb, ReceivedWebhook};

mod delivery;
mod events;
mod subscriptions;
mod task_events;

const DEADLINE: &str = "2026-12-15T16:30:00+07:00";

const ALL_EVENTS: [&str; 6] = [
    "period.opened",
    "period.closed",
    "submission.submitted",
    "submission.returned",
    "submission.accepted",
    "unit.escalated",
];

fn at(local: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(local)
        .unwrap()
        .with_timezone(&Utc)
}

/// A worker on the app's database and clock: mail to memory, webhooks over HTTP to what the
/// app's configuration allows.
fn worker(app: &TestApp) -> Worker {
    worker_allowing(app, &app.state.config.outbound_allow)
}

/// The same worker, its webhooks allowed to reach what `allow` lists.
pub fn worker_allowing(app: &TestApp, allow: &AllowList) -> Worker {
    let composer = Composer::new(
        "Văn phòng Sở <cchc@localhost>".parse().unwrap(),
        "https://cchc.example.gov.vn",
        "cchc.localhost",
    )
    .unwrap();
    let (transport, _) = Transport::memory();
    let handler = JobDispatcher::new(
        MailJobs::new(Mailer::new(composer, transport)),
        WebhookJobs::new(allow).unwrap(),
    );
    Worker::new(
        app.state.pool.clone(),
        app.state.config.notifications.clone(),
        Arc::new(app.clock.clone()),
        Arc::new(handler),
    )
}

async fn drain(app: &TestApp) -> DrainReport {
    worker(app).drain(None).await.unwrap()
}

/// Subscribes `url` to `types`; returns (id, secret).
pub async fn subscribe(app: &TestApp, url: &str, types: &[&str]) -> (i64, String) {
    let created = app
        .post(
            "/api/v1/webhooks",
            json!({"url": url, "event_types": types, "description": "QLVB của Sở"}),
        )
        .await
        .expect(201);
    (
        created["webhook"]["id"].as_i64().unwrap(),
        created["secret"].as_str().unwrap().to_owned(),
    )
}

/// Units, an indicator and the draft period 2026-Q4; returns its id.
pub async fn draft_period(app: &TestApp) -> i64 {
    app.unit("SCT", "department", None).await;
    app.unit("KHTC", "division", Some("SCT")).await;
    app.unit("QLTM", "division", Some("SCT")).await;
    app.indicator("SL-VANBAN", "count").await;
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
                "indicator_codes": ["SL-VANBAN"],
                "unit_codes": ["KHTC", "QLTM"],
            }),
        )
        .await
        .expect(201);
    period["id"].as_i64().unwrap()
}

pub async fn open(app: &TestApp, period: i64) {
    app.post(&format!("/api/v1/periods/{period}/open"), json!({}))
        .await
        .expect(200);
}

/// KHTC's reporter fills its draft; returns (token, submission id).
async fn khtc_draft(app: &TestApp, period: i64) -> (String, i64) {
    let token = app.token(Role::Reporter, Some("KHTC")).await;
    let created = app
        .post_as(
            &token,
            &format!("/api/v1/periods/{period}/submissions"),
            json!({}),
        )
        .await;
    let etag = created.headers["etag"].to_str().unwrap().to_owned();
    let id = created.expect(201)["id"].as_i64().unwrap();
    let saved = app
        .client
        .patch(format!("{}/api/v1/submissions/{id}", app.base_url))
        .bearer_auth(&token)
        .header("if-match", etag)
        .json(&json!({"values": {"SL-VANBAN": {"number": 12}}}))
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status().as_u16(), 200);
    (token, id)
}

/// Checks what every delivery carries and returns the envelope.
#[track_caller]
fn verified(app: &TestApp, webhook: &ReceivedWebhook, secret: &str) -> Value {
    signature::verify(
        secret.as_bytes(),
        webhook.header(signature::TIMESTAMP_HEADER),
        webhook.header(signature::SIGNATURE_HEADER),
        &webhook.body,
        app.clock.now(),
    )
    .expect("the signature verifies under the subscription's secret");
    assert_eq!(
        webhook.header(signature::TIMESTAMP_HEADER),
        Some(app.clock.now().timestamp().to_string().as_str()),
        "signed at the worker's now"
    );
    assert_eq!(webhook.header("content-type"), Some("application/json"));
    assert_eq!(webhook.header("user-agent"), Some("cchc-webhooks/1"));
    let envelope = webhook.json();
    assert_eq!(
        webhook.header(signature::EVENT_ID_HEADER),
        envelope["id"].as_str()
    );
    assert!(envelope["id"].as_str().unwrap().starts_with("evt_"));
    assert!(
        envelope["occurred_at"]
            .as_str()
            .unwrap()
            .ends_with("+07:00"),
        "{envelope}"
    );
    let keys: Vec<&String> = envelope.as_object().unwrap().keys().collect();
    assert_eq!(
        keys.len(),
        4,
        "only id, type, occurred_at, data: {envelope}"
    );
    envelope
}

fn types(received: &[ReceivedWebhook]) -> Vec<String> {
    received
        .iter()
        .map(|w| w.json()["type"].as_str().unwrap().to_owned())
        .collect()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.state.pool.get().await.unwrap();
    diesel::sql_query(sql)
        .get_result::<Count>(&mut conn)
        .await
        .unwrap()
        .n
}
