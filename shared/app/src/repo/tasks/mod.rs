//! Tasks of plans and directive documents: the Office writes them (`create`, `update`,
//! `delete`) and grants extensions (`extension`); the units involved report progress
//! (`progress`) and the lead unit declares a task done, which the Office confirms or returns
//! (`completion`); people read them (`read`) and the plan's board (`board`); reports show where
//! they stood at a period's cut-off (`cutoff`). A calendar change re-derives their deadlines
//! (`rederive`).
//!
//! The status is derived when a task is read, from its facts, the calendar and the time
//! (`cchc_domain::rules::task_status`).

mod board;
mod completion;
mod create;
mod cutoff;
mod delete;
mod evidence;
mod extension;
mod files;
mod progress;
mod read;
mod rederive;
mod update;

use chrono::{DateTime, NaiveTime, Utc};
use diesel_async::AsyncPgConnection;

use crate::repo::plans::unit_ref;
use crate::repo::{local, local_opt};
use cchc_db::calendar::load_calendar;
use cchc_db::refs;
use cchc_db::tasks::{self, TaskRow};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::model::task::{PlanRef, Task, TaskCompletion};
use cchc_domain::rules::calendar::WorkingCalendar;
use cchc_domain::rules::task_due::TaskDue;
use cchc_domain::rules::task_status::{derive_status, StatusPolicy, TaskFacts, TaskStatus};

pub use board::board;
pub use completion::{confirm, declare_done, return_declaration};
pub use create::{create, create_in_plan};
pub use cutoff::{of_period, of_submission};
pub use delete::delete;
pub use extension::grant_extension;
pub use files::{
    authorize_file_upload, delete_file, download_file, get_file, list_files, upload_file,
    TaskFileDownload, FORM_FIELDS as TASK_FILE_FORM_FIELDS,
};
pub use progress::report_progress;
pub use read::{get, list, list_of_plan};
pub use rederive::rederive_deadlines;
pub use update::update;

/// What a status is derived with: the time, the calendar, and how near is "due soon".
pub(crate) struct StatusClock {
    pub now: DateTime<Utc>,
    pub calendar: WorkingCalendar,
    pub due_soon_working_days: u32,
}

impl StatusClock {
    /// "Due soon" is the reminders' widest window (the first reminder's working days).
    pub(crate) async fn load(
        conn: &mut AsyncPgConnection,
        policy: &ReminderPolicy,
        now: DateTime<Utc>,
    ) -> Result<Self> {
        Ok(Self {
            now,
            calendar: load_calendar(conn).await?,
            due_soon_working_days: policy
                .reminder_working_days_before
                .iter()
                .copied()
                .max()
                .unwrap_or(3),
        })
    }

    /// The status of a task with `facts` (at the clock's instant).
    pub(crate) fn status_from(
        &self,
        facts: &TaskFacts,
        end_of_working_day: NaiveTime,
    ) -> TaskStatus {
        let policy = StatusPolicy {
            due_soon_working_days: self.due_soon_working_days,
            end_of_working_day,
        };
        derive_status(facts, self.now, &self.calendar, &policy)
    }

    pub(crate) fn status_of(&self, row: &TaskRow) -> TaskStatus {
        let facts = Stored {
            start: row.start_date,
            deadline: row.effective_deadline(),
            reports_every: row.reports_every,
            last_progress_at: row.last_progress_at,
            completion: row.completion,
            declared_at: row.declared_at,
        }
        .facts();
        self.status_from(&facts, row.working_day_ends)
    }
}

/// What a task row stores that its status is derived from.
pub(crate) struct Stored {
    pub start: Option<chrono::NaiveDate>,
    /// The deadline that applies (an extension's if one was granted).
    pub deadline: Option<DateTime<Utc>>,
    pub reports_every: Option<cchc_domain::rules::task_due::ReportEvery>,
    pub last_progress_at: Option<DateTime<Utc>>,
    pub completion: TaskCompletion,
    pub declared_at: Option<DateTime<Utc>>,
}

impl Stored {
    /// The facts: done from the declaration, once the Office confirmed it.
    pub(crate) fn facts(self) -> TaskFacts {
        TaskFacts {
            start: self.start,
            deadline: self.deadline,
            reports_every: self.reports_every,
            last_progress_at: self.last_progress_at,
            completed_at: (self.completion == TaskCompletion::Confirmed)
                .then_some(self.declared_at)
                .flatten(),
        }
    }
}

/// Plan `id` as a task names it, from `plans` (read with `refs::plan_refs`).
pub(crate) fn plan_ref(
    plans: &std::collections::HashMap<i64, (String, String)>,
    id: Option<i64>,
) -> Option<PlanRef> {
    let id = id?;
    plans.get(&id).map(|(code, title)| PlanRef {
        id,
        code: code.clone(),
        title: title.clone(),
    })
}

/// The due stored with a task.
pub(crate) fn due_of(value: &serde_json::Value) -> Result<TaskDue> {
    serde_json::from_value(value.clone())
        .map_err(|e| Error::Internal(format!("a stored task due does not read: {e}")))
}

/// The units a task involves: its lead unit first, then its coordinating units.
pub(crate) fn involved(row: &TaskRow, coordinating: &[i64]) -> Vec<i64> {
    std::iter::once(row.lead_unit_id)
        .chain(coordinating.iter().copied())
        .collect()
}

