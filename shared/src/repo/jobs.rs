//! The Postgres job queue: idempotent enqueueing, claiming with `FOR UPDATE SKIP LOCKED`,
//! retries with exponential backoff, and what operators see of it.
//!
//! A job runs inside the transaction that claimed it and holds its row lock until it is marked
//! done, rescheduled or failed. Two runners therefore never run the same job, and a runner that
//! dies mid-job (crash, SIGKILL, lost connection) releases the lock with its transaction, so
//! the job is claimed again. The price: a job whose effect left the database (a mail accepted
//! by the SMTP server) just before such a crash runs again — the one duplicate the design
//! accepts.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use futures_util::future::BoxFuture;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::job::{Job, JobFilter, JobKindStats, JobPage, JobStats, JobStatus};
use crate::model::{parse_stored, PageParams};
use crate::repo::{local, local_opt};
use crate::schema::jobs;

/// The channel the queue's trigger notifies on every queued job.
pub const NOTIFY_CHANNEL: &str = "cchc_jobs";

/// Attempts before a job is marked failed.
pub const DEFAULT_MAX_ATTEMPTS: i32 = 8;

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    pub kind: &'static str,
    pub payload: Value,
    /// Jobs with the same key are enqueued once, ever.
    pub dedup_key: Option<String>,
    pub run_at: DateTime<Utc>,
}

/// Enqueues `job` unless one with its key exists. Returns the new job's id, or `None` when the
/// key was taken. Call it inside the transaction of the write that causes it (outbox).
pub async fn enqueue(
    conn: &mut AsyncPgConnection,
    job: &NewJob,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    Ok(diesel::insert_into(jobs::table)
        .values((
            jobs::kind.eq(job.kind),
            jobs::payload.eq(&job.payload),
            jobs::dedup_key.eq(job.dedup_key.as_deref()),
            jobs::max_attempts.eq(DEFAULT_MAX_ATTEMPTS),
            jobs::run_at.eq(job.run_at),
            jobs::created_at.eq(now),
            jobs::updated_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .returning(jobs::id)
        .get_result(conn)
        .await
        .optional()?)
}

/// Delay before attempt `attempt + 1` after `attempt` failed: 30 s, doubling, at most an hour.
pub fn retry_delay(attempt: i32) -> Duration {
    let exponent = u32::try_from(attempt.saturating_sub(1))
        .unwrap_or(0)
        .min(16);
    let seconds = 30_i64.saturating_mul(1_i64 << exponent);
    Duration::seconds(seconds.min(3600))
}

/// A claimed job, as its handler sees it.
#[derive(Debug, Clone, QueryableByName)]
pub struct ClaimedJob {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = diesel::sql_types::Jsonb)]
    pub payload: Value,
    #[diesel(sql_type = Nullable<Text>)]
    pub dedup_key: Option<String>,
    /// Attempts before this one.
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub attempts: i32,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub max_attempts: i32,
    #[diesel(sql_type = Timestamptz)]
    pub run_at: DateTime<Utc>,
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
            other => JobError::Permanent(other.to_string()),
        }
    }
}

/// Runs jobs of the kinds it knows. The future is boxed so runners can be spawned.
pub trait JobHandler: Send + Sync {
    /// Does the job's work on `conn` (inside the claiming transaction) and returns what it did.
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

/// Claims the next due job, runs it and records the outcome, all in one transaction. `None`
/// when no job is due (or every due job is held by another runner).
pub async fn run_next(
    conn: &mut AsyncPgConnection,
    handler: &dyn JobHandler,
    now: DateTime<Utc>,
) -> Result<Option<(ClaimedJob, RunOutcome)>> {
    conn.transaction(async |conn| -> Result<Option<(ClaimedJob, RunOutcome)>> {
        let claimed: Option<ClaimedJob> = diesel::sql_query(
            "SELECT id, kind, payload, dedup_key, attempts, max_attempts, run_at FROM jobs \
             WHERE status = 'queued' AND run_at <= $1 \
             ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED",
        )
        .bind::<Timestamptz, _>(now)
        .get_result(conn)
        .await
        .optional()?;
        let Some(job) = claimed else {
            return Ok(None);
        };
        let attempt = job.attempts + 1;
        let result = handler.handle(conn, &job, now).await;
        let outcome = match result {
            Ok(outcome) => {
                diesel::update(jobs::table.find(job.id))
                    .set((
                        jobs::status.eq(JobStatus::Done.as_str()),
                        jobs::attempts.eq(attempt),
                        jobs::outcome.eq(&outcome),
                        jobs::updated_at.eq(now),
                        jobs::finished_at.eq(now),
                    ))
                    .execute(conn)
                    .await?;
                RunOutcome::Done { outcome }
            }
            Err(JobError::Temporary(error)) if attempt < job.max_attempts => {
                let at = now + retry_delay(attempt);
                diesel::update(jobs::table.find(job.id))
                    .set((
                        jobs::attempts.eq(attempt),
                        jobs::run_at.eq(at),
                        jobs::last_error.eq(&error),
                        jobs::updated_at.eq(now),
                    ))
                    .execute(conn)
                    .await?;
                RunOutcome::Retrying { at, error }
            }
            Err(JobError::Temporary(error) | JobError::Permanent(error)) => {
                diesel::update(jobs::table.find(job.id))
                    .set((
                        jobs::status.eq(JobStatus::Failed.as_str()),
                        jobs::attempts.eq(attempt),
                        jobs::last_error.eq(&error),
                        jobs::updated_at.eq(now),
                        jobs::finished_at.eq(now),
                    ))
                    .execute(conn)
                    .await?;
                RunOutcome::Failed { error }
            }
        };
        Ok(Some((job, outcome)))
    })
    .await
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = jobs)]
struct JobRow {
    id: i64,
    kind: String,
    payload: Value,
    dedup_key: Option<String>,
    status: String,
    attempts: i32,
    max_attempts: i32,
    run_at: DateTime<Utc>,
    last_error: Option<String>,
    outcome: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
}

