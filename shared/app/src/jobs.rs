//! The kinds of background job. Each kind is one type: its name in the `jobs` table and the
//! shape of its payload are defined here once, so the code that enqueues a job and the worker
//! that runs it cannot disagree about either.
//!
//! The names and the payloads' JSON are stored data (and shown by `/api/v1/jobs`): renaming a
//! field or a kind strands the jobs already queued.

use chrono::{DateTime, NaiveDate, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::repo::jobs::{ClaimedJob, JobError, NewJob};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::job::Recipient;
use cchc_domain::model::qlvb_import::ImportProblem;
use cchc_domain::rules::monitoring::MonitoringSpan;
use cchc_domain::rules::reminders::ReminderStep;

/// The `kind` of every job, one per [`BackgroundJob`] type (a test checks this file's
/// `JOB_NAME`s against it); the API documents `Job.kind` as this enum.
pub const JOB_KINDS: &[&str] = &[
    Reminder::JOB_NAME,
    EscalationHead::JOB_NAME,
    EscalationLeadership::JOB_NAME,
    Receipt::JOB_NAME,
    QlvbImportProblems::JOB_NAME,
    Digest::JOB_NAME,
    TaskReminder::JOB_NAME,
    TaskEscalationHead::JOB_NAME,
    TaskEscalationLeadership::JOB_NAME,
    PlanDigest::JOB_NAME,
    AssessmentReminder::JOB_NAME,
    AssessmentEscalationHead::JOB_NAME,
    AssessmentEscalationLeadership::JOB_NAME,
    AssessmentOfficeReminder::JOB_NAME,
    AssessmentDigest::JOB_NAME,
    CampaignOfficeReminder::JOB_NAME,
    CampaignUnitReminder::JOB_NAME,
    WebhookDelivery::JOB_NAME,
];

/// A kind of job: its payload type, named by [`JOB_NAME`](Self::JOB_NAME).
pub trait BackgroundJob: Serialize + DeserializeOwned {
    /// The job's `kind` in the `jobs` table.
    const JOB_NAME: &'static str;

    /// The job to enqueue with this payload. Jobs with the same `dedup_key` are enqueued once.
    fn to_new_job(&self, dedup_key: String, run_at: DateTime<Utc>) -> Result<NewJob> {
        let payload = serde_json::to_value(self)
            .map_err(|e| Error::Internal(format!("{} payload: {e}", Self::JOB_NAME)))?;
        Ok(NewJob {
            kind: Self::JOB_NAME,
            payload,
            dedup_key: Some(dedup_key),
            run_at,
        })
    }

    /// The payload of a claimed job of this kind. A payload that does not fit will never run:
    /// the error is permanent.
    fn from_claimed(job: &ClaimedJob) -> std::result::Result<Self, JobError> {
        serde_json::from_value(job.payload.clone())
            .map_err(|e| JobError::Permanent(format!("bad {} payload: {e}", job.kind)))
    }
}

/// Reminds a unit's focal person of a coming deadline. The deadline is the one the reminder
/// was planned for: an extension makes it stale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    pub period_id: i64,
    pub unit_id: i64,
    pub step: ReminderStep,
    pub deadline: DateTime<Utc>,
    pub recipient: Recipient,
}

impl BackgroundJob for Reminder {
    const JOB_NAME: &'static str = "reminder";
}

/// Tells a late unit's head (or, with no head on record, its focal persons) of an escalation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationHead {
    pub period_id: i64,
    pub unit_id: i64,
    pub escalation_id: i64,
    pub deadline: DateTime<Utc>,
    pub to: Vec<Recipient>,
    /// The focal persons, when the head is `to`.
    #[serde(default)]
    pub cc: Vec<Recipient>,
}

impl BackgroundJob for EscalationHead {
    const JOB_NAME: &'static str = "escalation_head";
}

/// Lists to one leadership or Office mailbox the units escalated to the leadership in one pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationLeadership {
    pub period_id: i64,
    pub escalation_ids: Vec<i64>,
    pub recipient: Recipient,
}

impl BackgroundJob for EscalationLeadership {
    const JOB_NAME: &'static str = "escalation_leadership";
}

/// Confirms to a focal person what became of the unit's submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub submission_id: i64,
    /// `submitted`, `returned` or `accepted`; the worker refuses any other.
    pub event: String,
    /// Who submitted, returned or accepted: the token's name, or the person's for an access
    /// token. Absent from receipts enqueued before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    pub recipient: Recipient,
}

