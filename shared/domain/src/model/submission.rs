use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::model::attachment::Attachment;
use crate::model::indicator::IndicatorKind;
use crate::model::{double_option, non_null, page_of};
use crate::rules::timeliness::Timeliness;
use crate::text_enum;

text_enum! {
    /// Where a unit's report is: `draft → submitted → (returned → submitted …) → accepted`.
    pub enum SubmissionStatus {
        /// Being filled by the unit.
        Draft => "draft",
        /// Sent to the Office for review.
        Submitted => "submitted",
        /// Sent back by the Office with a reason; the unit fixes and submits again.
        Returned => "returned",
        /// Accepted by the Office; counts in the consolidation.
        Accepted => "accepted",
    }
}

impl SubmissionStatus {
    /// As staff read it on boards and in filed documents.
    pub fn label_vi(&self) -> &'static str {
        match self {
            Self::Draft => "Đang soạn, chưa gửi",
            Self::Submitted => "Đã gửi, chờ duyệt",
            Self::Returned => "Bị trả lại",
            Self::Accepted => "Đã chấp nhận",
        }
    }
}

text_enum! {
    /// Who gave a system-of-record figure.
    pub enum SystemValueSource {
        /// The Office, from the province's systems.
        Office => "office",
        /// The unit itself.
        Unit => "unit",
        /// An import from a system of record.
        Import => "import",
    }
}

/// A value for one indicator, as given. Which fields apply depends on the indicator's kind:
/// `numerator` and `denominator` for ratios (the percentage is derived, never stored), `number`
/// for counts and decimals, `flag` for yes/no, `text` for text. Every figure is within ±10^15
/// (`out_of_range` beyond), so whole figures are exact.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValueInput {
    #[schema(value_type = Option<f64>, example = 95, minimum = -1e15, maximum = 1e15)]
    pub numerator: Option<Decimal>,
    #[schema(value_type = Option<f64>, example = 100, minimum = -1e15, maximum = 1e15)]
    pub denominator: Option<Decimal>,
    #[schema(value_type = Option<f64>, minimum = -1e15, maximum = 1e15)]
    pub number: Option<Decimal>,
    pub flag: Option<bool>,
    pub text: Option<String>,
    /// Nothing to report this period (e.g. no dossiers received); needs an explanation.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub not_applicable: Option<bool>,
    /// The system-of-record figure (percentage for ratios) the unit's figure is checked against.
    #[schema(value_type = Option<f64>, example = 96, minimum = -1e15, maximum = 1e15)]
    pub system_value: Option<Decimal>,
    /// Why the unit's figure differs from the system's (giải trình), or why not applicable.
    pub explanation: Option<String>,
    pub note: Option<String>,
}

/// One indicator's value in a submission, with what is derived from it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IndicatorValue {
    pub indicator_id: i64,
    #[schema(example = "TTHC-DUNGHAN")]
    pub code: String,
    pub name: String,
    pub kind: IndicatorKind,
    pub unit_of_measure: Option<String>,
    #[schema(value_type = Option<f64>)]
    pub numerator: Option<Decimal>,
    #[schema(value_type = Option<f64>)]
    pub denominator: Option<Decimal>,
    #[schema(value_type = Option<f64>)]
    pub number: Option<Decimal>,
    pub flag: Option<bool>,
    pub text: Option<String>,
    pub not_applicable: bool,
    /// For ratios: numerator / denominator × 100, derived.
    #[schema(value_type = Option<f64>, example = 95)]
    pub percentage: Option<Decimal>,
    #[schema(value_type = Option<f64>)]
    pub system_value: Option<Decimal>,
    pub system_value_source: Option<SystemValueSource>,
    /// |unit figure − system figure| when both exist.
    #[schema(value_type = Option<f64>)]
    pub discrepancy: Option<Decimal>,
    /// The discrepancy exceeds the indicator's tolerance, so an explanation is needed.
    pub explanation_required: bool,
    pub explanation: Option<String>,
    pub note: Option<String>,
    /// Whether a value was given at all.
    pub answered: bool,
}

