//! Decides the task mails when their jobs run: each re-reads the task (through the
//! application's read use cases, as the system), so a task finished, extended or deleted since
//! its reminder was queued gets none, and every mail says what is true when it leaves.

use chrono::{DateTime, Datelike, NaiveTime, Utc};
use diesel_async::AsyncPgConnection;

use cchc_app::authz;
use cchc_app::jobs::{
    PlanDigest, TaskEscalationHead, TaskEscalationLeadership, TaskReminder, TaskReminderPurpose,
};
use cchc_app::repo::jobs::JobError;
use cchc_app::repo::tasks;
use cchc_db::{plans, refs};
use cchc_domain::error::Error;
use cchc_domain::model::plan::PlanStatus;
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::model::task::{StatusCounts, Task, TaskCompletion, TaskFilter};
use cchc_domain::model::PageParams;
use cchc_domain::rules::lateness::lateness;
use cchc_domain::rules::local_time::{local_date, local_instant};
use cchc_domain::rules::task_due::report_interval;
use cchc_domain::rules::task_status::TaskStatus;

use crate::email::task_content::{
    DigestOverdueTask, DueTask, OverdueTask, PlanDigestContext, PlanLabel, TaskCounts,
    TaskEscalationHeadContext, TaskEscalationLeadershipContext, TaskLabel, TaskReminderContext,
    UnitCounts,
};
use crate::email::{Mail, MailContent, UnitRef};
use crate::mail_jobs::Decision;
use crate::unit_facts::{calendar, head_title, is_office};

/// At most this many tasks listed in a digest's overdue and due-soon lists each.
const DIGEST_LIST_LIMIT: i64 = 50;

fn system() -> authz::Principal {
    authz::system("worker")
}

/// Task `id` as the API shows it now, or `None` when it was deleted.
async fn task(
    conn: &mut AsyncPgConnection,
    id: i64,
    policy: &ReminderPolicy,
    now: DateTime<Utc>,
) -> Result<Option<Task>, JobError> {
    match tasks::get(conn, id, policy, &system(), now).await {
        Ok(detail) => Ok(Some(detail.task)),
        Err(Error::NotFound { .. }) => Ok(None),
        Err(error) => Err(error.into()),
    }
}

/// Plan `id`'s label, and whether its tasks are running (the plan is issued).
async fn plan_label(conn: &mut AsyncPgConnection, id: i64) -> Result<(PlanLabel, bool), JobError> {
    let row = plans::find(conn, id, false)
        .await?
        .ok_or_else(|| JobError::Permanent(format!("plan {id} is gone")))?;
    let document_number = match row.document_id {
        Some(document) => refs::document_refs(conn, &[document])
            .await?
            .remove(&document)
            .map(|d| d.number),
        None => None,
    };
    let label = PlanLabel {
        id,
        code: row.code,
        title: row.title,
        document_number,
    };
    Ok((label, row.status == PlanStatus::Issued))
}

fn unit_of(task: &Task) -> UnitRef {
    UnitRef {
        id: task.lead_unit.id,
        code: task.lead_unit.code.clone(),
        name: task.lead_unit.name.clone(),
        office: false,
    }
}

/// The lead unit as the task's own mails name it: whether it is the Office is read.
async fn lead_unit(conn: &mut AsyncPgConnection, task: &Task) -> Result<UnitRef, JobError> {
    Ok(UnitRef {
        office: is_office(conn, task.lead_unit.id).await?,
        ..unit_of(task)
    })
}

fn label(task: &Task, plan: Option<PlanLabel>) -> TaskLabel {
    TaskLabel {
        id: task.id,
        code: task.code.clone(),
        title: task.title.clone(),
        plan,
        source_document: task.source_document.as_ref().map(|d| d.number.clone()),
        due_text: task.due_text.clone(),
        expected_output: task.expected_output.clone(),
        progress_percent: task.progress_percent,
    }
}

/// The task's label when its units still owe it: open, and its plan (if any) issued.
async fn running_label(
    conn: &mut AsyncPgConnection,
    task: &Task,
) -> Result<Option<TaskLabel>, JobError> {
    if task.completion != TaskCompletion::Open {
        return Ok(None);
    }
    let plan = match &task.plan {
        Some(plan) => {
            let (label, running) = plan_label(conn, plan.id).await?;
            if !running {
                return Ok(None);
            }
            Some(label)
        }
        None => None,
    };
    Ok(Some(label(task, plan)))
}