impl BackgroundJob for Receipt {
    const JOB_NAME: &'static str = "receipt";
}

/// Tells a unit's focal person what stopped the report it sent through QLVB: the statistics
/// form's cells with problems (nothing of the form was imported), or, when the period says
/// arrival through QLVB is the submission, what is still missing (the report stays a draft).
/// The lists are the event's answer's, in Vietnamese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QlvbImportProblems {
    pub submission_id: i64,
    /// The received document's number and symbol, e.g. `12/BC-QLCN`.
    pub document_number: String,
    /// The form's file name, when the problems are a form's.
    pub form_filename: Option<String>,
    pub problems: Vec<ImportProblem>,
    pub missing: Vec<ImportProblem>,
    pub recipient: Recipient,
}

impl BackgroundJob for QlvbImportProblems {
    const JOB_NAME: &'static str = "qlvb_import_problems";
}

/// The Office's daily digest of the open periods, for one mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Digest {
    /// The local day it is for: a digest not sent that day is dropped.
    pub date: NaiveDate,
    pub recipient: Recipient,
}

impl BackgroundJob for Digest {
    const JOB_NAME: &'static str = "digest";
}

/// What a task reminder is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskReminderPurpose {
    /// The task's deadline is coming.
    Deadline,
    /// Ongoing work owes its progress report for the month or quarter.
    ProgressReport,
}

/// Reminds a task's lead unit (its focal persons) of a coming deadline or progress report.
/// `due` is the instant it was planned for: an extension, or a report given, makes it stale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskReminder {
    pub task_id: i64,
    pub purpose: TaskReminderPurpose,
    pub step: ReminderStep,
    pub due: DateTime<Utc>,
    pub recipient: Recipient,
}

impl BackgroundJob for TaskReminder {
    const JOB_NAME: &'static str = "task_reminder";
}

/// Tells the lead unit's head (or, with no head on record, its focal persons) that a task is
/// overdue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskEscalationHead {
    pub task_id: i64,
    pub escalation_id: i64,
    pub deadline: DateTime<Utc>,
    pub to: Vec<Recipient>,
    #[serde(default)]
    pub cc: Vec<Recipient>,
}

impl BackgroundJob for TaskEscalationHead {
    const JOB_NAME: &'static str = "task_escalation_head";
}

/// Lists to one leadership or Office mailbox the tasks escalated to the leadership in one pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskEscalationLeadership {
    pub escalation_ids: Vec<i64>,
    pub recipient: Recipient,
}

impl BackgroundJob for TaskEscalationLeadership {
    const JOB_NAME: &'static str = "task_escalation_leadership";
}

/// A plan's monthly or quarterly digest, for one mailbox of its working group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanDigest {
    pub plan_id: i64,
    pub span: MonitoringSpan,
    pub recipient: Recipient,
}

impl BackgroundJob for PlanDigest {
    const JOB_NAME: &'static str = "plan_digest";
}

/// Reminds a unit's focal person of the parts of a self-assessment round it still owes before
/// the units' deadline. `due` is that deadline as planned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentReminder {
    pub assessment_id: i64,
    pub unit_id: i64,
    pub step: ReminderStep,
    pub due: DateTime<Utc>,
    pub recipient: Recipient,
}

impl BackgroundJob for AssessmentReminder {
    const JOB_NAME: &'static str = "assessment_reminder";
}

/// Tells the head of a unit (or, with no head on record, its focal persons) that it still owes
/// parts of a round after the units' deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentEscalationHead {
    pub assessment_id: i64,
    pub unit_id: i64,
    pub escalation_id: i64,
    pub deadline: DateTime<Utc>,
    pub to: Vec<Recipient>,
    #[serde(default)]
    pub cc: Vec<Recipient>,
}

impl BackgroundJob for AssessmentEscalationHead {
    const JOB_NAME: &'static str = "assessment_escalation_head";
}

/// Lists to one leadership or Office mailbox the units of a round escalated to the leadership
/// in one pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentEscalationLeadership {
    pub assessment_id: i64,
    pub escalation_ids: Vec<i64>,
    pub recipient: Recipient,
}

impl BackgroundJob for AssessmentEscalationLeadership {
    const JOB_NAME: &'static str = "assessment_escalation_leadership";
}

