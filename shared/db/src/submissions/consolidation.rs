//! What the consolidated report reads: the reports it counts and their values, streamed, and
//! the counter that tells the boards' caches whether anything changed.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use futures_util::Stream;

use super::ValueRow;
use crate::schema::{board_generation, submission_values, submissions, units};
use cchc_domain::model::submission::SubmissionStatus;
use cchc_domain::Result;

/// The counter that moves whenever a compliance board or a consolidated report could change
/// (migration `2026-12-02-000100_board_generation`): read it before the data a cached value is
/// computed from.
pub async fn board_generation(conn: &mut AsyncPgConnection) -> Result<i64> {
    Ok(board_generation::table
        .select(board_generation::generation)
        .first(conn)
        .await?)
}

/// Which reports of a period a consolidation counts.
#[derive(Debug, Clone, Copy)]
pub struct Counted<'a> {
    pub period_id: i64,
    pub statuses: &'a [SubmissionStatus],
    /// Only these units' reports, when given (a subtree).
    pub unit_ids: Option<&'a [i64]>,
}

/// The reports `counted` keeps (id, unit code, unit name), by unit code. It takes a shared
/// connection so it can be pipelined.
pub async fn counted_reports(
    mut conn: &AsyncPgConnection,
    counted: Counted<'_>,
) -> Result<Vec<(i64, String, String)>> {
    let mut query = submissions::table
        .inner_join(units::table)
        .filter(submissions::period_id.eq(counted.period_id))
        .filter(submissions::status.eq_any(counted.statuses.to_vec()))
        .into_boxed();
    if let Some(ids) = counted.unit_ids {
        query = query.filter(submissions::unit_id.eq_any(ids.to_vec()));
    }
    let mut reports: Vec<(i64, String, String)> = query
        .select((submissions::id, units::code, units::name))
        .load(&mut conn)
        .await?;
    // Sorted here by the codes' bytes: an ORDER BY under the database's collation (C.UTF-8,
    // vi_VN) costs a 5,000-unit period four times the read itself, and codes are ASCII.
    reports.sort_unstable_by(|a, b| a.1.cmp(&b.1));
    Ok(reports)
}

/// The values of the reports `counted` keeps, each with its unit's code and name, streamed in
/// whatever order the plan gives (no sort of 120,000 rows) so the caller can fold them as
/// they come.
pub async fn counted_values<'c>(
    mut conn: &'c AsyncPgConnection,
    counted: Counted<'_>,
) -> Result<impl Stream<Item = diesel::QueryResult<(ValueRow, String, String)>> + Send + 'c> {
    let mut query = submission_values::table
        .inner_join(submissions::table.inner_join(units::table))
        .filter(submissions::period_id.eq(counted.period_id))
        .filter(submissions::status.eq_any(counted.statuses.to_vec()))
        .into_boxed();
    if let Some(ids) = counted.unit_ids {
        query = query.filter(submissions::unit_id.eq_any(ids.to_vec()));
    }
    Ok(query
        .select((ValueRow::as_select(), units::code, units::name))
        .load_stream::<(ValueRow, String, String)>(&mut conn)
        .await?)
}

/// The narratives of a period's reports by the units `unit_codes` names (unit code, unit name,
/// narrative), by unit code: the text of the consolidated report's draft.
pub async fn narratives_of_units(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    unit_codes: &[String],
) -> Result<Vec<(String, String, Option<String>)>> {
    Ok(submissions::table
        .inner_join(units::table)
        .filter(submissions::period_id.eq(period_id))
        .filter(units::code.eq_any(unit_codes))
        .order(units::code.asc())
        .select((units::code, units::name, submissions::narrative))
        .load(conn)
        .await?)
}
