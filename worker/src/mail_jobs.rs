//! Runs the mail jobs the planner and the API enqueue: reminders, escalations, receipts and
//! digests. Each job re-reads the database when it runs, so a unit that submitted after its
//! reminder was queued gets none, and every mail says what is true when it leaves.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use futures_util::future::BoxFuture;

use cchc_app::jobs::{
    BackgroundJob, Digest, EscalationHead, EscalationLeadership, Receipt, Reminder,
};
use cchc_app::repo::jobs::{ClaimedJob, JobError};
use cchc_app::repo::pinned_versions::PinnedVersions;
use cchc_db::standings::{unit_standing, unit_standings, UnitStanding};
use cchc_db::{escalations, periods, submissions, units};
use cchc_domain::model::job::Recipient;
use cchc_domain::model::period::PeriodStatus;
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::model::submission::SubmissionStatus;
use cchc_domain::rules::lateness::lateness;
use cchc_domain::rules::local_time::local_instant;
use cchc_domain::rules::timeliness::Timeliness as StoredTimeliness;

use crate::unit_facts::{calendar, head_title, is_office};

use crate::email::{
    DigestContext, DigestPeriod, EscalationHeadContext, EscalationLeadershipContext, LateUnit,
    Mail, MailContent, Mailer, MissingLine, MissingStatus, MissingUnit, PeriodRef, ReceiptContext,
    ReceiptEvent, ReminderContext, Timeliness, UnitRef,
};

/// What a job decided: a mail to send, or nothing, with the reason.
pub(crate) enum Decision {
    Send(Box<Mail>),
    Skip(String),
}

/// Runs the mail kinds, handed over by [`crate::dispatch::JobDispatcher`].
pub struct MailJobs {
    mailer: Mailer,
    task_policy: ReminderPolicy,
    /// Indicator versions as periods pin them, read once for every reminder that lists what
    /// a draft still lacks (a version never changes).
    versions: PinnedVersions,
}

impl MailJobs {
    /// Task statuses are derived with the default policy unless
    /// [`with_task_policy`](Self::with_task_policy) says otherwise.
    pub fn new(mailer: Mailer) -> Self {
        Self {
            mailer,
            task_policy: ReminderPolicy::default(),
            versions: PinnedVersions::new(),
        }
    }

    /// The policy task statuses are derived with: the service's default policy, as the API
    /// derives them.
    pub fn with_task_policy(mut self, policy: ReminderPolicy) -> Self {
        self.task_policy = policy;
        self
    }

    pub(crate) fn task_policy(&self) -> &ReminderPolicy {
        &self.task_policy
    }

    /// The idempotency key of the mail a job sends.
    pub(crate) fn key(job: &ClaimedJob) -> String {
        job.dedup_key
            .clone()
            .unwrap_or_else(|| format!("job.{}", job.id))
    }
}

/// A mail kind: what its payload decides when the job runs.
pub(crate) trait MailJob: BackgroundJob {
    fn decide<'a>(
        self,
        jobs: &'a MailJobs,
        conn: &'a mut AsyncPgConnection,
        key: String,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<Decision, JobError>>;
}

impl MailJobs {
    /// Runs a mail job whose payload the dispatcher has read: decides, then sends or skips.
    pub(crate) async fn run<J: MailJob>(
        &self,
        conn: &mut AsyncPgConnection,
        job: &ClaimedJob,
        payload: J,
        now: DateTime<Utc>,
    ) -> Result<String, JobError> {
        let decision = payload.decide(self, conn, Self::key(job), now).await?;
        self.deliver(decision, now).await
    }

    /// Sends the mail a job decided on, or says why it skipped.
    pub(crate) async fn deliver(
        &self,
        decision: Decision,
        now: DateTime<Utc>,
    ) -> Result<String, JobError> {
        match decision {
            Decision::Skip(reason) => Ok(format!("skipped: {reason}")),
            Decision::Send(mail) => match self.mailer.send(&mail, now).await {
                Ok(message_id) => Ok(format!("sent {message_id}")),
                Err(error) if error.is_temporary() => Err(JobError::Temporary(error.to_string())),
                Err(error) => Err(JobError::Permanent(error.to_string())),
            },
        }
    }
}

