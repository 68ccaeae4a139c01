//! Planning what PAR Index self-assessment rounds are due, while a round is open (not yet sent
//! to the province): reminders to the units that still owe parts before the units' deadline,
//! escalations of those units to their head then the leadership after it, a reminder to the
//! Office before the province's deadline, and the Office's daily readiness digest from
//! [`DIGEST_LEAD_WORKING_DAYS`] working days before the units' deadline. Rounds follow the
//! tasks' policy (the service's default). Like the periods' and tasks' planning, it only
//! enqueues deduplicated jobs: each key names the round, the instant or day it was planned for,
//! the step and the recipient, and escalations are rows unique per round, unit and level, so
//! planning twice or on several replicas enqueues nothing new.
//!
//! [`DIGEST_LEAD_WORKING_DAYS`]: cchc_domain::rules::assessment_reminders::DIGEST_LEAD_WORKING_DAYS

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::read::{contacts_of, UnitContacts};
use super::report::{key_email, Escalated, PlanReport};
use crate::config::NotificationConfig;
use crate::jobs::{
    AssessmentDigest, AssessmentEscalationHead, AssessmentEscalationLeadership,
    AssessmentOfficeReminder, AssessmentReminder, BackgroundJob,
};
use crate::repo::jobs::enqueue;
use cchc_db::assessment_notifications::{self as db, NewAssessmentEscalation, OpenRound};
use cchc_domain::error::Result;
use cchc_domain::rules::assessment_reminders::readiness_digest_due;
use cchc_domain::rules::calendar::WorkingCalendar;
use cchc_domain::rules::reminders::{
    due_escalations, due_reminder, next_working_slot, reminder_schedule, EscalationLevel,
};

/// Plans the rounds' part of a pass at `now` into `report`. Everything here is mail to people,
/// so nothing is planned outside office hours; each round is planned in its own transaction,
/// so an escalation and the jobs that announce it are committed together.
pub(super) async fn plan_assessments(
    conn: &mut AsyncPgConnection,
    notify: &NotificationConfig,
    calendar: &WorkingCalendar,
    now: DateTime<Utc>,
    report: &mut PlanReport,
) -> Result<()> {
    let policy = &notify.task_policy;
    if next_working_slot(
        now,
        calendar,
        policy.office_hours_start,
        policy.office_hours_end,
    ) != now
    {
        return Ok(());
    }
    for round in db::open_rounds(conn).await? {
        let part = conn
            .transaction(async |conn| plan_round(conn, &round, notify, calendar, now).await)
            .await?;
        report.assessment_reminders += part.assessment_reminders;
        report.assessment_head_escalations += part.assessment_head_escalations;
        report.assessment_leadership_escalations += part.assessment_leadership_escalations;
        report.assessment_escalation_mails += part.assessment_escalation_mails;
        report.assessment_office_reminders += part.assessment_office_reminders;
        report.assessment_digests += part.assessment_digests;
    }
    Ok(())
}

async fn plan_round(
    conn: &mut AsyncPgConnection,
    round: &OpenRound,
    notify: &NotificationConfig,
    calendar: &WorkingCalendar,
    now: DateTime<Utc>,
) -> Result<PlanReport> {
    let mut report = PlanReport::default();
    let owing = db::owing_units(conn, round.id).await?;
    if !owing.is_empty() {
        let mut units: Vec<i64> = owing.keys().copied().collect();
        units.sort_unstable();
        let contacts = contacts_of(conn, &units).await?;
        if now < round.units_due_at {
            report.assessment_reminders +=
                remind_units(conn, round, &units, &contacts, notify, calendar, now).await?;
        } else {
            let escalated = escalate(conn, round, &units, &contacts, notify, calendar, now).await?;
            report.assessment_head_escalations += escalated.heads;
            report.assessment_leadership_escalations += escalated.leadership;
            report.assessment_escalation_mails += escalated.mails;
        }
    }
    report.assessment_office_reminders += remind_office(conn, round, notify, calendar, now).await?;
    if let Some(date) = readiness_digest_due(
        round.units_due_at,
        now,
        notify.digest_time,
        &notify.task_policy,
        calendar,
    ) {
        for recipient in &notify.office {
            let key = format!(
                "assessment_digest:{}:{date}:{}",
                round.id,
                key_email(recipient)
            );
            let job = AssessmentDigest {
                assessment_id: round.id,
                date,
                recipient: recipient.clone(),
            }
            .to_new_job(key, now)?;
            if enqueue(conn, &job, now).await?.is_some() {
                report.assessment_digests += 1;
            }
        }
    }
    Ok(report)
}

