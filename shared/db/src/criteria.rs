//! PAR Index criteria sets (`criteria_sets`) and their criteria (`criteria`, a tree by
//! `parent_id`, kept in the set's order by `position`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;

use crate::schema::{criteria, criteria_sets};
use cchc_domain::model::criteria::CriteriaSetStatus;
use cchc_domain::model::indicator::ContentArea;
use cchc_domain::Result;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = criteria_sets)]
pub struct CriteriaSetRow {
    pub id: i64,
    pub code: String,
    pub year: i32,
    pub title: String,
    pub document_id: Option<i64>,
    pub status: CriteriaSetStatus,
    pub restored_share_percent: Decimal,
    pub ranking_classes: serde_json::Value,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
    pub previous_version_id: Option<i64>,
    pub superseded_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = criteria)]
pub struct CriterionRow {
    pub id: i64,
    pub set_id: i64,
    pub position: i32,
    pub code: String,
    pub parent_id: Option<i64>,
    pub depth: i32,
    pub title: String,
    pub max_points: Decimal,
    pub content_area: Option<ContentArea>,
    pub scoring: Option<serde_json::Value>,
    pub evidence_hint: Option<String>,
}

/// A set's own values as written.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = criteria_sets)]
pub struct SetValues<'a> {
    pub code: &'a str,
    pub year: i32,
    pub title: &'a str,
    #[diesel(treat_none_as_null = true)]
    pub document_id: Option<i64>,
    pub restored_share_percent: Decimal,
    pub ranking_classes: serde_json::Value,
}

/// A criterion as written, in the set's order; its parent named by code.
#[derive(Debug, Clone)]
pub struct CriterionValues<'a> {
    pub code: &'a str,
    pub parent_code: Option<&'a str>,
    pub depth: i32,
    pub title: &'a str,
    pub max_points: Decimal,
    pub content_area: Option<ContentArea>,
    pub scoring: Option<serde_json::Value>,
    pub evidence_hint: Option<&'a str>,
}

/// Set `id`, locked for the rest of the transaction when `lock`.
pub async fn find_set(
    conn: &mut AsyncPgConnection,
    id: i64,
    lock: bool,
) -> Result<Option<CriteriaSetRow>> {
    let query = criteria_sets::table
        .find(id)
        .select(CriteriaSetRow::as_select());
    Ok(if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    })
}

/// Records a draft set; its id. A taken code is the raw unique violation.
pub async fn insert_set(
    conn: &mut AsyncPgConnection,
    values: &SetValues<'_>,
    now: DateTime<Utc>,
) -> QueryResult<i64> {
    diesel::insert_into(criteria_sets::table)
        .values((
            criteria_sets::code.eq(values.code),
            criteria_sets::year.eq(values.year),
            criteria_sets::title.eq(values.title),
            criteria_sets::document_id.eq(values.document_id),
            criteria_sets::restored_share_percent.eq(values.restored_share_percent),
            criteria_sets::ranking_classes.eq(&values.ranking_classes),
            criteria_sets::status.eq(CriteriaSetStatus::Draft),
            criteria_sets::created_at.eq(now),
            criteria_sets::updated_at.eq(now),
        ))
        .returning(criteria_sets::id)
        .get_result(conn)
        .await
}

