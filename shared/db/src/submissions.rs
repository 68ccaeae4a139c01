//! `submissions`: starting a draft, and the reads jobs share with the use cases.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::submissions;
use cchc_domain::model::submission::SubmissionStatus;
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

/// Starts a unit's draft report for a period; `None` when the unit already has one (the
/// unique key decides, so two requests at once cannot make two).
pub async fn insert_draft(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    unit_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    Ok(diesel::insert_into(submissions::table)
        .values((
            submissions::period_id.eq(period_id),
            submissions::unit_id.eq(unit_id),
            submissions::status.eq(SubmissionStatus::Draft),
            submissions::created_at.eq(now),
            submissions::updated_at.eq(now),
        ))
        .on_conflict((submissions::period_id, submissions::unit_id))
        .do_nothing()
        .returning(submissions::id)
        .get_result(conn)
        .await
        .optional()?)
}

/// The id of the unit's report for the period, if it has one.
pub async fn id_of(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    unit_id: i64,
) -> Result<Option<i64>> {
    Ok(submissions::table
        .filter(submissions::period_id.eq(period_id))
        .filter(submissions::unit_id.eq(unit_id))
        .select(submissions::id)
        .first(conn)
        .await
        .optional()?)
}