/// An evidence document (tài liệu kiểm chứng) the submission cites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceCitation {
    /// The indicator it supports; omit for evidence of the report as a whole.
    #[serde(default)]
    #[schema(example = "TTHC-CONGKHAI")]
    pub indicator_code: Option<String>,
    /// Number/symbol of the document, e.g. `125/QĐ-SCT`.
    #[serde(default)]
    #[schema(example = "125/QĐ-SCT", min_length = 1, max_length = 100)]
    pub document_number: Option<String>,
    #[schema(
        example = "Quyết định công bố danh mục thủ tục hành chính",
        min_length = 1,
        max_length = 500
    )]
    pub title: String,
    /// Section cited, e.g. `Mục II.2`.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 200)]
    pub section: Option<String>,
    #[serde(default)]
    #[schema(minimum = 1)]
    pub page: Option<i32>,
    /// The uploaded copy of the document: the id of a file of the same submission.
    #[serde(default)]
    #[schema(example = 42)]
    pub attachment_id: Option<i64>,
}

/// A unit's report for a period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Submission {
    pub id: i64,
    pub period_id: i64,
    pub period_code: String,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub status: SubmissionStatus,
    /// The narrative part of the report.
    pub narrative: Option<String>,
    /// One entry per indicator of the period, in the period's order.
    pub values: Vec<IndicatorValue>,
    pub evidence: Vec<EvidenceCitation>,
    /// The files: narrative, statistics and evidence documents, oldest first.
    pub attachments: Vec<Attachment>,
    /// The unit's report as official documents (văn bản), linked by hand or matched from
    /// QLVB, oldest link first.
    pub official_documents: Vec<crate::model::document::OfficialDocument>,
    /// When the first official document of the report arrived through QLVB, if one did.
    pub delivered_via_qlvb_at: Option<DateTime<FixedOffset>>,
    /// Changes with every write (files included); the `ETag` is built from it.
    pub revision: i32,
    /// The deadline that applies to this unit: an extension's, or the period's.
    pub deadline: DateTime<FixedOffset>,
    pub has_extension: bool,
    pub first_submitted_at: Option<DateTime<FixedOffset>>,
    /// Timeliness of the first submission; a resubmission after a return keeps it.
    pub timeliness: Option<Timeliness>,
    pub minutes_late: Option<i32>,
    pub last_submitted_at: Option<DateTime<FixedOffset>>,
    pub submit_count: i32,
    pub return_reason: Option<String>,
    pub returned_at: Option<DateTime<FixedOffset>>,
    pub accepted_at: Option<DateTime<FixedOffset>>,
    /// Who submitted the report last: the API token's name, or the person's name for an
    /// OpenID Connect access token.
    #[schema(example = "Trần Thị Bình")]
    pub submitted_by: Option<String>,
    /// Who returned or accepted the report last (the Office's token, or a person's name);
    /// kept when the unit submits again.
    #[schema(example = "Lê Văn Phòng")]
    pub reviewed_by: Option<String>,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
    /// Only in the answer of an import of the statistics form, and only when there is
    /// something to say: what the import did not read, in Vietnamese, e.g. `missing_row` for
    /// an indicator whose row was deleted from the form (its value is kept as it was).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub import_warnings: Vec<crate::model::period::Warning>,
}

/// What a write's `If-Match` header said, checked only after the caller may see the
/// submission (so it cannot probe for other units' reports).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfMatch {
    Missing,
    /// `*`: any current revision.
    Any,
    Revision {
        submission_id: i64,
        revision: i32,
    },
    /// Weak, malformed or otherwise never matching.
    Unmatchable(String),
}

impl IfMatch {
    pub fn parse(header: Option<&str>) -> Self {
        let Some(value) = header.map(str::trim) else {
            return Self::Missing;
        };
        if value == "*" {
            return Self::Any;
        }
        let parsed = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .and_then(|tag| tag.split_once('.'))
            .and_then(|(id, revision)| Some((id.parse().ok()?, revision.parse().ok()?)));
        match parsed {
            Some((submission_id, revision)) => Self::Revision {
                submission_id,
                revision,
            },
            None => Self::Unmatchable(value.to_owned()),
        }
    }
}

/// A submission as listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubmissionSummary {
    pub id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub status: SubmissionStatus,
    pub revision: i32,
    pub first_submitted_at: Option<DateTime<FixedOffset>>,
    pub timeliness: Option<Timeliness>,
    pub minutes_late: Option<i32>,
    pub submit_count: i32,
    /// Who submitted the report last (a token's or a person's name).
    #[schema(example = "Trần Thị Bình")]
    pub submitted_by: Option<String>,
    /// Who returned or accepted the report last.
    #[schema(example = "Lê Văn Phòng")]
    pub reviewed_by: Option<String>,
    pub updated_at: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSubmission {
    /// The unit filing. A reporter files for its own unit and may omit it; an admin names it.
    #[serde(default)]
    #[schema(example = "KHTC")]
    pub unit_code: Option<String>,
}

