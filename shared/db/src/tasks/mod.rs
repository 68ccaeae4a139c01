//! Tasks (`tasks`) of plans and directive documents, their coordinating units (`task_units`);
//! the list (`list`), the history: extensions, progress, declarations (`history`), and what
//! the worker reminds and escalates (`schedule`), and where they stood at a report's cut-off
//! (`cutoff`).

mod cutoff;
mod files;
mod history;
mod list;
mod schedule;

pub use cutoff::*;
pub use files::*;
pub use history::*;
pub use list::*;
pub use schedule::*;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use crate::schema::{task_units, tasks};
use cchc_domain::model::indicator::ContentArea;
use cchc_domain::model::task::TaskCompletion;
use cchc_domain::rules::task_due::ReportEvery;
use cchc_domain::Result;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tasks)]
pub struct TaskRow {
    pub id: i64,
    pub plan_id: Option<i64>,
    pub source_document_id: Option<i64>,
    pub code: String,
    pub title: String,
    pub content_area: Option<ContentArea>,
    pub lead_unit_id: i64,
    pub expected_output: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub due: Value,
    pub deadline: Option<DateTime<Utc>>,
    pub reports_every: Option<ReportEvery>,
    pub working_day_ends: NaiveTime,
    pub extended_due: Option<Value>,
    pub extended_deadline: Option<DateTime<Utc>>,
    pub progress_percent: i16,
    pub last_progress_at: Option<DateTime<Utc>>,
    pub completion: TaskCompletion,
    pub declared_at: Option<DateTime<Utc>>,
    pub output_document_id: Option<i64>,
    pub completion_note: Option<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub returned_at: Option<DateTime<Utc>>,
    pub return_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TaskRow {
    /// The deadline that applies: the latest extension's, else the original.
    pub fn effective_deadline(&self) -> Option<DateTime<Utc>> {
        self.extended_deadline.or(self.deadline)
    }
}

/// Task `id`, locked for the rest of the transaction when `lock`.
pub async fn find(conn: &mut AsyncPgConnection, id: i64, lock: bool) -> Result<Option<TaskRow>> {
    let query = tasks::table.find(id).select(TaskRow::as_select());
    Ok(if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    })
}

/// The coordinating units of each of tasks `ids`, by task, in unit id order.
pub async fn coordinating_units(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<i64>>> {
    let rows: Vec<(i64, i64)> = task_units::table
        .filter(task_units::task_id.eq_any(ids))
        .order((task_units::task_id, task_units::unit_id))
        .select((task_units::task_id, task_units::unit_id))
        .load(conn)
        .await?;
    let mut by_task: HashMap<i64, Vec<i64>> = HashMap::new();
    for (task, unit) in rows {
        by_task.entry(task).or_default().push(unit);
    }
    Ok(by_task)
}

/// Replaces the coordinating units of task `id`.
pub async fn replace_coordinating_units(
    conn: &mut AsyncPgConnection,
    id: i64,
    unit_ids: &[i64],
) -> Result<()> {
    diesel::delete(task_units::table.filter(task_units::task_id.eq(id)))
        .execute(conn)
        .await?;
    let rows: Vec<_> = unit_ids
        .iter()
        .map(|unit| (task_units::task_id.eq(id), task_units::unit_id.eq(*unit)))
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(task_units::table)
            .values(rows)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// The columns of a task the Office writes (create and update).
#[derive(Debug, Clone)]
pub struct TaskValues<'a> {
    pub title: &'a str,
    pub content_area: Option<ContentArea>,
    pub lead_unit_id: i64,
    pub expected_output: Option<&'a str>,
    pub start_date: Option<NaiveDate>,
    pub due: &'a Value,
    pub deadline: Option<DateTime<Utc>>,
    pub reports_every: Option<ReportEvery>,
    pub working_day_ends: NaiveTime,
}

/// Where a new task comes from, and its number there.
#[derive(Debug, Clone, Copy)]
pub struct TaskSource<'a> {
    pub plan_id: Option<i64>,
    pub source_document_id: Option<i64>,
    pub code: &'a str,
}

/// Adds a task. The raw error lets the caller tell a duplicate code.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    source: TaskSource<'_>,
    values: &TaskValues<'_>,
    now: DateTime<Utc>,
) -> QueryResult<i64> {
    diesel::insert_into(tasks::table)
        .values((
            (
                tasks::plan_id.eq(source.plan_id),
                tasks::source_document_id.eq(source.source_document_id),
                tasks::code.eq(source.code),
                tasks::title.eq(values.title),
                tasks::content_area.eq(values.content_area),
                tasks::lead_unit_id.eq(values.lead_unit_id),
                tasks::expected_output.eq(values.expected_output),
                tasks::start_date.eq(values.start_date),
                tasks::due.eq(values.due),
                tasks::deadline.eq(values.deadline),
                tasks::reports_every.eq(values.reports_every),
                tasks::working_day_ends.eq(values.working_day_ends),
            ),
            (
                tasks::completion.eq(TaskCompletion::Open),
                tasks::created_at.eq(now),
                tasks::updated_at.eq(now),
            ),
        ))
        .returning(tasks::id)
        .get_result(conn)
        .await
}

/// Writes `values` to task `id`.
pub async fn update(
    conn: &mut AsyncPgConnection,
    id: i64,
    values: &TaskValues<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::update(tasks::table.find(id))
        .set((
            tasks::title.eq(values.title),
            tasks::content_area.eq(values.content_area),
            tasks::lead_unit_id.eq(values.lead_unit_id),
            tasks::expected_output.eq(values.expected_output),
            tasks::start_date.eq(values.start_date),
            tasks::due.eq(values.due),
            tasks::deadline.eq(values.deadline),
            tasks::reports_every.eq(values.reports_every),
            tasks::working_day_ends.eq(values.working_day_ends),
            tasks::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Re-derived deadlines of task `id` (after a change to the calendar).
pub async fn set_deadlines(
    conn: &mut AsyncPgConnection,
    id: i64,
    deadline: Option<DateTime<Utc>>,
    extended_deadline: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::update(tasks::table.find(id))
        .set((
            tasks::deadline.eq(deadline),
            tasks::extended_deadline.eq(extended_deadline),
            tasks::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Tasks not yet confirmed done that have a deadline, locked: the ones a calendar change may
/// move.
pub async fn lock_unfinished(conn: &mut AsyncPgConnection) -> Result<Vec<TaskRow>> {
    Ok(tasks::table
        .filter(tasks::completion.ne(TaskCompletion::Confirmed))
        .filter(tasks::deadline.is_not_null())
        .order(tasks::id)
        .select(TaskRow::as_select())
        .for_update()
        .load(conn)
        .await?)
}

/// Removes task `id` with its history.
pub async fn delete(conn: &mut AsyncPgConnection, id: i64) -> Result<()> {
    diesel::delete(tasks::table.find(id)).execute(conn).await?;
    Ok(())
}