/// Task `id` and its label while its units still owe it; else why the job sends nothing.
async fn still_owed(
    conn: &mut AsyncPgConnection,
    id: i64,
    policy: &ReminderPolicy,
    now: DateTime<Utc>,
) -> Result<Result<(Task, TaskLabel), Decision>, JobError> {
    let Some(task) = task(conn, id, policy, now).await? else {
        return Ok(Err(Decision::Skip("the task was deleted".into())));
    };
    match running_label(conn, &task).await? {
        Some(label) => Ok(Ok((task, label))),
        None => Ok(Err(Decision::Skip(
            "the task is declared done, or its plan is not running".into(),
        ))),
    }
}

fn utc(instant: Option<DateTime<chrono::FixedOffset>>) -> Option<DateTime<Utc>> {
    instant.map(|i| i.with_timezone(&Utc))
}

pub(crate) async fn reminder(
    conn: &mut AsyncPgConnection,
    job: TaskReminder,
    key: String,
    policy: &ReminderPolicy,
    now: DateTime<Utc>,
) -> Result<Decision, JobError> {
    let (task, label) = match still_owed(conn, job.task_id, policy, now).await? {
        Ok(found) => found,
        Err(skip) => return Ok(skip),
    };
    if now >= job.due {
        return Ok(Decision::Skip("the due instant has passed".into()));
    }
    match job.purpose {
        TaskReminderPurpose::Deadline => {
            if utc(task.effective_deadline) != Some(job.due) {
                return Ok(Decision::Skip("the task's deadline changed".into()));
            }
        }
        TaskReminderPurpose::ProgressReport => {
            let Some(every) = task.reports_every else {
                return Ok(Decision::Skip("the task is no longer ongoing work".into()));
            };
            let (first, _) = report_interval(every, local_date(now));
            let from = local_instant(first, NaiveTime::MIN);
            if utc(task.last_progress_at).is_some_and(|at| at >= from) {
                return Ok(Decision::Skip("the progress is reported".into()));
            }
        }
    }
    let unit = lead_unit(conn, &task).await?;
    Ok(Decision::Send(Box::new(Mail {
        key,
        to: vec![job.recipient],
        cc: Vec::new(),
        content: MailContent::TaskReminder(TaskReminderContext {
            unit,
            purpose: job.purpose,
            due: job.due,
            step: job.step,
            return_reason: task
                .return_reason
                .clone()
                .filter(|_| task.returned_at.is_some()),
            task: label,
        }),
    })))
}

pub(crate) async fn escalation_head(
    conn: &mut AsyncPgConnection,
    job: TaskEscalationHead,
    key: String,
    policy: &ReminderPolicy,
    now: DateTime<Utc>,
) -> Result<Decision, JobError> {
    let (task, label) = match still_owed(conn, job.task_id, policy, now).await? {
        Ok(found) => found,
        Err(skip) => return Ok(skip),
    };
    if utc(task.effective_deadline) != Some(job.deadline) {
        return Ok(Decision::Skip("the task's deadline was extended".into()));
    }
    // With the focal persons in copy, `to` is the head.
    let head = if job.cc.is_empty() {
        None
    } else {
        job.to.first()
    };
    let head_name = head.and_then(|r| r.name.clone());
    let head_title = head_title(conn, task.lead_unit.id, head).await?;
    let unit = lead_unit(conn, &task).await?;
    let calendar = calendar(conn).await?;
    Ok(Decision::Send(Box::new(Mail {
        key,
        to: job.to,
        cc: job.cc,
        content: MailContent::TaskEscalationHead(TaskEscalationHeadContext {
            unit,
            task: label,
            deadline: job.deadline,
            late: lateness(job.deadline, now, &calendar),
            head_name,
            head_title,
        }),
    })))
}

pub(crate) async fn escalation_leadership(
    conn: &mut AsyncPgConnection,
    job: TaskEscalationLeadership,
    key: String,
    policy: &ReminderPolicy,
    now: DateTime<Utc>,
) -> Result<Decision, JobError> {
    let calendar = calendar(conn).await?;
    let mut overdue = Vec::new();
    for (task_id, deadline) in cchc_db::tasks::escalated_tasks(conn, &job.escalation_ids).await? {
        let Some(task) = task(conn, task_id, policy, now).await? else {
            continue;
        };
        if utc(task.effective_deadline) != Some(deadline) {
            continue;
        }
        if let Some(label) = running_label(conn, &task).await? {
            overdue.push(OverdueTask {
                unit: unit_of(&task),
                task: label,
                deadline,
                late: lateness(deadline, now, &calendar),
            });
        }
    }
    if overdue.is_empty() {
        return Ok(Decision::Skip(
            "every escalated task is done or extended".into(),
        ));
    }
    Ok(Decision::Send(Box::new(Mail {
        key,
        to: vec![job.recipient],
        cc: Vec::new(),
        content: MailContent::TaskEscalationLeadership(TaskEscalationLeadershipContext {
            overdue,
            as_of: now,
        }),
    })))
}