/// Changes to a draft or returned submission. `values` is keyed by indicator code; each entry
/// given replaces that indicator's value (an empty object clears it); indicators not named keep
/// theirs. `evidence` replaces the whole list. Send `If-Match` with the ETag you read.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSubmission {
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, nullable)]
    pub narrative: Option<Option<String>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub values: Option<BTreeMap<String, ValueInput>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub evidence: Option<Vec<EvidenceCitation>>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnSubmission {
    /// Why the Office sends the report back; the unit sees it.
    #[schema(
        example = "Số liệu tỷ lệ hồ sơ đúng hạn chưa khớp hệ thống, đề nghị giải trình.",
        min_length = 1,
        max_length = 2000
    )]
    pub reason: String,
}

/// One field that changed between two submits.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Change {
    #[schema(example = "values.TTHC-DUNGHAN.numerator")]
    pub field: String,
    pub before: Value,
    pub after: Value,
}

/// What was submitted at one submit; immutable.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubmissionVersion {
    pub version: i32,
    pub submitted_at: DateTime<FixedOffset>,
    /// Name of the token that submitted.
    pub submitted_by: String,
    pub timeliness: Timeliness,
    pub minutes_late: i32,
    /// The deadline this submit was judged against.
    pub deadline: DateTime<FixedOffset>,
    /// The submitted content: narrative, values by indicator code, evidence.
    pub content: Value,
    /// What changed since the previous version (everything, for the first).
    pub changes: Vec<Change>,
}

/// A per-unit deadline extension.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Extension {
    pub unit_code: String,
    pub deadline: DateTime<FixedOffset>,
    pub reason: String,
    pub granted_at: DateTime<FixedOffset>,
    pub granted_by: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantExtension {
    #[schema(example = "QLNL")]
    pub unit_code: String,
    /// The unit's new deadline, RFC 3339 with offset.
    #[schema(example = "2023-03-15T16:30:00+07:00")]
    #[serde(deserialize_with = "crate::model::time_input::instant")]
    pub deadline: DateTime<FixedOffset>,
    #[schema(
        example = "Phòng đang chờ số liệu từ Cổng dịch vụ công.",
        min_length = 1,
        max_length = 2000
    )]
    pub reason: String,
}

/// Filters of a period's submissions, ordered by unit code.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubmissionFilter {
    pub status: Option<SubmissionStatus>,
    pub unit_code: Option<String>,
}

page_of!(SubmissionPage, SubmissionSummary, "A page of submissions.");
page_of!(
    SubmissionVersionPage,
    SubmissionVersion,
    "A page of versions, newest first."
);
page_of!(ExtensionPage, Extension, "A page of extensions.");

/// Leaf-by-leaf differences between two JSON documents, with dotted paths; arrays compare
/// whole (an evidence list is one field).
pub fn diff(before: &Value, after: &Value) -> Vec<Change> {
    let mut changes = Vec::new();
    diff_into("", before, after, &mut changes);
    changes
}

fn diff_into(path: &str, before: &Value, after: &Value, changes: &mut Vec<Change>) {
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            let keys: std::collections::BTreeSet<&String> = b.keys().chain(a.keys()).collect();
            for key in keys {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                diff_into(
                    &child,
                    b.get(key).unwrap_or(&Value::Null),
                    a.get(key).unwrap_or(&Value::Null),
                    changes,
                );
            }
        }
        (Value::Object(b), Value::Null) => diff_into(
            path,
            &Value::Object(b.clone()),
            &Value::Object(Default::default()),
            changes,
        ),
        (Value::Null, Value::Object(a)) => diff_into(
            path,
            &Value::Object(Default::default()),
            &Value::Object(a.clone()),
            changes,
        ),
        (b, a) if b != a => changes.push(Change {
            field: path.to_owned(),
            before: b.clone(),
            after: a.clone(),
        }),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn if_match_parses_strong_tags_only() {
        assert_eq!(IfMatch::parse(None), IfMatch::Missing);
        assert_eq!(IfMatch::parse(Some(" * ")), IfMatch::Any);
        assert_eq!(
            IfMatch::parse(Some("\"12.3\"")),
            IfMatch::Revision {
                submission_id: 12,
                revision: 3
            }
        );
        for tag in ["W/\"12.3\"", "12.3", "\"12\"", "\"a.b\""] {
            assert!(
                matches!(IfMatch::parse(Some(tag)), IfMatch::Unmatchable(_)),
                "{tag}"
            );
        }
    }

    #[test]
    fn diff_lists_changed_leaves_with_paths() {
        let before = json!({"narrative": "A", "values": {"X": {"numerator": 1, "denominator": 2}}, "evidence": []});
        let after = json!({"narrative": "A", "values": {"X": {"numerator": 2, "denominator": 2}, "Y": {"number": 5}}, "evidence": [{"title": "QĐ"}]});
        let changes = diff(&before, &after);
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(
            fields,
            ["evidence", "values.X.numerator", "values.Y.number"]
        );
        assert_eq!(changes[1].before, json!(1));
        assert_eq!(changes[1].after, json!(2));
        assert_eq!(changes[2].before, Value::Null);
        assert!(diff(&after, &after).is_empty());
    }
}

