//! A job of the queue, the list, and the counts: the Office only.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

use crate::authz;
use crate::authz::Principal;
use crate::repo::local_opt;
use cchc_db::jobs::{self, JobRow};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::job::{Job, JobFilter, JobKindStats, JobPage, JobStats};
use cchc_domain::model::PageParams;

/// A job of the worker's queue: the Office only.
pub async fn get(conn: &mut AsyncPgConnection, id: i64, principal: &Principal) -> Result<Job> {
    authz::require_admin(principal)?;
    load(conn, id).await
}

/// The same without an access check (callers have done it).
pub(crate) async fn load(conn: &mut AsyncPgConnection, id: i64) -> Result<Job> {
    Ok(jobs::find(conn, id)
        .await?
        .ok_or(Error::not_found("job"))?
        .into_model())
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &JobFilter,
    page: PageParams,
    principal: &Principal,
) -> Result<JobPage> {
    authz::require_admin(principal)?;
    let (page, per_page) = page.validate()?;
    let list_filter = jobs::ListFilter {
        status: filter.status,
        kind: filter.kind.as_deref().map(|kind| kind.trim().to_owned()),
    };
    let offset = PageParams::offset(page, per_page);
    let (total, rows) = jobs::page(conn, &list_filter, per_page, offset).await?;
    Ok(JobPage {
        items: rows.into_iter().map(JobRow::into_model).collect(),
        page,
        per_page,
        total,
    })
}

/// Counts by kind and status, and the backlog of due jobs at `now`.
pub async fn stats(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    now: DateTime<Utc>,
) -> Result<JobStats> {
    authz::require_admin(principal)?;
    let rows = jobs::kind_counts(conn, now).await?;
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