fn counts(c: &StatusCounts) -> TaskCounts {
    let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
    TaskCounts {
        total: n(c.total),
        not_due: n(c.not_due),
        in_progress: n(c.in_progress),
        due_soon: n(c.due_soon),
        overdue: n(c.overdue),
        done_on_time: n(c.done_on_time),
        done_late: n(c.done_late),
        // One decimal, as the board gives it.
        on_time_permille: c.on_time_rate.map(|rate| (rate * 10.0).round() as u32),
    }
}

/// The plan's tasks of `status`, the first [`DIGEST_LIST_LIMIT`].
async fn tasks_of(
    conn: &mut AsyncPgConnection,
    plan_id: i64,
    status: TaskStatus,
    policy: &ReminderPolicy,
    now: DateTime<Utc>,
) -> Result<Vec<Task>, JobError> {
    let filter = TaskFilter {
        status: Some(status),
        ..Default::default()
    };
    let page = PageParams {
        page: Some(1),
        per_page: Some(DIGEST_LIST_LIMIT),
    };
    Ok(
        tasks::list_of_plan(conn, plan_id, &filter, page, policy, &system(), now)
            .await?
            .items,
    )
}

pub(crate) async fn plan_digest(
    conn: &mut AsyncPgConnection,
    job: PlanDigest,
    key: String,
    policy: &ReminderPolicy,
    now: DateTime<Utc>,
) -> Result<Decision, JobError> {
    let (plan, running) = plan_label(conn, job.plan_id).await?;
    if !running {
        return Ok(Decision::Skip("the plan is no longer issued".into()));
    }
    // A digest is for the month right after its span; later it is stale.
    let (first, last) = job.span.days();
    let today = local_date(now);
    let next_month = last.succ_opt().unwrap_or(last);
    if (today.year(), today.month()) != (next_month.year(), next_month.month()) {
        return Ok(Decision::Skip("the digest's month is over".into()));
    }
    // Computed afresh: a digest once a month needs no cache.
    let uncached = cchc_app::repo::submissions::BoardCaches::new(0);
    let board = tasks::board(conn, &uncached, job.plan_id, policy, &system(), now).await?;
    let completed = cchc_db::tasks::completed_between(
        conn,
        job.plan_id,
        local_instant(first, NaiveTime::MIN),
        local_instant(next_month, NaiveTime::MIN),
    )
    .await?;
    let calendar = calendar(conn).await?;
    let overdue = tasks_of(conn, job.plan_id, TaskStatus::Overdue, policy, now)
        .await?
        .iter()
        .map(|t| {
            let deadline = utc(t.effective_deadline);
            DigestOverdueTask {
                unit: unit_of(t),
                task: label(t, Some(plan.clone())),
                deadline,
                late: deadline.map(|d| lateness(d, now, &calendar)),
            }
        })
        .collect();
    let due_soon = tasks_of(conn, job.plan_id, TaskStatus::DueSoon, policy, now)
        .await?
        .iter()
        .filter_map(|t| {
            Some(DueTask {
                unit: unit_of(t),
                task: label(t, Some(plan.clone())),
                deadline: utc(t.effective_deadline)?,
            })
        })
        .collect();
    Ok(Decision::Send(Box::new(Mail {
        key,
        to: vec![job.recipient],
        cc: Vec::new(),
        content: MailContent::PlanDigest(PlanDigestContext {
            span_label: job.span.label_vi(),
            quarterly: matches!(
                job.span,
                cchc_domain::rules::monitoring::MonitoringSpan::Quarter { .. }
            ),
            as_of: now,
            totals: counts(&board.totals),
            units: board
                .units
                .iter()
                .map(|row| UnitCounts {
                    unit: UnitRef {
                        id: row.unit.id,
                        code: row.unit.code.clone(),
                        name: row.unit.name.clone(),
                        office: false,
                    },
                    counts: counts(&row.counts),
                })
                .collect(),
            completed_in_span: u32::try_from(completed).unwrap_or(u32::MAX),
            overdue,
            due_soon,
            plan,
        }),
    })))
}