text_enum! {
    /// How a unit stands on the compliance board at its instant.
    pub enum Standing {
        /// Reported at least a working day ahead.
        Early => "early",
        /// Reported by the deadline.
        OnTime => "on_time",
        /// Reported after the deadline.
        Late => "late",
        /// Not reported yet; the deadline has not passed.
        Pending => "pending",
        /// Not reported and the deadline has passed.
        Missing => "missing",
    }
}

impl Standing {
    /// As staff read it on boards and in filed documents.
    pub fn label_vi(&self) -> &'static str {
        match self {
            Self::Early => "Gửi trước hạn",
            Self::OnTime => "Gửi đúng hạn",
            Self::Late => "Gửi trễ hạn",
            Self::Pending => "Chưa gửi, chưa đến hạn",
            Self::Missing => "Chưa gửi, đã quá hạn",
        }
    }
}

/// One participating unit on the compliance board.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ComplianceRow {
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub standing: Standing,
    pub submission_id: Option<i64>,
    /// The submission's current status, if the unit has started one.
    pub status: Option<SubmissionStatus>,
    pub first_submitted_at: Option<DateTime<FixedOffset>>,
    pub timeliness: Option<Timeliness>,
    pub minutes_late: Option<i32>,
    /// For a missing unit: minutes past its deadline at the board's instant.
    pub overdue_minutes: Option<i64>,
    /// How many times the unit has submitted (versions).
    pub versions: i32,
    /// For a reported unit: who submitted its report last (a token's or a person's name).
    #[schema(example = "Trần Thị Bình")]
    pub submitted_by: Option<String>,
    /// For a returned or accepted report: who returned or accepted it (a token's or a
    /// person's name).
    #[schema(example = "Lê Văn Phòng")]
    pub reviewed_by: Option<String>,
    /// The unit's deadline (an extension's, or the period's).
    pub deadline: DateTime<FixedOffset>,
    pub has_extension: bool,
    /// How far the worker has escalated the unit for this period (null: not escalated).
    pub escalation_level: Option<crate::rules::reminders::EscalationLevel>,
}

/// Counts and rates of the board.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ComplianceTotals {
    pub expected: u32,
    pub reported: u32,
    pub early: u32,
    pub on_time: u32,
    pub late: u32,
    pub pending: u32,
    pub missing: u32,
    pub accepted: u32,
    pub returned: u32,
    /// Reported / expected, in percent; null with no participating units.
    #[schema(value_type = Option<f64>, example = 85.71)]
    pub reporting_rate: Option<Decimal>,
    /// Reported early or on time / expected, in percent.
    #[schema(value_type = Option<f64>, example = 71.43)]
    pub on_time_rate: Option<Decimal>,
}

/// Who has reported, when, and who is missing: the period at one instant.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ComplianceBoard {
    pub period_id: i64,
    pub period_code: String,
    pub period_title: String,
    /// The instant the board describes (local time).
    pub as_of: DateTime<FixedOffset>,
    pub deadline: DateTime<FixedOffset>,
    /// One page of the participating units in unit-code order (only those of `standing` when
    /// the query names one).
    pub units: Vec<ComplianceRow>,
    pub page: i64,
    pub per_page: i64,
    /// How many units match the query (every participating unit without `standing`).
    pub total: i64,
    /// Counts and rates over every participating unit, whatever the page and filter.
    pub totals: ComplianceTotals,
}

/// The instant of the board.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ComplianceQuery {
    /// RFC 3339 with offset, e.g. `2023-03-10T16:30:00+07:00`; default now.
    #[serde(
        default,
        deserialize_with = "crate::model::time_input::optional_instant"
    )]
    pub at: Option<DateTime<FixedOffset>>,
    /// Only units of this standing, e.g. `missing` for the list to chase.
    pub standing: Option<Standing>,
}

