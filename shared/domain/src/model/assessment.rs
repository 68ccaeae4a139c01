//! A PAR Index self-assessment round: the department scores itself against a published
//! criteria set; each leaf criterion is given to a responsible unit, which proposes a score
//! with evidence (or explains why there is none); the Office accepts or returns each part,
//! watches readiness (points at risk) and sends the whole to the province.

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::model::page_of;
use crate::model::plan::{DocumentRef, UnitRef};
use crate::text_enum;

text_enum! {
    /// Where a round is: units score while it is `open`; once `sent` to the province only the
    /// province's appraisal is recorded (`appraised`).
    pub enum AssessmentStatus {
        Open => "open",
        Sent => "sent",
        Appraised => "appraised",
    }
}

text_enum! {
    /// Where a criterion's part is.
    pub enum ItemStatus {
        /// Nothing proposed yet.
        Pending => "pending",
        /// The unit proposed a score; the Office has not judged it.
        Proposed => "proposed",
        /// The Office sent it back with a reason.
        Returned => "returned",
        /// The Office accepted it.
        Accepted => "accepted",
    }
}

text_enum! {
    /// What keeps a criterion from being ready to send.
    pub enum ReadinessProblem {
        /// No unit is responsible for it.
        Unassigned => "unassigned",
        /// No score proposed.
        NotScored => "not_scored",
        /// Points claimed with neither evidence nor an explanation (seed 001 lost its rank so).
        NoEvidence => "no_evidence",
        /// Evidence cited without the section or page that shows the work.
        EvidenceUnlocated => "evidence_unlocated",
        /// Proposed or returned, not yet accepted by the Office.
        NotAccepted => "not_accepted",
        /// A computed criterion whose indicator has no consolidated value in its period yet.
        NoData => "no_data",
    }
}

/// A new round (the Office) against a published criteria set.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "code": "TDG-2027",
    "title": "Tự đánh giá Chỉ số CCHC năm 2026",
    "criteria_set_id": 1,
    "units_due_at": "2026-12-10T17:00:00+07:00",
    "send_due_at": "2026-12-20T17:00:00+07:00"
}))]
pub struct CreateAssessment {
    /// Unique; letters, digits, `.`, `_`, `-`, at most 40 characters.
    #[schema(example = "PAR-2026", pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
    pub code: String,
    #[schema(
        example = "Tự đánh giá Chỉ số CCHC năm 2026",
        min_length = 1,
        max_length = 1000
    )]
    pub title: String,
    pub criteria_set_id: i64,
    /// When the units' parts are due (RFC 3339 with offset).
    #[schema(example = "2026-12-10T17:00:00+07:00")]
    #[serde(deserialize_with = "crate::model::time_input::instant")]
    pub units_due_at: DateTime<FixedOffset>,
    /// When the self-assessment is due at the province; not before `units_due_at`.
    #[schema(example = "2026-12-20T17:00:00+07:00")]
    #[serde(deserialize_with = "crate::model::time_input::instant")]
    pub send_due_at: DateTime<FixedOffset>,
}

/// A cited piece of evidence as written: exactly one of `document_id` and `file_id`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentEvidenceInput {
    /// A document of the registry (number, date, issuer, title).
    #[serde(default)]
    pub document_id: Option<i64>,
    /// A file uploaded to the round (`POST /api/v1/assessments/{id}/files`) by the part's
    /// unit or by the Office.
    #[serde(default)]
    pub file_id: Option<i64>,
    #[serde(default)]
    #[schema(example = "Mục II.1", min_length = 1, max_length = 200)]
    pub section: Option<String>,
    #[serde(default)]
    #[schema(minimum = 1, maximum = 100000)]
    pub page: Option<i32>,
}

