//! The Postgres job queue: idempotent enqueueing, claiming under session advisory locks,
//! retries with exponential backoff, and what operators see of it.
//!
//! A runner claims a small batch of due jobs by taking a session-level advisory lock on each
//! ([`claim`]) and holds the locks while it runs them one by one. Each job's outcome (done,
//! rescheduled, failed) is committed on its own as soon as the job has run, and only then is
//! the batch's locks released ([`release`]). Two runners therefore never run the same job (a
//! runner that takes a lock re-reads the job afterwards and drops it if it is no longer due),
//! and a runner that dies (crash, SIGKILL, lost connection) releases its locks with its
//! session, so its unfinished jobs are claimed again at once. The price: a job whose effect
//! left the database (a mail accepted by the SMTP server) just before such a crash runs again —
//! the one duplicate per runner the design accepts. The jobs of the batch it had not started
//! are not run twice: their outcome was never recorded, and they were not run either.
//!
//! The lock is taken on the session, not inside a transaction: the mail is sent with no
//! transaction open (no row lock or snapshot held across the SMTP conversation), and claiming
//! several jobs at once costs a few statements per batch instead of four per job.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use futures_util::future::BoxFuture;
use serde_json::Value;

use crate::authz;
use crate::authz::Principal;
use crate::repo::{local, local_opt};
use cchc_db::schema::jobs;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::job::{Job, JobFilter, JobKindStats, JobPage, JobStats, JobStatus};
use cchc_domain::model::PageParams;

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

/// Namespace of the job locks (the two-key form of PostgreSQL's advisory locks, which never
/// meets the one-key locks used elsewhere); the second key is the job's id's low 31 bits, so
/// ids past 2³¹ still lock (two jobs 2³¹ apart share a key: one waits for the other's batch).
const LOCK_CLASS: i32 = 4_242_201;

/// Constant SQL with its binds, run as a statement prepared once per connection (cached by its
/// text). Diesel parses and plans `sql_query` text, and any UPDATE, anew on every call: that
/// was a third of PostgreSQL's time per job.
struct Prepared<'a> {
    /// `?` marks each bind, in the order of `binds`.
    sql: &'static str,
    binds: &'a [Bind<'a>],
}

enum Bind<'a> {
    BigInt(i64),
    BigInts(&'a [i64]),
    Integer(i32),
    Text(&'a str),
    NullableText(Option<&'a str>),
    Timestamptz(DateTime<Utc>),
    Status(JobStatus),
}

impl diesel::query_builder::QueryId for Prepared<'_> {
    type QueryId = ();
    // Keyed by the SQL text instead (diesel's statement cache).
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl diesel::query_builder::Query for Prepared<'_> {
    type SqlType = diesel::sql_types::Untyped;
}

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for Prepared<'_> {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        debug_assert_eq!(self.sql.matches('?').count(), self.binds.len());
        let mut parts = self.sql.split('?');
        out.push_sql(parts.next().unwrap_or_default());
        for (bind, part) in self.binds.iter().zip(parts) {
            match bind {
                Bind::BigInt(v) => out.push_bind_param::<BigInt, _>(v)?,
                Bind::BigInts(v) => {
                    out.push_bind_param::<diesel::sql_types::Array<BigInt>, _>(v)?;
                }
                Bind::Integer(v) => out.push_bind_param::<diesel::sql_types::Integer, _>(v)?,
                Bind::Text(v) => out.push_bind_param::<Text, _>(v)?,
                Bind::NullableText(v) => out.push_bind_param::<Nullable<Text>, _>(v)?,
                Bind::Timestamptz(v) => out.push_bind_param::<Timestamptz, _>(v)?,
                Bind::Status(v) => out.push_bind_param::<Text, _>(v)?,
            }
            out.push_sql(part);
        }
        Ok(())
    }
}

