//! Planning what is due: reminders to units that have not submitted, escalations of late
//! units, and the Office's daily digest. Planning only *enqueues*
//! deduplicated jobs; the job runner sends the mail. Planning the same instant twice, or on
//! several replicas at once, enqueues nothing new: every job's key names what it is about and
//! whom it goes to, and escalations are rows with a unique (period, unit, level).

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::read::contacts_of;
use super::report::{key_email, PlanReport};
use crate::config::NotificationConfig;
use crate::jobs::{BackgroundJob, Digest, EscalationHead, EscalationLeadership, Reminder};
use crate::repo::events::{self, EscalationFacts};
use crate::repo::jobs::enqueue;
use cchc_db::calendar::load_calendar;
use cchc_db::escalations::{self, NewEscalation};
use cchc_db::periods;
use cchc_db::standings::{unit_standings, UnitStanding};
use cchc_domain::error::Result;
use cchc_domain::model::job::Recipient;
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::rules::calendar::WorkingCalendar;
use cchc_domain::rules::local_time::local_date;
use cchc_domain::rules::reminders::{
    digest_due, due_escalations, due_reminder, next_working_slot, reminder_schedule,
    EscalationLevel,
};

/// The facts about an open period that planning needs.
struct OpenPeriod {
    id: i64,
    code: String,
    deadline: DateTime<Utc>,
    policy: ReminderPolicy,
}

async fn open_periods(conn: &mut AsyncPgConnection) -> Result<Vec<OpenPeriod>> {
    periods::open_period_facts(conn)
        .await?
        .into_iter()
        .map(|facts| {
            Ok(OpenPeriod {
                id: facts.id,
                code: facts.code,
                deadline: facts.deadline,
                policy: ReminderPolicy::from_stored(facts.policy)?,
            })
        })
        .collect()
}

/// Enqueues whatever is due at `now`. Each period is planned in its own transaction, so an
/// escalation and the jobs that announce it are committed together.
pub async fn plan(
    conn: &mut AsyncPgConnection,
    notify: &NotificationConfig,
    now: DateTime<Utc>,
) -> Result<PlanReport> {
    let calendar = load_calendar(conn).await?;
    let mut report = PlanReport::default();
    for period in open_periods(conn).await? {
        let part = conn
            .transaction(async |conn| plan_period(conn, &period, &calendar, notify, now).await)
            .await?;
        report.reminders += part.reminders;
        report.head_escalations += part.head_escalations;
        report.leadership_escalations += part.leadership_escalations;
        report.escalation_mails += part.escalation_mails;
    }
    if digest_due(now, notify.digest_time, &calendar) {
        let date = local_date(now);
        for recipient in &notify.office {
            let job = Digest {
                date,
                recipient: recipient.clone(),
            }
            .to_new_job(format!("digest:{date}:{}", key_email(recipient)), now)?;
            if enqueue(conn, &job, now).await?.is_some() {
                report.digests += 1;
            }
        }
    }
    super::tasks::plan_tasks(conn, notify, &calendar, now, &mut report).await?;
    super::assessments::plan_assessments(conn, notify, &calendar, now, &mut report).await?;
    super::campaigns::plan_campaigns(conn, notify, &calendar, now, &mut report).await?;
    Ok(report)
}

