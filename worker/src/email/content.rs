//! What the worker mails: sixteen kinds of mail, each with the data its templates need (the
//! task kinds' contexts are in `task_content`, the self-assessment kinds' in
//! `assessment_content`, the emulation campaigns' in `campaign_content`).
//!
//! These types are plain data (serde both ways) so a job can carry them as its JSON payload;
//! nothing here reads the database or the clock.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How late, in working-time terms (`1 giờ 15 phút`, `2 ngày làm việc`).
pub use cchc_domain::rules::lateness::Lateness;

use super::assessment_content::{
    AssessmentDigestContext, AssessmentEscalationHeadContext,
    AssessmentEscalationLeadershipContext, AssessmentOfficeReminderContext,
    AssessmentReminderContext,
};
use super::campaign_content::{CampaignOfficeReminderContext, CampaignUnitReminderContext};
use super::task_content::{
    PlanDigestContext, TaskEscalationHeadContext, TaskEscalationLeadershipContext,
    TaskReminderContext,
};

/// One mail to send: who gets it, what it says, and the idempotency key that names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mail {
    /// Names this mail for good: the same key always gives the same Message-ID, so a re-sent mail
    /// can be recognised as the same one. E.g. `reminder.12.34.d5` (period 12, unit 34, step d5).
    pub key: String,
    pub to: Vec<Recipient>,
    #[serde(default)]
    pub cc: Vec<Recipient>,
    pub content: MailContent,
}

/// An addressee, with an optional display name (may contain diacritics): the same type the
/// planner puts in job payloads.
pub use cchc_domain::model::job::Recipient;

/// The kinds of mail, each with its context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MailContent {
    /// To a unit's focal persons before the deadline.
    Reminder(ReminderContext),
    /// To the unit head (focal persons in cc) once the unit is late.
    EscalationHead(EscalationHeadContext),
    /// To the leadership and the Office: every unit still late.
    EscalationLeadership(EscalationLeadershipContext),
    /// To the unit: its report was submitted, returned or accepted.
    Receipt(ReceiptContext),
    /// Daily to the Office: where every open period stands.
    Digest(DigestContext),
    /// To a task's lead unit before its deadline or progress report.
    TaskReminder(TaskReminderContext),
    /// To the lead unit's head (focal persons in cc) once a task is overdue.
    TaskEscalationHead(TaskEscalationHeadContext),
    /// To the leadership and the Office: tasks overdue for working days.
    TaskEscalationLeadership(TaskEscalationLeadershipContext),
    /// Monthly or quarterly to a plan's working group: where the plan stands.
    PlanDigest(PlanDigestContext),
    /// To a unit's focal persons: the parts of a self-assessment round it still owes.
    AssessmentReminder(AssessmentReminderContext),
    /// To the unit head (focal persons in cc): parts still owed after the units' deadline.
    AssessmentEscalationHead(AssessmentEscalationHeadContext),
    /// To the leadership and the Office: units still owing parts working days after it.
    AssessmentEscalationLeadership(AssessmentEscalationLeadershipContext),
    /// To the Office before the province's deadline: where the round stands.
    AssessmentOfficeReminder(AssessmentOfficeReminderContext),
    /// Daily to the Office: the round's readiness figures.
    AssessmentDigest(AssessmentDigestContext),
    /// To the Office before a campaign round's review: the top of its live leaderboard.
    CampaignOfficeReminder(CampaignOfficeReminderContext),
    /// To a competing unit's focal persons before a campaign round ends: where it stands.
    CampaignUnitReminder(CampaignUnitReminderContext),
    /// To a unit's focal persons: the report it sent through QLVB could not be taken as it
    /// came (the form's cells, or what is missing).
    QlvbImportProblems(super::qlvb_import_content::QlvbImportProblemsContext),
}

impl MailContent {
    /// Stable name of the kind, as used in template names and the `X-CCHC-Kind` header.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Reminder(_) => "reminder",
            Self::EscalationHead(_) => "escalation_head",
            Self::EscalationLeadership(_) => "escalation_leadership",
            Self::Receipt(_) => "receipt",
            Self::Digest(_) => "digest",
            Self::TaskReminder(_) => "task_reminder",
            Self::TaskEscalationHead(_) => "task_escalation_head",
            Self::TaskEscalationLeadership(_) => "task_escalation_leadership",
            Self::PlanDigest(_) => "plan_digest",
            Self::AssessmentReminder(_) => "assessment_reminder",
            Self::AssessmentEscalationHead(_) => "assessment_escalation_head",
            Self::AssessmentEscalationLeadership(_) => "assessment_escalation_leadership",
            Self::AssessmentOfficeReminder(_) => "assessment_office_reminder",
            Self::AssessmentDigest(_) => "assessment_digest",
            Self::CampaignOfficeReminder(_) => "campaign_office_reminder",
            Self::CampaignUnitReminder(_) => "campaign_unit_reminder",
            Self::QlvbImportProblems(_) => "qlvb_import_problems",
        }
    }
}

