//! The worker's queue as operators see it: failed jobs listed with their error, retried by an
//! admin, counted; escalations per period. Jobs are run here by a stand-in handler through the
//! same queue code the worker uses.

use cchc_app::repo::jobs::{self, ClaimedJob, JobError, JobHandler, NewJob, RunOutcome};
use cchc_domain::model::token::Role;
use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use futures_util::future::BoxFuture;
use serde_json::json;

use crate::common::TestApp;

/// Fails every job permanently, as a mail server refusing an address would.
struct Refuses;

impl JobHandler for Refuses {
    fn handle<'a>(
        &'a self,
        _conn: &'a mut AsyncPgConnection,
        _job: &'a ClaimedJob,
        _now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<String, JobError>> {
        Box::pin(async { Err(JobError::Permanent("550 mailbox unavailable".into())) })
    }
}

/// Succeeds at everything.
struct Sends;

impl JobHandler for Sends {
    fn handle<'a>(
        &'a self,
        _conn: &'a mut AsyncPgConnection,
        job: &'a ClaimedJob,
        _now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<String, JobError>> {
        Box::pin(async move { Ok(format!("sent <{}@test>", job.id)) })
    }
}

async fn enqueue(app: &TestApp, key: &str) -> i64 {
    let mut conn = app.state.pool.get().await.unwrap();
    let now = app.state.clock.now();
    jobs::enqueue(
        &mut conn,
        &NewJob {
            kind: "reminder",
            payload: json!({"note": key}),
            dedup_key: Some(key.to_owned()),
            run_at: now,
        },
        now,
    )
    .await
    .unwrap()
    .expect("a new job")
}

async fn run_one(app: &TestApp, handler: &dyn JobHandler) -> RunOutcome {
    let mut conn = app.state.pool.get().await.unwrap();
    jobs::run_next(&mut conn, handler, app.state.clock.now())
        .await
        .unwrap()
        .expect("a due job")
        .1
}

#[actix_web::test]
async fn failed_jobs_are_listed_retried_and_counted() {
    let app = TestApp::spawn().await;
    let failing = enqueue(&app, "reminder:1:1:d5:a@example.vn").await;
    let fine = enqueue(&app, "reminder:1:1:d5:b@example.vn").await;
    // The same key again is no new job.
    let mut conn = app.state.pool.get().await.unwrap();
    let again = jobs::enqueue(
        &mut conn,
        &NewJob {
            kind: "reminder",
            payload: json!({}),
            dedup_key: Some("reminder:1:1:d5:a@example.vn".into()),
            run_at: app.state.clock.now(),
        },
        app.state.clock.now(),
    )
    .await
    .unwrap();
    assert_eq!(again, None);
    drop(conn);

    assert!(matches!(
        run_one(&app, &Refuses).await,
        RunOutcome::Failed { .. }
    ));
    assert!(matches!(
        run_one(&app, &Sends).await,
        RunOutcome::Done { .. }
    ));

    let failed = app.get("/api/v1/jobs?status=failed").await.expect(200);
    assert_eq!(failed["total"], 1);
    let job = &failed["items"][0];
    assert_eq!(job["id"], failing);
    assert_eq!(job["status"], "failed");
    assert_eq!(job["attempts"], 1);
    assert_eq!(job["last_error"], "550 mailbox unavailable");
    let done = app.get(&format!("/api/v1/jobs/{fine}")).await.expect(200);
    assert_eq!(done["status"], "done");
    assert_eq!(done["outcome"], format!("sent <{fine}@test>"));

    let stats = app.get("/api/v1/jobs/stats").await.expect(200);
    assert_eq!(
        (&stats["done"], &stats["failed"], &stats["queued"]),
        (&json!(1), &json!(1), &json!(0))
    );
    assert_eq!(stats["by_kind"][0]["kind"], "reminder");

    // Only failed jobs are retried.
    let problem = app
        .post(&format!("/api/v1/jobs/{fine}/retry"), json!({}))
        .await
        .expect(409);
    assert_eq!(problem["code"], "job_not_failed");
    let retried = app
        .post(&format!("/api/v1/jobs/{failing}/retry"), json!({}))
        .await
        .expect(200);
    assert_eq!(retried["status"], "queued");
    assert_eq!(retried["attempts"], 0);
    assert!(matches!(
        run_one(&app, &Sends).await,
        RunOutcome::Done { .. }
    ));
    let stats = app.get("/api/v1/jobs/stats").await.expect(200);
    assert_eq!((&stats["done"], &stats["failed"]), (&json!(2), &json!(0)));
    app.post("/api/v1/jobs/999999/retry", json!({}))
        .await
        .expect(404);
}

#[actix_web::test]
async fn a_temporary_failure_is_rescheduled_with_backoff() {
    struct Down;
    impl JobHandler for Down {
        fn handle<'a>(
            &'a self,
            _conn: &'a mut AsyncPgConnection,
            _job: &'a ClaimedJob,
            _now: DateTime<Utc>,
        ) -> BoxFuture<'a, Result<String, JobError>> {
            Box::pin(async { Err(JobError::Temporary("421 service not available".into())) })
        }
    }
    let app = TestApp::spawn().await;
    let id = enqueue(&app, "digest:2026-12-14:vp@example.vn").await;
    let now = app.state.clock.now();
    match run_one(&app, &Down).await {
        RunOutcome::Retrying { at, .. } => assert_eq!(at, now + chrono::Duration::seconds(30)),
        other => panic!("expected a retry, got {other:?}"),
    }
    let job = app.get(&format!("/api/v1/jobs/{id}")).await.expect(200);
    assert_eq!(job["status"], "queued");
    assert_eq!(job["attempts"], 1);
    assert_eq!(job["last_error"], "421 service not available");
    // Not due again until the backoff has passed.
    let mut conn = app.state.pool.get().await.unwrap();
    assert!(jobs::run_next(&mut conn, &Sends, now)
        .await
        .unwrap()
        .is_none());
    let stats = app.get("/api/v1/jobs/stats").await.expect(200);
    assert_eq!(stats["retried"], 1);
    assert_eq!(stats["due"], 0);
}

#[actix_web::test]
async fn only_admins_see_the_queue_and_reporters_no_escalations() {
    let app = TestApp::spawn().await;
    app.unit("KHTC", "division", None).await;
    let viewer = app.token(Role::Viewer, None).await;
    let reporter = app.token(Role::Reporter, Some("KHTC")).await;
    for path in ["/api/v1/jobs", "/api/v1/jobs/stats", "/api/v1/jobs/1"] {
        app.get_as(&viewer, path).await.expect(403);
        app.get_as(&reporter, path).await.expect(403);
    }
    app.post_as(&viewer, "/api/v1/jobs/1/retry", json!({}))
        .await
        .expect(403);
    app.get_as(&reporter, "/api/v1/periods/1/escalations")
        .await
        .expect(403);
    app.get_as(&viewer, "/api/v1/periods/999/escalations")
        .await
        .expect(404);
    app.get("/api/v1/jobs?status=sent").await.expect(400);
}
