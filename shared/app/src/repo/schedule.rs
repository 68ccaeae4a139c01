//! What the worker's schedule enqueues: reminders to units that have not submitted,
//! escalations of late units, and the Office's daily digest. Planning only *enqueues*
//! deduplicated jobs; the job runner sends the mail. Planning the same instant twice, or on
//! several replicas at once, enqueues nothing new: every job's key names what it is about and
//! whom it goes to, and escalations are rows with a unique (period, unit, level).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use crate::authz;
use crate::authz::Principal;
use crate::config::NotificationConfig;
use crate::jobs::{BackgroundJob, Digest, EscalationHead, EscalationLeadership, Reminder};
use crate::repo::events::{self, EscalationFacts};
use crate::repo::jobs::enqueue;
use crate::repo::local;
use cchc_db::calendar::load_calendar;
use cchc_db::schema::{
    escalations, period_extensions, period_units, periods, submissions, unit_contacts, units,
};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::job::{Escalation, EscalationPage, Recipient};
use cchc_domain::model::period::PeriodStatus;
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::model::submission::SubmissionStatus;
use cchc_domain::model::unit::ContactRole;
use cchc_domain::model::PageParams;
use cchc_domain::rules::calendar::WorkingCalendar;
use cchc_domain::rules::local_time::local_date;
use cchc_domain::rules::reminders::{
    digest_due, due_escalations, due_reminder, next_working_slot, reminder_schedule,
    EscalationLevel,
};

/// What one planning pass enqueued.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanReport {
    pub reminders: usize,
    pub head_escalations: usize,
    pub leadership_escalations: usize,
    pub digests: usize,
}

impl PlanReport {
    pub fn total(&self) -> usize {
        self.reminders + self.head_escalations + self.leadership_escalations + self.digests
    }
}

/// A participating unit of an open period and where its report is.
#[derive(Debug, Clone, QueryableByName, Queryable)]
pub struct UnitStanding {
    #[diesel(sql_type = BigInt)]
    pub unit_id: i64,
    #[diesel(sql_type = Text)]
    pub code: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub extension_deadline: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub submission_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub submission_status: Option<SubmissionStatus>,
    #[diesel(sql_type = Nullable<Text>)]
    pub return_reason: Option<String>,
}

impl UnitStanding {
    /// A returned report counts as not submitted until it is submitted again.
    pub fn is_returned(&self) -> bool {
        self.submission_status == Some(SubmissionStatus::Returned)
    }

    /// Not submitted: no report, a draft, or a report returned and not yet resubmitted.
    pub fn is_missing(&self) -> bool {
        matches!(
            self.submission_status,
            None | Some(SubmissionStatus::Draft | SubmissionStatus::Returned)
        )
    }

    pub fn deadline(&self, period_deadline: DateTime<Utc>) -> DateTime<Utc> {
        self.extension_deadline.unwrap_or(period_deadline)
    }
}

const STANDINGS: &str =
    "SELECT u.id AS unit_id, u.code, u.name, e.deadline AS extension_deadline, \
        s.id AS submission_id, s.status AS submission_status, s.return_reason \
    FROM period_units pu \
    JOIN units u ON u.id = pu.unit_id \
    LEFT JOIN period_extensions e ON e.period_id = pu.period_id AND e.unit_id = pu.unit_id \
    LEFT JOIN submissions s ON s.period_id = pu.period_id AND s.unit_id = pu.unit_id \
    WHERE pu.period_id = $1 AND u.active";

/// The participating (active) units of a period with their report's status, by code.
pub async fn unit_standings(
    conn: &mut AsyncPgConnection,
    period_id: i64,
) -> Result<Vec<UnitStanding>> {
    Ok(diesel::sql_query(format!("{STANDINGS} ORDER BY u.code"))
        .bind::<BigInt, _>(period_id)
        .load(conn)
        .await?)
}

/// One unit's standing in a period (`None` when it does not take part or is inactive): what
/// [`unit_standings`] reads for every unit, written with the query builder so the statement
/// is prepared once per connection (a reminder runs it once per mail; a text query would be
/// parsed and planned every time). It takes a shared connection so it can be pipelined.
pub async fn unit_standing(
    mut conn: &AsyncPgConnection,
    period_id: i64,
    unit_id: i64,
) -> Result<Option<UnitStanding>> {
    Ok(period_units::table
        .inner_join(units::table)
        .left_join(
            period_extensions::table.on(period_extensions::period_id
                .eq(period_units::period_id)
                .and(period_extensions::unit_id.eq(period_units::unit_id))),
        )
        .left_join(
            submissions::table.on(submissions::period_id
                .eq(period_units::period_id)
                .and(submissions::unit_id.eq(period_units::unit_id))),
        )
        .filter(period_units::period_id.eq(period_id))
        .filter(units::id.eq(unit_id))
        .filter(units::active)
        .select((
            units::id,
            units::code,
            units::name,
            period_extensions::deadline.nullable(),
            submissions::id.nullable(),
            submissions::status.nullable(),
            submissions::return_reason.nullable(),
        ))
        .first::<UnitStanding>(&mut conn)
        .await
        .optional()?)
}