impl MailJob for Reminder {
    fn decide<'a>(
        self,
        jobs: &'a MailJobs,
        conn: &'a mut AsyncPgConnection,
        key: String,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<Decision, JobError>> {
        Box::pin(reminder(conn, &jobs.versions, self, key, now))
    }
}

impl MailJob for EscalationHead {
    fn decide<'a>(
        self,
        _jobs: &'a MailJobs,
        conn: &'a mut AsyncPgConnection,
        key: String,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<Decision, JobError>> {
        Box::pin(escalation_head(conn, self, key, now))
    }
}

impl MailJob for EscalationLeadership {
    fn decide<'a>(
        self,
        _jobs: &'a MailJobs,
        conn: &'a mut AsyncPgConnection,
        key: String,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<Decision, JobError>> {
        Box::pin(escalation_leadership(conn, self, key, now))
    }
}

impl MailJob for Receipt {
    fn decide<'a>(
        self,
        _jobs: &'a MailJobs,
        conn: &'a mut AsyncPgConnection,
        key: String,
        _now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<Decision, JobError>> {
        Box::pin(receipt(conn, self, key))
    }
}

impl MailJob for Digest {
    fn decide<'a>(
        self,
        _jobs: &'a MailJobs,
        conn: &'a mut AsyncPgConnection,
        key: String,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<Decision, JobError>> {
        Box::pin(digest(conn, self, key, now))
    }
}

struct PeriodFacts {
    reference: PeriodRef,
    deadline: DateTime<Utc>,
    open: bool,
}

async fn period(conn: &AsyncPgConnection, id: i64) -> Result<PeriodFacts, JobError> {
    let facts = periods::period_facts(conn, id)
        .await?
        .ok_or_else(|| JobError::Permanent(format!("period {id} is gone")))?;
    Ok(PeriodFacts {
        reference: PeriodRef {
            id,
            code: facts.code,
            title: facts.title,
        },
        deadline: facts.deadline,
        open: facts.status == PeriodStatus::Open,
    })
}

fn unit_ref(standing: &UnitStanding) -> UnitRef {
    UnitRef {
        id: standing.unit_id,
        code: standing.code.clone(),
        name: standing.name.clone(),
        office: false,
    }
}

/// The unit as its own mails name it: whether it is the Office is read from the database.
async fn own_unit_ref(
    conn: &mut AsyncPgConnection,
    standing: &UnitStanding,
) -> Result<UnitRef, JobError> {
    Ok(UnitRef {
        office: is_office(conn, standing.unit_id).await?,
        ..unit_ref(standing)
    })
}

fn missing_status(standing: &UnitStanding) -> MissingStatus {
    if standing.is_returned() {
        MissingStatus::Returned
    } else {
        MissingStatus::NotSubmitted
    }
}

async fn standing(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    unit_id: i64,
) -> Result<Option<UnitStanding>, JobError> {
    unit_standing(conn, period_id, unit_id)
        .await
        .map_err(JobError::from)
}

