//! A period's notification schedule: the mails the outbox recorded for it (reminders,
//! escalations, sent or waiting) and those the worker's planner will enqueue, computed with its
//! own rules (`rules::reminders`: office hours, working days, the period's policy) for every
//! unit still missing. Authorized as the compliance board is: the Office and the leadership
//! (viewers); reporters and integrations get 403.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

use super::schedule::{contacts_of, levels};
use crate::authz::{self, Principal};
use crate::config::NotificationConfig;
use crate::repo::local;
use cchc_db::calendar::load_calendar;
use cchc_db::jobs::JobRow;
use cchc_db::periods;
use cchc_db::standings::{unit_standings, UnitStanding};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::job::Recipient;
use cchc_domain::model::notification::{NotificationSchedule, ScheduledNotification};
use cchc_domain::model::period::PeriodStatus;
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::rules::reminders::{
    head_escalation_at, leadership_escalation_at, next_working_slot, reminder_schedule,
    EscalationLevel,
};

const KINDS: [&str; 3] = ["reminder", "escalation_head", "escalation_leadership"];

pub(super) fn recipients_of(payload: &serde_json::Value) -> Vec<Recipient> {
    let mut out: Vec<Recipient> = Vec::new();
    for key in ["recipient"] {
        if let Ok(one) = serde_json::from_value::<Recipient>(payload[key].clone()) {
            out.push(one);
        }
    }
    for key in ["to", "cc"] {
        if let Ok(many) = serde_json::from_value::<Vec<Recipient>>(payload[key].clone()) {
            out.extend(many);
        }
    }
    out
}

/// A recorded job as a line of the schedule.
fn recorded(row: JobRow, units: &HashMap<i64, &UnitStanding>) -> ScheduledNotification {
    let unit = row.payload["unit_id"]
        .as_i64()
        .and_then(|id| units.get(&id).copied());
    ScheduledNotification {
        unit_code: unit.map(|u| u.code.clone()),
        unit_name: unit.map(|u| u.name.clone()),
        step: row.payload["step"].as_str().map(str::to_owned),
        at: local(row.finished_at.unwrap_or(row.run_at)),
        status: row.status.to_string(),
        recipients: recipients_of(&row.payload),
        job_id: Some(row.id),
        outcome: row.outcome,
        kind: row.kind,
    }
}

fn planned(
    unit: &UnitStanding,
    kind: &str,
    step: Option<String>,
    at: DateTime<Utc>,
    recipients: Vec<Recipient>,
) -> ScheduledNotification {
    ScheduledNotification {
        unit_code: Some(unit.code.clone()),
        unit_name: Some(unit.name.clone()),
        kind: kind.to_owned(),
        step,
        at: local(at),
        status: "planned".into(),
        recipients,
        job_id: None,
        outcome: None,
    }
}

/// The schedule of period `id` as of `now`.
pub async fn of_period(
    conn: &mut AsyncPgConnection,
    id: i64,
    notify: &NotificationConfig,
    principal: &Principal,
    now: DateTime<Utc>,
) -> Result<NotificationSchedule> {
    authz::view_across_units(principal, "the notification schedule")?;
    let period = periods::find(conn, id, false)
        .await?
        .ok_or(Error::not_found("period"))?;
    let policy: ReminderPolicy = period.policy()?;
    let standings = unit_standings(conn, id).await?;
    let by_id: HashMap<i64, &UnitStanding> = standings.iter().map(|u| (u.unit_id, u)).collect();
    let jobs = cchc_db::jobs::of_period(conn, id, &KINDS).await?;
    let head_mailed: HashSet<i64> = jobs
        .iter()
        .filter(|j| j.kind == "escalation_head")
        .filter_map(|j| j.payload["unit_id"].as_i64())
        .collect();
    let mut items: Vec<ScheduledNotification> =
        jobs.into_iter().map(|row| recorded(row, &by_id)).collect();
    if period.status == PeriodStatus::Open {
        let calendar = load_calendar(conn).await?;
        let escalated = levels(conn, id).await?;
        let missing: Vec<&UnitStanding> = standings.iter().filter(|u| u.is_missing()).collect();
        let ids: Vec<i64> = missing.iter().map(|u| u.unit_id).collect();
        let contacts = contacts_of(conn, &ids).await?;
        // What is due now goes at the next pass inside office hours.
        let soonest = next_working_slot(
            now,
            &calendar,
            policy.office_hours_start,
            policy.office_hours_end,
        );
        let mut later = Vec::new();
        for unit in missing {
            let deadline = unit.deadline(period.deadline);
            let unit_contacts = contacts.get(&unit.unit_id).cloned().unwrap_or_default();
            for step in reminder_schedule(deadline, &policy, &calendar) {
                if step.at > now {
                    let focal = unit_contacts.focal_persons.clone();
                    later.push(planned(
                        unit,
                        "reminder",
                        Some(step.step.to_string()),
                        step.at,
                        focal,
                    ));
                }
            }
            let level = escalated.get(&unit.unit_id).copied();
            if level.is_none() && !head_mailed.contains(&unit.unit_id) {
                let at = head_escalation_at(deadline, &policy, &calendar).max(soonest);
                let to = match &unit_contacts.head {
                    Some(head) => vec![head.clone()],
                    None => unit_contacts.focal_persons.clone(),
                };
                later.push(planned(unit, "escalation_head", None, at, to));
            }
            if level != Some(EscalationLevel::Leadership) {
                let at = leadership_escalation_at(deadline, &policy, &calendar).max(soonest);
                let to = notify
                    .leadership
                    .iter()
                    .chain(&notify.office)
                    .cloned()
                    .collect();
                later.push(planned(unit, "escalation_leadership", None, at, to));
            }
        }
        later.sort_by(|a, b| (a.at, &a.unit_code).cmp(&(b.at, &b.unit_code)));
        items.extend(later);
    }
    Ok(NotificationSchedule {
        period_id: id,
        period_code: period.code,
        as_of: local(now),
        office_hours: format!(
            "{}–{}",
            policy.office_hours_start.format("%H:%M"),
            policy.office_hours_end.format("%H:%M")
        ),
        items,
    })
}