/// A unit's head and focal persons.
#[derive(Debug, Clone, Default)]
pub struct UnitContacts {
    pub head: Option<Recipient>,
    pub focal_persons: Vec<Recipient>,
}

pub async fn contacts_of(
    conn: &mut AsyncPgConnection,
    unit_ids: &[i64],
) -> Result<HashMap<i64, UnitContacts>> {
    let rows: Vec<(i64, ContactRole, String, String)> = unit_contacts::table
        .filter(unit_contacts::unit_id.eq_any(unit_ids))
        .order((unit_contacts::unit_id, unit_contacts::sort_order))
        .select((
            unit_contacts::unit_id,
            unit_contacts::role,
            unit_contacts::name,
            unit_contacts::email,
        ))
        .load(conn)
        .await?;
    let mut contacts: HashMap<i64, UnitContacts> = HashMap::new();
    for (unit_id, role, name, email) in rows {
        let entry = contacts.entry(unit_id).or_default();
        let recipient = Recipient {
            name: Some(name),
            email,
        };
        match role {
            ContactRole::Head => entry.head = Some(recipient),
            ContactRole::FocalPerson => entry.focal_persons.push(recipient),
        }
    }
    Ok(contacts)
}

/// The facts about an open period that planning needs.
struct OpenPeriod {
    id: i64,
    code: String,
    deadline: DateTime<Utc>,
    policy: ReminderPolicy,
}

async fn open_periods(conn: &mut AsyncPgConnection) -> Result<Vec<OpenPeriod>> {
    let rows: Vec<(i64, String, DateTime<Utc>, serde_json::Value)> = periods::table
        .filter(periods::status.eq(PeriodStatus::Open))
        .order(periods::id)
        .select((
            periods::id,
            periods::code,
            periods::deadline,
            periods::policy,
        ))
        .load(conn)
        .await?;
    rows.into_iter()
        .map(|(id, code, deadline, policy)| {
            Ok(OpenPeriod {
                id,
                code,
                deadline,
                policy: ReminderPolicy::from_stored(policy)?,
            })
        })
        .collect()
}

/// Addresses are compared case-insensitively, so keys are too.
fn key_email(recipient: &Recipient) -> String {
    recipient.email.trim().to_lowercase()
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
            let inserted: Option<i64> = diesel::insert_into(escalations::table)
                .values((
                    escalations::period_id.eq(period.id),
                    escalations::unit_id.eq(unit.unit_id),
                    escalations::level.eq(level),
                    escalations::deadline.eq(deadline),
                    escalations::escalated_at.eq(now),
                    escalations::minutes_late.eq(minutes_late),
                ))
                .on_conflict_do_nothing()
                .returning(escalations::id)
                .get_result(conn)
                .await
                .optional()?;
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
                        report.head_escalations += 1;
                    }
                }
                EscalationLevel::Leadership => newly_escalated_to_leadership.push(escalation_id),
            }
        }
    }
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
                report.leadership_escalations += 1;
            }
        }
    }
    Ok(report)
}

/// The highest escalation level of each unit of a period.
pub async fn levels(
    mut conn: &AsyncPgConnection,
    period_id: i64,
) -> Result<HashMap<i64, EscalationLevel>> {
    let rows: Vec<(i64, EscalationLevel)> = escalations::table
        .filter(escalations::period_id.eq(period_id))
        .select((escalations::unit_id, escalations::level))
        .load(&mut conn)
        .await?;
    let mut levels: HashMap<i64, EscalationLevel> = HashMap::new();
    for (unit_id, level) in rows {
        let entry = levels.entry(unit_id).or_insert(level);
        *entry = (*entry).max(level);
    }
    Ok(levels)
}

/// A period's escalations, in the order they happened.
pub async fn escalations_of(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    page: PageParams,
    principal: &Principal,
) -> Result<EscalationPage> {
    authz::view_across_units(principal, "the list of escalations")?;
    let (page, per_page) = page.validate()?;
    let exists: i64 = periods::table
        .filter(periods::id.eq(period_id))
        .count()
        .get_result(conn)
        .await?;
    if exists == 0 {
        return Err(Error::not_found("period"));
    }
    let total: i64 = escalations::table
        .filter(escalations::period_id.eq(period_id))
        .count()
        .get_result(conn)
        .await?;
    type Row = (
        String,
        String,
        EscalationLevel,
        DateTime<Utc>,
        DateTime<Utc>,
        i32,
    );
    let rows: Vec<Row> = escalations::table
        .inner_join(units::table)
        .filter(escalations::period_id.eq(period_id))
        .order(escalations::id)
        .limit(per_page)
        .offset(PageParams::offset(page, per_page))
        .select((
            units::code,
            units::name,
            escalations::level,
            escalations::deadline,
            escalations::escalated_at,
            escalations::minutes_late,
        ))
        .load(conn)
        .await?;
    let items = rows
        .into_iter()
        .map(
            |(unit_code, unit_name, level, deadline, escalated_at, minutes_late)| Escalation {
                unit_code,
                unit_name,
                level,
                deadline: local(deadline),
                escalated_at: local(escalated_at),
                minutes_late,
            },
        )
        .collect();
    Ok(EscalationPage {
        items,
        page,
        per_page,
        total,
    })
}
