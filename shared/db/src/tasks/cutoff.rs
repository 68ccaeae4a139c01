//! What reports read of tasks: the tasks units lead or coordinate, with the history that says
//! where they stood at a period's cut-off.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::dsl::exists;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::TaskRow;
use crate::schema::{plans, task_events, task_extensions, task_units, tasks};
use cchc_domain::model::plan::PlanStatus;
use cchc_domain::model::task::TaskEventKind;
use cchc_domain::Result;

/// Tasks one of `unit_ids` leads or coordinates, from issued or closed plans and directive
/// documents (a draft plan's tasks are nobody's yet), in plan order.
pub async fn of_units(conn: &mut AsyncPgConnection, unit_ids: &[i64]) -> Result<Vec<TaskRow>> {
    let given_plans = plans::table
        .filter(plans::status.ne(PlanStatus::Draft))
        .select(plans::id);
    let coordinates = task_units::table
        .filter(task_units::task_id.eq(tasks::id))
        .filter(task_units::unit_id.eq_any(unit_ids.to_vec()));
    Ok(tasks::table
        .filter(
            tasks::plan_id
                .is_null()
                .or(tasks::plan_id.eq_any(given_plans.nullable())),
        )
        .filter(
            tasks::lead_unit_id
                .eq_any(unit_ids.to_vec())
                .or(exists(coordinates)),
        )
        .order((
            tasks::plan_id.asc().nulls_last(),
            tasks::source_document_id.asc(),
            tasks::id.asc(),
        ))
        .select(TaskRow::as_select())
        .load(conn)
        .await?)
}

/// One entry of a task's history, as the cut-off rule reads it: when, what, what percent.
pub type EventFact = (DateTime<Utc>, TaskEventKind, Option<i16>);

/// The history entries of each of tasks `ids`.
pub async fn event_facts(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<EventFact>>> {
    let rows: Vec<(i64, DateTime<Utc>, TaskEventKind, Option<i16>)> = task_events::table
        .filter(task_events::task_id.eq_any(ids))
        .select((
            task_events::task_id,
            task_events::at,
            task_events::kind,
            task_events::percent,
        ))
        .load(conn)
        .await?;
    let mut by_task: HashMap<i64, Vec<EventFact>> = HashMap::new();
    for (task, at, kind, percent) in rows {
        by_task.entry(task).or_default().push((at, kind, percent));
    }
    Ok(by_task)
}

/// An extension as the cut-off rule reads it: when it was granted, the deadline it set.
pub type ExtensionFact = (DateTime<Utc>, DateTime<Utc>);

/// The extensions of each of tasks `ids`.
pub async fn extension_facts(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<ExtensionFact>>> {
    let rows: Vec<(i64, DateTime<Utc>, DateTime<Utc>)> = task_extensions::table
        .filter(task_extensions::task_id.eq_any(ids))
        .select((
            task_extensions::task_id,
            task_extensions::granted_at,
            task_extensions::deadline,
        ))
        .load(conn)
        .await?;
    let mut by_task: HashMap<i64, Vec<ExtensionFact>> = HashMap::new();
    for (task, granted, deadline) in rows {
        by_task.entry(task).or_default().push((granted, deadline));
    }
    Ok(by_task)
}
