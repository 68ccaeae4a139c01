//! What the task mails say: reminders of a task's deadline or progress report, escalations of
//! overdue tasks, and a plan's monthly or quarterly digest for its working group. Plain data,
//! like the report mails' contexts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::refs::UnitRef;
pub use cchc_app::jobs::TaskReminderPurpose;
use cchc_domain::rules::lateness::Lateness;
use cchc_domain::rules::reminders::ReminderStep;

/// A plan as the mails name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanLabel {
    pub id: i64,
    /// E.g. `KH-CCHC-2022`.
    pub code: String,
    pub title: String,
    /// Its document's number, e.g. `383/KH-SCT`.
    pub document_number: Option<String>,
}

/// A task as the mails name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskLabel {
    pub id: i64,
    /// Its number in the source, e.g. `2.3`.
    pub code: String,
    pub title: String,
    /// The plan, for a plan's task.
    pub plan: Option<PlanLabel>,
    /// The directive document's number and subject, for a task of one (e.g. `52/TB-SCT`).
    pub source_document: Option<String>,
    /// The due as the source words it, e.g. `Tháng 5/2022`.
    pub due_text: String,
    pub expected_output: Option<String>,
    pub progress_percent: i16,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskReminderContext {
    pub task: TaskLabel,
    pub unit: UnitRef,
    pub purpose: TaskReminderPurpose,
    /// The deadline, or the end of the interval's progress report.
    pub due: DateTime<Utc>,
    pub step: ReminderStep,
    /// The Office's reason, when it returned the unit's declaration of completion.
    pub return_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskEscalationHeadContext {
    pub task: TaskLabel,
    pub unit: UnitRef,
    pub deadline: DateTime<Utc>,
    pub late: Lateness,
    /// The unit head's name, for the greeting.
    pub head_name: Option<String>,
    /// The head's position title on record (`Trưởng phòng`), for the greeting.
    #[serde(default)]
    pub head_title: Option<String>,
}

/// A task past its deadline, in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueTask {
    pub task: TaskLabel,
    pub unit: UnitRef,
    pub deadline: DateTime<Utc>,
    pub late: Lateness,
}

/// An overdue task in a digest: past its deadline, or ongoing work whose last interval ended
/// without a progress report (no deadline then).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestOverdueTask {
    pub task: TaskLabel,
    pub unit: UnitRef,
    pub deadline: Option<DateTime<Utc>>,
    pub late: Option<Lateness>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskEscalationLeadershipContext {
    pub overdue: Vec<OverdueTask>,
    /// When the mail was composed: its links work [`super::links::VALIDITY`] after it at
    /// least.
    pub as_of: DateTime<Utc>,
}

/// Tasks by status, as the board counts them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskCounts {
    pub total: u32,
    pub not_due: u32,
    pub in_progress: u32,
    pub due_soon: u32,
    pub overdue: u32,
    pub done_on_time: u32,
    pub done_late: u32,
    /// Done on time among those done or overdue, in tenths of a percent (875 = 87,5 %).
    pub on_time_permille: Option<u32>,
}

/// A unit's line of the digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitCounts {
    pub unit: UnitRef,
    pub counts: TaskCounts,
}

/// A task due soon, in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueTask {
    pub task: TaskLabel,
    pub unit: UnitRef,
    pub deadline: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanDigestContext {
    pub plan: PlanLabel,
    /// `tháng 11/2026`, `quý III/2026`.
    pub span_label: String,
    /// `true` for a quarter's digest.
    pub quarterly: bool,
    pub as_of: DateTime<Utc>,
    pub totals: TaskCounts,
    /// Per lead unit, in the board's order.
    pub units: Vec<UnitCounts>,
    /// Tasks confirmed done whose completion falls in the span.
    pub completed_in_span: u32,
    pub overdue: Vec<DigestOverdueTask>,
    pub due_soon: Vec<DueTask>,
}
