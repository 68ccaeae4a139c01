//! A failed job queued again.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::load;
use crate::authz;
use crate::authz::Principal;
use cchc_db::jobs;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::job::{Job, JobStatus};

/// Requeues a failed job now, with a fresh set of attempts.
pub async fn retry(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
    now: DateTime<Utc>,
) -> Result<Job> {
    authz::require_admin(principal)?;
    conn.transaction(async |conn| -> Result<Job> {
        let status = jobs::lock_status(conn, id)
            .await?
            .ok_or(Error::not_found("job"))?;
        if status != JobStatus::Failed {
            return Err(Error::conflict(
                "job_not_failed",
                format!("only failed jobs are retried; this one is {status}"),
            ));
        }
        jobs::requeue(conn, id, now).await?;
        load(conn, id).await
    })
    .await
}
