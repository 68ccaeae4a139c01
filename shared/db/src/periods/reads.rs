//! Reads of a period that several use cases and jobs share.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::PeriodFacts;
use crate::schema::{indicators, period_indicators, period_units, periods, units};
use cchc_domain::model::period::PeriodStatus;
use cchc_domain::Result;

/// Period `id`'s facts, if it exists.
pub async fn period_facts(mut conn: &AsyncPgConnection, id: i64) -> Result<Option<PeriodFacts>> {
    Ok(periods::table
        .find(id)
        .select(PeriodFacts::as_select())
        .first(&mut conn)
        .await
        .optional()?)
}

/// The open periods, nearest deadline first.
pub async fn open_period_ids(conn: &mut AsyncPgConnection) -> Result<Vec<i64>> {
    Ok(periods::table
        .filter(periods::status.eq(PeriodStatus::Open))
        .order(periods::deadline)
        .select(periods::id)
        .load(conn)
        .await?)
}

/// The facts of every open period, in the order they were created (planning's order).
pub async fn open_period_facts(conn: &mut AsyncPgConnection) -> Result<Vec<PeriodFacts>> {
    Ok(periods::table
        .filter(periods::status.eq(PeriodStatus::Open))
        .order(periods::id)
        .select(PeriodFacts::as_select())
        .load(conn)
        .await?)
}

/// Whether period `id` exists.
pub async fn exists(conn: &mut AsyncPgConnection, id: i64) -> Result<bool> {
    let count: i64 = periods::table
        .filter(periods::id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    Ok(count > 0)
}

/// Period `id`'s code and status (an error when it does not exist).
pub async fn code_and_status(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> Result<(String, PeriodStatus)> {
    Ok(periods::table
        .find(id)
        .select((periods::code, periods::status))
        .first(conn)
        .await?)
}

/// The units taking part in period `id`.
pub async fn participant_ids(conn: &mut AsyncPgConnection, id: i64) -> Result<Vec<i64>> {
    Ok(period_units::table
        .filter(period_units::period_id.eq(id))
        .select(period_units::unit_id)
        .load(conn)
        .await?)
}

/// The id of indicator `code` if period `period_id` asks for it.
pub async fn indicator_id_by_code(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    code: &str,
) -> Result<Option<i64>> {
    Ok(period_indicators::table
        .inner_join(indicators::table)
        .filter(period_indicators::period_id.eq(period_id))
        .filter(indicators::code.eq(code))
        .select(indicators::id)
        .first(conn)
        .await
        .optional()?)
}

/// Period `id`'s title (an error when it does not exist). It takes a shared connection so it
/// can be pipelined.
pub async fn title(mut conn: &AsyncPgConnection, id: i64) -> Result<String> {
    Ok(periods::table
        .find(id)
        .select(periods::title)
        .first(&mut conn)
        .await?)
}

/// The id of period `code`, if there is one.
pub async fn id_by_code(conn: &mut AsyncPgConnection, code: &str) -> Result<Option<i64>> {
    Ok(periods::table
        .filter(periods::code.eq(code))
        .select(periods::id)
        .first(conn)
        .await
        .optional()?)
}

/// Whether unit `unit_id` takes part in period `period_id`.
pub async fn participates(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    unit_id: i64,
) -> Result<bool> {
    let n: i64 = period_units::table
        .filter(period_units::period_id.eq(period_id))
        .filter(period_units::unit_id.eq(unit_id))
        .count()
        .get_result(conn)
        .await?;
    Ok(n > 0)
}

/// The units taking part in period `id` (id, code, name), by code.
pub async fn participants(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> Result<Vec<(i64, String, String)>> {
    Ok(period_units::table
        .inner_join(units::table)
        .filter(period_units::period_id.eq(id))
        .order(units::code.asc())
        .select((units::id, units::code, units::name))
        .load(conn)
        .await?)
}

/// How many indicators and how many units period `id` has.
pub async fn set_up_counts(conn: &mut AsyncPgConnection, id: i64) -> Result<(i64, i64)> {
    let indicators: i64 = period_indicators::table
        .filter(period_indicators::period_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    let units: i64 = period_units::table
        .filter(period_units::period_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    Ok((indicators, units))
}

/// The periods (open or closed, not drafts) whose reports include indicator `indicator_id`,
/// latest deadline first, at most `limit`: (id, code).
pub async fn measuring(
    conn: &mut AsyncPgConnection,
    indicator_id: i64,
    limit: i64,
) -> Result<Vec<(i64, String)>> {
    Ok(periods::table
        .inner_join(period_indicators::table)
        .filter(period_indicators::indicator_id.eq(indicator_id))
        .filter(periods::status.ne(PeriodStatus::Draft))
        .order((periods::deadline.desc(), periods::id.desc()))
        .limit(limit)
        .select((periods::id, periods::code))
        .load(conn)
        .await?)
}

/// Period `id`'s code and the last day of its data window (its cut-off), if it exists.
pub async fn cutoff(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> Result<Option<(String, chrono::NaiveDate)>> {
    Ok(periods::table
        .find(id)
        .select((periods::code, periods::data_to))
        .first(conn)
        .await
        .optional()?)
}