async fn reminder(
    conn: &mut AsyncPgConnection,
    versions: &PinnedVersions,
    job: Reminder,
    key: String,
    now: DateTime<Utc>,
) -> Result<Decision, JobError> {
    // The reads in one round trip (pipelined on the connection).
    let (period, unit, office) = futures_util::try_join!(
        period(conn, job.period_id),
        async {
            unit_standing(conn, job.period_id, job.unit_id)
                .await
                .map_err(JobError::from)
        },
        is_office(conn, job.unit_id),
    )?;
    if !period.open {
        return Ok(Decision::Skip("the period is no longer open".into()));
    }
    let Some(unit) = unit else {
        return Ok(Decision::Skip("the unit no longer takes part".into()));
    };
    if !unit.is_missing() {
        return Ok(Decision::Skip("the unit has submitted".into()));
    }
    let deadline = unit.deadline(period.deadline);
    if deadline != job.deadline {
        return Ok(Decision::Skip("the unit's deadline changed".into()));
    }
    if now >= deadline {
        return Ok(Decision::Skip("the deadline has passed".into()));
    }
    let unit_ref = UnitRef {
        office,
        ..unit_ref(&unit)
    };
    let missing = cchc_app::signed_links::missing_for_reminder(conn, versions, unit.submission_id)
        .await
        .map_err(JobError::from)?
        .into_iter()
        .map(|m| MissingLine {
            indicator_code: m.indicator_code,
            indicator_name: m.indicator_name,
            label: m.label.to_owned(),
        })
        .collect();
    Ok(Decision::Send(Box::new(Mail {
        key,
        to: vec![job.recipient],
        cc: Vec::new(),
        content: MailContent::Reminder(ReminderContext {
            period: period.reference,
            unit: unit_ref,
            deadline,
            step: job.step,
            return_reason: unit.return_reason.clone().filter(|_| unit.is_returned()),
            submission_id: unit.submission_id,
            missing,
        }),
    })))
}

async fn escalation_head(
    conn: &mut AsyncPgConnection,
    job: EscalationHead,
    key: String,
    now: DateTime<Utc>,
) -> Result<Decision, JobError> {
    let period = period(conn, job.period_id).await?;
    let Some(unit) = standing(conn, job.period_id, job.unit_id).await? else {
        return Ok(Decision::Skip("the unit no longer takes part".into()));
    };
    if !unit.is_missing() {
        return Ok(Decision::Skip("the unit has submitted".into()));
    }
    // With the focal persons in copy, `to` is the head.
    let head = if job.cc.is_empty() {
        None
    } else {
        <[Recipient]>::first(&job.to)
    };
    let head_name = head.and_then(|r| r.name.clone());
    let head_title = head_title(conn, job.unit_id, head).await?;
    let unit_ref = own_unit_ref(conn, &unit).await?;
    let calendar = calendar(conn).await?;
    Ok(Decision::Send(Box::new(Mail {
        key,
        to: job.to,
        cc: job.cc,
        content: MailContent::EscalationHead(EscalationHeadContext {
            period: period.reference,
            unit: unit_ref,
            deadline: job.deadline,
            late: lateness(job.deadline, now, &calendar),
            status: missing_status(&unit),
            head_name,
            head_title,
            submission_id: unit.submission_id,
        }),
    })))
}

async fn escalation_leadership(
    conn: &mut AsyncPgConnection,
    job: EscalationLeadership,
    key: String,
    now: DateTime<Utc>,
) -> Result<Decision, JobError> {
    let period = period(conn, job.period_id).await?;
    let escalated = escalations::units_and_deadlines(conn, &job.escalation_ids).await?;
    let standings = unit_standings(conn, job.period_id)
        .await
        .map_err(JobError::from)?;
    let calendar = calendar(conn).await?;
    let late_units: Vec<LateUnit> = standings
        .iter()
        .filter(|u| u.is_missing())
        .filter_map(|u| {
            let (_, deadline) = escalated.iter().find(|(id, _)| *id == u.unit_id)?;
            Some(LateUnit {
                unit: unit_ref(u),
                late: lateness(*deadline, now, &calendar),
                status: missing_status(u),
            })
        })
        .collect();
    if late_units.is_empty() {
        return Ok(Decision::Skip("every escalated unit has submitted".into()));
    }
    Ok(Decision::Send(Box::new(Mail {
        key,
        to: vec![job.recipient],
        cc: Vec::new(),
        content: MailContent::EscalationLeadership(EscalationLeadershipContext {
            period: period.reference,
            deadline: period.deadline,
            late_units,
        }),
    })))
}