#[derive(QueryableByName)]
struct JobId {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Claims up to `limit` due jobs, oldest first, skipping those other runners hold: takes this
/// session's advisory lock on each, then re-reads them. Each must be given back with
/// [`release`] once its outcome is recorded (or the session must end).
///
/// The locks are tried while walking the queue's index one job at a time, so no lock is taken
/// on a job beyond the `limit` claimed. A job whose lock was free may still have been finished
/// by another runner after this walk's snapshot was taken: the re-read, a new statement with a
/// new snapshot, leaves it out (it is released with the rest).
pub async fn claim(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<(Vec<ClaimedJob>, Vec<i64>)> {
    // `'queued'` is spelled in the SQL, not bound: the queue's partial index (`jobs_due_idx`,
    // `WHERE status = 'queued'`) serves only a query whose own predicate proves it.
    let locked: Vec<JobId> = Prepared {
        sql: "WITH RECURSIVE due AS ( \
                (SELECT id, run_at FROM jobs WHERE status = 'queued' AND run_at <= ? \
                 ORDER BY run_at, id LIMIT 1) \
              UNION ALL \
                SELECT next.id, next.run_at FROM due, LATERAL ( \
                  SELECT j.id, j.run_at FROM jobs j \
                  WHERE j.status = 'queued' AND j.run_at <= ? \
                    AND (j.run_at, j.id) > (due.run_at, due.id) \
                  ORDER BY j.run_at, j.id LIMIT 1) AS next \
            ) \
            SELECT id FROM due WHERE pg_try_advisory_lock(?, (id & 2147483647)::integer) LIMIT ?",
        binds: &[
            Bind::Timestamptz(now),
            Bind::Timestamptz(now),
            Bind::Integer(LOCK_CLASS),
            Bind::BigInt(limit),
        ],
    }
    .load(conn)
    .await?;
    let locked: Vec<i64> = locked.into_iter().map(|j| j.id).collect();
    if locked.is_empty() {
        return Ok((Vec::new(), locked));
    }
    let claimed = Prepared {
        sql: "SELECT id, kind, payload, dedup_key, attempts, max_attempts, run_at FROM jobs \
              WHERE id = ANY(?) AND status = 'queued' AND run_at <= ? ORDER BY run_at, id",
        binds: &[Bind::BigInts(&locked), Bind::Timestamptz(now)],
    }
    .load(conn)
    .await;
    match claimed {
        Ok(claimed) => Ok((claimed, locked)),
        Err(error) => {
            // Best effort: a connection that cannot run this either is about to be dropped.
            release(conn, &locked).await.ok();
            Err(error.into())
        }
    }
}

/// Gives back the locks [`claim`] took (all of them, run or not).
pub async fn release(conn: &mut AsyncPgConnection, locked: &[i64]) -> Result<()> {
    if locked.is_empty() {
        return Ok(());
    }
    Prepared {
        sql: "SELECT pg_advisory_unlock(?, (id & 2147483647)::integer) FROM unnest(?) AS id",
        binds: &[Bind::Integer(LOCK_CLASS), Bind::BigInts(locked)],
    }
    .execute(conn)
    .await?;
    Ok(())
}

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
            finish(
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
            finish(
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
            // Not `status`: setting it, even to itself, would fire the queue's NOTIFY trigger.
            Prepared {
                sql: "UPDATE jobs SET attempts = ?, run_at = ?, last_error = ?, updated_at = ? \
                      WHERE id = ?",
                binds: &[
                    Bind::Integer(attempt),
                    Bind::Timestamptz(*at),
                    Bind::Text(error),
                    Bind::Timestamptz(now),
                    Bind::BigInt(job.id),
                ],
            }
            .execute(conn)
            .await?;
        }
    }
    Ok(outcome)
}

async fn finish(
    conn: &mut AsyncPgConnection,
    id: i64,
    status: JobStatus,
    attempt: i32,
    outcome: Option<&str>,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    Prepared {
        sql: "UPDATE jobs SET status = ?, attempts = ?, outcome = coalesce(?, outcome), \
              last_error = coalesce(?, last_error), updated_at = ?, finished_at = ? \
              WHERE id = ?",
        binds: &[
            Bind::Status(status),
            Bind::Integer(attempt),
            Bind::NullableText(outcome),
            Bind::NullableText(error),
            Bind::Timestamptz(now),
            Bind::Timestamptz(now),
            Bind::BigInt(id),
        ],
    }
    .execute(conn)
    .await?;
    Ok(())
}

/// Claims the next due job, runs it, records the outcome and releases it. `None` when no job
/// is due (or every due job is held by another runner).
pub async fn run_next(
    conn: &mut AsyncPgConnection,
    handler: &dyn JobHandler,
    now: DateTime<Utc>,
) -> Result<Option<(ClaimedJob, RunOutcome)>> {
    let (claimed, locked) = claim(conn, now, 1).await?;
    let result = match claimed.into_iter().next() {
        Some(job) => run_claimed(conn, handler, &job, now)
            .await
            .map(|outcome| Some((job, outcome))),
        None => Ok(None),
    };
    let released = release(conn, &locked).await;
    let result = result?;
    released?;
    Ok(result)
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = jobs)]
struct JobRow {
    id: i64,
    kind: String,
    payload: Value,
    dedup_key: Option<String>,
    status: JobStatus,
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
    fn into_api(self) -> Job {
        Job {
            id: self.id,
            kind: self.kind,
            payload: self.payload,
            dedup_key: self.dedup_key,
            status: self.status,
            attempts: self.attempts,
            max_attempts: self.max_attempts,
            run_at: local(self.run_at),
            last_error: self.last_error,
            outcome: self.outcome,
            created_at: local(self.created_at),
            updated_at: local(self.updated_at),
            finished_at: local_opt(self.finished_at),
        }
    }
}