/// The focal persons of each unit that owes parts, on the policy's steps before the units'
/// deadline.
async fn remind_units(
    conn: &mut AsyncPgConnection,
    round: &OpenRound,
    units: &[i64],
    contacts: &HashMap<i64, UnitContacts>,
    notify: &NotificationConfig,
    calendar: &WorkingCalendar,
    now: DateTime<Utc>,
) -> Result<usize> {
    let due = round.units_due_at;
    let schedule = reminder_schedule(due, &notify.task_policy, calendar);
    let Some(step) = due_reminder(&schedule, now).map(|r| r.step) else {
        return Ok(0);
    };
    let mut enqueued = 0;
    for unit_id in units {
        let Some(unit) = contacts.get(unit_id) else {
            continue;
        };
        for recipient in &unit.focal_persons {
            let key = format!(
                "assessment_reminder:{}:{unit_id}:{}:{step}:{}",
                round.id,
                due.timestamp(),
                key_email(recipient)
            );
            let job = AssessmentReminder {
                assessment_id: round.id,
                unit_id: *unit_id,
                step,
                due,
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

/// Records the escalations due at `now` of the units that still owe parts and enqueues their
/// mail: the head's one per unit, the leadership's one per mailbox listing every unit
/// escalated to it in this pass.
async fn escalate(
    conn: &mut AsyncPgConnection,
    round: &OpenRound,
    units: &[i64],
    contacts: &HashMap<i64, UnitContacts>,
    notify: &NotificationConfig,
    calendar: &WorkingCalendar,
    now: DateTime<Utc>,
) -> Result<Escalated> {
    let deadline = round.units_due_at;
    let levels = due_escalations(deadline, &notify.task_policy, calendar, now);
    if levels.is_empty() {
        return Ok(Escalated::default());
    }
    let recorded = db::recorded_escalations(conn, round.id).await?;
    let minutes_late = i32::try_from((now - deadline).num_minutes().max(0)).unwrap_or(i32::MAX);
    let (mut escalated, mut to_leadership) = (Escalated::default(), Vec::new());
    for &unit_id in units {
        for &level in &levels {
            if recorded.contains(&(unit_id, level)) {
                continue;
            }
            let escalation = NewAssessmentEscalation {
                assessment_id: round.id,
                unit_id,
                level,
                deadline,
                escalated_at: now,
                minutes_late,
            };
            let Some(escalation_id) = db::insert_escalation_if_new(conn, &escalation).await? else {
                continue;
            };
            if level == EscalationLevel::Leadership {
                to_leadership.push(escalation_id);
                continue;
            }
            escalated.heads += 1;
            let unit = contacts.get(&unit_id).cloned().unwrap_or_default();
            // No head on record: the focal persons are told directly.
            let (to, cc) = match unit.head {
                Some(head) => (vec![head], unit.focal_persons),
                None => (unit.focal_persons, Vec::new()),
            };
            let Some(first) = to.first() else {
                continue;
            };
            let key = format!(
                "assessment_escalation_head:{}:{unit_id}:{}",
                round.id,
                key_email(first)
            );
            let job = AssessmentEscalationHead {
                assessment_id: round.id,
                unit_id,
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
                "assessment_escalation_leadership:{}:{first}:{}",
                round.id,
                key_email(recipient)
            );
            let job = AssessmentEscalationLeadership {
                assessment_id: round.id,
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

/// The Office, on the policy's steps before the province's deadline.
async fn remind_office(
    conn: &mut AsyncPgConnection,
    round: &OpenRound,
    notify: &NotificationConfig,
    calendar: &WorkingCalendar,
    now: DateTime<Utc>,
) -> Result<usize> {
    let due = round.send_due_at;
    if now >= due {
        return Ok(0);
    }
    let schedule = reminder_schedule(due, &notify.task_policy, calendar);
    let Some(step) = due_reminder(&schedule, now).map(|r| r.step) else {
        return Ok(0);
    };
    let mut enqueued = 0;
    for recipient in &notify.office {
        let key = format!(
            "assessment_office_reminder:{}:{}:{step}:{}",
            round.id,
            due.timestamp(),
            key_email(recipient)
        );
        let job = AssessmentOfficeReminder {
            assessment_id: round.id,
            step,
            due,
            recipient: recipient.clone(),
        }
        .to_new_job(key, now)?;
        if enqueue(conn, &job, now).await?.is_some() {
            enqueued += 1;
        }
    }
    Ok(enqueued)
}
