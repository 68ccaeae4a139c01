//! Reads of `submissions` that jobs share with the use cases.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::submissions;
use cchc_domain::rules::timeliness::Timeliness;
use cchc_domain::Result;

/// What a receipt says of a report: where it belongs, when it was submitted, returned or
/// accepted, and how timely its first submission was.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = submissions)]
pub struct ReceiptFacts {
    pub period_id: i64,
    pub unit_id: i64,
    pub last_submitted_at: Option<DateTime<Utc>>,
    pub first_timeliness: Option<Timeliness>,
    pub first_minutes_late: Option<i32>,
    pub return_reason: Option<String>,
    pub returned_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
}

/// Submission `id`'s receipt facts, if it exists.
pub async fn receipt_facts(conn: &mut AsyncPgConnection, id: i64) -> Result<Option<ReceiptFacts>> {
    Ok(submissions::table
        .find(id)
        .select(ReceiptFacts::as_select())
        .first(conn)
        .await
        .optional()?)
}