/// A reporting period as the mails name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodRef {
    pub id: i64,
    /// E.g. `CCHC-2023-Q1`.
    pub code: String,
    /// E.g. `Báo cáo CCHC Quý I/2023`.
    pub title: String,
}

/// A unit as the mails name it.
pub use super::refs::UnitRef;

/// Which reminder of a period this is; written `d5`, `d2`, `d0`, `deadline_day`.
pub use cchc_domain::rules::reminders::ReminderStep;

/// Why a unit counts as missing. A returned report counts as not submitted until it is
/// submitted again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingStatus {
    /// Nothing submitted (no submission, or a draft only).
    NotSubmitted,
    /// Returned by the Office and not submitted again.
    Returned,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderContext {
    pub period: PeriodRef,
    pub unit: UnitRef,
    /// The unit's deadline (its extension's, if it has one).
    pub deadline: DateTime<Utc>,
    pub step: ReminderStep,
    /// The Office's reason, when the unit's report was returned and not yet resubmitted.
    pub return_reason: Option<String>,
    /// The unit's submission, if it has one.
    pub submission_id: Option<i64>,
    /// What the unit's report still lacks (a started report only; without one, everything).
    #[serde(default)]
    pub missing: Vec<MissingLine>,
}

/// One thing a report still lacks, as a reminder names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingLine {
    pub indicator_code: String,
    pub indicator_name: String,
    /// `chưa nhập số liệu`, `chưa trích dẫn minh chứng`, `cần giải trình`, `số liệu chưa hợp lệ`.
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationHeadContext {
    pub period: PeriodRef,
    pub unit: UnitRef,
    pub deadline: DateTime<Utc>,
    /// How late the unit is when the mail is composed.
    pub late: Lateness,
    pub status: MissingStatus,
    /// The unit head's name, for the greeting.
    pub head_name: Option<String>,
    /// The head's position title on record (`Trưởng phòng`), for the greeting.
    #[serde(default)]
    pub head_title: Option<String>,
    pub submission_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationLeadershipContext {
    pub period: PeriodRef,
    pub deadline: DateTime<Utc>,
    pub late_units: Vec<LateUnit>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateUnit {
    pub unit: UnitRef,
    pub late: Lateness,
    pub status: MissingStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptContext {
    pub period: PeriodRef,
    pub unit: UnitRef,
    pub deadline: DateTime<Utc>,
    pub submission_id: i64,
    /// Who submitted, returned or accepted: an API token's name, or a person's for their
    /// access token. Absent in receipts queued before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    pub event: ReceiptEvent,
}

/// What happened to the unit's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ReceiptEvent {
    Submitted {
        submitted_at: DateTime<Utc>,
        timeliness: Timeliness,
    },
    Returned {
        returned_at: DateTime<Utc>,
        reason: String,
    },
    Accepted {
        accepted_at: DateTime<Utc>,
    },
}

/// A submission's timeliness, as the rules decided it (early needs the policy's margin).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "timeliness", rename_all = "snake_case")]
pub enum Timeliness {
    Early,
    OnTime,
    Late { late: Lateness },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestContext {
    /// When the figures were taken; the digest is dated by its local day.
    pub as_of: DateTime<Utc>,
    /// Every open period, in the order to show them.
    pub periods: Vec<DigestPeriod>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestPeriod {
    pub period: PeriodRef,
    pub deadline: DateTime<Utc>,
    /// Units that must report in this period.
    pub participating: u32,
    /// Units whose report is submitted, accepted ones included (returned ones are not).
    pub submitted: u32,
    /// Units whose report the Office accepted.
    pub accepted: u32,
    /// Units still missing; their count is the "missing" figure.
    pub missing_units: Vec<MissingUnit>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingUnit {
    pub unit: UnitRef,
    pub status: MissingStatus,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_serializes_with_its_kind_and_back() {
        let content = MailContent::Receipt(ReceiptContext {
            period: PeriodRef {
                id: 1,
                code: "Q1".into(),
                title: "Báo cáo".into(),
            },
            unit: UnitRef {
                id: 2,
                code: "KHTC".into(),
                name: "Phòng".into(),
                office: false,
            },
            deadline: DateTime::UNIX_EPOCH,
            submission_id: 3,
            by: None,
            event: ReceiptEvent::Submitted {
                submitted_at: DateTime::UNIX_EPOCH,
                timeliness: Timeliness::Late {
                    late: Lateness::Minutes { minutes: 25 },
                },
            },
        });
        let json = serde_json::to_value(&content).unwrap();
        assert_eq!(json["kind"], "receipt");
        assert_eq!(json["event"]["event"], "submitted");
        assert_eq!(json["event"]["timeliness"]["timeliness"], "late");
        assert_eq!(json["event"]["timeliness"]["late"]["minutes"], 25);
        let back: MailContent = serde_json::from_value(json).unwrap();
        assert_eq!(back, content);
    }
}
