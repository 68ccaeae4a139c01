//! Decides the PAR Index self-assessment mails when their jobs run: each re-reads the round
//! (through the application's read use cases, as the system), so a round sent since its mail
//! was queued gets none, a unit that has finished its parts gets none, and every mail lists
//! what is true when it leaves.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use rust_decimal::Decimal;

use cchc_app::authz;
use cchc_app::jobs::{
    AssessmentDigest, AssessmentEscalationHead, AssessmentEscalationLeadership,
    AssessmentOfficeReminder, AssessmentReminder,
};
use cchc_app::repo::assessments::{self, OwedParts};
use cchc_app::repo::jobs::JobError;
use cchc_app::repo::submissions::BoardCaches;
use cchc_db::assessment_notifications;
use cchc_domain::model::assessment::{
    Assessment, AssessmentStatus, ItemStatus, ReadinessFigures, ReadinessProblem,
};
use cchc_domain::rules::lateness::lateness;
use cchc_domain::rules::local_time::local_date;

use crate::email::assessment_content::{
    AssessmentDigestContext, AssessmentEscalationHeadContext,
    AssessmentEscalationLeadershipContext, AssessmentOfficeReminderContext,
    AssessmentReminderContext, Figures, FiguresLine, LateAssessmentUnit, OwedPart,
    ReadinessSummary, RoundLabel,
};
use crate::email::{Mail, MailContent, UnitRef};
use crate::mail_jobs::Decision;
use crate::unit_facts::{calendar, head_title, is_office};

/// Computed afresh: the round is read once per mail, and its computed criteria must show
/// what the consolidations say now.
fn uncached() -> BoardCaches {
    BoardCaches::new(0)
}

/// Round `id` and the parts each unit owes while it is open; else why the job sends nothing.
async fn open_round(
    conn: &mut AsyncPgConnection,
    caches: &BoardCaches,
    id: i64,
) -> Result<Result<(Assessment, Vec<OwedParts>), Decision>, JobError> {
    match assessments::owed_parts(conn, caches, id).await? {
        None => Ok(Err(Decision::Skip("the round is gone".into()))),
        Some((round, _)) if round.status != AssessmentStatus::Open => Ok(Err(Decision::Skip(
            "the round was sent to the province".into(),
        ))),
        Some(found) => Ok(Ok(found)),
    }
}

fn label(round: &Assessment) -> RoundLabel {
    RoundLabel {
        id: round.id,
        code: round.code.clone(),
        title: round.title.clone(),
        year: round.year,
    }
}

fn unit_ref(unit: &cchc_domain::model::plan::UnitRef) -> UnitRef {
    UnitRef {
        id: unit.id,
        code: unit.code.clone(),
        name: unit.name.clone(),
        office: false,
    }
}

/// The unit as its own mails name it: whether it is the Office is read.
async fn own_unit_ref(
    conn: &mut AsyncPgConnection,
    unit: &cchc_domain::model::plan::UnitRef,
) -> Result<UnitRef, JobError> {
    Ok(UnitRef {
        office: is_office(conn, unit.id).await?,
        ..unit_ref(unit)
    })
}

fn parts(owed: &OwedParts) -> Vec<OwedPart> {
    owed.items
        .iter()
        .map(|item| OwedPart {
            code: item.code.clone(),
            title: item.title.clone(),
            max_points: item.max_points,
            status: item.status,
            return_reason: item.return_reason.clone(),
        })
        .collect()
}

fn late_unit(owed: &OwedParts) -> LateAssessmentUnit {
    let count = |status: ItemStatus| {
        let n = owed.items.iter().filter(|i| i.status == status).count();
        u32::try_from(n).unwrap_or(u32::MAX)
    };
    LateAssessmentUnit {
        unit: unit_ref(&owed.unit),
        pending: count(ItemStatus::Pending),
        returned: count(ItemStatus::Returned),
        max_points: owed.items.iter().map(|i| i.max_points).sum::<Decimal>(),
    }
}