/// A unit's proposed score for a criterion (or the Office's, for survey criteria).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposeScore {
    /// For `entered` and `survey` criteria: from 0 to the criterion's maximum, two decimals.
    #[serde(default)]
    #[schema(value_type = Option<f64>, example = 1.5, minimum = 0, maximum = 1000, multiple_of = 0.01)]
    pub points: Option<Decimal>,
    /// For `levels` criteria: the index (from 0) of the level chosen; its points count. At
    /// most 100000: levels ascend from 0 to at most 1000 points in hundredths.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 100000, example = 0)]
    pub level: Option<usize>,
    /// At most 20 citations (registry documents or the round's files), each with the section
    /// and page that show the work.
    #[serde(default)]
    pub evidence: Vec<AssessmentEvidenceInput>,
    /// How the score is justified where evidence is missing (giải trình); at most 4000
    /// characters.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 4000)]
    pub explanation: Option<String>,
}

/// Assigning a criterion to a unit (the Office).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignItem {
    #[schema(example = "VP")]
    pub unit_code: String,
}

/// The Office returns a part.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnItem {
    #[schema(
        example = "Bổ sung kế hoạch CCHC năm làm tài liệu kiểm chứng.",
        min_length = 1,
        max_length = 2000
    )]
    pub reason: String,
}

/// Sending the self-assessment to the province.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendAssessment {
    /// Send although criteria are unresolved; why (recorded in the audit trail).
    #[serde(default)]
    #[schema(
        example = "Lãnh đạo Sở đồng ý gửi đúng hạn; bổ sung tài liệu khi thẩm định.",
        min_length = 1,
        max_length = 2000
    )]
    pub override_reason: Option<String>,
}

/// A cited piece of evidence of a part: a registry document or a file of the round.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssessmentEvidence {
    pub document: Option<DocumentRef>,
    pub file: Option<crate::model::assessment_file::AssessmentFileRef>,
    pub section: Option<String>,
    pub page: Option<i32>,
}

/// A computed criterion's points: a value the system already holds through the criterion's
/// thresholds. `indicator`: the indicator's consolidated value in its period (accepted
/// reports); `plan_on_time`: the share of the plan's tasks done on time; `report_timeliness`:
/// the share of the year's reports submitted on time.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ComputedScore {
    /// The criterion's method: `indicator`, `plan_on_time` or `report_timeliness`.
    #[schema(example = "indicator")]
    pub method: String,
    #[schema(example = "TTHC-TRUCTUYEN")]
    pub indicator_code: Option<String>,
    #[schema(example = "2026-Q4")]
    pub period_code: Option<String>,
    #[schema(example = "KH-2026")]
    pub plan_code: Option<String>,
    #[schema(example = 2026)]
    pub year: Option<i32>,
    /// For a share: what it counts (tasks done on time, reports on time) out of `out_of`.
    #[schema(example = 12)]
    pub counted: Option<i64>,
    #[schema(example = 15)]
    pub out_of: Option<i64>,
    /// Absent while there is nothing to compute from (no accepted report, no task with a
    /// deadline, no report due).
    #[schema(value_type = Option<f64>, example = 62.5)]
    pub value: Option<Decimal>,
    #[schema(value_type = f64, example = 1)]
    pub points: Decimal,
}

/// A leaf criterion's part of a round.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssessmentItem {
    pub criterion_id: i64,
    #[schema(example = "1.1")]
    pub code: String,
    /// The area (top-level criterion) it belongs to.
    #[schema(example = "1")]
    pub area_code: String,
    pub title: String,
    #[schema(value_type = f64, example = 1)]
    pub max_points: Decimal,
    /// `entered`, `levels`, `indicator` or `survey`.
    #[schema(example = "levels")]
    pub method: String,
    pub unit: Option<UnitRef>,
    pub status: ItemStatus,
    #[schema(value_type = Option<f64>)]
    pub self_points: Option<Decimal>,
    pub level: Option<i32>,
    pub explanation: Option<String>,
    pub evidence: Vec<AssessmentEvidence>,
    pub return_reason: Option<String>,
    /// For `indicator` criteria: the computation, which takes the place of a proposal.
    pub computed: Option<ComputedScore>,
    /// What keeps it from being ready.
    pub problems: Vec<ReadinessProblem>,
    pub proposed_at: Option<DateTime<FixedOffset>>,
    pub proposed_by: Option<String>,
}

