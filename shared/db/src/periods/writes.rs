//! The writes of a period: its set-up (the row's values, its documents, indicators and units
//! replaced), its status changes, and its deadline re-derived after a calendar change.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{PeriodRow, PeriodValues};
use crate::schema::{
    indicator_versions, indicators, period_documents, period_indicators, period_units, periods,
};
use cchc_domain::model::period::{LegalDocument, PeriodStatus};
use cchc_domain::rules::period_setup::Derived;
use cchc_domain::Result;

/// Says whether a report arriving through QLVB is the unit's submission.
pub async fn set_qlvb_arrival_submits(
    conn: &mut AsyncPgConnection,
    id: i64,
    submits: bool,
) -> Result<()> {
    diesel::update(periods::table.find(id))
        .set(periods::qlvb_arrival_submits.eq(submits))
        .execute(conn)
        .await?;
    Ok(())
}

/// Whether a report of period `id` arriving through QLVB is the unit's submission.
pub async fn qlvb_arrival_submits(conn: &mut AsyncPgConnection, id: i64) -> Result<bool> {
    Ok(periods::table
        .find(id)
        .select(periods::qlvb_arrival_submits)
        .first(conn)
        .await?)
}

/// Inserts a draft period; its id. The raw error is returned so the caller can tell a
/// duplicate code (two concurrent creates) from other failures.
pub async fn insert_draft(
    conn: &mut AsyncPgConnection,
    code: &str,
    values: PeriodValues<'_>,
    now: DateTime<Utc>,
) -> QueryResult<i64> {
    diesel::insert_into(periods::table)
        .values((
            periods::code.eq(code),
            periods::status.eq(PeriodStatus::Draft),
            periods::created_at.eq(now),
            values,
        ))
        .returning(periods::id)
        .get_result(conn)
        .await
}

/// Writes the values of period `id`'s set-up.
pub async fn update_values(
    conn: &mut AsyncPgConnection,
    id: i64,
    values: PeriodValues<'_>,
) -> Result<()> {
    diesel::update(periods::table.find(id))
        .set(values)
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces the documents period `period_id` rests on, in the order given.
pub async fn replace_documents(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    docs: &[LegalDocument],
) -> Result<()> {
    diesel::delete(period_documents::table.filter(period_documents::period_id.eq(period_id)))
        .execute(conn)
        .await?;
    let rows: Vec<_> = docs
        .iter()
        .enumerate()
        .map(|(i, doc)| {
            (
                period_documents::period_id.eq(period_id),
                period_documents::number.eq(doc.number.trim()),
                period_documents::issued_on.eq(doc.issued_on),
                period_documents::title.eq(doc.title.trim()),
                period_documents::sort_order.eq(i16::try_from(i).unwrap_or(i16::MAX)),
            )
        })
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(period_documents::table)
            .values(rows)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Replaces period `period_id`'s indicators with `set` (indicator id, version id), in order.
pub async fn replace_indicators(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    set: &[(i64, i64)],
) -> Result<()> {
    diesel::delete(period_indicators::table.filter(period_indicators::period_id.eq(period_id)))
        .execute(conn)
        .await?;
    let rows: Vec<_> = set
        .iter()
        .enumerate()
        .map(|(i, (indicator_id, version_id))| {
            (
                period_indicators::period_id.eq(period_id),
                period_indicators::indicator_id.eq(indicator_id),
                period_indicators::indicator_version_id.eq(version_id),
                period_indicators::sort_order.eq(i16::try_from(i).unwrap_or(i16::MAX)),
            )
        })
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(period_indicators::table)
            .values(rows)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Replaces the units taking part in period `period_id`.
pub async fn replace_units(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    unit_ids: &[i64],
) -> Result<()> {
    diesel::delete(period_units::table.filter(period_units::period_id.eq(period_id)))
        .execute(conn)
        .await?;
    let rows: Vec<_> = unit_ids
        .iter()
        .map(|unit_id| {
            (
                period_units::period_id.eq(period_id),
                period_units::unit_id.eq(unit_id),
            )
        })
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(period_units::table)
            .values(rows)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Pins each indicator of period `id` to its current version (what the units will answer).
pub async fn pin_current_versions(conn: &mut AsyncPgConnection, id: i64) -> Result<()> {
    let current_versions: Vec<(i64, i64)> = period_indicators::table
        .inner_join(indicators::table)
        .inner_join(
            indicator_versions::table.on(indicator_versions::indicator_id
                .eq(indicators::id)
                .and(indicator_versions::version.eq(indicators::current_version))),
        )
        .filter(period_indicators::period_id.eq(id))
        .select((period_indicators::indicator_id, indicator_versions::id))
        .load(conn)
        .await?;
    for (indicator_id, version_id) in current_versions {
        diesel::update(
            period_indicators::table
                .filter(period_indicators::period_id.eq(id))
                .filter(period_indicators::indicator_id.eq(indicator_id)),
        )
        .set(period_indicators::indicator_version_id.eq(version_id))
        .execute(conn)
        .await?;
    }
    Ok(())
}

/// Marks period `id` open with the deadline `derived` gives.
pub async fn mark_opened(
    conn: &mut AsyncPgConnection,
    id: i64,
    derived: &Derived,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::update(periods::table.find(id))
        .set((
            periods::status.eq(PeriodStatus::Open),
            periods::deadline.eq(derived.deadline.effective),
            periods::deadline_shifted.eq(derived.deadline.shifted),
            periods::deadline_warning.eq(&derived.warning),
            periods::opened_at.eq(now),
            periods::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks period `id` closed.
pub async fn mark_closed(conn: &mut AsyncPgConnection, id: i64, now: DateTime<Utc>) -> Result<()> {
    diesel::update(periods::table.find(id))
        .set((
            periods::status.eq(PeriodStatus::Closed),
            periods::closed_at.eq(now),
            periods::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes period `id` (a draft; its set-up goes with it).
pub async fn delete(conn: &mut AsyncPgConnection, id: i64) -> Result<()> {
    diesel::delete(periods::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}

/// Every period that is not closed, locked for the rest of the transaction.
pub async fn lock_unclosed(conn: &mut AsyncPgConnection) -> Result<Vec<PeriodRow>> {
    Ok(periods::table
        .filter(periods::status.ne(PeriodStatus::Closed))
        .order(periods::id)
        .for_update()
        .select(PeriodRow::as_select())
        .load(conn)
        .await?)
}

/// Writes the deadline `derived` gives to period `id`.
pub async fn set_deadline(
    conn: &mut AsyncPgConnection,
    id: i64,
    derived: &Derived,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::update(periods::table.find(id))
        .set((
            periods::deadline.eq(derived.deadline.effective),
            periods::deadline_shifted.eq(derived.deadline.shifted),
            periods::deadline_warning.eq(&derived.warning),
            periods::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}
