//! A period's running figures (migration `2026-12-06-000100_period_running_sums`): the
//! compliance board's counts, kept by triggers, and the consolidation's per-report figures and
//! per-indicator sums, kept by the use cases in the transaction of each status change. Every
//! change takes the period's lock ([`lock`]) before it touches them.

use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;

use crate::schema::{
    period_board_counts, period_extensions, period_figures, period_indicator_sums,
    period_running_totals, period_units, submissions, units,
};
use crate::submissions::BoardRow;
use cchc_domain::model::submission::SubmissionStatus;
use cchc_domain::rules::timeliness::Timeliness;
use cchc_domain::Result;

/// A period's running state: the latest first submission and whether the consolidation's
/// sums must be rebuilt before they are read.
#[derive(Debug, Clone, Copy, Queryable)]
pub struct RunningState {
    pub latest_first_submitted_at: Option<DateTime<Utc>>,
    pub consolidation_stale: bool,
}

/// Period `period_id`'s running state, if the period exists.
pub async fn state(mut conn: &AsyncPgConnection, period_id: i64) -> Result<Option<RunningState>> {
    Ok(period_running_totals::table
        .find(period_id)
        .select((
            period_running_totals::latest_first_submitted_at,
            period_running_totals::consolidation_stale,
        ))
        .first(&mut conn)
        .await
        .optional()?)
}

/// Takes period `period_id`'s lock for the rest of the transaction; its state, `None` when the
/// period does not exist.
pub async fn lock(conn: &mut AsyncPgConnection, period_id: i64) -> Result<Option<RunningState>> {
    Ok(period_running_totals::table
        .find(period_id)
        .select((
            period_running_totals::latest_first_submitted_at,
            period_running_totals::consolidation_stale,
        ))
        .for_update()
        .first(conn)
        .await
        .optional()?)
}

