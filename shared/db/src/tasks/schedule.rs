//! What the worker reads and writes to remind and escalate tasks: the tasks still running,
//! the `task.overdue` mark, and escalations of overdue tasks (`task_escalations`).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::TaskRow;
use crate::schema::{plans, task_escalations, tasks};
use cchc_domain::model::plan::PlanStatus;
use cchc_domain::model::task::TaskCompletion;
use cchc_domain::rules::reminders::EscalationLevel;
use cchc_domain::Result;

/// Tasks the units still owe: not declared done, from an issued plan or from a directive
/// document. A draft plan's tasks are not given to anyone yet; a closed plan's are over.
pub async fn running(conn: &mut AsyncPgConnection) -> Result<Vec<TaskRow>> {
    let issued_plans = plans::table
        .filter(plans::status.eq(PlanStatus::Issued))
        .select(plans::id);
    Ok(tasks::table
        .filter(tasks::completion.eq(TaskCompletion::Open))
        .filter(
            tasks::plan_id
                .is_null()
                .or(tasks::plan_id.eq_any(issued_plans.nullable())),
        )
        .order(tasks::id)
        .select(TaskRow::as_select())
        .load(conn)
        .await?)
}

/// Marks task `id` as announced overdue for `deadline`; `false` when it already was (another
/// pass or replica got there first), so `task.overdue` is sent once per deadline.
pub async fn mark_overdue_notified(
    conn: &mut AsyncPgConnection,
    id: i64,
    deadline: DateTime<Utc>,
) -> Result<bool> {
    let changed = diesel::update(
        tasks::table
            .find(id)
            .filter(tasks::overdue_notified_deadline.is_distinct_from(deadline)),
    )
    .set(tasks::overdue_notified_deadline.eq(deadline))
    .execute(conn)
    .await?;
    Ok(changed == 1)
}

/// An escalation of an overdue task planning has decided on.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = task_escalations)]
pub struct NewTaskEscalation {
    pub task_id: i64,
    pub level: EscalationLevel,
    pub deadline: DateTime<Utc>,
    pub escalated_at: DateTime<Utc>,
    pub minutes_late: i32,
}

/// Inserts `escalation` unless its (task, level, deadline) is already recorded; the new id, or
/// `None` when it was.
pub async fn insert_escalation_if_new(
    conn: &mut AsyncPgConnection,
    escalation: &NewTaskEscalation,
) -> Result<Option<i64>> {
    Ok(diesel::insert_into(task_escalations::table)
        .values(escalation)
        .on_conflict_do_nothing()
        .returning(task_escalations::id)
        .get_result(conn)
        .await
        .optional()?)
}

/// The task and the deadline missed of each of escalations `ids`, in id order.
pub async fn escalated_tasks(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> Result<Vec<(i64, DateTime<Utc>)>> {
    Ok(task_escalations::table
        .filter(task_escalations::id.eq_any(ids))
        .order(task_escalations::id)
        .select((task_escalations::task_id, task_escalations::deadline))
        .load(conn)
        .await?)
}

/// How many of plan `plan_id`'s tasks were confirmed done with a declaration in
/// `[from, until)`.
pub async fn completed_between(
    conn: &mut AsyncPgConnection,
    plan_id: i64,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<i64> {
    Ok(tasks::table
        .filter(tasks::plan_id.eq(plan_id))
        .filter(tasks::completion.eq(TaskCompletion::Confirmed))
        .filter(tasks::declared_at.ge(from))
        .filter(tasks::declared_at.lt(until))
        .count()
        .get_result(conn)
        .await?)
}

/// The deadline `task.overdue` was last sent for, of each of tasks `ids` that has one: planning
/// reads them once a pass rather than trying every overdue task again every minute.
pub async fn announced_overdue(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, DateTime<Utc>>> {
    let rows: Vec<(i64, Option<DateTime<Utc>>)> = tasks::table
        .filter(tasks::id.eq_any(ids))
        .filter(tasks::overdue_notified_deadline.is_not_null())
        .select((tasks::id, tasks::overdue_notified_deadline))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, deadline)| Some((id, deadline?)))
        .collect())
}

/// (task, level, missed deadline) of every escalation recorded for tasks `ids`.
pub async fn recorded_escalations(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> Result<std::collections::HashSet<(i64, EscalationLevel, DateTime<Utc>)>> {
    let rows: Vec<(i64, EscalationLevel, DateTime<Utc>)> = task_escalations::table
        .filter(task_escalations::task_id.eq_any(ids))
        .select((
            task_escalations::task_id,
            task_escalations::level,
            task_escalations::deadline,
        ))
        .load(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// The ids of task `task_id`'s recorded escalations.
pub async fn escalation_ids(conn: &mut AsyncPgConnection, task_id: i64) -> Result<Vec<i64>> {
    Ok(task_escalations::table
        .filter(task_escalations::task_id.eq(task_id))
        .order(task_escalations::id)
        .select(task_escalations::id)
        .load(conn)
        .await?)
}
