//! Outbound webhooks end to end: subscriptions through the API, events emitted by the real
//! actions in their own transactions, delivered by the worker's queue to a fake QLVB that
//! records them, signed under the subscription's secret, retried while the receiver is down,
//! logged, and sent again on request.
//!
//! Fixture: department SCT with divisions KHTC and QLTM taking part in period 2026-Q4 with one
//! indicator (deadline Tuesday 2026-12-15 16:30 local); the clock starts on Friday 2026-11-20.

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

#[actix_web::test]
async fn subscriptions_are_created_checked_changed_and_deleted() {
    let app = TestApp::spawn_with(loopback_config()).await;
    let qlvb = FakeQlvb::start();

    let created = app
        .post(
            "/api/v1/webhooks",
            json!({"url": qlvb.webhook_url(), "event_types": ["submission.submitted", "period.opened"]}),
        )
        .await;
    let location = created.headers["location"].to_str().unwrap().to_owned();
    let created = created.expect(201);
    let id = created["webhook"]["id"].as_i64().unwrap();
    assert_eq!(location, format!("/api/v1/webhooks/{id}"));
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(
        secret.starts_with("whsec_") && secret.len() > 40,
        "{secret}"
    );
    assert_eq!(
        created["webhook"]["event_types"],
        json!(["submission.submitted", "period.opened"])
    );
    assert_eq!(created["webhook"]["active"], true);

    // The secret is never shown again.
    let got = app.get(&location).await.expect(200);
    assert!(got.get("secret").is_none());
    assert_eq!(got["url"], qlvb.webhook_url());
    let listed = app.get("/api/v1/webhooks").await.expect(200);
    assert_eq!(listed["total"], 1);
    assert!(!listed.to_string().contains(&secret));

    // A secret may be chosen.
    let chosen = app
        .post(
            "/api/v1/webhooks",
            json!({"url": "HTTPS://QLVB.example.gov.vn/hooks", "event_types": ["unit.escalated"], "secret": "a-long-enough-shared-secret"}),
        )
        .await
        .expect(201);
    assert_eq!(chosen["secret"], "a-long-enough-shared-secret");

    // Every problem at once, each naming its field.
    let problem = app
        .post(
            "/api/v1/webhooks",
            json!({
                "url": "ftp://qlvb.example.gov.vn/hooks",
                "event_types": ["period.opened", "submission.deleted", "ping", "period.opened"],
                "secret": "short",
            }),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[
            ("url", "invalid_url"),
            ("event_types[1]", "unknown_event_type"),
            ("event_types[2]", "not_subscribable"),
            ("event_types[3]", "duplicate"),
            ("secret", "too_short"),
        ])
    );
    let problem = app
        .post(
            "/api/v1/webhooks",
            json!({"url": "/relative", "event_types": []}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[("url", "invalid_url"), ("event_types", "required")])
    );
    app.post("/api/v1/webhooks", json!({"url": qlvb.webhook_url()}))
        .await
        .problem(400, "invalid_body");

    // Changing: absent fields stay, null clears the description.
    let changed = app
        .patch(
            &location,
            json!({"event_types": ["submission.accepted"], "active": false, "description": "Tạm dừng"}),
        )
        .await
        .expect(200);
    assert_eq!(changed["event_types"], json!(["submission.accepted"]));
    assert_eq!(changed["active"], false);
    assert_eq!(changed["url"], qlvb.webhook_url());
    assert_eq!(changed["description"], "Tạm dừng");
    let cleared = app
        .patch(&location, json!({"description": null}))
        .await
        .expect(200);
    assert_eq!(cleared["description"], Value::Null);
    let problem = app
        .patch(&location, json!({"url": "qlvb"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), pairs(&[("url", "invalid_url")]));
    app.patch(&location, json!({"url": null}))
        .await
        .problem(400, "invalid_body");

    // Rotating answers a new secret, once.
    let rotated = app
        .post(&format!("{location}/rotate-secret"), json!({}))
        .await
        .expect(200);
    let new_secret = rotated["secret"].as_str().unwrap();
    assert_ne!(new_secret, secret);

    // Admins only.
    let viewer = app.token(Role::Viewer, None).await;
    app.get_as(&viewer, "/api/v1/webhooks").await.expect(403);
    app.get_as(&viewer, &location).await.expect(403);
    app.post_as(&viewer, "/api/v1/webhooks", json!({}))
        .await
        .expect(403);

    // Audited, never with a secret.
    let audit = app
        .get(&format!("/api/v1/audit?entity_type=webhook&entity_id={id}"))
        .await
        .expect(200);
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["secret_rotated", "updated", "updated", "created"]);
    let text = audit.to_string();
    assert!(!text.contains(&secret) && !text.contains(new_secret));

    app.delete(&location).await.expect(204);
    app.get(&location).await.problem(404, "not_found");
    app.delete(&location).await.problem(404, "not_found");
    let audit = app
        .get(&format!(
            "/api/v1/audit?entity_type=webhook&entity_id={id}&action=deleted"
        ))
        .await
        .expect(200);
    assert_eq!(audit["total"], 1);
}

