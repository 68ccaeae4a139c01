//! The task list: which tasks a filter keeps.

use diesel::dsl::exists;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::TaskRow;
use crate::schema::{task_units, tasks};
use cchc_domain::model::indicator::ContentArea;
use cchc_domain::Result;

/// Which tasks to list; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub plan_id: Option<i64>,
    pub source_document_id: Option<i64>,
    /// Tasks this unit leads or coordinates.
    pub unit_id: Option<i64>,
    pub content_area: Option<ContentArea>,
    /// A `LIKE` pattern matched case-insensitively against code and title.
    pub pattern: Option<String>,
}

/// Every task `filter` keeps, plan by plan (then directive by directive) in the order they
/// were written. The status is derived by the caller, so the whole set is read.
pub async fn matching(conn: &mut AsyncPgConnection, filter: &ListFilter) -> Result<Vec<TaskRow>> {
    let mut query = tasks::table.into_boxed();
    if let Some(plan) = filter.plan_id {
        query = query.filter(tasks::plan_id.eq(plan));
    }
    if let Some(document) = filter.source_document_id {
        query = query.filter(tasks::source_document_id.eq(document));
    }
    if let Some(unit) = filter.unit_id {
        let coordinates = task_units::table
            .filter(task_units::task_id.eq(tasks::id))
            .filter(task_units::unit_id.eq(unit));
        query = query.filter(tasks::lead_unit_id.eq(unit).or(exists(coordinates)));
    }
    if let Some(area) = filter.content_area {
        query = query.filter(tasks::content_area.eq(area));
    }
    if let Some(pattern) = &filter.pattern {
        query = query.filter(
            tasks::code
                .ilike(pattern.clone())
                .or(tasks::title.ilike(pattern.clone())),
        );
    }
    Ok(query
        .order((
            tasks::plan_id.asc().nulls_last(),
            tasks::source_document_id.asc(),
            tasks::id.asc(),
        ))
        .select(TaskRow::as_select())
        .load(conn)
        .await?)
}

/// Whether unit `unit_id` coordinates task `task_id`.
pub async fn coordinates(conn: &mut AsyncPgConnection, task_id: i64, unit_id: i64) -> Result<bool> {
    Ok(diesel::select(exists(
        task_units::table
            .filter(task_units::task_id.eq(task_id))
            .filter(task_units::unit_id.eq(unit_id)),
    ))
    .get_result(conn)
    .await?)
}

/// What a plan's board needs of each task: the columns its status is derived from, and where
/// it is counted.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tasks)]
pub struct BoardTaskRow {
    pub lead_unit_id: i64,
    pub content_area: Option<ContentArea>,
    pub start_date: Option<chrono::NaiveDate>,
    pub deadline: Option<chrono::DateTime<chrono::Utc>>,
    pub extended_deadline: Option<chrono::DateTime<chrono::Utc>>,
    pub reports_every: Option<cchc_domain::rules::task_due::ReportEvery>,
    pub last_progress_at: Option<chrono::DateTime<chrono::Utc>>,
    pub completion: cchc_domain::model::task::TaskCompletion,
    pub declared_at: Option<chrono::DateTime<chrono::Utc>>,
    pub working_day_ends: chrono::NaiveTime,
}

/// The board's columns of every task of plan `plan_id`, in no particular order.
pub async fn board_rows(conn: &mut AsyncPgConnection, plan_id: i64) -> Result<Vec<BoardTaskRow>> {
    Ok(tasks::table
        .filter(tasks::plan_id.eq(plan_id))
        .select(BoardTaskRow::as_select())
        .load(conn)
        .await?)
}
