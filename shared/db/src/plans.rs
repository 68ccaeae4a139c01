//! CCHC plans (`plans`), their legal basis (`plan_legal_basis`), content areas with lead and
//! coordinating units (`plan_areas`, `plan_area_units`) and targets (`plan_targets`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;

use crate::schema::{plan_area_units, plan_areas, plan_legal_basis, plan_targets, plans, tasks};
use cchc_domain::model::indicator::{Comparator, ContentArea};
use cchc_domain::model::plan::PlanStatus;
use cchc_domain::Result;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = plans)]
pub struct PlanRow {
    pub id: i64,
    pub code: String,
    pub year: i32,
    pub title: String,
    pub description: Option<String>,
    pub document_id: Option<i64>,
    pub status: PlanStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub issued_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub working_group: serde_json::Value,
}

/// Plan `id`, locked for the rest of the transaction when `lock`.
pub async fn find(conn: &mut AsyncPgConnection, id: i64, lock: bool) -> Result<Option<PlanRow>> {
    let query = plans::table.find(id).select(PlanRow::as_select());
    Ok(if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    })
}

/// Which plans to list; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub year: Option<i32>,
    pub status: Option<PlanStatus>,
    /// A `LIKE` pattern matched case-insensitively against code and title.
    pub pattern: Option<String>,
}

/// How many plans `filter` keeps, and a page of them, newest year first.
pub async fn page(
    conn: &mut AsyncPgConnection,
    filter: &ListFilter,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<PlanRow>)> {
    let query = || {
        let mut query = plans::table.into_boxed();
        if let Some(year) = filter.year {
            query = query.filter(plans::year.eq(year));
        }
        if let Some(status) = filter.status {
            query = query.filter(plans::status.eq(status));
        }
        if let Some(pattern) = &filter.pattern {
            query = query.filter(
                plans::code
                    .ilike(pattern.clone())
                    .or(plans::title.ilike(pattern.clone())),
            );
        }
        query
    };
    let total: i64 = query().count().get_result(conn).await?;
    let rows = query()
        .order((plans::year.desc(), plans::code.asc()))
        .limit(limit)
        .offset(offset)
        .select(PlanRow::as_select())
        .load(conn)
        .await?;
    Ok((total, rows))
}

/// How many tasks each of plans `ids` has.
pub async fn task_counts(conn: &mut AsyncPgConnection, ids: &[i64]) -> Result<HashMap<i64, i64>> {
    let rows: Vec<(Option<i64>, i64)> = tasks::table
        .filter(tasks::plan_id.eq_any(ids))
        .group_by(tasks::plan_id)
        .select((tasks::plan_id, diesel::dsl::count_star()))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, n)| Some((id?, n)))
        .collect())
}

/// The columns a create or an update of a plan writes.
#[derive(Debug, Clone)]
pub struct PlanValues<'a> {
    pub code: &'a str,
    pub year: i32,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub document_id: Option<i64>,
    /// The working group's mailboxes, as a JSON array.
    pub working_group: &'a serde_json::Value,
}

/// Adds a draft plan. The raw error lets the caller tell a duplicate code.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    values: &PlanValues<'_>,
    now: DateTime<Utc>,
) -> QueryResult<i64> {
    diesel::insert_into(plans::table)
        .values((
            plans::code.eq(values.code),
            plans::year.eq(values.year),
            plans::title.eq(values.title),
            plans::description.eq(values.description),
            plans::document_id.eq(values.document_id),
            plans::working_group.eq(values.working_group),
            plans::status.eq(PlanStatus::Draft),
            plans::created_at.eq(now),
            plans::updated_at.eq(now),
        ))
        .returning(plans::id)
        .get_result(conn)
        .await
}