#[actix_web::test]
async fn each_event_is_emitted_by_its_action_and_delivered_signed() {
    let app = TestApp::spawn_with(loopback_config()).await;
    let qlvb = FakeQlvb::start();
    let (_, secret) = subscribe(&app, &qlvb.webhook_url(), &ALL_EVENTS).await;
    let period = draft_period(&app).await;

    open(&app, period).await;
    assert_eq!(drain(&app).await.done, 1);
    let received = qlvb.wait_for_webhooks(1).await;
    let opened = verified(&app, &received[0], &secret);
    assert_eq!(opened["type"], "period.opened");
    assert_eq!(
        opened["data"],
        json!({
            "period_id": period,
            "period_code": "2026-Q4",
            "period_title": "Báo cáo CCHC Quý IV/2026",
            "status": "open",
            "deadline": DEADLINE,
            "unit_count": 2,
        })
    );
    assert_eq!(opened["occurred_at"], "2026-11-20T09:00:00+07:00");

    // Submit, return, submit again, accept.
    let (token, submission) = khtc_draft(&app, period).await;
    let path = format!("/api/v1/submissions/{submission}");
    app.post_as(&token, &format!("{path}/submit"), json!({}))
        .await
        .expect(200);
    app.post(
        &format!("{path}/return"),
        json!({"reason": "Bổ sung tài liệu kiểm chứng"}),
    )
    .await
    .expect(200);
    app.clock.set(at("2026-11-23T10:00:00+07:00"));
    app.post_as(&token, &format!("{path}/submit"), json!({}))
        .await
        .expect(200);
    app.post(&format!("{path}/accept"), json!({}))
        .await
        .expect(200);
    drain(&app).await;
    let received = qlvb.wait_for_webhooks(5).await;
    assert_eq!(
        types(&received),
        [
            "period.opened",
            "submission.submitted",
            "submission.returned",
            "submission.submitted",
            "submission.accepted"
        ]
    );
    let returned = verified(&app, &received[2], &secret);
    assert_eq!(
        returned["data"],
        json!({
            "submission_id": submission,
            "period_id": period,
            "period_code": "2026-Q4",
            "unit_id": returned["data"]["unit_id"],
            "unit_code": "KHTC",
            "status": "returned",
            "version": 1,
            "deadline": DEADLINE,
            "timeliness": "early",
            "minutes_late": 0,
            "return_reason": "Bổ sung tài liệu kiểm chứng",
        })
    );
    let resubmitted = received[3].json();
    assert_eq!(resubmitted["data"]["status"], "submitted");
    assert_eq!(resubmitted["data"]["version"], 2);
    assert_eq!(resubmitted["data"]["return_reason"], Value::Null);
    let accepted = verified(&app, &received[4], &secret);
    assert_eq!(accepted["data"]["status"], "accepted");
    assert_eq!(accepted["data"]["return_reason"], Value::Null);
    assert_eq!(accepted["occurred_at"], "2026-11-23T10:00:00+07:00");
    let ids: std::collections::HashSet<_> =
        received.iter().map(|w| w.json()["id"].clone()).collect();
    assert_eq!(ids.len(), 5, "every event has its own id");

    // QLTM never files: escalated to its head by the worker's planner the next morning.
    app.clock.set(at("2026-12-16T07:30:00+07:00"));
    let plan = worker(&app).plan().await.unwrap();
    assert_eq!(plan.head_escalations, 1);
    drain(&app).await;
    let received = qlvb.wait_for_webhooks(6).await;
    let escalated = verified(&app, &received[5], &secret);
    assert_eq!(escalated["type"], "unit.escalated");
    assert_eq!(escalated["data"]["unit_code"], "QLTM");
    assert_eq!(escalated["data"]["level"], "head");
    assert_eq!(escalated["data"]["deadline"], DEADLINE);
    assert_eq!(escalated["data"]["minutes_late"], 15 * 60);
    // Planning again escalates nothing new, so nothing is sent again.
    worker(&app).plan().await.unwrap();
    assert_eq!(drain(&app).await, DrainReport::default());

    app.post(&format!("/api/v1/periods/{period}/close"), json!({}))
        .await
        .expect(200);
    drain(&app).await;
    let received = qlvb.wait_for_webhooks(7).await;
    let closed = verified(&app, &received[6], &secret);
    assert_eq!(closed["type"], "period.closed");
    assert_eq!(closed["data"]["status"], "closed");
    assert_eq!(received.len(), 7);
}