async fn plan_period(
    conn: &mut AsyncPgConnection,
    period: &OpenPeriod,
    calendar: &WorkingCalendar,
    notify: &NotificationConfig,
    now: DateTime<Utc>,
) -> Result<PlanReport> {
    let mut report = PlanReport::default();
    // Mail leaves only inside office hours on a working day: a step that came due while the
    // worker was down, or over a weekend, waits for the next working slot.
    let policy = &period.policy;
    if next_working_slot(
        now,
        calendar,
        policy.office_hours_start,
        policy.office_hours_end,
    ) != now
    {
        return Ok(report);
    }
    let missing: Vec<UnitStanding> = unit_standings(conn, period.id)
        .await?
        .into_iter()
        .filter(UnitStanding::is_missing)
        .collect();
    if missing.is_empty() {
        return Ok(report);
    }
    let ids: Vec<i64> = missing.iter().map(|u| u.unit_id).collect();
    let contacts = contacts_of(conn, &ids).await?;
    let mut newly_escalated_to_leadership = Vec::new();
    for unit in &missing {
        let deadline = unit.deadline(period.deadline);
        let unit_contacts = contacts.get(&unit.unit_id).cloned().unwrap_or_default();
        if now < deadline {
            let schedule = reminder_schedule(deadline, &period.policy, calendar);
            if let Some(due) = due_reminder(&schedule, now) {
                // The deadline is part of the key: an extension starts a fresh cycle.
                let step = due.step.to_string();
                for recipient in &unit_contacts.focal_persons {
                    let job = Reminder {
                        period_id: period.id,
                        unit_id: unit.unit_id,
                        step: due.step,
                        deadline,
                        recipient: recipient.clone(),
                    }
                    .to_new_job(
                        format!(
                            "reminder:{}:{}:{}:{step}:{}",
                            period.id,
                            unit.unit_id,
                            deadline.timestamp(),
                            key_email(recipient)
                        ),
                        now,
                    )?;
                    if enqueue(conn, &job, now).await?.is_some() {
                        report.reminders += 1;
                    }
                }
            }
            continue;
        }
        let minutes_late = i32::try_from((now - deadline).num_minutes().max(0)).unwrap_or(i32::MAX);
        for level in due_escalations(deadline, &period.policy, calendar, now) {
            let escalation = NewEscalation {
                period_id: period.id,
                unit_id: unit.unit_id,
                level,
                deadline,
                escalated_at: now,
                minutes_late,
            };
            let inserted = escalations::insert_if_new(conn, &escalation).await?;
            let Some(escalation_id) = inserted else {
                continue;
            };
            let facts = EscalationFacts {
                period_id: period.id,
                period_code: &period.code,
                unit_id: unit.unit_id,
                unit_code: &unit.code,
                level,
                deadline,
                minutes_late,
            };
            events::unit_escalated(conn, &facts, now).await?;
            match level {
                EscalationLevel::Head => {
                    report.head_escalations += 1;
                    // No head on record: the focal persons are told directly.
                    let to = unit_contacts
                        .head
                        .clone()
                        .map(|h| vec![h])
                        .unwrap_or_else(|| unit_contacts.focal_persons.clone());
                    let Some(first) = <[Recipient]>::first(&to) else {
                        continue;
                    };
                    let key = format!(
                        "escalation_head:{}:{}:{}:{}",
                        period.id,
                        unit.unit_id,
                        deadline.timestamp(),
                        key_email(first)
                    );
                    let cc = if unit_contacts.head.is_some() {
                        unit_contacts.focal_persons.clone()
                    } else {
                        Vec::new()
                    };
                    let job = EscalationHead {
                        period_id: period.id,
                        unit_id: unit.unit_id,
                        escalation_id,
                        deadline,
                        to,
                        cc,
                    }
                    .to_new_job(key, now)?;
                    if enqueue(conn, &job, now).await?.is_some() {
                        report.escalation_mails += 1;
                    }
                }
                EscalationLevel::Leadership => newly_escalated_to_leadership.push(escalation_id),
            }
        }
    }
    report.leadership_escalations += newly_escalated_to_leadership.len();
    if let Some(&first) = newly_escalated_to_leadership.iter().min() {
        // One mail per leadership or Office mailbox listing every unit escalated in this pass;
        // the first escalation's id makes the batch's key.
        for recipient in notify.leadership.iter().chain(&notify.office) {
            let job = EscalationLeadership {
                period_id: period.id,
                escalation_ids: newly_escalated_to_leadership.clone(),
                recipient: recipient.clone(),
            }
            .to_new_job(
                format!(
                    "escalation_leadership:{}:{first}:{}",
                    period.id,
                    key_email(recipient)
                ),
                now,
            )?;
            if enqueue(conn, &job, now).await?.is_some() {
                report.escalation_mails += 1;
            }
        }
    }
    Ok(report)
}
