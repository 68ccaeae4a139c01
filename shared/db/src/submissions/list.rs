//! The reports of a period as the list shows them.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::SubmissionRow;
use crate::schema::{submissions, units};
use cchc_domain::model::submission::SubmissionStatus;
use cchc_domain::Result;

/// Which of a period's reports to list; every condition given must hold.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListFilter {
    pub status: Option<SubmissionStatus>,
    pub unit_id: Option<i64>,
    /// The caller's own unit, when it may read only that one.
    pub own_unit_id: Option<i64>,
}

/// A report in the list, with its unit's code and name.
#[derive(Debug, Clone, Queryable)]
pub struct ListedSubmission {
    pub row: SubmissionRow,
    pub unit_code: String,
    pub unit_name: String,
}

/// How many of period `period_id`'s reports `filter` keeps, and a page of them by unit code.
pub async fn page_of_period(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    filter: ListFilter,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<ListedSubmission>)> {
    let query = || {
        let mut query = submissions::table
            .inner_join(units::table)
            .filter(submissions::period_id.eq(period_id))
            .into_boxed();
        if let Some(status) = filter.status {
            query = query.filter(submissions::status.eq(status));
        }
        if let Some(unit_id) = filter.unit_id {
            query = query.filter(submissions::unit_id.eq(unit_id));
        }
        if let Some(own) = filter.own_unit_id {
            query = query.filter(submissions::unit_id.eq(own));
        }
        query
    };
    let total: i64 = query().count().get_result(conn).await?;
    let rows = query()
        .order(units::code.asc())
        .limit(limit)
        .offset(offset)
        .select((SubmissionRow::as_select(), units::code, units::name))
        .load(conn)
        .await?;
    Ok((total, rows))
}