#[actix_web::test]
async fn only_subscribed_types_are_sent() {
    let app = TestApp::spawn_with(loopback_config()).await;
    let periods_only = FakeQlvb::start();
    let accepted_only = FakeQlvb::start();
    subscribe(
        &app,
        &periods_only.webhook_url(),
        &["period.opened", "period.closed"],
    )
    .await;
    let (_, secret) = subscribe(&app, &accepted_only.webhook_url(), &["submission.accepted"]).await;
    let period = draft_period(&app).await;
    open(&app, period).await;
    let (token, submission) = khtc_draft(&app, period).await;
    let path = format!("/api/v1/submissions/{submission}");
    app.post_as(&token, &format!("{path}/submit"), json!({}))
        .await
        .expect(200);
    app.post(&format!("{path}/accept"), json!({}))
        .await
        .expect(200);
    drain(&app).await;
    assert_eq!(
        types(&periods_only.wait_for_webhooks(1).await),
        ["period.opened"]
    );
    let received = accepted_only.wait_for_webhooks(1).await;
    assert_eq!(types(&received), ["submission.accepted"]);
    verified(&app, &received[0], &secret);
    // Each event was recorded once whoever listens; jobs only for the subscribers.
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM integration_events").await,
        3
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM jobs WHERE kind = 'webhook_delivery'"
        )
        .await,
        2
    );
}

