//! The versions of a report (`submission_versions`): what was submitted each time, frozen.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use crate::schema::submission_versions;
use cchc_domain::rules::timeliness::Timeliness;
use cchc_domain::Result;

/// One version as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = submission_versions)]
pub struct SubmittedVersion {
    pub submission_id: i64,
    pub version: i32,
    pub submitted_at: DateTime<Utc>,
    pub submitted_by: String,
    pub timeliness: Timeliness,
    pub minutes_late: i32,
    pub deadline: DateTime<Utc>,
    pub content: Value,
    pub changes: Value,
}

/// The content of report `submission_id`'s latest version, if it was ever submitted.
pub async fn latest_content(
    conn: &mut AsyncPgConnection,
    submission_id: i64,
) -> Result<Option<Value>> {
    Ok(submission_versions::table
        .filter(submission_versions::submission_id.eq(submission_id))
        .order(submission_versions::version.desc())
        .select(submission_versions::content)
        .first(conn)
        .await
        .optional()?)
}

/// Records `version`.
pub async fn insert_version(
    conn: &mut AsyncPgConnection,
    version: &SubmittedVersion,
) -> Result<()> {
    diesel::insert_into(submission_versions::table)
        .values(version)
        .execute(conn)
        .await?;
    Ok(())
}

/// How many versions report `submission_id` has.
pub async fn count_versions(conn: &mut AsyncPgConnection, submission_id: i64) -> Result<i64> {
    Ok(submission_versions::table
        .filter(submission_versions::submission_id.eq(submission_id))
        .count()
        .get_result(conn)
        .await?)
}

/// A page of report `submission_id`'s versions, newest first.
pub async fn page_of_versions(
    conn: &mut AsyncPgConnection,
    submission_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<SubmittedVersion>> {
    Ok(submission_versions::table
        .filter(submission_versions::submission_id.eq(submission_id))
        .order(submission_versions::version.desc())
        .limit(limit)
        .offset(offset)
        .select(SubmittedVersion::as_select())
        .load(conn)
        .await?)
}