/// A round with its parts (a reporter sees its own unit's parts only).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Assessment {
    pub id: i64,
    pub code: String,
    pub year: i32,
    pub title: String,
    pub criteria_set_id: i64,
    pub status: AssessmentStatus,
    pub units_due_at: DateTime<FixedOffset>,
    pub send_due_at: DateTime<FixedOffset>,
    pub sent_at: Option<DateTime<FixedOffset>>,
    pub override_reason: Option<String>,
    pub appraised_at: Option<DateTime<FixedOffset>>,
    pub items: Vec<AssessmentItem>,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

/// A round in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssessmentSummary {
    pub id: i64,
    pub code: String,
    pub year: i32,
    pub title: String,
    pub status: AssessmentStatus,
    pub units_due_at: DateTime<FixedOffset>,
    pub send_due_at: DateTime<FixedOffset>,
}

page_of!(
    AssessmentPage,
    AssessmentSummary,
    "A page of self-assessment rounds, newest first."
);

/// Readiness figures of a group (an area or a unit).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct ReadinessFigures {
    /// Leaf criteria in the group.
    pub criteria: i64,
    /// Of which resolved (nothing keeps them from being sent).
    pub resolved: i64,
    #[schema(value_type = f64)]
    pub max_points: Decimal,
    /// Points proposed.
    #[schema(value_type = f64)]
    pub self_points: Decimal,
    /// Proposed points no evidence backs (an explanation alone does not: seed 001 kept 70 %).
    #[schema(value_type = f64)]
    pub points_at_risk: Decimal,
}

/// Figures of an area.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AreaReadiness {
    pub code: String,
    pub title: String,
    #[serde(flatten)]
    pub figures: ReadinessFigures,
}

/// Figures of a unit; `unit` is absent for criteria nobody is responsible for.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitReadiness {
    pub unit: Option<UnitRef>,
    #[serde(flatten)]
    pub figures: ReadinessFigures,
}

/// A criterion that is not ready, and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnresolvedItem {
    pub code: String,
    pub title: String,
    pub unit: Option<UnitRef>,
    pub problems: Vec<ReadinessProblem>,
    #[schema(value_type = Option<f64>)]
    pub self_points: Option<Decimal>,
}

/// The readiness board of a round: whether it may be sent, and where points are at risk.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Readiness {
    pub assessment_id: i64,
    /// True when no criterion is unresolved.
    pub ready: bool,
    #[serde(flatten)]
    pub total: ReadinessFigures,
    pub areas: Vec<AreaReadiness>,
    pub units: Vec<UnitReadiness>,
    pub unresolved: Vec<UnresolvedItem>,
}

/// The province's appraisal of one criterion.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppraisalItemInput {
    /// A scored criterion of the round's set.
    #[schema(example = "1.2")]
    pub code: String,
    /// The appraisal council's points, from 0 to the criterion's maximum.
    #[schema(value_type = f64, example = 0, minimum = 0, maximum = 1000, multiple_of = 0.01)]
    pub appraised_points: Decimal,
    /// The council's comment.
    #[serde(default)]
    #[schema(
        example = "Không có tài liệu kiểm chứng",
        min_length = 1,
        max_length = 2000
    )]
    pub comment: Option<String>,
    /// The points the council gave back after the department's explanation (giải trình), from
    /// the appraised points to the maximum; the final score keeps the set's share of the
    /// difference.
    #[serde(default)]
    #[schema(value_type = Option<f64>, example = 2, minimum = 0, maximum = 1000, multiple_of = 0.01)]
    pub restored_points: Option<Decimal>,
}

/// The province's appraisal of a sent round (the Office records it from the province's
/// decision); recording it again replaces the criteria it names.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordAppraisal {
    /// At most one entry per criterion.
    pub items: Vec<AppraisalItemInput>,
    /// The department's place among its peers (e.g. 12th of 20 departments), when published.
    #[serde(default)]
    #[schema(minimum = 1, example = 12)]
    pub rank_position: Option<i32>,
    #[serde(default)]
    #[schema(minimum = 1, example = 20)]
    pub rank_among: Option<i32>,
}

