//! A task's notification schedule: the mails the outbox recorded for it (reminders, the head's
//! escalation, the leadership's mails listing it) and those the worker's planner will enqueue,
//! computed with the planner's own rules (`rules::reminders`, the task policy, office hours and
//! working days) while the task runs. Authorized as the period's schedule: the Office and the
//! leadership (viewers); reporters and integrations get 403.

use chrono::{DateTime, NaiveTime, Utc};
use diesel_async::AsyncPgConnection;

use super::notifications::recipients_of;
use super::schedule::{contacts_of, reminder_target};
use crate::authz::{self, Principal};
use crate::config::NotificationConfig;
use crate::jobs::TaskReminderPurpose;
use crate::repo::local;
use cchc_db::calendar::load_calendar;
use cchc_db::jobs::JobRow;
use cchc_db::{plans, refs, tasks};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::job::Recipient;
use cchc_domain::model::notification::{ScheduledNotification, TaskNotificationSchedule};
use cchc_domain::model::plan::{PlanStatus, UnitRef};
use cchc_domain::model::task::TaskCompletion;
use cchc_domain::rules::local_time::local_instant;
use cchc_domain::rules::reminders::{
    head_escalation_at, leadership_escalation_at, next_working_slot, reminder_schedule,
    EscalationLevel,
};

const REMINDER: &str = "task_reminder";
const HEAD: &str = "task_escalation_head";
const LEADERSHIP: &str = "task_escalation_leadership";

fn line(
    unit: Option<&UnitRef>,
    kind: &str,
    step: Option<String>,
    at: DateTime<Utc>,
    recipients: Vec<Recipient>,
) -> ScheduledNotification {
    ScheduledNotification {
        unit_code: unit.map(|u| u.code.clone()),
        unit_name: unit.map(|u| u.name.clone()),
        kind: kind.to_owned(),
        step,
        at: local(at),
        status: "planned".into(),
        recipients,
        job_id: None,
        outcome: None,
    }
}

/// A recorded job; the leadership's mail may list other units' tasks, so it names no unit.
fn recorded(row: JobRow, lead: Option<&UnitRef>) -> ScheduledNotification {
    let unit = lead.filter(|_| row.kind != LEADERSHIP);
    let step = row.payload["step"]
        .as_str()
        .map(|step| match row.payload["purpose"].as_str() {
            Some("progress_report") => format!("progress:{step}"),
            _ => step.to_owned(),
        });
    ScheduledNotification {
        unit_code: unit.map(|u| u.code.clone()),
        unit_name: unit.map(|u| u.name.clone()),
        step,
        at: local(row.finished_at.unwrap_or(row.run_at)),
        status: row.status.to_string(),
        recipients: recipients_of(&row.payload),
        job_id: Some(row.id),
        outcome: row.outcome,
        kind: row.kind,
    }
}

/// The schedule of task `id` as of `now`.
pub async fn of_task(
    conn: &mut AsyncPgConnection,
    id: i64,
    notify: &NotificationConfig,
    principal: &Principal,
    now: DateTime<Utc>,
) -> Result<TaskNotificationSchedule> {
    authz::view_across_units(principal, "the notification schedule")?;
    let task = tasks::find(conn, id, false)
        .await?
        .ok_or(Error::not_found("task"))?;
    let lead = refs::unit_refs(conn, &[task.lead_unit_id])
        .await?
        .remove(&task.lead_unit_id);
    let escalations = tasks::escalation_ids(conn, id).await?;
    let jobs =
        cchc_db::jobs::of_task(conn, id, &[REMINDER, HEAD], LEADERSHIP, &escalations).await?;
    let mut items: Vec<ScheduledNotification> = jobs
        .into_iter()
        .map(|row| recorded(row, lead.as_ref()))
        .collect();
    let policy = &notify.task_policy;
    // The planner's tasks: open, of a directive or of an issued plan.
    let plan_issued = match task.plan_id {
        Some(plan_id) => plans::find(conn, plan_id, false)
            .await?
            .is_some_and(|plan| plan.status == PlanStatus::Issued),
        None => true,
    };
    if task.completion == TaskCompletion::Open && plan_issued {
        let calendar = load_calendar(conn).await?;
        let contacts = contacts_of(conn, &[task.lead_unit_id])
            .await?
            .remove(&task.lead_unit_id)
            .unwrap_or_default();
        let soonest = next_working_slot(
            now,
            &calendar,
            policy.office_hours_start,
            policy.office_hours_end,
        );
        let starts = task
            .start_date
            .map(|start| local_instant(start, NaiveTime::MIN));
        let mut later = Vec::new();
        if let Some((purpose, due)) = reminder_target(&task, now, &calendar) {
            for step in reminder_schedule(due, policy, &calendar) {
                if step.at <= now || starts.is_some_and(|start| step.at < start) {
                    continue;
                }
                let name = match purpose {
                    TaskReminderPurpose::Deadline => step.step.to_string(),
                    TaskReminderPurpose::ProgressReport => format!("progress:{}", step.step),
                };
                let to = contacts.focal_persons.clone();
                later.push(line(lead.as_ref(), REMINDER, Some(name), step.at, to));
            }
        }
        if let Some(deadline) = task.effective_deadline() {
            let recorded = tasks::recorded_escalations(conn, &[id]).await?;
            if !recorded.contains(&(id, EscalationLevel::Head, deadline)) {
                let at = head_escalation_at(deadline, policy, &calendar).max(soonest);
                let to = match &contacts.head {
                    Some(head) => vec![head.clone()],
                    None => contacts.focal_persons.clone(),
                };
                later.push(line(lead.as_ref(), HEAD, None, at, to));
            }
            if !recorded.contains(&(id, EscalationLevel::Leadership, deadline)) {
                let at = leadership_escalation_at(deadline, policy, &calendar).max(soonest);
                let to = notify
                    .leadership
                    .iter()
                    .chain(&notify.office)
                    .cloned()
                    .collect();
                later.push(line(None, LEADERSHIP, None, at, to));
            }
        }
        later.sort_by_key(|item| item.at);
        items.extend(later);
    }
    Ok(TaskNotificationSchedule {
        task_id: id,
        task_code: task.code,
        as_of: local(now),
        office_hours: format!(
            "{}–{}",
            policy.office_hours_start.format("%H:%M"),
            policy.office_hours_end.format("%H:%M")
        ),
        items,
    })
}