/// Reminds one Office mailbox that a round is due at the province (`due`, as planned).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentOfficeReminder {
    pub assessment_id: i64,
    pub step: ReminderStep,
    pub due: DateTime<Utc>,
    pub recipient: Recipient,
}

impl BackgroundJob for AssessmentOfficeReminder {
    const JOB_NAME: &'static str = "assessment_office_reminder";
}

/// A round's daily readiness digest, for one Office mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentDigest {
    pub assessment_id: i64,
    /// The local day it is for: a digest not sent that day is dropped.
    pub date: NaiveDate,
    pub recipient: Recipient,
}

impl BackgroundJob for AssessmentDigest {
    const JOB_NAME: &'static str = "assessment_digest";
}

/// Reminds one Office mailbox that round `round` of a campaign is to be reviewed; `due` is the
/// end of the working day the review falls on, as planned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignOfficeReminder {
    pub campaign_id: i64,
    pub round: i32,
    pub step: ReminderStep,
    pub due: DateTime<Utc>,
    pub recipient: Recipient,
}

impl BackgroundJob for CampaignOfficeReminder {
    const JOB_NAME: &'static str = "campaign_office_reminder";
}

/// Reminds a competing unit's focal person that round `round` of a campaign ends (`due`: the
/// end of its last working day, as planned), with where the unit stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignUnitReminder {
    pub campaign_id: i64,
    pub round: i32,
    pub unit_id: i64,
    pub step: ReminderStep,
    pub due: DateTime<Utc>,
    pub recipient: Recipient,
}

impl BackgroundJob for CampaignUnitReminder {
    const JOB_NAME: &'static str = "campaign_unit_reminder";
}

/// Delivers one integration event to one webhook subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDelivery {
    pub subscription_id: i64,
    pub event_id: String,
    /// Asked for by an operator: sent even if the subscription no longer takes the event type.
    #[serde(default)]
    pub redelivery: bool,
}

impl BackgroundJob for WebhookDelivery {
    const JOB_NAME: &'static str = "webhook_delivery";
}

#[cfg(test)]
mod tests {
    //! Each kind's name and payload JSON must stay what the `json!` literals that enqueued it
    //! before these types produced (the expected values are those literals).

    use chrono::TimeZone;
    use serde_json::{json, Value};

    use super::*;

    /// Every `impl BackgroundJob` of this file is in `JOB_KINDS`, once.
    #[test]
    fn job_kinds_lists_every_kind() {
        let source = include_str!("jobs.rs");
        let implemented: Vec<&str> = source
            .lines()
            .filter_map(|line| line.strip_prefix("impl BackgroundJob for "))
            .filter_map(|rest| rest.strip_suffix(" {"))
            .collect();
        assert_eq!(implemented.len(), JOB_KINDS.len(), "{implemented:?}");
        let mut kinds = JOB_KINDS.to_vec();
        kinds.sort_unstable();
        kinds.dedup();
        assert_eq!(kinds.len(), JOB_KINDS.len(), "a kind is listed twice");
    }

    fn check<J: BackgroundJob + std::fmt::Debug + PartialEq>(job: &J, name: &str, old: &Value) {
        assert_eq!(J::JOB_NAME, name);
        let run_at = Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap();
        let new = job.to_new_job("key".into(), run_at).unwrap();
        assert_eq!(new.kind, name);
        assert_eq!(&new.payload, old);
        assert_eq!(new.dedup_key.as_deref(), Some("key"));
        assert_eq!(new.run_at, run_at);
        // The worker reads back what was enqueued.
        let back: J = serde_json::from_value(old.clone()).unwrap();
        assert_eq!(&back, job);
    }