/// Rewrites set `id`'s own values. A taken code is the raw unique violation.
pub async fn update_set(
    conn: &mut AsyncPgConnection,
    id: i64,
    values: &SetValues<'_>,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(criteria_sets::table.find(id))
        .set((values, criteria_sets::updated_at.eq(now)))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Replaces the criteria of set `id` with `values` (parents before their children).
pub async fn replace_criteria(
    conn: &mut AsyncPgConnection,
    set_id: i64,
    values: &[CriterionValues<'_>],
) -> Result<()> {
    diesel::delete(criteria::table.filter(criteria::set_id.eq(set_id)))
        .execute(conn)
        .await?;
    let mut ids: HashMap<&str, i64> = HashMap::new();
    for (position, criterion) in (1..).zip(values) {
        let parent_id = criterion
            .parent_code
            .and_then(|code| ids.get(code).copied());
        let id: i64 = diesel::insert_into(criteria::table)
            .values((
                criteria::set_id.eq(set_id),
                criteria::position.eq(position),
                criteria::code.eq(criterion.code),
                criteria::parent_id.eq(parent_id),
                criteria::depth.eq(criterion.depth),
                criteria::title.eq(criterion.title),
                criteria::max_points.eq(criterion.max_points),
                criteria::content_area.eq(criterion.content_area),
                criteria::scoring.eq(&criterion.scoring),
                criteria::evidence_hint.eq(criterion.evidence_hint),
            ))
            .returning(criteria::id)
            .get_result(conn)
            .await?;
        ids.insert(criterion.code, id);
    }
    Ok(())
}

/// The criteria of set `id` in its order.
pub async fn criteria_of(conn: &mut AsyncPgConnection, set_id: i64) -> Result<Vec<CriterionRow>> {
    Ok(criteria::table
        .filter(criteria::set_id.eq(set_id))
        .order(criteria::position)
        .select(CriterionRow::as_select())
        .load(conn)
        .await?)
}

/// Publishes set `id` at `now`.
pub async fn publish(conn: &mut AsyncPgConnection, id: i64, now: DateTime<Utc>) -> Result<()> {
    diesel::update(criteria_sets::table.find(id))
        .set((
            criteria_sets::status.eq(CriteriaSetStatus::Published),
            criteria_sets::published_at.eq(Some(now)),
            criteria_sets::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes set `id` with its criteria.
pub async fn delete_set(conn: &mut AsyncPgConnection, id: i64) -> Result<()> {
    diesel::delete(criteria_sets::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}

/// Which sets to list.
#[derive(Debug, Clone, Default)]
pub struct SetFilter {
    pub year: Option<i32>,
    pub status: Option<CriteriaSetStatus>,
    pub superseded: Option<bool>,
}

/// How many sets `filter` keeps, and a page of them, newest year first, each with its number
/// of criteria and its total points (the areas' maximums).
pub async fn page_of_sets(
    conn: &mut AsyncPgConnection,
    filter: &SetFilter,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<(CriteriaSetRow, i64, Decimal)>)> {
    let query = || {
        let mut query = criteria_sets::table.into_boxed();
        if let Some(year) = filter.year {
            query = query.filter(criteria_sets::year.eq(year));
        }
        if let Some(status) = filter.status {
            query = query.filter(criteria_sets::status.eq(status));
        }
        match filter.superseded {
            Some(true) => query = query.filter(criteria_sets::superseded_at.is_not_null()),
            Some(false) => query = query.filter(criteria_sets::superseded_at.is_null()),
            None => {}
        }
        query
    };
    let total: i64 = query().count().get_result(conn).await?;
    let rows: Vec<CriteriaSetRow> = query()
        .order((
            criteria_sets::year.desc(),
            criteria_sets::code,
            criteria_sets::version.desc(),
        ))
        .limit(limit)
        .offset(offset)
        .select(CriteriaSetRow::as_select())
        .load(conn)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let figures: Vec<(i64, i32, Decimal)> = criteria::table
        .filter(criteria::set_id.eq_any(&ids))
        .select((criteria::set_id, criteria::depth, criteria::max_points))
        .load(conn)
        .await?;
    let mut counts: HashMap<i64, (i64, Decimal)> = HashMap::new();
    for (set_id, depth, points) in figures {
        let entry = counts.entry(set_id).or_insert((0, Decimal::ZERO));
        entry.0 += 1;
        if depth == 1 {
            entry.1 += points;
        }
    }
    Ok((
        total,
        rows.into_iter()
            .map(|row| {
                let (count, points) = counts.get(&row.id).copied().unwrap_or_default();
                (row, count, points)
            })
            .collect(),
    ))
}
