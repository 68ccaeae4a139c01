//! Where each participating unit's report stands in a period: the read planning, the
//! reminders and the escalations share, and the contacts they write to.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{period_extensions, period_units, submissions, unit_contacts, units};
use cchc_domain::model::submission::SubmissionStatus;
use cchc_domain::model::unit::ContactRole;
use cchc_domain::Result;

/// A participating unit of an open period and where its report is.
#[derive(Debug, Clone, QueryableByName, Queryable)]
pub struct UnitStanding {
    #[diesel(sql_type = BigInt)]
    pub unit_id: i64,
    #[diesel(sql_type = Text)]
    pub code: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub extension_deadline: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub submission_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub submission_status: Option<SubmissionStatus>,
    #[diesel(sql_type = Nullable<Text>)]
    pub return_reason: Option<String>,
}

impl UnitStanding {
    /// A returned report counts as not submitted until it is submitted again.
    pub fn is_returned(&self) -> bool {
        self.submission_status == Some(SubmissionStatus::Returned)
    }

    /// Not submitted: no report, a draft, or a report returned and not yet resubmitted.
    pub fn is_missing(&self) -> bool {
        matches!(
            self.submission_status,
            None | Some(SubmissionStatus::Draft | SubmissionStatus::Returned)
        )
    }

    pub fn deadline(&self, period_deadline: DateTime<Utc>) -> DateTime<Utc> {
        self.extension_deadline.unwrap_or(period_deadline)
    }
}

const STANDINGS: &str =
    "SELECT u.id AS unit_id, u.code, u.name, e.deadline AS extension_deadline, \
        s.id AS submission_id, s.status AS submission_status, s.return_reason \
    FROM period_units pu \
    JOIN units u ON u.id = pu.unit_id \
    LEFT JOIN period_extensions e ON e.period_id = pu.period_id AND e.unit_id = pu.unit_id \
    LEFT JOIN submissions s ON s.period_id = pu.period_id AND s.unit_id = pu.unit_id \
    WHERE pu.period_id = $1 AND u.active";

/// The participating (active) units of a period with their report's status, by code.
pub async fn unit_standings(
    conn: &mut AsyncPgConnection,
    period_id: i64,
) -> Result<Vec<UnitStanding>> {
    Ok(diesel::sql_query(format!("{STANDINGS} ORDER BY u.code"))
        .bind::<BigInt, _>(period_id)
        .load(conn)
        .await?)
}

/// One unit's standing in a period (`None` when it does not take part or is inactive): what
/// [`unit_standings`] reads for every unit, written with the query builder so the statement
/// is prepared once per connection (a reminder runs it once per mail; a text query would be
/// parsed and planned every time). It takes a shared connection so it can be pipelined.
pub async fn unit_standing(
    mut conn: &AsyncPgConnection,
    period_id: i64,
    unit_id: i64,
) -> Result<Option<UnitStanding>> {
    Ok(period_units::table
        .inner_join(units::table)
        .left_join(
            period_extensions::table.on(period_extensions::period_id
                .eq(period_units::period_id)
                .and(period_extensions::unit_id.eq(period_units::unit_id))),
        )
        .left_join(
            submissions::table.on(submissions::period_id
                .eq(period_units::period_id)
                .and(submissions::unit_id.eq(period_units::unit_id))),
        )
        .filter(period_units::period_id.eq(period_id))
        .filter(units::id.eq(unit_id))
        .filter(units::active)
        .select((
            units::id,
            units::code,
            units::name,
            period_extensions::deadline.nullable(),
            submissions::id.nullable(),
            submissions::status.nullable(),
            submissions::return_reason.nullable(),
        ))
        .first::<UnitStanding>(&mut conn)
        .await
        .optional()?)
}

/// Whom mail about a unit goes to: one of its heads or focal persons.
#[derive(Debug, Clone, Queryable)]
pub struct MailContact {
    pub unit_id: i64,
    pub role: ContactRole,
    pub name: String,
    pub email: String,
}

/// The heads and focal persons of units `unit_ids`, by unit, in the order they were listed.
pub async fn mail_contacts(
    conn: &mut AsyncPgConnection,
    unit_ids: &[i64],
) -> Result<Vec<MailContact>> {
    Ok(unit_contacts::table
        .filter(unit_contacts::unit_id.eq_any(unit_ids))
        .order((unit_contacts::unit_id, unit_contacts::sort_order))
        .select((
            unit_contacts::unit_id,
            unit_contacts::role,
            unit_contacts::name,
            unit_contacts::email,
        ))
        .load(conn)
        .await?)
}
