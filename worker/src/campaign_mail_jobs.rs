//! Decides the emulation campaign mails when their jobs run: each re-reads the campaign and
//! its round, and computes the round's live leaderboard, through the application's read use
//! cases as the system, so a round reviewed since its mail was queued gets none, a unit no
//! longer competing gets none, and every mail shows the board as it stands when it leaves.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

use cchc_app::authz;
use cchc_app::jobs::{CampaignOfficeReminder, CampaignUnitReminder};
use cchc_app::repo::campaigns;
use cchc_app::repo::jobs::JobError;
use cchc_domain::error::Error;
use cchc_domain::model::campaign::{Campaign, CampaignRound, Leaderboard, LeaderboardRow};
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::rules::campaign_reminders::round_end_due;
use cchc_domain::rules::local_time::local_instant;

use crate::email::campaign_content::{
    BoardLine, CampaignLabel, CampaignOfficeReminderContext, CampaignUnitReminderContext,
    CriterionLine, RoundDates, TOP_LINES,
};
use crate::email::{Mail, MailContent, UnitRef};
use crate::mail_jobs::Decision;

/// Campaign `id` and its round `number` while it is not reviewed; else why the job sends
/// nothing.
async fn open_round(
    conn: &mut AsyncPgConnection,
    id: i64,
    number: i32,
) -> Result<Result<(Campaign, CampaignRound), Decision>, JobError> {
    let campaign = match campaigns::get(conn, id, &authz::system("worker")).await {
        Ok(campaign) => campaign,
        Err(Error::NotFound { .. }) => {
            return Ok(Err(Decision::Skip("the campaign is gone".into())))
        }
        Err(error) => return Err(error.into()),
    };
    let Some(round) = campaign.rounds.iter().find(|r| r.number == number).cloned() else {
        return Ok(Err(Decision::Skip("the round is gone".into())));
    };
    if round.reviewed_at.is_some() {
        return Ok(Err(Decision::Skip("the round was reviewed".into())));
    }
    Ok(Ok((campaign, round)))
}

/// The round's live leaderboard.
async fn board(
    conn: &mut AsyncPgConnection,
    campaign: &Campaign,
    round: &CampaignRound,
) -> Result<Leaderboard, JobError> {
    let system = authz::system("worker");
    Ok(campaigns::round_leaderboard(conn, campaign.id, round.number, &system).await?)
}

fn label(campaign: &Campaign) -> CampaignLabel {
    CampaignLabel {
        id: campaign.id,
        code: campaign.code.clone(),
        title: campaign.title.clone(),
        year: campaign.year,
    }
}

fn dates(round: &CampaignRound) -> RoundDates {
    RoundDates {
        number: round.number,
        starts_on: round.starts_on,
        ends_on: round.ends_on,
        review_on: round.review_on,
        review_effective_on: round.review_effective_on,
    }
}

fn unit(row: &LeaderboardRow) -> UnitRef {
    UnitRef {
        id: row.unit_id,
        code: row.unit_code.clone(),
        name: row.unit_name.clone(),
        office: false,
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

pub(crate) async fn office_reminder(
    conn: &mut AsyncPgConnection,
    job: CampaignOfficeReminder,
    key: String,
    policy: &ReminderPolicy,
    now: DateTime<Utc>,
) -> Result<Decision, JobError> {
    let (campaign, round) = match open_round(conn, job.campaign_id, job.round).await? {
        Ok(found) => found,
        Err(skip) => return Ok(skip),
    };
    if now >= job.due {
        return Ok(Decision::Skip("the review is due".into()));
    }
    if local_instant(round.review_effective_on, policy.office_hours_end) != job.due {
        return Ok(Decision::Skip("the review date changed".into()));
    }
    let board = board(conn, &campaign, &round).await?;
    let top = board
        .rows
        .iter()
        .take(TOP_LINES)
        .map(|row| BoardLine {
            rank: row.rank,
            unit: unit(row),
            points: row.points,
        })
        .collect();
    Ok(Decision::Send(Box::new(Mail {
        key,
        to: vec![job.recipient],
        cc: Vec::new(),
        content: MailContent::CampaignOfficeReminder(CampaignOfficeReminderContext {
            campaign: label(&campaign),
            round: dates(&round),
            due: job.due,
            step: job.step,
            scale: board.scale,
            competing: count(board.rows.len()),
            top,
        }),
    })))
}

pub(crate) async fn unit_reminder(
    conn: &mut AsyncPgConnection,
    job: CampaignUnitReminder,
    key: String,
    policy: &ReminderPolicy,
    now: DateTime<Utc>,
) -> Result<Decision, JobError> {
    let (campaign, round) = match open_round(conn, job.campaign_id, job.round).await? {
        Ok(found) => found,
        Err(skip) => return Ok(skip),
    };
    if now >= job.due {
        return Ok(Decision::Skip("the round is over".into()));
    }
    if round_end_due(round.ends_on, policy) != job.due {
        return Ok(Decision::Skip("the round's end changed".into()));
    }
    let board = board(conn, &campaign, &round).await?;
    let Some(row) = board.rows.iter().find(|r| r.unit_id == job.unit_id) else {
        return Ok(Decision::Skip("the unit no longer competes".into()));
    };
    let criteria = row
        .criteria
        .iter()
        .map(|score| CriterionLine {
            code: score.code.clone(),
            title: campaign
                .criteria
                .iter()
                .find(|c| c.code == score.code)
                .map_or_else(|| score.code.clone(), |c| c.title.clone()),
            kind: score.kind,
            max_points: score.max_points,
            points: score.points,
            counted: score.counted,
            out_of: score.out_of,
        })
        .collect();
    Ok(Decision::Send(Box::new(Mail {
        key,
        to: vec![job.recipient],
        cc: Vec::new(),
        content: MailContent::CampaignUnitReminder(CampaignUnitReminderContext {
            campaign: label(&campaign),
            round: dates(&round),
            unit: unit(row),
            due: job.due,
            step: job.step,
            scale: board.scale,
            competing: count(board.rows.len()),
            rank: row.rank,
            points: row.points,
            criteria,
        }),
    })))
}