/// What unit `unit_id` owes, if anything.
fn owed_by(owed: Vec<OwedParts>, unit_id: i64) -> Option<OwedParts> {
    owed.into_iter().find(|o| o.unit.id == unit_id)
}

pub(crate) async fn reminder(
    conn: &mut AsyncPgConnection,
    job: AssessmentReminder,
    key: String,
    now: DateTime<Utc>,
) -> Result<Decision, JobError> {
    let (round, owed) = match open_round(conn, &uncached(), job.assessment_id).await? {
        Ok(found) => found,
        Err(skip) => return Ok(skip),
    };
    if now >= job.due {
        return Ok(Decision::Skip("the units' deadline has passed".into()));
    }
    if round.units_due_at.to_utc() != job.due {
        return Ok(Decision::Skip("the units' deadline changed".into()));
    }
    let Some(owed) = owed_by(owed, job.unit_id) else {
        return Ok(Decision::Skip("the unit has nothing left to do".into()));
    };
    let unit = own_unit_ref(conn, &owed.unit).await?;
    Ok(Decision::Send(Box::new(Mail {
        key,
        to: vec![job.recipient],
        cc: Vec::new(),
        content: MailContent::AssessmentReminder(AssessmentReminderContext {
            round: label(&round),
            unit,
            due: job.due,
            step: job.step,
            parts: parts(&owed),
        }),
    })))
}

pub(crate) async fn escalation_head(
    conn: &mut AsyncPgConnection,
    job: AssessmentEscalationHead,
    key: String,
    now: DateTime<Utc>,
) -> Result<Decision, JobError> {
    let (round, owed) = match open_round(conn, &uncached(), job.assessment_id).await? {
        Ok(found) => found,
        Err(skip) => return Ok(skip),
    };
    let Some(owed) = owed_by(owed, job.unit_id) else {
        return Ok(Decision::Skip("the unit has finished its parts".into()));
    };
    // With the focal persons in copy, `to` is the head.
    let head = if job.cc.is_empty() {
        None
    } else {
        job.to.first()
    };
    let head_name = head.and_then(|r| r.name.clone());
    let head_title = head_title(conn, job.unit_id, head).await?;
    let unit = own_unit_ref(conn, &owed.unit).await?;
    let calendar = calendar(conn).await?;
    Ok(Decision::Send(Box::new(Mail {
        key,
        to: job.to,
        cc: job.cc,
        content: MailContent::AssessmentEscalationHead(AssessmentEscalationHeadContext {
            round: label(&round),
            unit,
            deadline: job.deadline,
            late: lateness(job.deadline, now, &calendar),
            head_name,
            head_title,
            parts: parts(&owed),
        }),
    })))
}

pub(crate) async fn escalation_leadership(
    conn: &mut AsyncPgConnection,
    job: AssessmentEscalationLeadership,
    key: String,
    now: DateTime<Utc>,
) -> Result<Decision, JobError> {
    let (round, owed) = match open_round(conn, &uncached(), job.assessment_id).await? {
        Ok(found) => found,
        Err(skip) => return Ok(skip),
    };
    let escalated =
        assessment_notifications::escalated_units(conn, job.assessment_id, &job.escalation_ids)
            .await?;
    let units: Vec<LateAssessmentUnit> = owed
        .iter()
        .filter(|o| escalated.contains(&o.unit.id))
        .map(late_unit)
        .collect();
    if units.is_empty() {
        return Ok(Decision::Skip(
            "every escalated unit has finished its parts".into(),
        ));
    }
    let deadline = round.units_due_at.to_utc();
    let calendar = calendar(conn).await?;
    Ok(Decision::Send(Box::new(Mail {
        key,
        to: vec![job.recipient],
        cc: Vec::new(),
        content: MailContent::AssessmentEscalationLeadership(
            AssessmentEscalationLeadershipContext {
                round: label(&round),
                deadline,
                late: lateness(deadline, now, &calendar),
                units,
            },
        ),
    })))
}