/// A criterion's points at each stage; an inner criterion's are its sub-criteria's sums.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CriterionResult {
    pub code: String,
    pub title: String,
    pub depth: i32,
    #[schema(value_type = f64)]
    pub max_points: Decimal,
    #[schema(value_type = Option<f64>)]
    pub self_points: Option<Decimal>,
    #[schema(value_type = Option<f64>)]
    pub appraised_points: Option<Decimal>,
    #[schema(value_type = Option<f64>)]
    pub restored_points: Option<Decimal>,
    /// Appraised points plus the set's share of the points restored after explanation.
    #[schema(value_type = Option<f64>)]
    pub final_points: Option<Decimal>,
    /// Self-scored points the final score does not keep.
    #[schema(value_type = f64)]
    pub lost_points: Decimal,
    pub comment: Option<String>,
}

/// An earlier year's result, to compare with.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EarlierResult {
    pub assessment_id: i64,
    pub year: i32,
    pub code: String,
    #[schema(value_type = f64)]
    pub max_points: Decimal,
    #[schema(value_type = f64)]
    pub self_points: Decimal,
    #[schema(value_type = f64)]
    pub final_points: Decimal,
    #[schema(value_type = f64)]
    pub lost_points: Decimal,
    pub ranking_class: Option<String>,
    /// Each area of that year's set with its figures; compare with this year's areas (the
    /// criteria of depth 1) by `code`, or by `title` where the province renumbered them.
    pub areas: Vec<EarlierArea>,
}

/// An area's figures in an earlier year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EarlierArea {
    #[schema(example = "1")]
    pub code: String,
    #[schema(example = "Công tác chỉ đạo, điều hành cải cách hành chính")]
    pub title: String,
    #[schema(value_type = f64)]
    pub max_points: Decimal,
    #[schema(value_type = Option<f64>)]
    pub self_points: Option<Decimal>,
    #[schema(value_type = Option<f64>)]
    pub final_points: Option<Decimal>,
    #[schema(value_type = f64)]
    pub lost_points: Decimal,
}

/// Where the points went: self-assessed, appraised, restored, final, per criterion and area;
/// the total, the ranking class and rank; earlier years.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssessmentResults {
    pub assessment_id: i64,
    pub year: i32,
    pub status: AssessmentStatus,
    #[schema(value_type = f64, example = 70)]
    pub restored_share_percent: Decimal,
    /// Every criterion of the set, in its order.
    pub criteria: Vec<CriterionResult>,
    #[schema(value_type = f64)]
    pub max_points: Decimal,
    #[schema(value_type = f64)]
    pub self_points: Decimal,
    /// Absent until the appraisal is recorded.
    #[schema(value_type = Option<f64>)]
    pub appraised_points: Option<Decimal>,
    #[schema(value_type = Option<f64>)]
    pub final_points: Option<Decimal>,
    #[schema(value_type = f64)]
    pub lost_points: Decimal,
    /// By the set's thresholds, from the final points.
    #[schema(example = "Khá")]
    pub ranking_class: Option<String>,
    pub rank_position: Option<i32>,
    pub rank_among: Option<i32>,
    /// Appraised rounds of earlier years, newest first.
    pub earlier: Vec<EarlierResult>,
}

/// A task in a plan to win back a criterion's lost points (the Office), e.g. next year's plan.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LostCriterionTask {
    /// The plan the task goes into.
    pub plan_id: i64,
    pub due: crate::rules::task_due::TaskDue,
    /// The lead unit; the unit responsible for the criterion when absent.
    #[serde(default)]
    #[schema(example = "VP")]
    pub lead_unit_code: Option<String>,
    /// The task's number in the plan; `PAR-<criterion code>` when absent.
    #[serde(default)]
    #[schema(example = "PAR-1.2")]
    pub code: Option<String>,
}
