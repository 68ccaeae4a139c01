//! A report's row found, locked and moved: its revision, its narrative, its submission and its
//! review.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::SubmissionRow;
use crate::schema::submissions;
use cchc_domain::model::submission::SubmissionStatus;
use cchc_domain::rules::timeliness::Timeliness;
use cchc_domain::Result;

/// Submission `id`'s row, if it exists; `lock` takes the row lock for the rest of the
/// transaction.
pub async fn find(
    conn: &mut AsyncPgConnection,
    id: i64,
    lock: bool,
) -> Result<Option<SubmissionRow>> {
    let query = submissions::table
        .find(id)
        .select(SubmissionRow::as_select());
    Ok(if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    })
}

/// Sets submission `id` at `revision` (a change to its files makes a new revision).
pub async fn set_revision(
    conn: &mut AsyncPgConnection,
    id: i64,
    revision: i32,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::update(submissions::table.find(id))
        .set((
            submissions::revision.eq(revision),
            submissions::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets submission `id`'s narrative at `revision`; the row as it is now. It takes a shared
/// connection so it can be pipelined with the writes of values and evidence.
pub async fn set_narrative(
    mut conn: &AsyncPgConnection,
    id: i64,
    narrative: Option<&str>,
    revision: i32,
    now: DateTime<Utc>,
) -> Result<SubmissionRow> {
    Ok(diesel::update(submissions::table.find(id))
        .set((
            submissions::narrative.eq(narrative),
            submissions::revision.eq(revision),
            submissions::updated_at.eq(now),
        ))
        .returning(SubmissionRow::as_returning())
        .get_result(&mut conn)
        .await?)
}

/// What a submission changes on the report's row.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = submissions, treat_none_as_null = true)]
pub struct Submitted {
    pub status: SubmissionStatus,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub first_timeliness: Option<Timeliness>,
    pub first_minutes_late: Option<i32>,
    pub last_submitted_at: DateTime<Utc>,
    pub submit_count: i32,
    pub revision: i32,
    pub updated_at: DateTime<Utc>,
    pub submitted_by: Option<String>,
}

/// What a review (return or acceptance) changes on the report's row.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = submissions, treat_none_as_null = true)]
pub struct Reviewed {
    pub status: SubmissionStatus,
    pub return_reason: Option<String>,
    pub returned_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub revision: i32,
    pub updated_at: DateTime<Utc>,
    pub reviewed_by: Option<String>,
}

/// Records the submission of report `id`; the row as it is now.
pub async fn record_submitted(
    conn: &mut AsyncPgConnection,
    id: i64,
    change: &Submitted,
) -> Result<SubmissionRow> {
    Ok(diesel::update(submissions::table.find(id))
        .set(change)
        .returning(SubmissionRow::as_returning())
        .get_result(conn)
        .await?)
}

/// Records the review of report `id`; the row as it is now.
pub async fn record_reviewed(
    conn: &mut AsyncPgConnection,
    id: i64,
    change: &Reviewed,
) -> Result<SubmissionRow> {
    Ok(diesel::update(submissions::table.find(id))
        .set(change)
        .returning(SubmissionRow::as_returning())
        .get_result(conn)
        .await?)
}
