//! Events: emitted by their actions and delivered signed, only to subscribed types, and only
//! when the change commits.

use super::*;

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