#[actix_web::test]
async fn a_receiver_that_is_down_gets_the_event_after_retries() {
    let app = TestApp::spawn_with(loopback_config()).await;
    let qlvb = FakeQlvb::start();
    let (id, secret) = subscribe(&app, &qlvb.webhook_url(), &["period.opened"]).await;
    let period = draft_period(&app).await;
    qlvb.answer_webhooks_with(503);
    open(&app, period).await;
    let start = app.clock.now();

    assert_eq!(drain(&app).await.retrying, 1);
    assert_eq!(qlvb.wait_for_webhooks(1).await.len(), 1);
    // Not again before the backoff is over: 30 s, then 60 s.
    app.clock.set(start + Duration::seconds(29));
    assert_eq!(drain(&app).await, DrainReport::default());
    app.clock.set(start + Duration::seconds(30));
    assert_eq!(drain(&app).await.retrying, 1);
    app.clock.set(start + Duration::seconds(89));
    assert_eq!(drain(&app).await, DrainReport::default());

    // Back up.
    qlvb.answer_webhooks_with(200);
    app.clock.set(start + Duration::seconds(90));
    assert_eq!(drain(&app).await.done, 1);
    let received = qlvb.wait_for_webhooks(3).await;
    assert_eq!(received.len(), 3);
    let first = received[0].json();
    let last = verified(&app, &received[2], &secret);
    assert_eq!(first, last, "the same event, byte for byte the same body");
    assert_eq!(received[0].body, received[2].body);

    let log = app
        .get(&format!("/api/v1/webhooks/{id}/deliveries"))
        .await
        .expect(200);
    assert_eq!(log["total"], 3);
    let items = log["items"].as_array().unwrap();
    let summary: Vec<(i64, bool, Value)> = items
        .iter()
        .map(|d| {
            (
                d["attempt"].as_i64().unwrap(),
                d["succeeded"].as_bool().unwrap(),
                d["response_status"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (3, true, json!(200)),
            (2, false, json!(503)),
            (1, false, json!(503))
        ]
    );
    assert_eq!(items[1]["error"], "the receiver answered HTTP 503");
    assert_eq!(items[1]["response_excerpt"], "fake QLVB answered 503");
    assert_eq!(items[1]["requested_at"], "2026-11-20T09:00:30+07:00");
    assert_eq!(items[0]["error"], Value::Null);
    assert_eq!(items[0]["event_type"], "period.opened");
    assert_eq!(items[0]["event_id"], last["id"]);
    assert_eq!(items[0]["redelivery"], false);
    assert_eq!(items[0]["url"], qlvb.webhook_url());
    assert!(items[0]["duration_ms"].as_i64().unwrap() >= 0);
    let job = app
        .get(&format!("/api/v1/jobs/{}", items[0]["job_id"]))
        .await
        .expect(200);
    assert_eq!(job["status"], "done");
    assert_eq!(job["attempts"], 3);
    assert_eq!(
        job["dedup_key"],
        format!("webhook:{id}:{}", last["id"].as_str().unwrap())
    );

    let failed = app
        .get(&format!("/api/v1/webhooks/{id}/deliveries?succeeded=false"))
        .await
        .expect(200);
    assert_eq!(failed["total"], 2);
    let by_type = app
        .get(&format!(
            "/api/v1/webhooks/{id}/deliveries?event_type=submission.submitted&per_page=1"
        ))
        .await
        .expect(200);
    assert_eq!(by_type["total"], 0);
    let paged = app
        .get(&format!(
            "/api/v1/webhooks/{id}/deliveries?per_page=1&page=3"
        ))
        .await
        .expect(200);
    assert_eq!(paged["items"][0]["attempt"], 1);
    app.get("/api/v1/webhooks/999/deliveries")
        .await
        .problem(404, "not_found");
}

#[actix_web::test]
async fn a_receiver_that_cannot_be_reached_is_logged_and_retried() {
    let app = TestApp::spawn_with(loopback_config()).await;
    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks", closed.local_addr().unwrap());
    drop(closed);
    let (id, _) = subscribe(&app, &url, &["period.opened"]).await;
    let period = draft_period(&app).await;
    open(&app, period).await;
    assert_eq!(drain(&app).await.retrying, 1);
    let log = app
        .get(&format!("/api/v1/webhooks/{id}/deliveries"))
        .await
        .expect(200);
    let attempt = &log["items"][0];
    assert_eq!(attempt["succeeded"], false);
    assert_eq!(attempt["response_status"], Value::Null);
    assert_eq!(attempt["error"], UNREACHABLE, "{attempt}");
}

#[actix_web::test]
async fn redelivery_sends_the_same_event_again() {
    let app = TestApp::spawn_with(loopback_config()).await;
    let qlvb = FakeQlvb::start();
    let (id, secret) = subscribe(&app, &qlvb.webhook_url(), &["period.opened"]).await;
    let (other, _) = subscribe(&app, "https://other.example.vn/hooks", &["unit.escalated"]).await;
    let period = draft_period(&app).await;
    open(&app, period).await;
    drain(&app).await;
    let first = qlvb.wait_for_webhooks(1).await[0].clone();
    let log = app
        .get(&format!("/api/v1/webhooks/{id}/deliveries"))
        .await
        .expect(200);
    let delivery = log["items"][0]["id"].as_i64().unwrap();

    app.clock.set(at("2026-11-21T08:00:00+07:00"));
    let job = app
        .post(
            &format!("/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver"),
            json!({}),
        )
        .await
        .expect(202);
    assert_eq!(job["kind"], "webhook_delivery");
    assert_eq!(job["status"], "queued");
    assert_eq!(job["payload"]["redelivery"], true);
    // Each request is a fresh delivery.
    app.post(
        &format!("/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver"),
        json!({}),
    )
    .await
    .expect(202);
    assert_eq!(drain(&app).await.done, 2);
    let received = qlvb.wait_for_webhooks(3).await;
    let again = verified(&app, &received[1], &secret);
    assert_eq!(received[1].body, first.body, "the same event");
    assert_eq!(again["id"], first.json()["id"]);
    assert_eq!(
        received[1].header(signature::TIMESTAMP_HEADER),
        Some(app.clock.now().timestamp().to_string().as_str()),
        "with a fresh timestamp"
    );
    let log = app
        .get(&format!("/api/v1/webhooks/{id}/deliveries"))
        .await
        .expect(200);
    assert_eq!(log["total"], 3);
    assert_eq!(log["items"][0]["redelivery"], true);
    assert_eq!(log["items"][0]["attempt"], 1);

    // Another subscription's delivery, or none, is not found.
    app.post(
        &format!("/api/v1/webhooks/{other}/deliveries/{delivery}/redeliver"),
        json!({}),
    )
    .await
    .problem(404, "not_found");
    app.post(
        &format!("/api/v1/webhooks/{id}/deliveries/999999/redeliver"),
        json!({}),
    )
    .await
    .problem(404, "not_found");
    let audit = app
        .get(&format!(
            "/api/v1/audit?entity_type=webhook&entity_id={id}&action=redelivered"
        ))
        .await
        .expect(200);
    assert_eq!(audit["total"], 2);

    // A ping goes to this subscription only, signed like any event.
    let ping = app
        .post(&format!("/api/v1/webhooks/{id}/ping"), json!({}))
        .await
        .expect(202);
    assert_eq!(ping["kind"], "webhook_delivery");
    drain(&app).await;
    let received = qlvb.wait_for_webhooks(4).await;
    let pinged = verified(&app, &received[3], &secret);
    assert_eq!(pinged["type"], "ping");
    assert_eq!(pinged["data"]["subscription_id"], id);

    // Nothing is sent to an inactive subscription, so it is refused.
    app.patch(&format!("/api/v1/webhooks/{id}"), json!({"active": false}))
        .await
        .expect(200);
    app.post(
        &format!("/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver"),
        json!({}),
    )
    .await
    .problem(409, "webhook_inactive");
    app.post(&format!("/api/v1/webhooks/{id}/ping"), json!({}))
        .await
        .problem(409, "webhook_inactive");
}

#[actix_web::test]
async fn deliveries_to_a_deleted_or_inactive_subscription_are_skipped() {
    let app = TestApp::spawn_with(loopback_config()).await;
    let qlvb = FakeQlvb::start();
    let (paused, _) = subscribe(&app, &qlvb.webhook_url(), &["period.opened"]).await;
    let (deleted, _) = subscribe(&app, &qlvb.webhook_url(), &["period.opened"]).await;
    let (narrowed, _) = subscribe(&app, &qlvb.webhook_url(), &["period.opened"]).await;
    let period = draft_period(&app).await;
    open(&app, period).await;
    // Changed after the event was queued, before the worker ran.
    app.patch(
        &format!("/api/v1/webhooks/{paused}"),
        json!({"active": false}),
    )
    .await
    .expect(200);
    app.delete(&format!("/api/v1/webhooks/{deleted}"))
        .await
        .expect(204);
    app.patch(
        &format!("/api/v1/webhooks/{narrowed}"),
        json!({"event_types": ["period.closed"]}),
    )
    .await
    .expect(200);
    assert_eq!(drain(&app).await.done, 3);
    assert!(qlvb.received().is_empty());
    let jobs = app
        .get("/api/v1/jobs?kind=webhook_delivery")
        .await
        .expect(200);
    let mut outcomes: Vec<&str> = jobs["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["outcome"].as_str().unwrap())
        .collect();
    outcomes.sort_unstable();
    assert_eq!(
        outcomes,
        [
            "skipped: the subscription is inactive",
            "skipped: the subscription no longer takes period.opened",
            "skipped: the subscription was deleted",
        ]
    );
    // An inactive subscription gets no new jobs either.
    app.post(&format!("/api/v1/periods/{period}/close"), json!({}))
        .await
        .expect(200);
    assert_eq!(drain(&app).await.done, 1);
    assert_eq!(types(&qlvb.wait_for_webhooks(1).await), ["period.closed"]);
}

#[actix_web::test]
async fn a_change_that_does_not_commit_emits_nothing() {
    let app = TestApp::spawn_with(loopback_config()).await;
    let qlvb = FakeQlvb::start();
    subscribe(&app, &qlvb.webhook_url(), &ALL_EVENTS).await;
    let period = draft_period(&app).await;

    // The period opens inside a transaction that is then rolled back.
    let mut conn = app.state.pool.get().await.unwrap();
    let now = app.clock.now();
    let rolled_back = conn
        .transaction(async |conn| -> Result<(), cchc_domain::Error> {
            let system = cchc_app::authz::system("test");
            periods::open(conn, period, &system, &Actor::system("test"), now).await?;
            let events = diesel::sql_query("SELECT 1 FROM integration_events")
                .execute(conn)
                .await?;
            assert_eq!(events, 1, "inside the transaction the event exists");
            Err(cchc_domain::Error::Internal("roll back".into()))
        })
        .await;
    assert!(rolled_back.is_err());
    drop(conn);
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM integration_events").await,
        0
    );
    assert_eq!(count(&app, "SELECT count(*) AS n FROM jobs").await, 0);
    let got = app
        .get(&format!("/api/v1/periods/{period}"))
        .await
        .expect(200);
    assert_eq!(got["status"], "draft");

    // A refused action emits nothing either: an incomplete report is not submitted.
    open(&app, period).await;
    let token = app.token(Role::Reporter, Some("QLTM")).await;
    let draft = app
        .post_as(
            &token,
            &format!("/api/v1/periods/{period}/submissions"),
            json!({}),
        )
        .await
        .expect(201);
    app.post_as(
        &token,
        &format!("/api/v1/submissions/{}/submit", draft["id"]),
        json!({}),
    )
    .await
    .problem(422, "validation_failed");
    drain(&app).await;
    assert_eq!(types(&qlvb.wait_for_webhooks(1).await), ["period.opened"]);
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM integration_events").await,
        1
    );
}