    fn deadline() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 10, 10, 0, 0).unwrap()
    }

    fn focal() -> Recipient {
        Recipient::new("Nguyễn Văn A", "a@so-tc.gov.vn")
    }

    #[test]
    fn reminder() {
        let (period_id, unit_id, deadline, recipient) = (7_i64, 12_i64, deadline(), focal());
        let step = ReminderStep::WorkingDaysBefore(2).to_string();
        let old = json!({
            "period_id": period_id,
            "unit_id": unit_id,
            "step": step,
            "deadline": deadline,
            "recipient": recipient,
        });
        let job = Reminder {
            period_id,
            unit_id,
            step: ReminderStep::WorkingDaysBefore(2),
            deadline,
            recipient,
        };
        check(&job, "reminder", &old);
        assert_eq!(old["step"], "d2");
        assert_eq!(old["deadline"], "2026-03-10T10:00:00Z");
    }

    #[test]
    fn escalation_head() {
        let (period_id, unit_id, escalation_id, deadline) = (7_i64, 12_i64, 31_i64, deadline());
        let to = vec![Recipient::address_only("head@so-tc.gov.vn")];
        let focal_persons = vec![focal()];
        let head_known = true;
        let old = json!({
            "period_id": period_id,
            "unit_id": unit_id,
            "escalation_id": escalation_id,
            "deadline": deadline,
            "to": to,
            "cc": if head_known { focal_persons.clone() } else { Vec::new() },
        });
        let job = EscalationHead {
            period_id,
            unit_id,
            escalation_id,
            deadline,
            to,
            cc: focal_persons,
        };
        check(&job, "escalation_head", &old);
        // Without a head the focal persons are `to`, and `cc` is empty, not missing.
        let job = EscalationHead {
            cc: Vec::new(),
            ..job
        };
        let payload = job.to_new_job("key".into(), deadline).unwrap().payload;
        assert_eq!(payload["cc"], json!([]));
    }

    #[test]
    fn escalation_leadership() {
        let (period_id, recipient) = (7_i64, focal());
        let newly_escalated_to_leadership = vec![31_i64, 32, 40];
        let old = json!({
            "period_id": period_id,
            "escalation_ids": newly_escalated_to_leadership,
            "recipient": recipient,
        });
        let job = EscalationLeadership {
            period_id,
            escalation_ids: newly_escalated_to_leadership,
            recipient,
        };
        check(&job, "escalation_leadership", &old);
    }

    #[test]
    fn receipt() {
        let (id, event, recipient) = (55_i64, "returned", focal());
        let old = json!({"submission_id": id, "event": event, "recipient": recipient});
        let job = Receipt {
            submission_id: id,
            event: event.into(),
            by: None,
            recipient,
        };
        check(&job, "receipt", &old);
    }

    #[test]
    fn digest() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let recipient = Recipient::address_only("vp@so-nv.gov.vn");
        let old = json!({"date": date, "recipient": recipient});
        let job = Digest { date, recipient };
        check(&job, "digest", &old);
        assert_eq!(old["date"], "2026-03-02");
        assert_eq!(old["recipient"]["name"], Value::Null);
    }

    #[test]
    fn webhook_delivery() {
        let (subscription_id, event_id) = (3_i64, "evt_01hx2k3m4n5p6q7r");
        for redelivery_of in [None, Some(9_i64)] {
            let old = json!({
                "subscription_id": subscription_id,
                "event_id": event_id,
                "redelivery": redelivery_of.is_some(),
            });
            let job = WebhookDelivery {
                subscription_id,
                event_id: event_id.into(),
                redelivery: redelivery_of.is_some(),
            };
            check(&job, "webhook_delivery", &old);
        }
    }

    #[test]
    fn task_kinds() {
        let (task_id, recipient, due) = (41_i64, focal(), deadline());
        let reminder = TaskReminder {
            task_id,
            purpose: TaskReminderPurpose::ProgressReport,
            step: ReminderStep::WorkingDaysBefore(2),
            due,
            recipient: recipient.clone(),
        };
        let expected = json!({
            "task_id": task_id, "purpose": "progress_report", "step": "d2",
            "due": "2026-03-10T10:00:00Z", "recipient": recipient,
        });
        check(&reminder, "task_reminder", &expected);
        let head = TaskEscalationHead {
            task_id,
            escalation_id: 5,
            deadline: due,
            to: vec![recipient.clone()],
            cc: Vec::new(),
        };
        let expected = json!({
            "task_id": task_id, "escalation_id": 5, "deadline": "2026-03-10T10:00:00Z",
            "to": [recipient], "cc": [],
        });
        check(&head, "task_escalation_head", &expected);
        let leadership = TaskEscalationLeadership {
            escalation_ids: vec![5, 6],
            recipient: recipient.clone(),
        };
        let expected = json!({"escalation_ids": [5, 6], "recipient": recipient});
        check(&leadership, "task_escalation_leadership", &expected);
        let digest = PlanDigest {
            plan_id: 3,
            span: MonitoringSpan::Quarter {
                year: 2026,
                quarter: 3,
            },
            recipient: recipient.clone(),
        };
        let expected = json!({
            "plan_id": 3, "span": {"kind": "quarter", "year": 2026, "quarter": 3},
            "recipient": recipient,
        });
        check(&digest, "plan_digest", &expected);
    }

    #[test]
    fn assessment_kinds() {
        let (recipient, due) = (focal(), deadline());
        let reminder = AssessmentReminder {
            assessment_id: 2,
            unit_id: 12,
            step: ReminderStep::DeadlineDay,
            due,
            recipient: recipient.clone(),
        };
        let expected = json!({
            "assessment_id": 2, "unit_id": 12, "step": "deadline_day",
            "due": "2026-03-10T10:00:00Z", "recipient": recipient,
        });
        check(&reminder, "assessment_reminder", &expected);
        let head = AssessmentEscalationHead {
            assessment_id: 2,
            unit_id: 12,
            escalation_id: 5,
            deadline: due,
            to: vec![recipient.clone()],
            cc: Vec::new(),
        };
        let expected = json!({
            "assessment_id": 2, "unit_id": 12, "escalation_id": 5,
            "deadline": "2026-03-10T10:00:00Z", "to": [recipient], "cc": [],
        });
        check(&head, "assessment_escalation_head", &expected);
        let leadership = AssessmentEscalationLeadership {
            assessment_id: 2,
            escalation_ids: vec![5, 6],
            recipient: recipient.clone(),
        };
        let expected =
            json!({"assessment_id": 2, "escalation_ids": [5, 6], "recipient": recipient});
        check(&leadership, "assessment_escalation_leadership", &expected);
        let office = AssessmentOfficeReminder {
            assessment_id: 2,
            step: ReminderStep::WorkingDaysBefore(5),
            due,
            recipient: recipient.clone(),
        };
        let expected = json!({
            "assessment_id": 2, "step": "d5", "due": "2026-03-10T10:00:00Z",
            "recipient": recipient,
        });
        check(&office, "assessment_office_reminder", &expected);
        let digest = AssessmentDigest {
            assessment_id: 2,
            date: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            recipient: recipient.clone(),
        };
        let expected = json!({"assessment_id": 2, "date": "2026-03-02", "recipient": recipient});
        check(&digest, "assessment_digest", &expected);
    }

    #[test]
    fn campaign_kinds() {
        let (recipient, due) = (focal(), deadline());
        let office = CampaignOfficeReminder {
            campaign_id: 4,
            round: 2,
            step: ReminderStep::WorkingDaysBefore(5),
            due,
            recipient: recipient.clone(),
        };
        let expected = json!({
            "campaign_id": 4, "round": 2, "step": "d5", "due": "2026-03-10T10:00:00Z",
            "recipient": recipient,
        });
        check(&office, "campaign_office_reminder", &expected);
        let unit = CampaignUnitReminder {
            campaign_id: 4,
            round: 2,
            unit_id: 12,
            step: ReminderStep::DeadlineDay,
            due,
            recipient: recipient.clone(),
        };
        let expected = json!({
            "campaign_id": 4, "round": 2, "unit_id": 12, "step": "deadline_day",
            "due": "2026-03-10T10:00:00Z", "recipient": recipient,
        });
        check(&unit, "campaign_unit_reminder", &expected);
    }

    #[test]
    fn payloads_that_do_not_fit_fail_for_good() {
        let job = ClaimedJob {
            id: 1,
            kind: "reminder".into(),
            payload: json!({"period_id": "seven"}),
            dedup_key: None,
            attempts: 0,
            max_attempts: 8,
            run_at: deadline(),
        };
        let error = Reminder::from_claimed(&job).unwrap_err();
        assert!(
            matches!(&error, JobError::Permanent(m) if m.starts_with("bad reminder payload: ")),
            "{error:?}"
        );
    }

    #[test]
    fn older_payloads_without_defaults_still_read() {
        let delivery: WebhookDelivery =
            serde_json::from_value(json!({"subscription_id": 3, "event_id": "evt_1"})).unwrap();
        assert!(!delivery.redelivery);
        let head: EscalationHead = serde_json::from_value(json!({
            "period_id": 7, "unit_id": 12, "escalation_id": 31,
            "deadline": "2026-03-10T10:00:00Z", "to": [],
        }))
        .unwrap();
        assert!(head.cc.is_empty());
    }
}
