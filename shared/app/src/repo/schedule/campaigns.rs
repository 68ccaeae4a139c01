//! Planning what emulation campaign rounds are due, while a round is not yet reviewed: a
//! reminder to the Office on the tasks' policy steps before the round's review (counted from
//! the working day a review on a day off falls on), and one to each competing unit's focal
//! persons before the round ends (`rules::campaign_reminders`). Like the other planning, it
//! only enqueues deduplicated jobs: each key names the campaign, the round, the instant the
//! reminders count to, the step and the recipient (and the unit), so planning twice or on
//! several replicas enqueues nothing new. The jobs re-read the round when they run.

use chrono::{DateTime, Days, Utc};
use diesel_async::AsyncPgConnection;

use super::read::contacts_of;
use super::report::{key_email, PlanReport};
use crate::config::NotificationConfig;
use crate::jobs::{BackgroundJob, CampaignOfficeReminder, CampaignUnitReminder};
use crate::repo::jobs::enqueue;
use cchc_db::campaigns::{self as db, UnreviewedRound};
use cchc_domain::error::Result;
use cchc_domain::model::campaign::Participation;
use cchc_domain::rules::calendar::WorkingCalendar;
use cchc_domain::rules::campaign_reminders::{office_step_due, units_step_due};
use cchc_domain::rules::local_time::local_date;
use cchc_domain::rules::reminders::next_working_slot;

/// How far back a review date may lie and still be planned for: more than any run of days off
/// a review on a day off can be carried over.
const REVIEW_LOOKBACK_DAYS: u64 = 31;

/// Plans the campaigns' part of a pass at `now` into `report`: nothing outside office hours.
pub(super) async fn plan_campaigns(
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
    let today = local_date(now);
    let since = today
        .checked_sub_days(Days::new(REVIEW_LOOKBACK_DAYS))
        .unwrap_or(today);
    for round in db::unreviewed_rounds(conn, since).await? {
        report.campaign_office_reminders +=
            remind_office(conn, &round, notify, calendar, now).await?;
        report.campaign_unit_reminders += remind_units(conn, &round, notify, calendar, now).await?;
    }
    Ok(())
}

/// The Office's mailboxes, on the policy's steps before the review.
async fn remind_office(
    conn: &mut AsyncPgConnection,
    round: &UnreviewedRound,
    notify: &NotificationConfig,
    calendar: &WorkingCalendar,
    now: DateTime<Utc>,
) -> Result<usize> {
    let Some((step, due)) = office_step_due(round.review_on, &notify.task_policy, calendar, now)
    else {
        return Ok(0);
    };
    let mut enqueued = 0;
    for recipient in &notify.office {
        let key = format!(
            "campaign_office_reminder:{}:{}:{}:{step}:{}",
            round.campaign_id,
            round.number,
            due.timestamp(),
            key_email(recipient)
        );
        let job = CampaignOfficeReminder {
            campaign_id: round.campaign_id,
            round: round.number,
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

/// The focal persons of every competing unit, on the policy's steps before the round ends.
async fn remind_units(
    conn: &mut AsyncPgConnection,
    round: &UnreviewedRound,
    notify: &NotificationConfig,
    calendar: &WorkingCalendar,
    now: DateTime<Utc>,
) -> Result<usize> {
    let Some((step, due)) = units_step_due(
        round.starts_on,
        round.ends_on,
        &notify.task_policy,
        calendar,
        now,
    ) else {
        return Ok(0);
    };
    let competing = match round.participation {
        Participation::All => db::all_competing_units(conn).await?,
        Participation::Registered => db::registered(conn, round.campaign_id).await?,
    };
    let units: Vec<i64> = competing.iter().map(|(id, _, _)| *id).collect();
    let contacts = contacts_of(conn, &units).await?;
    let mut enqueued = 0;
    for unit_id in units {
        let Some(unit) = contacts.get(&unit_id) else {
            continue;
        };
        for recipient in &unit.focal_persons {
            let key = format!(
                "campaign_unit_reminder:{}:{}:{unit_id}:{}:{step}:{}",
                round.campaign_id,
                round.number,
                due.timestamp(),
                key_email(recipient)
            );
            let job = CampaignUnitReminder {
                campaign_id: round.campaign_id,
                round: round.number,
                unit_id,
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