async fn receipt(
    conn: &mut AsyncPgConnection,
    job: Receipt,
    key: String,
) -> Result<Decision, JobError> {
    let facts = submissions::receipt_facts(conn, job.submission_id)
        .await?
        .ok_or_else(|| JobError::Permanent(format!("submission {} is gone", job.submission_id)))?;
    let (period_id, unit_id) = (facts.period_id, facts.unit_id);
    let period = period(conn, period_id).await?;
    let (code, name) = units::code_and_name(conn, unit_id)
        .await?
        .ok_or_else(|| JobError::Permanent(format!("unit {unit_id} is gone")))?;
    let office = is_office(conn, unit_id).await?;
    let deadline = standing(conn, period_id, unit_id)
        .await?
        .map_or(period.deadline, |u| u.deadline(period.deadline));
    let missing = |what: &str| JobError::Permanent(format!("the submission has no {what}"));
    let event = match job.event.as_str() {
        "submitted" => ReceiptEvent::Submitted {
            submitted_at: facts
                .last_submitted_at
                .ok_or_else(|| missing("submission time"))?,
            timeliness: match facts.first_timeliness {
                Some(StoredTimeliness::Early) => Timeliness::Early,
                Some(StoredTimeliness::Late) => {
                    // Late as of the first submission, which the timeliness is about.
                    let minutes = i64::from(facts.first_minutes_late.unwrap_or(0).max(0));
                    let first = deadline + chrono::Duration::minutes(minutes);
                    Timeliness::Late {
                        late: lateness(deadline, first, &calendar(conn).await?),
                    }
                }
                Some(StoredTimeliness::OnTime) | None => Timeliness::OnTime,
            },
        },
        "returned" => ReceiptEvent::Returned {
            returned_at: facts.returned_at.ok_or_else(|| missing("return time"))?,
            reason: facts
                .return_reason
                .ok_or_else(|| missing("return reason"))?,
        },
        "accepted" => ReceiptEvent::Accepted {
            accepted_at: facts
                .accepted_at
                .ok_or_else(|| missing("acceptance time"))?,
        },
        other => {
            return Err(JobError::Permanent(format!(
                "unknown receipt event {other:?}"
            )))
        }
    };
    Ok(Decision::Send(Box::new(Mail {
        key,
        to: vec![job.recipient],
        cc: Vec::new(),
        content: MailContent::Receipt(ReceiptContext {
            period: period.reference,
            unit: UnitRef {
                id: unit_id,
                code,
                name,
                office,
            },
            deadline,
            submission_id: job.submission_id,
            by: job.by,
            event,
        }),
    })))
}

async fn digest(
    conn: &mut AsyncPgConnection,
    job: Digest,
    key: String,
    now: DateTime<Utc>,
) -> Result<Decision, JobError> {
    // A digest that could not go out on its day is stale the next: the next one says more.
    if local_instant(
        job.date.succ_opt().unwrap_or(job.date),
        chrono::NaiveTime::MIN,
    ) <= now
    {
        return Ok(Decision::Skip("the digest's day is over".into()));
    }
    let open = periods::open_period_ids(conn).await?;
    let mut digest_periods = Vec::new();
    for id in open {
        let period = period(conn, id).await?;
        let standings = unit_standings(conn, id).await.map_err(JobError::from)?;
        let count = |pred: &dyn Fn(&UnitStanding) -> bool| {
            u32::try_from(standings.iter().filter(|u| pred(u)).count()).unwrap_or(u32::MAX)
        };
        digest_periods.push(DigestPeriod {
            deadline: period.deadline,
            period: period.reference,
            participating: count(&|_| true),
            submitted: count(&|u| !u.is_missing()),
            accepted: count(&|u| u.submission_status == Some(SubmissionStatus::Accepted)),
            missing_units: standings
                .iter()
                .filter(|u| u.is_missing())
                .map(|u| MissingUnit {
                    unit: unit_ref(u),
                    status: missing_status(u),
                })
                .collect(),
        });
    }
    Ok(Decision::Send(Box::new(Mail {
        key,
        to: vec![job.recipient],
        cc: Vec::new(),
        content: MailContent::Digest(DigestContext {
            as_of: now,
            periods: digest_periods,
        }),
    })))
}