/// Writes `values` (all but the code) to plan `id`.
pub async fn update(
    conn: &mut AsyncPgConnection,
    id: i64,
    values: &PlanValues<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::update(plans::table.find(id))
        .set((
            plans::year.eq(values.year),
            plans::title.eq(values.title),
            plans::description.eq(values.description),
            plans::document_id.eq(values.document_id),
            plans::working_group.eq(values.working_group),
            plans::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Moves plan `id` to `status`, stamping when it was issued or closed.
pub async fn set_status(
    conn: &mut AsyncPgConnection,
    id: i64,
    status: PlanStatus,
    now: DateTime<Utc>,
) -> Result<()> {
    let target = plans::table.find(id);
    match status {
        PlanStatus::Issued => {
            diesel::update(target)
                .set((
                    plans::status.eq(status),
                    plans::issued_at.eq(now),
                    plans::updated_at.eq(now),
                ))
                .execute(conn)
                .await?
        }
        PlanStatus::Closed => {
            diesel::update(target)
                .set((
                    plans::status.eq(status),
                    plans::closed_at.eq(now),
                    plans::updated_at.eq(now),
                ))
                .execute(conn)
                .await?
        }
        PlanStatus::Draft => {
            diesel::update(target)
                .set((plans::status.eq(status), plans::updated_at.eq(now)))
                .execute(conn)
                .await?
        }
    };
    Ok(())
}

/// Removes plan `id` with its areas, targets and tasks (a draft: nothing was reported).
pub async fn delete(conn: &mut AsyncPgConnection, id: i64) -> Result<()> {
    diesel::delete(tasks::table.filter(tasks::plan_id.eq(id)))
        .execute(conn)
        .await?;
    diesel::delete(plans::table.find(id)).execute(conn).await?;
    Ok(())
}

/// The documents plan `id` rests on, in its order.
pub async fn legal_basis(conn: &mut AsyncPgConnection, id: i64) -> Result<Vec<i64>> {
    Ok(plan_legal_basis::table
        .filter(plan_legal_basis::plan_id.eq(id))
        .order(plan_legal_basis::position.asc())
        .select(plan_legal_basis::document_id)
        .load(conn)
        .await?)
}

/// Replaces the legal basis of plan `id` with `document_ids`, in that order.
pub async fn replace_legal_basis(
    conn: &mut AsyncPgConnection,
    id: i64,
    document_ids: &[i64],
) -> Result<()> {
    diesel::delete(plan_legal_basis::table.filter(plan_legal_basis::plan_id.eq(id)))
        .execute(conn)
        .await?;
    let rows: Vec<_> = document_ids
        .iter()
        .zip(1..)
        .map(|(document_id, position)| {
            (
                plan_legal_basis::plan_id.eq(id),
                plan_legal_basis::document_id.eq(*document_id),
                plan_legal_basis::position.eq(position),
            )
        })
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(plan_legal_basis::table)
            .values(rows)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// A content area of a plan: its lead unit, coordinating units and note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaValues {
    pub content_area: ContentArea,
    pub lead_unit_id: i64,
    pub coordinating_unit_ids: Vec<i64>,
    pub note: Option<String>,
}

/// The content areas of plan `id`, in the order of the eight areas.
pub async fn areas(conn: &mut AsyncPgConnection, id: i64) -> Result<Vec<AreaValues>> {
    let rows: Vec<(ContentArea, i64, Option<String>)> = plan_areas::table
        .filter(plan_areas::plan_id.eq(id))
        .select((
            plan_areas::content_area,
            plan_areas::lead_unit_id,
            plan_areas::note,
        ))
        .load(conn)
        .await?;
    let units: Vec<(ContentArea, i64)> = plan_area_units::table
        .filter(plan_area_units::plan_id.eq(id))
        .select((plan_area_units::content_area, plan_area_units::unit_id))
        .order((plan_area_units::content_area, plan_area_units::unit_id))
        .load(conn)
        .await?;
    let mut areas: Vec<AreaValues> = rows
        .into_iter()
        .map(|(content_area, lead_unit_id, note)| AreaValues {
            content_area,
            lead_unit_id,
            coordinating_unit_ids: units
                .iter()
                .filter(|(area, _)| *area == content_area)
                .map(|(_, unit)| *unit)
                .collect(),
            note,
        })
        .collect();
    let order = |area: &ContentArea| ContentArea::ALL.iter().position(|a| a == area);
    areas.sort_by_key(|a| order(&a.content_area));
    Ok(areas)
}

/// Replaces the content areas of plan `id`.
pub async fn replace_areas(
    conn: &mut AsyncPgConnection,
    id: i64,
    areas: &[AreaValues],
) -> Result<()> {
    diesel::delete(plan_areas::table.filter(plan_areas::plan_id.eq(id)))
        .execute(conn)
        .await?;
    for area in areas {
        diesel::insert_into(plan_areas::table)
            .values((
                plan_areas::plan_id.eq(id),
                plan_areas::content_area.eq(area.content_area),
                plan_areas::lead_unit_id.eq(area.lead_unit_id),
                plan_areas::note.eq(area.note.as_deref()),
            ))
            .execute(conn)
            .await?;
        let units: Vec<_> = area
            .coordinating_unit_ids
            .iter()
            .map(|unit| {
                (
                    plan_area_units::plan_id.eq(id),
                    plan_area_units::content_area.eq(area.content_area),
                    plan_area_units::unit_id.eq(*unit),
                )
            })
            .collect();
        if !units.is_empty() {
            diesel::insert_into(plan_area_units::table)
                .values(units)
                .execute(conn)
                .await?;
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = plan_targets)]
pub struct TargetRow {
    pub id: i64,
    pub position: i32,
    pub description: String,
    pub content_area: Option<ContentArea>,
    pub indicator_id: Option<i64>,
    pub comparator: Option<Comparator>,
    pub threshold: Option<Decimal>,
    pub period_id: Option<i64>,
}

/// The targets of plan `id`, in their order.
pub async fn targets(conn: &mut AsyncPgConnection, id: i64) -> Result<Vec<TargetRow>> {
    Ok(plan_targets::table
        .filter(plan_targets::plan_id.eq(id))
        .order(plan_targets::position.asc())
        .select(TargetRow::as_select())
        .load(conn)
        .await?)
}

/// A target as written.
#[derive(Debug, Clone)]
pub struct TargetValues {
    pub description: String,
    pub content_area: Option<ContentArea>,
    pub indicator_id: Option<i64>,
    pub comparator: Option<Comparator>,
    pub threshold: Option<Decimal>,
    pub period_id: Option<i64>,
}

/// Replaces the targets of plan `id`, numbered in the order given.
pub async fn replace_targets(
    conn: &mut AsyncPgConnection,
    id: i64,
    targets: &[TargetValues],
) -> Result<()> {
    diesel::delete(plan_targets::table.filter(plan_targets::plan_id.eq(id)))
        .execute(conn)
        .await?;
    for (target, position) in targets.iter().zip(1..) {
        diesel::insert_into(plan_targets::table)
            .values((
                plan_targets::plan_id.eq(id),
                plan_targets::position.eq(position),
                plan_targets::description.eq(&target.description),
                plan_targets::content_area.eq(target.content_area),
                plan_targets::indicator_id.eq(target.indicator_id),
                plan_targets::comparator.eq(target.comparator),
                plan_targets::threshold.eq(target.threshold),
                plan_targets::period_id.eq(target.period_id),
            ))
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// The id of plan `code`, if there is one.
pub async fn id_by_code(conn: &mut AsyncPgConnection, code: &str) -> Result<Option<i64>> {
    Ok(plans::table
        .filter(plans::code.eq(code))
        .select(plans::id)
        .first(conn)
        .await
        .optional()?)
}

/// The issued plans (the ones whose tasks are running), by id.
pub async fn issued(conn: &mut AsyncPgConnection) -> Result<Vec<PlanRow>> {
    Ok(plans::table
        .filter(plans::status.eq(PlanStatus::Issued))
        .order(plans::id)
        .select(PlanRow::as_select())
        .load(conn)
        .await?)
}