/// A job of the worker's queue: the Office only.
pub async fn get(conn: &mut AsyncPgConnection, id: i64, principal: &Principal) -> Result<Job> {
    authz::require_admin(principal)?;
    load(conn, id).await
}

/// The same without an access check (callers have done it).
pub(crate) async fn load(conn: &mut AsyncPgConnection, id: i64) -> Result<Job> {
    Ok(jobs::table
        .find(id)
        .select(JobRow::as_select())
        .first(conn)
        .await
        .optional()?
        .ok_or(Error::not_found("job"))?
        .into_api())
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &JobFilter,
    page: PageParams,
    principal: &Principal,
) -> Result<JobPage> {
    authz::require_admin(principal)?;
    let (page, per_page) = page.validate()?;
    let query = || {
        let mut query = jobs::table.into_boxed();
        if let Some(status) = filter.status {
            query = query.filter(jobs::status.eq(status));
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
        items: rows.into_iter().map(JobRow::into_api).collect(),
        page,
        per_page,
        total,
    })
}

/// Requeues a failed job now, with a fresh set of attempts.
pub async fn retry(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
    now: DateTime<Utc>,
) -> Result<Job> {
    authz::require_admin(principal)?;
    conn.transaction(async |conn| -> Result<Job> {
        let status: JobStatus = jobs::table
            .find(id)
            .for_update()
            .select(jobs::status)
            .first(conn)
            .await
            .optional()?
            .ok_or(Error::not_found("job"))?;
        if status != JobStatus::Failed {
            return Err(Error::conflict(
                "job_not_failed",
                format!("only failed jobs are retried; this one is {status}"),
            ));
        }
        diesel::update(jobs::table.find(id))
            .set((
                jobs::status.eq(JobStatus::Queued),
                jobs::attempts.eq(0),
                jobs::run_at.eq(now),
                jobs::updated_at.eq(now),
                jobs::finished_at.eq(None::<DateTime<Utc>>),
            ))
            .execute(conn)
            .await?;
        load(conn, id).await
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
pub async fn stats(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    now: DateTime<Utc>,
) -> Result<JobStats> {
    authz::require_admin(principal)?;
    let rows: Vec<KindCounts> = diesel::sql_query(
        "SELECT kind, \
           count(*) FILTER (WHERE status = $2) AS queued, \
           count(*) FILTER (WHERE status = $3) AS done, \
           count(*) FILTER (WHERE status = $4) AS failed, \
           count(*) FILTER (WHERE attempts > 1 OR (status = $2 AND attempts > 0)) AS retried, \
           count(*) FILTER (WHERE status = $2 AND run_at <= $1) AS due, \
           min(run_at) FILTER (WHERE status = $2 AND run_at <= $1) AS oldest_due_at \
         FROM jobs GROUP BY kind ORDER BY kind",
    )
    .bind::<Timestamptz, _>(now)
    .bind::<Text, _>(JobStatus::Queued)
    .bind::<Text, _>(JobStatus::Done)
    .bind::<Text, _>(JobStatus::Failed)
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
