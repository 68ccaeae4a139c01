//! Escalations of late units (`escalations`): one row per period, unit and level, written
//! once by planning and read by the mail jobs and the Office's list.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{escalations, units};
use cchc_domain::rules::reminders::EscalationLevel;
use cchc_domain::Result;

/// An escalation planning has decided on.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = escalations)]
pub struct NewEscalation {
    pub period_id: i64,
    pub unit_id: i64,
    pub level: EscalationLevel,
    pub deadline: DateTime<Utc>,
    pub escalated_at: DateTime<Utc>,
    pub minutes_late: i32,
}

/// Inserts `escalation` unless its (period, unit, level) is already recorded; the new id, or
/// `None` when it was (another pass or replica got there first).
pub async fn insert_if_new(
    conn: &mut AsyncPgConnection,
    escalation: &NewEscalation,
) -> Result<Option<i64>> {
    Ok(diesel::insert_into(escalations::table)
        .values(escalation)
        .on_conflict_do_nothing()
        .returning(escalations::id)
        .get_result(conn)
        .await
        .optional()?)
}

/// The unit and the deadline missed of each of escalations `ids`.
pub async fn units_and_deadlines(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> Result<Vec<(i64, DateTime<Utc>)>> {
    Ok(escalations::table
        .filter(escalations::id.eq_any(ids))
        .select((escalations::unit_id, escalations::deadline))
        .load(conn)
        .await?)
}

/// Every (unit, level) escalated in period `period_id`. It takes a shared connection so it
/// can be pipelined with the board's other reads.
pub async fn unit_levels(
    mut conn: &AsyncPgConnection,
    period_id: i64,
) -> Result<Vec<(i64, EscalationLevel)>> {
    Ok(escalations::table
        .filter(escalations::period_id.eq(period_id))
        .select((escalations::unit_id, escalations::level))
        .load(&mut conn)
        .await?)
}

/// How many escalations period `period_id` has.
pub async fn count_of_period(conn: &mut AsyncPgConnection, period_id: i64) -> Result<i64> {
    Ok(escalations::table
        .filter(escalations::period_id.eq(period_id))
        .count()
        .get_result(conn)
        .await?)
}

/// One escalation as the Office's list shows it.
#[derive(Debug, Clone, Queryable)]
pub struct EscalationListRow {
    pub unit_code: String,
    pub unit_name: String,
    pub level: EscalationLevel,
    pub deadline: DateTime<Utc>,
    pub escalated_at: DateTime<Utc>,
    pub minutes_late: i32,
}

/// A page of period `period_id`'s escalations, in the order they happened.
pub async fn page_of_period(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<EscalationListRow>> {
    Ok(escalations::table
        .inner_join(units::table)
        .filter(escalations::period_id.eq(period_id))
        .order(escalations::id)
        .limit(limit)
        .offset(offset)
        .select((
            units::code,
            units::name,
            escalations::level,
            escalations::deadline,
            escalations::escalated_at,
            escalations::minutes_late,
        ))
        .load(conn)
        .await?)
}
