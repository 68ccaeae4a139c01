//! Delivery: retries while the receiver is down or unreachable, redelivery on request, and
//! skipped deliveries to deleted or inactive subscriptions.

use super::*;

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
