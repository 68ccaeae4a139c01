//! The job queue's claiming on real PostgreSQL: batches are claimed oldest first and held by
//! their runner's session, other runners skip them, each outcome is committed on its own, and
//! a runner that dies gives its unfinished jobs back at once.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use cchc_app::repo::jobs::{self, ClaimedJob, JobError, JobHandler, NewJob, RunOutcome};
use cchc_testkit::test_db::TestDatabase;
use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use futures_util::future::BoxFuture;
use serde_json::json;

/// Records the ids it runs; fails temporarily for the ids it is told to.
#[derive(Default)]
struct Recorder {
    ran: Mutex<Vec<i64>>,
    temporary_failures: Vec<i64>,
}

impl Recorder {
    fn ran(&self) -> Vec<i64> {
        self.ran.lock().unwrap().clone()
    }
}

impl JobHandler for Recorder {
    fn handle<'a>(
        &'a self,
        _conn: &'a mut AsyncPgConnection,
        job: &'a ClaimedJob,
        _now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<String, JobError>> {
        Box::pin(async move {
            self.ran.lock().unwrap().push(job.id);
            if self.temporary_failures.contains(&job.id) {
                return Err(JobError::Temporary("421 try later".into()));
            }
            Ok(format!("sent {}", job.id))
        })
    }
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-08T01:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

async fn connect(db: &TestDatabase) -> AsyncPgConnection {
    AsyncPgConnection::establish(db.url()).await.unwrap()
}

/// `n` jobs due a second apart before `now()`, oldest first; their ids.
async fn enqueue(conn: &mut AsyncPgConnection, n: i64) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..n {
        let job = NewJob {
            kind: "digest",
            payload: json!({}),
            dedup_key: Some(format!("queue-test:{i}")),
            run_at: now() - chrono::Duration::seconds(n - i),
        };
        ids.push(jobs::enqueue(conn, &job, now()).await.unwrap().unwrap());
    }
    ids
}

fn ids(batch: &[ClaimedJob]) -> Vec<i64> {
    batch.iter().map(|j| j.id).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_is_claimed_oldest_first_and_other_runners_skip_it() {
    let db = TestDatabase::migrated();
    let (mut a, mut b) = (connect(&db).await, connect(&db).await);
    let queued = enqueue(&mut a, 3).await;

    let (batch, locked) = jobs::claim(&mut a, now(), 2).await.unwrap();
    assert_eq!(ids(&batch), queued[..2]);
    assert_eq!(locked, queued[..2]);
    let (other, other_locked) = jobs::claim(&mut b, now(), 8).await.unwrap();
    assert_eq!(
        ids(&other),
        queued[2..],
        "the other runner skips the held jobs"
    );
    jobs::release(&mut b, &other_locked).await.unwrap();

    let handler = Recorder::default();
    for job in &batch {
        let outcome = jobs::run_claimed(&mut a, &handler, job, now())
            .await
            .unwrap();
        assert_eq!(
            outcome,
            RunOutcome::Done {
                outcome: format!("sent {}", job.id)
            }
        );
    }
    jobs::release(&mut a, &locked).await.unwrap();
    assert_eq!(handler.ran(), queued[..2]);

    // Finished jobs are not claimed again; the third still is.
    let (batch, locked) = jobs::claim(&mut b, now(), 8).await.unwrap();
    assert_eq!(ids(&batch), queued[2..]);
    jobs::release(&mut b, &locked).await.unwrap();
    let stats = jobs::stats(&mut b, &cchc_app::authz::system("test"), now())
        .await
        .unwrap();
    assert_eq!((stats.done, stats.queued), (2, 1));
}

#[tokio::test(flavor = "multi_thread")]
async fn each_outcome_is_committed_before_the_batch_ends() {
    let db = TestDatabase::migrated();
    let (mut a, mut observer) = (connect(&db).await, connect(&db).await);
    let queued = enqueue(&mut a, 2).await;
    let handler = Recorder {
        temporary_failures: vec![queued[1]],
        ..Recorder::default()
    };
    let (batch, locked) = jobs::claim(&mut a, now(), 8).await.unwrap();
    jobs::run_claimed(&mut a, &handler, &batch[0], now())
        .await
        .unwrap();
    // The first job is done for everyone while its runner still holds the batch: a crash now
    // would not send it again.
    let job = jobs::get(&mut observer, queued[0], &cchc_app::authz::system("test"))
        .await
        .unwrap();
    assert_eq!(job.status.as_str(), "done");
    assert_eq!(job.attempts, 1);
    let outcome = jobs::run_claimed(&mut a, &handler, &batch[1], now())
        .await
        .unwrap();
    assert!(
        matches!(outcome, RunOutcome::Retrying { at, .. } if at == now() + chrono::Duration::seconds(30))
    );
    jobs::release(&mut a, &locked).await.unwrap();
    let job = jobs::get(&mut observer, queued[1], &cchc_app::authz::system("test"))
        .await
        .unwrap();
    assert_eq!(
        (job.status.as_str(), job.attempts, job.last_error.as_deref()),
        ("queued", 1, Some("421 try later"))
    );
    // Rescheduled: not due again before its backoff has passed.
    let (batch, locked) = jobs::claim(&mut observer, now(), 8).await.unwrap();
    assert!(batch.is_empty() && locked.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_runner_that_dies_gives_its_unfinished_jobs_back_at_once() {
    let db = TestDatabase::migrated();
    let (mut dying, mut other) = (connect(&db).await, connect(&db).await);
    let queued = enqueue(&mut dying, 3).await;
    let (batch, _locked) = jobs::claim(&mut dying, now(), 8).await.unwrap();
    assert_eq!(ids(&batch), queued);
    jobs::run_claimed(&mut dying, &Recorder::default(), &batch[0], now())
        .await
        .unwrap();
    // The session ends without releasing anything (a crash, SIGKILL, a lost connection).
    drop(dying);
    // The server releases the locks when it notices; it does so at once, but asynchronously.
    let mut claimed = Vec::new();
    for _ in 0..50 {
        let (batch, locked) = jobs::claim(&mut other, now(), 8).await.unwrap();
        claimed = ids(&batch);
        jobs::release(&mut other, &locked).await.unwrap();
        if !claimed.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        claimed,
        queued[1..],
        "the unfinished jobs, not the done one"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn runners_draining_at_once_run_every_job_exactly_once() {
    let db = TestDatabase::migrated();
    let queued = enqueue(&mut connect(&db).await, 3 * jobs::CLAIM_BATCH + 5).await;
    let handler = Arc::new(Recorder::default());
    let mut runners = Vec::new();
    for _ in 0..3 {
        let url = db.url().to_owned();
        let handler = handler.clone();
        runners.push(tokio::spawn(async move {
            let mut conn = AsyncPgConnection::establish(&url).await.unwrap();
            loop {
                let (batch, locked) = jobs::claim(&mut conn, now(), jobs::CLAIM_BATCH)
                    .await
                    .unwrap();
                if locked.is_empty() {
                    break;
                }
                for job in &batch {
                    jobs::run_claimed(&mut conn, handler.as_ref(), job, now())
                        .await
                        .unwrap();
                }
                jobs::release(&mut conn, &locked).await.unwrap();
            }
        }));
    }
    for runner in runners {
        runner.await.unwrap();
    }
    let mut ran = handler.ran();
    ran.sort_unstable();
    assert_eq!(ran, queued);
}