impl JobRow {
    fn into_api(self) -> Result<Job> {
        Ok(Job {
            id: self.id,
            kind: self.kind,
            payload: self.payload,
            dedup_key: self.dedup_key,
            status: parse_stored(&self.status)?,
            attempts: self.attempts,
            max_attempts: self.max_attempts,
            run_at: local(self.run_at),
            last_error: self.last_error,
            outcome: self.outcome,
            created_at: local(self.created_at),
            updated_at: local(self.updated_at),
            finished_at: local_opt(self.finished_at),
        })
    }
}

pub async fn get(conn: &mut AsyncPgConnection, id: i64) -> Result<Job> {
    jobs::table
        .find(id)
        .select(JobRow::as_select())
        .first(conn)
        .await
        .optional()?
        .ok_or(Error::not_found("job"))?
        .into_api()
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &JobFilter,
    page: PageParams,
) -> Result<JobPage> {
    let (page, per_page) = page.validate()?;
    let query = || {
        let mut query = jobs::table.into_boxed();
        if let Some(status) = filter.status {
            query = query.filter(jobs::status.eq(status.as_str()));
        }
        if let Some(kind) = &filter.kind {
            query = query.filter(jobs::kind.eq(kind.trim().to_owned()));
        }
        query
    };
    let total: i64 = query().count().get_result(conn).await?;
    let rows: Vec<JobRow> = query()
        .order(jobs::id.desc())
        .limit(per_page)
        .offset(PageParams::offset(page, per_page))
        .select(JobRow::as_select())
        .load(conn)
        .await?;
    Ok(JobPage {
        items: rows
            .into_iter()
            .map(JobRow::into_api)
            .collect::<Result<_>>()?,
        page,
        per_page,
        total,
    })
}

/// Requeues a failed job now, with a fresh set of attempts.
pub async fn retry(conn: &mut AsyncPgConnection, id: i64, now: DateTime<Utc>) -> Result<Job> {
    conn.transaction(async |conn| -> Result<Job> {
        let status: String = jobs::table
            .find(id)
            .for_update()
            .select(jobs::status)
            .first(conn)
            .await
            .optional()?
            .ok_or(Error::not_found("job"))?;
        let status: JobStatus = parse_stored(&status)?;
        if status != JobStatus::Failed {
            return Err(Error::conflict(
                "job_not_failed",
                format!("only failed jobs are retried; this one is {status}"),
            ));
        }
        diesel::update(jobs::table.find(id))
            .set((
                jobs::status.eq(JobStatus::Queued.as_str()),
                jobs::attempts.eq(0),
                jobs::run_at.eq(now),
                jobs::updated_at.eq(now),
                jobs::finished_at.eq(None::<DateTime<Utc>>),
            ))
            .execute(conn)
            .await?;
        get(conn, id).await
    })
    .await
}

#[derive(QueryableByName)]
struct KindCounts {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = BigInt)]
    queued: i64,
    #[diesel(sql_type = BigInt)]
    done: i64,
    #[diesel(sql_type = BigInt)]
    failed: i64,
    #[diesel(sql_type = BigInt)]
    retried: i64,
    #[diesel(sql_type = BigInt)]
    due: i64,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    oldest_due_at: Option<DateTime<Utc>>,
}

/// Counts by kind and status, and the backlog of due jobs at `now`.
pub async fn stats(conn: &mut AsyncPgConnection, now: DateTime<Utc>) -> Result<JobStats> {
    let rows: Vec<KindCounts> = diesel::sql_query(
        "SELECT kind, \
           count(*) FILTER (WHERE status = 'queued') AS queued, \
           count(*) FILTER (WHERE status = 'done') AS done, \
           count(*) FILTER (WHERE status = 'failed') AS failed, \
           count(*) FILTER (WHERE attempts > 1 OR (status = 'queued' AND attempts > 0)) AS retried, \
           count(*) FILTER (WHERE status = 'queued' AND run_at <= $1) AS due, \
           min(run_at) FILTER (WHERE status = 'queued' AND run_at <= $1) AS oldest_due_at \
         FROM jobs GROUP BY kind ORDER BY kind",
    )
    .bind::<Timestamptz, _>(now)
    .load(conn)
    .await?;
    let mut stats = JobStats::default();
    let mut oldest: Option<DateTime<Utc>> = None;
    for row in rows {
        stats.queued += row.queued;
        stats.done += row.done;
        stats.failed += row.failed;
        stats.retried += row.retried;
        stats.due += row.due;
        oldest = match (oldest, row.oldest_due_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        stats.by_kind.push(JobKindStats {
            kind: row.kind,
            queued: row.queued,
            done: row.done,
            failed: row.failed,
            retried: row.retried,
        });
    }
    stats.oldest_due_at = local_opt(oldest);
    Ok(stats)
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
