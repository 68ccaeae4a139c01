//! Planning what tasks are due: `task.overdue` as soon as a deadline passes, reminders to the
//! lead unit before a deadline or an ongoing task's progress report, escalations of overdue
//! tasks to the unit head then the leadership, and the plans' monthly and quarterly digests
//! for their working groups. Like the periods' planning, it only enqueues deduplicated jobs:
//! each key names the task, the instant it was planned for, the step and the recipient, so
//! planning twice or on several replicas enqueues nothing new.

use chrono::{DateTime, NaiveTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::read::contacts_of;
use super::report::{key_email, Escalated, PlanReport};
use crate::config::NotificationConfig;
use crate::jobs::{
    BackgroundJob, PlanDigest, TaskEscalationHead, TaskEscalationLeadership, TaskReminder,
    TaskReminderPurpose,
};
use crate::repo::events;
use crate::repo::jobs::enqueue;
use cchc_db::plans;
use cchc_db::tasks::{self, NewTaskEscalation, TaskRow};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::job::Recipient;
use cchc_domain::model::webhook::EventType;
use cchc_domain::rules::calendar::WorkingCalendar;
use cchc_domain::rules::local_time::{local_date, local_instant};
use cchc_domain::rules::monitoring::monitoring_digest_due;
use cchc_domain::rules::reminders::{
    due_escalations, due_reminder, next_working_slot, reminder_schedule, EscalationLevel,
};
use cchc_domain::rules::task_due::{progress_report_due, report_interval};

/// Plans the tasks' part of a pass at `now` into `report`.
pub(super) async fn plan_tasks(
    conn: &mut AsyncPgConnection,
    notify: &NotificationConfig,
    calendar: &WorkingCalendar,
    now: DateTime<Utc>,
    report: &mut PlanReport,
) -> Result<()> {
    let running = tasks::running(conn).await?;
    report.tasks_overdue += announce_overdue(conn, &running, now).await?;
    let policy = &notify.task_policy;
    // Mail leaves only inside office hours on a working day.
    let in_office_hours = next_working_slot(
        now,
        calendar,
        policy.office_hours_start,
        policy.office_hours_end,
    ) == now;
    if in_office_hours {
        remind(conn, &running, notify, calendar, now, report).await?;
        conn.transaction(async |conn| escalate(conn, &running, notify, calendar, now).await)
            .await
            .map(|escalated| {
                report.task_head_escalations += escalated.heads;
                report.task_leadership_escalations += escalated.leadership;
                report.task_escalation_mails += escalated.mails;
            })?;
    }
    report.plan_digests += digests(conn, notify, calendar, now).await?;
    Ok(())
}

/// The running tasks past the deadline that applies to them, with that deadline.
fn past_deadline(running: &[TaskRow], now: DateTime<Utc>) -> Vec<(&TaskRow, DateTime<Utc>)> {
    running
        .iter()
        .filter_map(|row| Some((row, row.effective_deadline().filter(|d| now > *d)?)))
        .collect()
}

/// `task.overdue` once per task and missed deadline, whatever the hour: integrators are not
/// people in an office.
async fn announce_overdue(
    conn: &mut AsyncPgConnection,
    running: &[TaskRow],
    now: DateTime<Utc>,
) -> Result<usize> {
    let overdue = past_deadline(running, now);
    if overdue.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i64> = overdue.iter().map(|(row, _)| row.id).collect();
    let already = tasks::announced_overdue(conn, &ids).await?;
    let mut announced = 0;
    for (row, deadline) in overdue {
        if already.get(&row.id) == Some(&deadline) {
            continue;
        }
        let sent = conn
            .transaction(async |conn| -> Result<bool> {
                if !tasks::mark_overdue_notified(conn, row.id, deadline).await? {
                    return Ok(false);
                }
                events::task_changed(conn, EventType::TaskOverdue, row.id, now).await?;
                Ok(true)
            })
            .await?;
        announced += usize::from(sent);
    }
    Ok(announced)
}

/// The instant an unfinished task's next reminder counts down to, and what it is about: its
/// deadline, or (ongoing work not yet reported this interval) its progress report.
pub(crate) fn reminder_target(
    row: &TaskRow,
    now: DateTime<Utc>,
    calendar: &WorkingCalendar,
) -> Option<(TaskReminderPurpose, DateTime<Utc>)> {
    if let Some(deadline) = row.effective_deadline() {
        return (now < deadline).then_some((TaskReminderPurpose::Deadline, deadline));
    }
    let every = row.reports_every?;
    let (first, _) = report_interval(every, local_date(now));
    let reported = row
        .last_progress_at
        .is_some_and(|at| at >= local_instant(first, NaiveTime::MIN));
    let due = progress_report_due(every, now, calendar, row.working_day_ends);
    (!reported && now < due).then_some((TaskReminderPurpose::ProgressReport, due))
}

async fn remind(
    conn: &mut AsyncPgConnection,
    running: &[TaskRow],
    notify: &NotificationConfig,
    calendar: &WorkingCalendar,
    now: DateTime<Utc>,
    report: &mut PlanReport,
) -> Result<()> {
    let today = local_date(now);
    let mut due_now = Vec::new();
    for row in running {
        if row.start_date.is_some_and(|start| today < start) {
            continue;
        }
        let Some((purpose, due)) = reminder_target(row, now, calendar) else {
            continue;
        };
        let schedule = reminder_schedule(due, &notify.task_policy, calendar);
        if let Some(step) = due_reminder(&schedule, now) {
            due_now.push((row, purpose, due, step.step));
        }
    }
    if due_now.is_empty() {
        return Ok(());
    }
    let units: Vec<i64> = due_now.iter().map(|(row, ..)| row.lead_unit_id).collect();
    let contacts = contacts_of(conn, &units).await?;
    for (row, purpose, due, step) in due_now {
        let Some(unit) = contacts.get(&row.lead_unit_id) else {
            continue;
        };
        let what = match purpose {
            TaskReminderPurpose::Deadline => "deadline",
            TaskReminderPurpose::ProgressReport => "progress",
        };
        for recipient in &unit.focal_persons {
            let key = format!(
                "task_reminder:{}:{what}:{}:{step}:{}",
                row.id,
                due.timestamp(),
                key_email(recipient)
            );
            let job = TaskReminder {
                task_id: row.id,
                purpose,
                step,
                due,
                recipient: recipient.clone(),
            }
            .to_new_job(key, now)?;
            if enqueue(conn, &job, now).await?.is_some() {
                report.task_reminders += 1;
            }
        }
    }
    Ok(())
}

/// Records the escalations due at `now` and enqueues their mail: the head's one per task, the
/// leadership's one per mailbox listing every task escalated to it in this pass.
async fn escalate(
    conn: &mut AsyncPgConnection,
    running: &[TaskRow],
    notify: &NotificationConfig,
    calendar: &WorkingCalendar,
    now: DateTime<Utc>,
) -> Result<Escalated> {
    let policy = &notify.task_policy;
    let overdue = past_deadline(running, now);
    if overdue.is_empty() {
        return Ok(Escalated::default());
    }
    let ids: Vec<i64> = overdue.iter().map(|(row, _)| row.id).collect();
    let recorded = tasks::recorded_escalations(conn, &ids).await?;
    let units: Vec<i64> = overdue.iter().map(|(row, _)| row.lead_unit_id).collect();
    let contacts = contacts_of(conn, &units).await?;
    let (mut escalated, mut to_leadership) = (Escalated::default(), Vec::new());
    for (row, deadline) in overdue {
        let minutes_late = i32::try_from((now - deadline).num_minutes().max(0)).unwrap_or(i32::MAX);
        for level in due_escalations(deadline, policy, calendar, now) {
            if recorded.contains(&(row.id, level, deadline)) {
                continue;
            }
            let escalation = NewTaskEscalation {
                task_id: row.id,
                level,
                deadline,
                escalated_at: now,
                minutes_late,
            };
            let Some(escalation_id) = tasks::insert_escalation_if_new(conn, &escalation).await?
            else {
                continue;
            };
            if level == EscalationLevel::Leadership {
                to_leadership.push(escalation_id);
                continue;
            }
            escalated.heads += 1;
            let unit = contacts.get(&row.lead_unit_id).cloned().unwrap_or_default();
            // No head on record: the focal persons are told directly.
            let (to, cc) = match unit.head {
                Some(head) => (vec![head], unit.focal_persons),
                None => (unit.focal_persons, Vec::new()),
            };
            let Some(first) = to.first() else {
                continue;
            };
            let key = format!(
                "task_escalation_head:{}:{}:{}",
                row.id,
                deadline.timestamp(),
                key_email(first)
            );
            let job = TaskEscalationHead {
                task_id: row.id,
                escalation_id,
                deadline,
                to,
                cc,
            }
            .to_new_job(key, now)?;
            if enqueue(conn, &job, now).await?.is_some() {
                escalated.mails += 1;
            }
        }
    }
    escalated.leadership = to_leadership.len();
    if let Some(&first) = to_leadership.iter().min() {
        for recipient in notify.leadership.iter().chain(&notify.office) {
            let key = format!(
                "task_escalation_leadership:{first}:{}",
                key_email(recipient)
            );
            let job = TaskEscalationLeadership {
                escalation_ids: to_leadership.clone(),
                recipient: recipient.clone(),
            }
            .to_new_job(key, now)?;
            if enqueue(conn, &job, now).await?.is_some() {
                escalated.mails += 1;
            }
        }
    }
    Ok(escalated)
}

/// Each issued plan's digest for its working group (or the Office), when one is due.
async fn digests(
    conn: &mut AsyncPgConnection,
    notify: &NotificationConfig,
    calendar: &WorkingCalendar,
    now: DateTime<Utc>,
) -> Result<usize> {
    let Some(span) = monitoring_digest_due(now, notify.digest_time, calendar) else {
        return Ok(0);
    };
    let mut enqueued = 0;
    for plan in plans::issued(conn).await? {
        let group: Vec<Recipient> = serde_json::from_value(plan.working_group.clone())
            .map_err(|e| Error::Internal(format!("plan {}'s working group: {e}", plan.id)))?;
        let recipients = if group.is_empty() {
            &notify.office
        } else {
            &group
        };
        for recipient in recipients {
            let key = format!("plan_digest:{}:{span}:{}", plan.id, key_email(recipient));
            let job = PlanDigest {
                plan_id: plan.id,
                span,
                recipient: recipient.clone(),
            }
            .to_new_job(key, now)?;
            if enqueue(conn, &job, now).await?.is_some() {
                enqueued += 1;
            }
        }
    }
    Ok(enqueued)
}
