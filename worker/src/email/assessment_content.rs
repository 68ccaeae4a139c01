//! What the PAR Index self-assessment mails say: reminders to the units that owe parts of a
//! round, escalations of those units after the units' deadline, and the Office's reminder of
//! the province's deadline and daily readiness digest. Plain data, like the other contexts.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::refs::UnitRef;
use cchc_domain::model::assessment::{ItemStatus, ReadinessProblem};
use cchc_domain::rules::lateness::Lateness;
use cchc_domain::rules::reminders::ReminderStep;

/// A round as the mails name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundLabel {
    pub id: i64,
    /// E.g. `TDG-CCHC-2026`.
    pub code: String,
    /// E.g. `Tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2026`.
    pub title: String,
    pub year: i32,
}

/// A part a unit still owes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwedPart {
    /// The criterion's code, e.g. `1.2`.
    pub code: String,
    pub title: String,
    pub max_points: Decimal,
    /// `Pending` or `Returned`.
    pub status: ItemStatus,
    /// The Office's reason, for a returned part.
    pub return_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentReminderContext {
    pub round: RoundLabel,
    pub unit: UnitRef,
    /// The units' deadline.
    pub due: DateTime<Utc>,
    pub step: ReminderStep,
    pub parts: Vec<OwedPart>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentEscalationHeadContext {
    pub round: RoundLabel,
    pub unit: UnitRef,
    pub deadline: DateTime<Utc>,
    pub late: Lateness,
    /// The unit head's name, for the greeting.
    pub head_name: Option<String>,
    /// The head's position title on record (`Trưởng phòng`), for the greeting.
    #[serde(default)]
    pub head_title: Option<String>,
    pub parts: Vec<OwedPart>,
}

/// A unit still owing parts after the deadline, in the leadership's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateAssessmentUnit {
    pub unit: UnitRef,
    pub pending: u32,
    pub returned: u32,
    /// The owed parts' maximum points, together.
    pub max_points: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentEscalationLeadershipContext {
    pub round: RoundLabel,
    pub deadline: DateTime<Utc>,
    pub late: Lateness,
    pub units: Vec<LateAssessmentUnit>,
}

/// Readiness figures of the round, an area or a unit (the board's).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub criteria: u32,
    pub resolved: u32,
    pub max_points: Decimal,
    pub self_points: Decimal,
    pub points_at_risk: Decimal,
}

/// An area's or a unit's line of the digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiguresLine {
    /// `1. Công tác chỉ đạo, điều hành…`, or the unit's name (`Chưa giao đơn vị` for criteria
    /// nobody is responsible for).
    pub label: String,
    pub figures: Figures,
}

/// What the Office's mails say about where the round stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadinessSummary {
    pub total: Figures,
    /// How many criteria each problem keeps from being sent, in the problems' order; a
    /// criterion may have several.
    pub problems: Vec<(ReadinessProblem, u32)>,
    /// Unresolved criteria.
    pub unresolved: u32,
    /// Units that still owe parts.
    pub units_not_done: Vec<LateAssessmentUnit>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentOfficeReminderContext {
    pub round: RoundLabel,
    /// The province's deadline.
    pub due: DateTime<Utc>,
    pub step: ReminderStep,
    pub summary: ReadinessSummary,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentDigestContext {
    pub round: RoundLabel,
    pub as_of: DateTime<Utc>,
    pub units_due_at: DateTime<Utc>,
    pub send_due_at: DateTime<Utc>,
    pub summary: ReadinessSummary,
    /// Every area and unit, in the board's order.
    pub areas: Vec<FiguresLine>,
    pub units: Vec<FiguresLine>,
}
