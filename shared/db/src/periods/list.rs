//! The periods as the list shows them.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::PeriodRow;
use crate::schema::{period_indicators, period_units, periods};
use cchc_domain::model::period::PeriodStatus;
use cchc_domain::rules::cutoff::{Frequency, ReportType};
use cchc_domain::Result;

/// Which periods to list; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub status: Option<PeriodStatus>,
    pub frequency: Option<Frequency>,
    pub report_type: Option<ReportType>,
    pub year: Option<i32>,
    /// An `ILIKE` pattern the code or the title matches.
    pub pattern: Option<String>,
}

/// How many periods `filter` keeps, and a page of them, latest deadline first.
pub async fn page(
    conn: &mut AsyncPgConnection,
    filter: &ListFilter,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<PeriodRow>)> {
    let query = || {
        let mut query = periods::table.into_boxed();
        if let Some(status) = filter.status {
            query = query.filter(periods::status.eq(status));
        }
        if let Some(frequency) = filter.frequency {
            query = query.filter(periods::frequency.eq(frequency));
        }
        if let Some(report_type) = filter.report_type {
            query = query.filter(periods::report_type.eq(report_type));
        }
        if let Some(year) = filter.year {
            query = query.filter(periods::year.eq(year));
        }
        if let Some(pattern) = &filter.pattern {
            query = query.filter(
                periods::code
                    .ilike(pattern.clone())
                    .or(periods::title.ilike(pattern.clone())),
            );
        }
        query
    };
    let total: i64 = query().count().get_result(conn).await?;
    let rows = query()
        .order((periods::deadline.desc(), periods::id.desc()))
        .limit(limit)
        .offset(offset)
        .select(PeriodRow::as_select())
        .load(conn)
        .await?;
    Ok((total, rows))
}

/// How many indicators each of periods `ids` has (periods with none are absent).
pub async fn indicator_counts(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> Result<HashMap<i64, i64>> {
    Ok(period_indicators::table
        .filter(period_indicators::period_id.eq_any(ids))
        .group_by(period_indicators::period_id)
        .select((period_indicators::period_id, diesel::dsl::count_star()))
        .load::<(i64, i64)>(conn)
        .await?
        .into_iter()
        .collect())
}

/// How many units take part in each of periods `ids` (periods with none are absent).
pub async fn unit_counts(conn: &mut AsyncPgConnection, ids: &[i64]) -> Result<HashMap<i64, i64>> {
    Ok(period_units::table
        .filter(period_units::period_id.eq_any(ids))
        .group_by(period_units::period_id)
        .select((period_units::period_id, diesel::dsl::count_star()))
        .load::<(i64, i64)>(conn)
        .await?
        .into_iter()
        .collect())
}