fn figures(f: &ReadinessFigures) -> Figures {
    let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
    Figures {
        criteria: n(f.criteria),
        resolved: n(f.resolved),
        max_points: f.max_points,
        self_points: f.self_points,
        points_at_risk: f.points_at_risk,
    }
}

/// The round's readiness board, and the summary the Office's mails give of it.
async fn readiness(
    conn: &mut AsyncPgConnection,
    caches: &BoardCaches,
    round: &Assessment,
    owed: &[OwedParts],
) -> Result<(cchc_domain::model::assessment::Readiness, ReadinessSummary), JobError> {
    let board = assessments::readiness(conn, caches, round.id, &authz::system("worker")).await?;
    let problems = ReadinessProblem::ALL
        .iter()
        .filter_map(|problem| {
            let n = board
                .unresolved
                .iter()
                .filter(|item| item.problems.contains(problem))
                .count();
            (n > 0).then(|| (*problem, u32::try_from(n).unwrap_or(u32::MAX)))
        })
        .collect();
    let summary = ReadinessSummary {
        total: figures(&board.total),
        problems,
        unresolved: u32::try_from(board.unresolved.len()).unwrap_or(u32::MAX),
        units_not_done: owed.iter().map(late_unit).collect(),
    };
    Ok((board, summary))
}

pub(crate) async fn office_reminder(
    conn: &mut AsyncPgConnection,
    job: AssessmentOfficeReminder,
    key: String,
    now: DateTime<Utc>,
) -> Result<Decision, JobError> {
    let caches = uncached();
    let (round, owed) = match open_round(conn, &caches, job.assessment_id).await? {
        Ok(found) => found,
        Err(skip) => return Ok(skip),
    };
    if now >= job.due {
        return Ok(Decision::Skip("the province's deadline has passed".into()));
    }
    if round.send_due_at.to_utc() != job.due {
        return Ok(Decision::Skip("the province's deadline changed".into()));
    }
    let (_, summary) = readiness(conn, &caches, &round, &owed).await?;
    Ok(Decision::Send(Box::new(Mail {
        key,
        to: vec![job.recipient],
        cc: Vec::new(),
        content: MailContent::AssessmentOfficeReminder(AssessmentOfficeReminderContext {
            round: label(&round),
            due: job.due,
            step: job.step,
            summary,
        }),
    })))
}

pub(crate) async fn digest(
    conn: &mut AsyncPgConnection,
    job: AssessmentDigest,
    key: String,
    now: DateTime<Utc>,
) -> Result<Decision, JobError> {
    if local_date(now) != job.date {
        return Ok(Decision::Skip("the digest's day is over".into()));
    }
    let caches = uncached();
    let (round, owed) = match open_round(conn, &caches, job.assessment_id).await? {
        Ok(found) => found,
        Err(skip) => return Ok(skip),
    };
    let (board, summary) = readiness(conn, &caches, &round, &owed).await?;
    let areas = board
        .areas
        .iter()
        .map(|area| FiguresLine {
            label: format!("{}. {}", area.code, area.title),
            figures: figures(&area.figures),
        })
        .collect();
    let units = board
        .units
        .iter()
        .map(|unit| FiguresLine {
            label: unit
                .unit
                .as_ref()
                .map_or_else(|| "Chưa giao đơn vị".to_owned(), |u| u.name.clone()),
            figures: figures(&unit.figures),
        })
        .collect();
    Ok(Decision::Send(Box::new(Mail {
        key,
        to: vec![job.recipient],
        cc: Vec::new(),
        content: MailContent::AssessmentDigest(AssessmentDigestContext {
            round: label(&round),
            as_of: now,
            units_due_at: round.units_due_at.to_utc(),
            send_due_at: round.send_due_at.to_utc(),
            summary,
            areas,
            units,
        }),
    })))
}