/// Tasks `rows` as the API shows them, with their statuses at `clock`.
pub(crate) async fn assemble(
    conn: &mut AsyncPgConnection,
    rows: Vec<TaskRow>,
    clock: &StatusClock,
) -> Result<Vec<Task>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let coordinating = tasks::coordinating_units(conn, &ids).await?;
    let mut unit_ids: Vec<i64> = rows.iter().map(|r| r.lead_unit_id).collect();
    unit_ids.extend(coordinating.values().flatten().copied());
    unit_ids.sort_unstable();
    unit_ids.dedup();
    let units = refs::unit_refs(conn, &unit_ids).await?;
    let mut document_ids: Vec<i64> = rows
        .iter()
        .flat_map(|r| [r.source_document_id, r.output_document_id])
        .flatten()
        .collect();
    document_ids.sort_unstable();
    document_ids.dedup();
    let documents = refs::document_refs(conn, &document_ids).await?;
    let mut plan_ids: Vec<i64> = rows.iter().filter_map(|r| r.plan_id).collect();
    plan_ids.sort_unstable();
    plan_ids.dedup();
    let plans = refs::plan_refs(conn, &plan_ids).await?;
    rows.into_iter()
        .map(|row| {
            let status = clock.status_of(&row);
            let due = due_of(&row.due)?;
            let effective = row.effective_deadline();
            Ok(Task {
                id: row.id,
                plan: plan_ref(&plans, row.plan_id),
                source_document: row
                    .source_document_id
                    .and_then(|d| documents.get(&d).cloned()),
                lead_unit: unit_ref(&units, row.lead_unit_id),
                coordinating_units: coordinating
                    .get(&row.id)
                    .map(|ids| ids.iter().map(|u| unit_ref(&units, *u)).collect())
                    .unwrap_or_default(),
                due_text: due.to_string(),
                due,
                deadline: local_opt(row.deadline),
                extended_deadline: local_opt(row.extended_deadline),
                effective_deadline: local_opt(effective),
                reports_every: row.reports_every,
                status,
                status_label: status.label_vi().to_owned(),
                progress_percent: row.progress_percent,
                last_progress_at: local_opt(row.last_progress_at),
                completion: row.completion,
                declared_at: local_opt(row.declared_at),
                output_document: row
                    .output_document_id
                    .and_then(|d| documents.get(&d).cloned()),
                completion_note: row.completion_note,
                confirmed_at: local_opt(row.confirmed_at),
                returned_at: local_opt(row.returned_at),
                return_reason: row.return_reason,
                created_at: local(row.created_at),
                updated_at: local(row.updated_at),
                code: row.code,
                title: row.title,
                content_area: row.content_area,
                expected_output: row.expected_output,
                start_date: row.start_date,
            })
        })
        .collect()
}

/// Task `id` with the units it involves, or "not found".
pub(crate) async fn find(
    conn: &mut AsyncPgConnection,
    id: i64,
    lock: bool,
) -> Result<(TaskRow, Vec<i64>)> {
    let row = tasks::find(conn, id, lock)
        .await?
        .ok_or(Error::not_found("task"))?;
    let coordinating = tasks::coordinating_units(conn, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    Ok((row, coordinating))
}

/// Audits the newest entry of a task's history (a report, a declaration, a confirmation or a
/// return) as `action` on the task.
pub(crate) async fn audit_history(
    conn: &mut AsyncPgConnection,
    actor: &cchc_domain::model::audit::Actor,
    now: DateTime<Utc>,
    detail: &cchc_domain::model::task::TaskDetail,
    action: &'static str,
) -> Result<()> {
    let entry = crate::repo::audit::Entry {
        entity_type: cchc_domain::model::audit::EntityType::Task,
        entity_id: detail.task.id.to_string(),
        action,
        before: None,
        after: Some(crate::repo::audit::snapshot(&detail.history.last())?),
    };
    crate::repo::audit::record(conn, actor, now, entry).await
}

/// A task of a closed plan changes no more.
///
/// `Ok(true)` when the task is already given to its units (its plan is issued, or it has no
/// plan), so a change of its units is announced (`task.assigned`).
pub(crate) async fn refuse_when_closed(
    conn: &mut AsyncPgConnection,
    plan_id: Option<i64>,
) -> Result<bool> {
    let Some(plan_id) = plan_id else {
        return Ok(true);
    };
    let plan = cchc_db::plans::find(conn, plan_id, false)
        .await?
        .ok_or(Error::not_found("plan"))?;
    if plan.status == cchc_domain::model::plan::PlanStatus::Closed {
        return Err(Error::conflict(
            "plan_closed",
            "the task's plan is closed; its tasks change no more",
        ));
    }
    Ok(plan.status == cchc_domain::model::plan::PlanStatus::Issued)
}

/// Units report on a task only while it is open and, for a plan's task, while the plan is
/// issued.
pub(crate) async fn require_open_for_reports(
    conn: &mut AsyncPgConnection,
    row: &TaskRow,
) -> Result<()> {
    if let Some(plan_id) = row.plan_id {
        let plan = cchc_db::plans::find(conn, plan_id, false)
            .await?
            .ok_or(Error::not_found("plan"))?;
        match plan.status {
            cchc_domain::model::plan::PlanStatus::Draft => {
                return Err(Error::conflict(
                    "plan_not_issued",
                    "the plan is still a draft; units report once it is issued",
                ))
            }
            cchc_domain::model::plan::PlanStatus::Closed => {
                return Err(Error::conflict(
                    "plan_closed",
                    "the task's plan is closed; it takes no more reports",
                ))
            }
            cchc_domain::model::plan::PlanStatus::Issued => {}
        }
    }
    match row.completion {
        TaskCompletion::Open => Ok(()),
        TaskCompletion::Declared => Err(Error::conflict(
            "awaiting_confirmation",
            "the task is declared done and waits for the Office's confirmation",
        )),
        TaskCompletion::Confirmed => {
            Err(Error::conflict("task_done", "the task is confirmed done"))
        }
    }
}