text_enum! {
    /// Which submissions a consolidation counts.
    pub enum ConsolidationScope {
        /// Only reports the Office accepted (the default).
        Accepted => "accepted",
        /// Every report submitted, accepted or not yet reviewed.
        Submitted => "submitted",
    }
}

/// Options of a consolidation.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsolidationQuery {
    /// Default `accepted`.
    pub include: Option<ConsolidationScope>,
    /// Only units in the subtree of this unit code (multi-level reporting).
    pub under: Option<String>,
}

/// How much of the consolidated report to answer.
#[derive(Debug, Clone, Copy, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsolidationDetail {
    /// `true`: fill each indicator's `breakdown` with every included unit's contribution
    /// (large: units × indicators rows). Default `false`: the breakdown is empty; the sums,
    /// the lowest and highest unit and the discrepancies are always there.
    pub breakdown: Option<bool>,
}

/// One unit's contribution to an indicator.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitContribution {
    pub unit_code: String,
    pub unit_name: String,
    #[schema(value_type = Option<f64>)]
    pub numerator: Option<Decimal>,
    #[schema(value_type = Option<f64>)]
    pub denominator: Option<Decimal>,
    /// The unit's figure: percentage for ratios, the number, 1/0 for yes/no.
    #[schema(value_type = Option<f64>)]
    pub figure: Option<Decimal>,
    pub flag: Option<bool>,
    pub text: Option<String>,
    pub not_applicable: bool,
    pub explanation: Option<String>,
    pub note: Option<String>,
}

/// A unit's figure that differs from the system of record, with its explanation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Discrepancy {
    pub unit_code: String,
    #[schema(value_type = Option<f64>)]
    pub unit_figure: Option<Decimal>,
    #[schema(value_type = f64)]
    pub system_value: Decimal,
    #[schema(value_type = f64)]
    pub difference: Decimal,
    pub explanation: Option<String>,
}

/// The unit with an extreme figure.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitFigure {
    pub unit_code: String,
    #[schema(value_type = f64)]
    pub figure: Decimal,
}

/// One indicator rolled up over the included units.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConsolidatedIndicator {
    pub code: String,
    pub name: String,
    pub kind: IndicatorKind,
    pub unit_of_measure: Option<String>,
    pub target: Option<crate::model::indicator::Target>,
    pub units_reporting: u32,
    #[schema(value_type = Option<f64>)]
    pub numerator_sum: Option<Decimal>,
    #[schema(value_type = Option<f64>)]
    pub denominator_sum: Option<Decimal>,
    /// How `value` is obtained from the units' figures (the rule of the indicator's version
    /// the period pins).
    pub aggregation: crate::model::indicator::Aggregation,
    /// With `weighted_mean`: the code of the indicator whose value in each unit's report
    /// weighs that unit's figure.
    pub aggregation_weight: Option<String>,
    /// The figure `aggregation` gives: `pooled`, Σnumerator / Σdenominator × 100; `sum`, the
    /// sum (yes/no: the units answering yes); `mean`, `weighted_mean`, `min`, `max`, of the
    /// units' figures (ratio: their percentages; means to 4 places); `none` and text: null.
    #[schema(value_type = Option<f64>)]
    pub value: Option<Decimal>,
    pub lowest: Option<UnitFigure>,
    pub highest: Option<UnitFigure>,
    /// Whether the consolidated figure meets the target (yes/no: every unit answers the
    /// target); null without a target, a figure or (`none`) a rule.
    pub target_met: Option<bool>,
    /// Each included unit's contribution, in unit-code order; empty unless the request asked
    /// for `breakdown=true`.
    pub breakdown: Vec<UnitContribution>,
    pub discrepancies: Vec<Discrepancy>,
}

impl ConsolidatedIndicator {
    /// How staff read the way `value` was obtained, e.g. "Trung bình cộng".
    pub fn aggregation_label_vi(&self) -> String {
        self.aggregation
            .label_vi(self.kind, self.aggregation_weight.as_deref())
    }
}

/// The consolidated report of a period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Consolidation {
    pub period_id: i64,
    pub period_code: String,
    pub period_title: String,
    pub include: ConsolidationScope,
    pub under: Option<String>,
    /// Units whose reports are counted, by code.
    pub units: Vec<String>,
    pub indicators: Vec<ConsolidatedIndicator>,
}