/// Declares that this transaction keeps the consolidation's sums itself: without it, a
/// report that starts or stops counting marks its period's sums stale (migration
/// `2026-12-06-000100_period_running_sums`), so a change made outside the use cases (a script,
/// a data load) is never missed.
pub async fn keep_sums(conn: &mut AsyncPgConnection) -> Result<()> {
    diesel::sql_query("SELECT set_config('cchc.sums_kept', 'on', true)")
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks the period's sums as current (`false`) or to be rebuilt (`true`).
/// The periods whose consolidation sums are marked stale, oldest first.
pub async fn stale_periods(conn: &mut AsyncPgConnection) -> Result<Vec<i64>> {
    Ok(period_running_totals::table
        .filter(period_running_totals::consolidation_stale)
        .order(period_running_totals::period_id)
        .select(period_running_totals::period_id)
        .load(conn)
        .await?)
}

pub async fn set_stale(conn: &mut AsyncPgConnection, period_id: i64, stale: bool) -> Result<()> {
    diesel::update(period_running_totals::table.find(period_id))
        .set(period_running_totals::consolidation_stale.eq(stale))
        .execute(conn)
        .await?;
    Ok(())
}

/// How many participating units stand in one way.
#[derive(Debug, Clone, Queryable)]
pub struct BoardCount {
    pub status: Option<SubmissionStatus>,
    pub timeliness: Option<Timeliness>,
    pub extension_deadline: Option<DateTime<Utc>>,
    pub units: i32,
}

/// The period's board counts (a handful of rows whatever the number of units).
pub async fn board_counts(mut conn: &AsyncPgConnection, period_id: i64) -> Result<Vec<BoardCount>> {
    Ok(period_board_counts::table
        .filter(period_board_counts::period_id.eq(period_id))
        .filter(period_board_counts::units.ne(0))
        .select((
            period_board_counts::status,
            period_board_counts::timeliness,
            period_board_counts::extension_deadline,
            period_board_counts::units,
        ))
        .load(&mut conn)
        .await?)
}

/// The period's participating units whose report was first submitted after `as_of` (a board
/// looking back), counted by status, first timeliness and extension like [`board_counts`]:
/// an index range, empty for a board of the present.
pub async fn reported_after(
    mut conn: &AsyncPgConnection,
    period_id: i64,
    as_of: DateTime<Utc>,
) -> Result<Vec<BoardCount>> {
    type Later = (SubmissionStatus, Option<Timeliness>, Option<DateTime<Utc>>);
    let rows: Vec<Later> = submissions::table
        .inner_join(
            period_units::table.on(period_units::period_id
                .eq(submissions::period_id)
                .and(period_units::unit_id.eq(submissions::unit_id))),
        )
        .left_join(
            period_extensions::table.on(period_extensions::period_id
                .eq(submissions::period_id)
                .and(period_extensions::unit_id.eq(submissions::unit_id))),
        )
        .filter(submissions::period_id.eq(period_id))
        .filter(submissions::first_submitted_at.gt(as_of))
        .select((
            submissions::status,
            submissions::first_timeliness,
            period_extensions::deadline.nullable(),
        ))
        .load(&mut conn)
        .await?;
    let mut counts: Vec<BoardCount> = Vec::new();
    for (status, timeliness, extension_deadline) in rows {
        match counts.iter_mut().find(|c| {
            c.status == Some(status)
                && c.timeliness == timeliness
                && c.extension_deadline == extension_deadline
        }) {
            Some(count) => count.units += 1,
            None => counts.push(BoardCount {
                status: Some(status),
                timeliness,
                extension_deadline,
                units: 1,
            }),
        }
    }
    Ok(counts)
}

/// Which units a page of the board lists.
#[derive(Debug, Clone, Copy)]
pub enum BoardFilter {
    All,
    /// Reported by `as_of` with this timeliness.
    Reported(Timeliness, DateTime<Utc>),
    /// Not reported by `as_of`, and past their deadline (`missing`) or not; `past_period` says
    /// whether `as_of` is past the period's own deadline.
    Unreported {
        as_of: DateTime<Utc>,
        missing: bool,
        past_period: bool,
    },
}

/// One page of the period's participating units matching `filter`, in unit-code order.
pub async fn board_page(
    mut conn: &AsyncPgConnection,
    period_id: i64,
    filter: BoardFilter,
    offset: i64,
    limit: i64,
) -> Result<Vec<BoardRow>> {
    let mut query = period_units::table
        .inner_join(units::table)
        .left_join(
            submissions::table.on(submissions::period_id
                .eq(period_units::period_id)
                .and(submissions::unit_id.eq(period_units::unit_id))),
        )
        .left_join(
            period_extensions::table.on(period_extensions::period_id
                .eq(period_units::period_id)
                .and(period_extensions::unit_id.eq(period_units::unit_id))),
        )
        .filter(period_units::period_id.eq(period_id))
        .into_boxed();
    match filter {
        BoardFilter::All => {}
        BoardFilter::Reported(timeliness, as_of) => {
            query = query
                .filter(submissions::first_timeliness.eq(Some(timeliness)))
                .filter(submissions::first_submitted_at.le(as_of));
        }
        BoardFilter::Unreported {
            as_of,
            missing,
            past_period,
        } => {
            query = query.filter(
                submissions::first_submitted_at
                    .is_null()
                    .or(submissions::first_submitted_at.gt(as_of))
                    .or(submissions::first_timeliness.is_null())
                    .or(submissions::id.nullable().is_null()),
            );
            query = match (missing, past_period) {
                (true, true) => query.filter(
                    period_extensions::deadline
                        .nullable()
                        .is_null()
                        .or(period_extensions::deadline.lt(as_of)),
                ),
                (true, false) => query.filter(period_extensions::deadline.lt(as_of)),
                (false, true) => query.filter(period_extensions::deadline.ge(as_of)),
                (false, false) => query.filter(
                    period_extensions::deadline
                        .nullable()
                        .is_null()
                        .or(period_extensions::deadline.ge(as_of)),
                ),
            };
        }
    }
    Ok(query
        .order(units::code.asc())
        .offset(offset)
        .limit(limit)
        .select(crate::submissions::board_columns())
        .load(&mut conn)
        .await?)
}

/// What one counted report adds to one indicator, as stored.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = period_figures)]
pub struct FigureRow {
    pub submission_id: i64,
    pub indicator_id: i64,
    pub period_id: i64,
    pub unit_code: String,
    pub accepted: bool,
    pub reports_text: bool,
    pub usable: bool,
    pub numerator: Option<Decimal>,
    pub denominator: Option<Decimal>,
    pub number: Option<Decimal>,
    pub figure: Option<Decimal>,
    pub extreme: Option<Decimal>,
    pub weight: Option<Decimal>,
    pub weighted: Option<Decimal>,
    pub yes: bool,
    pub fails_target: bool,
    pub unit_figure: Option<Decimal>,
    pub system_value: Option<Decimal>,
    pub difference: Option<Decimal>,
    pub explanation: Option<String>,
}

/// Report `submission_id`'s figures.
pub async fn figures_of(
    conn: &mut AsyncPgConnection,
    submission_id: i64,
) -> Result<Vec<FigureRow>> {
    Ok(period_figures::table
        .filter(period_figures::submission_id.eq(submission_id))
        .order(period_figures::indicator_id)
        .select(FigureRow::as_select())
        .load(conn)
        .await?)
}

pub async fn insert_figures(conn: &mut AsyncPgConnection, rows: &[FigureRow]) -> Result<()> {
    for chunk in rows.chunks(2000) {
        diesel::insert_into(period_figures::table)
            .values(chunk)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Marks report `submission_id`'s figures as accepted.
pub async fn accept_figures(conn: &mut AsyncPgConnection, submission_id: i64) -> Result<()> {
    diesel::update(period_figures::table.filter(period_figures::submission_id.eq(submission_id)))
        .set(period_figures::accepted.eq(true))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete_figures(conn: &mut AsyncPgConnection, submission_id: i64) -> Result<()> {
    diesel::delete(period_figures::table.filter(period_figures::submission_id.eq(submission_id)))
        .execute(conn)
        .await?;
    Ok(())
}

/// One indicator's running sums, as stored.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = period_indicator_sums)]
pub struct SumsRow {
    pub period_id: i64,
    pub indicator_id: i64,
    pub accepted_only: bool,
    pub usable: i64,
    pub texts: i64,
    pub numerators: Option<Decimal>,
    pub denominators: Option<Decimal>,
    pub numbers: Option<Decimal>,
    pub figures: Option<Decimal>,
    pub weighted: Option<Decimal>,
    pub weights: Option<Decimal>,
    pub yes: i64,
    pub failing: i64,
    pub lowest_unit: Option<String>,
    pub lowest: Option<Decimal>,
    pub highest_unit: Option<String>,
    pub highest: Option<Decimal>,
}

/// The period's sums over the accepted reports (`accepted_only`) or every counted one.
pub async fn sums(
    mut conn: &AsyncPgConnection,
    period_id: i64,
    accepted_only: bool,
) -> Result<Vec<SumsRow>> {
    Ok(period_indicator_sums::table
        .filter(period_indicator_sums::period_id.eq(period_id))
        .filter(period_indicator_sums::accepted_only.eq(accepted_only))
        .select(SumsRow::as_select())
        .load(&mut conn)
        .await?)
}

/// Writes `rows` over what the sums held.
pub async fn write_sums(conn: &mut AsyncPgConnection, rows: &[SumsRow]) -> Result<()> {
    use diesel::upsert::excluded;
    use period_indicator_sums as s;
    if rows.is_empty() {
        return Ok(());
    }
    diesel::insert_into(s::table)
        .values(rows)
        .on_conflict((s::period_id, s::indicator_id, s::accepted_only))
        .do_update()
        .set((
            s::usable.eq(excluded(s::usable)),
            s::texts.eq(excluded(s::texts)),
            s::numerators.eq(excluded(s::numerators)),
            s::denominators.eq(excluded(s::denominators)),
            s::numbers.eq(excluded(s::numbers)),
            s::figures.eq(excluded(s::figures)),
            s::weighted.eq(excluded(s::weighted)),
            s::weights.eq(excluded(s::weights)),
            s::yes.eq(excluded(s::yes)),
            s::failing.eq(excluded(s::failing)),
            s::lowest_unit.eq(excluded(s::lowest_unit)),
            s::lowest.eq(excluded(s::lowest)),
            s::highest_unit.eq(excluded(s::highest_unit)),
            s::highest.eq(excluded(s::highest)),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Drops the period's figures and sums (before they are rebuilt).
pub async fn clear(conn: &mut AsyncPgConnection, period_id: i64) -> Result<()> {
    diesel::delete(period_figures::table.filter(period_figures::period_id.eq(period_id)))
        .execute(conn)
        .await?;
    diesel::delete(
        period_indicator_sums::table.filter(period_indicator_sums::period_id.eq(period_id)),
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The lowest (or the highest) figure of the indicator among the reports still counted, with
/// its unit (ties: the smallest unit code, byte order): index probes, not a scan.
pub async fn extreme(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    indicator_id: i64,
    accepted_only: bool,
    lowest: bool,
) -> Result<Option<(String, Decimal)>> {
    let base = || {
        let query = period_figures::table
            .filter(period_figures::period_id.eq(period_id))
            .filter(period_figures::indicator_id.eq(indicator_id))
            .filter(period_figures::extreme.is_not_null())
            .into_boxed();
        if accepted_only {
            query.filter(period_figures::accepted)
        } else {
            query
        }
    };
    let by_code = sql::<Text>(r#"unit_code COLLATE "C""#);
    let figure: Option<Option<Decimal>> = if lowest {
        base()
            .order(period_figures::extreme.asc())
            .select(period_figures::extreme)
            .first(conn)
            .await
            .optional()?
    } else {
        base()
            .order(period_figures::extreme.desc())
            .select(period_figures::extreme)
            .first(conn)
            .await
            .optional()?
    };
    let Some(Some(figure)) = figure else {
        return Ok(None);
    };
    let code: String = base()
        .filter(period_figures::extreme.eq(figure))
        .order(by_code.asc())
        .select(period_figures::unit_code)
        .first(conn)
        .await?;
    Ok(Some((code, figure)))
}

/// The period's listed discrepancies (figures that differ from the system's beyond the
/// tolerance), by indicator then unit code.
pub async fn discrepancies(
    mut conn: &AsyncPgConnection,
    period_id: i64,
    accepted_only: bool,
) -> Result<Vec<FigureRow>> {
    let mut query = period_figures::table
        .filter(period_figures::period_id.eq(period_id))
        .filter(period_figures::difference.is_not_null())
        .into_boxed();
    if accepted_only {
        query = query.filter(period_figures::accepted);
    }
    Ok(query.select(FigureRow::as_select()).load(&mut conn).await?)
}
