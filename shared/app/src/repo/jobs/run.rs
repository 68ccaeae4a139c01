//! Running a claimed job: its handler does the work, then its outcome is recorded (done,
//! rescheduled with backoff, or failed).

use chrono::{DateTime, Duration, Utc};
use diesel_async::AsyncPgConnection;
use futures_util::future::BoxFuture;

use cchc_db::jobs::{self, ClaimedJob};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::job::JobStatus;

/// Delay before attempt `attempt + 1` after `attempt` failed: 30 s, doubling, at most an hour.
pub fn retry_delay(attempt: i32) -> Duration {
    let exponent = u32::try_from(attempt.saturating_sub(1))
        .unwrap_or(0)
        .min(16);
    let seconds = 30_i64.saturating_mul(1_i64 << exponent);
    Duration::seconds(seconds.min(3600))
}

/// Why a job did not finish.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    /// Worth another try later (SMTP down, timeout, 4xx reply).
    #[error("temporary: {0}")]
    Temporary(String),
    /// Will never work (bad payload, 5xx reply): fail now.
    #[error("permanent: {0}")]
    Permanent(String),
}

impl From<Error> for JobError {
    fn from(error: Error) -> Self {
        match error {
            // A database hiccup is worth retrying; anything else is a bug or bad data.
            Error::Database(e) => JobError::Temporary(e.to_string()),
            Error::Conflict {
                code: "concurrent_change",
                detail,
                ..
            } => JobError::Temporary(detail),
            other => JobError::Permanent(other.to_string()),
        }
    }
}

/// Runs jobs of the kinds it knows. The future is boxed so runners can be spawned.
pub trait JobHandler: Send + Sync {
    /// Does the job's work on `conn` and returns what it did. No transaction is open: the
    /// job is held by its runner's advisory lock, and its outcome is recorded after this
    /// returns (what the handler writes itself commits on its own).
    fn handle<'a>(
        &'a self,
        conn: &'a mut AsyncPgConnection,
        job: &'a ClaimedJob,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, std::result::Result<String, JobError>>;
}

/// What became of a job run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunOutcome {
    Done { outcome: String },
    Retrying { at: DateTime<Utc>, error: String },
    Failed { error: String },
}

/// Jobs a runner claims at once. Small, so a batch is done well within a poll interval and
/// the runners share the tail of the queue; a runner that dies still duplicates at most the
/// one job it was running.
pub const CLAIM_BATCH: i64 = 8;

/// Runs a claimed job and commits its outcome: done, rescheduled with backoff, or failed.
pub async fn run_claimed(
    conn: &mut AsyncPgConnection,
    handler: &dyn JobHandler,
    job: &ClaimedJob,
    now: DateTime<Utc>,
) -> Result<RunOutcome> {
    let attempt = job.attempts + 1;
    let outcome = match handler.handle(conn, job, now).await {
        Ok(outcome) => RunOutcome::Done { outcome },
        Err(JobError::Temporary(error)) if attempt < job.max_attempts => RunOutcome::Retrying {
            at: now + retry_delay(attempt),
            error,
        },
        Err(JobError::Temporary(error) | JobError::Permanent(error)) => {
            RunOutcome::Failed { error }
        }
    };
    match &outcome {
        RunOutcome::Done { outcome } => {
            jobs::record_finished(
                conn,
                job.id,
                JobStatus::Done,
                attempt,
                Some(outcome),
                None,
                now,
            )
            .await?;
        }
        RunOutcome::Failed { error } => {
            jobs::record_finished(
                conn,
                job.id,
                JobStatus::Failed,
                attempt,
                None,
                Some(error),
                now,
            )
            .await?;
        }
        RunOutcome::Retrying { at, error } => {
            jobs::record_retrying(conn, job.id, attempt, *at, error, now).await?;
        }
    }
    Ok(outcome)
}

/// Claims the next due job, runs it, records the outcome and releases it. `None` when no job
/// is due (or every due job is held by another runner).
pub async fn run_next(
    conn: &mut AsyncPgConnection,
    handler: &dyn JobHandler,
    now: DateTime<Utc>,
) -> Result<Option<(ClaimedJob, RunOutcome)>> {
    let (claimed, locked) = jobs::claim(conn, now, 1).await?;
    let result = match claimed.into_iter().next() {
        Some(job) => run_claimed(conn, handler, &job, now)
            .await
            .map(|outcome| Some((job, outcome))),
        None => Ok(None),
    };
    let released = jobs::release(conn, &locked).await;
    let result = result?;
    released?;
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_an_hour() {
        let delays: Vec<i64> = (1..=9).map(|a| retry_delay(a).num_seconds()).collect();
        assert_eq!(delays, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(retry_delay(0).num_seconds(), 30);
        assert_eq!(retry_delay(i32::MAX).num_seconds(), 3600);
    }
}
