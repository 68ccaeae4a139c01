//! The Postgres job queue (`jobs`): idempotent enqueueing, claiming under session advisory
//! locks, recording outcomes, and what operators see of it. What a run does with a job (its
//! handler, its retries) is `cchc_app::repo::jobs`.
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

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use crate::schema::jobs;
use cchc_domain::model::job::{Job, JobStatus};
use cchc_domain::rules::local_time::to_local;
use cchc_domain::Result;

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

/// Records that job `id`'s `attempt`-th run failed with `error` and reschedules it at `at`.
pub async fn record_retrying(
    conn: &mut AsyncPgConnection,
    id: i64,
    attempt: i32,
    at: DateTime<Utc>,
    error: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    // Not `status`: setting it, even to itself, would fire the queue's NOTIFY trigger.
    Prepared {
        sql: "UPDATE jobs SET attempts = ?, run_at = ?, last_error = ?, updated_at = ? \
              WHERE id = ?",
        binds: &[
            Bind::Integer(attempt),
            Bind::Timestamptz(at),
            Bind::Text(error),
            Bind::Timestamptz(now),
            Bind::BigInt(id),
        ],
    }
    .execute(conn)
    .await?;
    Ok(())
}

/// Records that job `id` ran for the `attempt`-th time and ended with `status`, with what it
/// did or why it failed.
pub async fn record_finished(
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

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = jobs)]
pub struct JobRow {
    pub id: i64,
    pub kind: String,
    pub payload: Value,
    pub dedup_key: Option<String>,
    pub status: JobStatus,
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub outcome: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl JobRow {
    /// The job as the API shows it.
    pub fn into_model(self) -> Job {
        Job {
            id: self.id,
            kind: self.kind,
            payload: self.payload,
            dedup_key: self.dedup_key,
            status: self.status,
            attempts: self.attempts,
            max_attempts: self.max_attempts,
            run_at: to_local(self.run_at),
            last_error: self.last_error,
            outcome: self.outcome,
            created_at: to_local(self.created_at),
            updated_at: to_local(self.updated_at),
            finished_at: self.finished_at.map(to_local),
        }
    }
}

/// Job `id`, if it exists.
pub async fn find(conn: &mut AsyncPgConnection, id: i64) -> Result<Option<JobRow>> {
    Ok(jobs::table
        .find(id)
        .select(JobRow::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// The jobs of the `kinds` whose payload names period `period_id`, oldest planned first.
pub async fn of_period(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    kinds: &[&str],
) -> Result<Vec<JobRow>> {
    Ok(jobs::table
        .filter(jobs::kind.eq_any(kinds))
        .filter(
            jobs::payload
                .retrieve_as_text("period_id")
                .eq(period_id.to_string()),
        )
        .order((jobs::run_at, jobs::id))
        .select(JobRow::as_select())
        .load(conn)
        .await?)
}

/// The jobs of the `kinds` whose payload names task `task_id`, and the leadership's mails
/// listing any of escalations `escalation_ids` (of `listing_kind`), oldest planned first.
pub async fn of_task(
    conn: &mut AsyncPgConnection,
    task_id: i64,
    kinds: &[&str],
    listing_kind: &str,
    escalation_ids: &[i64],
) -> Result<Vec<JobRow>> {
    let mut rows: Vec<JobRow> = jobs::table
        .filter(jobs::kind.eq_any(kinds))
        .filter(
            jobs::payload
                .retrieve_as_text("task_id")
                .eq(task_id.to_string()),
        )
        .select(JobRow::as_select())
        .load(conn)
        .await?;
    for escalation_id in escalation_ids {
        let listing: Vec<JobRow> = jobs::table
            .filter(jobs::kind.eq(listing_kind))
            .filter(
                jobs::payload.contains(serde_json::json!({ "escalation_ids": [escalation_id] })),
            )
            .select(JobRow::as_select())
            .load(conn)
            .await?;
        rows.extend(listing);
    }
    rows.sort_by_key(|r| (r.run_at, r.id));
    rows.dedup_by_key(|r| r.id);
    Ok(rows)
}

/// Which jobs to list; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub status: Option<JobStatus>,
    pub kind: Option<String>,
}

/// How many jobs `filter` keeps, and a page of them, newest first.
pub async fn page(
    conn: &mut AsyncPgConnection,
    filter: &ListFilter,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<JobRow>)> {
    let query = || {
        let mut query = jobs::table.into_boxed();
        if let Some(status) = filter.status {
            query = query.filter(jobs::status.eq(status));
        }
        if let Some(kind) = &filter.kind {
            query = query.filter(jobs::kind.eq(kind.clone()));
        }
        query
    };
    let total: i64 = query().count().get_result(conn).await?;
    let rows = query()
        .order(jobs::id.desc())
        .limit(limit)
        .offset(offset)
        .select(JobRow::as_select())
        .load(conn)
        .await?;
    Ok((total, rows))
}

/// Job `id`'s status, locked for the rest of the transaction; `None` when there is no job.
pub async fn lock_status(conn: &mut AsyncPgConnection, id: i64) -> Result<Option<JobStatus>> {
    Ok(jobs::table
        .find(id)
        .for_update()
        .select(jobs::status)
        .first(conn)
        .await
        .optional()?)
}

/// Queues job `id` again at `now`, with a fresh set of attempts.
pub async fn requeue(conn: &mut AsyncPgConnection, id: i64, now: DateTime<Utc>) -> Result<()> {
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
    Ok(())
}

/// One kind's jobs counted by where they are.
#[derive(QueryableByName)]
pub struct KindCounts {
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = BigInt)]
    pub queued: i64,
    #[diesel(sql_type = BigInt)]
    pub done: i64,
    #[diesel(sql_type = BigInt)]
    pub failed: i64,
    #[diesel(sql_type = BigInt)]
    pub retried: i64,
    #[diesel(sql_type = BigInt)]
    pub due: i64,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub oldest_due_at: Option<DateTime<Utc>>,
}

/// Each kind's jobs counted by status, with how many are due at `now` and since when.
pub async fn kind_counts(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
) -> Result<Vec<KindCounts>> {
    Ok(diesel::sql_query(
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
    .await?)
}

/// Starts listening, on `conn`, to the channel the queue notifies on every queued job.
pub async fn listen(conn: &mut AsyncPgConnection) -> Result<()> {
    diesel::sql_query(format!("LISTEN {NOTIFY_CHANNEL}"))
        .execute(conn)
        .await?;
    Ok(())
}
