use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::model::{double_option, non_null, page_of};
use crate::text_enum;

text_enum! {
    /// The eight content areas of the department's CCHC plan.
    pub enum ContentArea {
        /// Cải cách thể chế.
        InstitutionalReform => "institutional_reform",
        /// Cải cách thủ tục hành chính.
        AdministrativeProcedureReform => "administrative_procedure_reform",
        /// Cải cách tổ chức bộ máy.
        OrganizationalReform => "organizational_reform",
        /// Xây dựng, nâng cao chất lượng đội ngũ cán bộ, công chức, viên chức.
        CivilServiceQuality => "civil_service_quality",
        /// Cải cách tài chính công.
        PublicFinanceReform => "public_finance_reform",
        /// Xây dựng và phát triển Chính quyền điện tử, chính quyền số.
        DigitalGovernment => "digital_government",
        /// Tuyên truyền về cải cách hành chính.
        Communication => "communication",
        /// Công tác kiểm tra việc thực hiện cải cách hành chính.
        Inspection => "inspection",
    }
}

impl ContentArea {
    /// Vietnamese label, as staff read it.
    pub fn label_vi(&self) -> &'static str {
        match self {
            Self::InstitutionalReform => "Cải cách thể chế",
            Self::AdministrativeProcedureReform => "Cải cách thủ tục hành chính",
            Self::OrganizationalReform => "Cải cách tổ chức bộ máy",
            Self::CivilServiceQuality => {
                "Xây dựng, nâng cao chất lượng đội ngũ cán bộ, công chức, viên chức"
            }
            Self::PublicFinanceReform => "Cải cách tài chính công",
            Self::DigitalGovernment => "Xây dựng và phát triển Chính quyền điện tử, chính quyền số",
            Self::Communication => "Tuyên truyền về cải cách hành chính",
            Self::Inspection => "Kiểm tra việc thực hiện cải cách hành chính",
        }
    }
}

text_enum! {
    /// How an indicator's value is given.
    pub enum IndicatorKind {
        /// Numerator and denominator, shown as a percentage; consolidated as Σnumerator/Σdenominator.
        Ratio => "ratio",
        /// A whole number.
        Count => "count",
        /// A decimal number.
        Decimal => "decimal",
        /// Yes or no.
        Boolean => "boolean",
        /// Free text.
        Text => "text",
    }
}

text_enum! {
    /// How the units' figures of an indicator are rolled up into the consolidated figure. The
    /// default follows the kind and the unit of measure; a percentage is never summed.
    pub enum Aggregation {
        /// Tỷ lệ chung: Σ numerator / Σ denominator × 100 over the units (never an average of
        /// percentages). Ratio only; its default.
        Pooled => "pooled",
        /// Tổng: count and decimal, the sum of the units' figures (the default for a count,
        /// and for a decimal whose unit of measure is not a percentage; refused for a
        /// percentage); yes/no, the number of units answering yes (its default).
        Sum => "sum",
        /// Trung bình cộng: the arithmetic mean of the units' figures (ratio: of the units'
        /// percentages). Ratio, count, decimal; the default for a decimal measured in %.
        Mean => "mean",
        /// Trung bình có trọng số: the mean of the units' figures weighted by another
        /// indicator's value in the same unit's report, named by `aggregation_weight` (a count
        /// or decimal indicator). Units without a usable weight (no value, not applicable,
        /// zero or negative) are left out of the mean; with no weight at all the value is
        /// null. Ratio, count, decimal.
        WeightedMean => "weighted_mean",
        /// Nhỏ nhất: the lowest unit figure. Ratio, count, decimal.
        Min => "min",
        /// Lớn nhất: the highest unit figure. Ratio, count, decimal.
        Max => "max",
        /// Không tổng hợp: no consolidated value (value and target_met are null; the units'
        /// figures, the lowest and the highest are still given). Every kind; the only choice
        /// for text.
        NotAggregated => "none",
    }
}

/// Whether a unit of measure says "percent": `%` or `phần trăm`, trimmed, in any case.
pub fn is_percentage(unit_of_measure: Option<&str>) -> bool {
    use unicode_normalization::UnicodeNormalization;
    unit_of_measure.is_some_and(|unit| {
        let unit: String = unit.trim().nfc().collect::<String>().to_lowercase();
        unit == "%" || unit == "phần trăm"
    })
}

/// Why a rule does not fit an indicator's kind (and unit of measure).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggregationMismatch {
    /// `sum` of a decimal measured in percent: a percentage is never summed.
    PercentageNotSummable,
    /// The rule does not apply to the kind.
    NotAllowed,
}

impl AggregationMismatch {
    /// The problem code the API answers with.
    pub fn code(&self) -> &'static str {
        match self {
            Self::PercentageNotSummable => "percentage_not_summable",
            Self::NotAllowed => "aggregation_not_allowed",
        }
    }
}

impl Aggregation {
    /// The rule an indicator gets unless told otherwise: pooled for a ratio, the mean for a
    /// decimal measured in percent, none for text, the sum for everything else.
    pub fn default_for(kind: IndicatorKind, unit_of_measure: Option<&str>) -> Self {
        match kind {
            IndicatorKind::Ratio => Self::Pooled,
            IndicatorKind::Decimal if is_percentage(unit_of_measure) => Self::Mean,
            IndicatorKind::Count | IndicatorKind::Decimal | IndicatorKind::Boolean => Self::Sum,
            IndicatorKind::Text => Self::NotAggregated,
        }
    }

    /// Whether the rule may roll up an indicator of `kind` measured in `unit_of_measure`.
    pub fn fits(
        self,
        kind: IndicatorKind,
        unit_of_measure: Option<&str>,
    ) -> Result<(), AggregationMismatch> {
        use IndicatorKind::{Boolean, Count, Decimal, Ratio};
        let allowed = match self {
            Self::NotAggregated => true,
            Self::Pooled => kind == Ratio,
            Self::Sum if kind == Decimal && is_percentage(unit_of_measure) => {
                return Err(AggregationMismatch::PercentageNotSummable)
            }
            Self::Sum => matches!(kind, Count | Decimal | Boolean),
            Self::Mean | Self::WeightedMean | Self::Min | Self::Max => {
                matches!(kind, Ratio | Count | Decimal)
            }
        };
        if allowed {
            Ok(())
        } else {
            Err(AggregationMismatch::NotAllowed)
        }
    }

    /// How staff read the rule of an indicator of `kind`; `weight` is the weighing
    /// indicator's code (weighted mean).
    pub fn label_vi(self, kind: IndicatorKind, weight: Option<&str>) -> String {
        match self {
            Self::Pooled => "Tỷ lệ chung (Σ tử số / Σ mẫu số)".to_owned(),
            Self::Sum if kind == IndicatorKind::Boolean => "Số đơn vị trả lời Có".to_owned(),
            Self::Sum => "Tổng".to_owned(),
            Self::Mean => "Trung bình cộng".to_owned(),
            Self::WeightedMean => match weight {
                Some(code) => format!("Trung bình có trọng số theo {code}"),
                None => "Trung bình có trọng số".to_owned(),
            },
            Self::Min => "Nhỏ nhất".to_owned(),
            Self::Max => "Lớn nhất".to_owned(),
            Self::NotAggregated => "Không tổng hợp".to_owned(),
        }
    }
}

text_enum! {
    /// How a value is compared with its target threshold.
    pub enum Comparator {
        /// At least (≥): "tối thiểu", "ít nhất", "đạt".
        Gte => "gte",
        /// At most (≤): "tối đa", "không quá".
        Lte => "lte",
        /// Exactly (=).
        Eq => "eq",
        /// More than (>): "trên", so exactly the threshold does not meet it.
        Gt => "gt",
        /// Less than (<): "dưới".
        Lt => "lt",
    }
}

impl Comparator {
    pub fn symbol(&self) -> &'static str {
        match self {
            Self::Gte => "≥",
            Self::Lte => "≤",
            Self::Eq => "=",
            Self::Gt => ">",
            Self::Lt => "<",
        }
    }
}

/// A target such as "≥ 50%". For ratio indicators the threshold is a percentage (0–100); for
/// boolean indicators it is 1 (yes) or 0 (no) with comparator `eq`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub comparator: Comparator,
    /// Within ±10^12; a ratio's 0–100, a count's a whole number 0 or more, a yes/no's 1 or 0.
    #[schema(value_type = f64, example = 50, minimum = -1e12, maximum = 1e12)]
    pub threshold: Decimal,
}

/// The definition of an indicator, as it stands in one version.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct IndicatorDefinition {
    #[schema(example = "TTHC-DUNGHAN")]
    pub code: String,
    #[schema(example = "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn")]
    pub name: String,
    pub description: Option<String>,
    pub content_area: ContentArea,
    pub kind: IndicatorKind,
    #[schema(example = "%")]
    pub unit_of_measure: Option<String>,
    pub target: Option<Target>,
    /// Largest difference from the system-of-record value accepted without an explanation
    /// (percentage points for ratios, the indicator's own unit otherwise).
    #[schema(value_type = f64, example = 0)]
    pub tolerance: Decimal,
    /// Whether a unit must attach evidence documents for this indicator.
    pub evidence_required: bool,
    /// How the units' figures are rolled up in the consolidated report.
    pub aggregation: Aggregation,
    /// The code of the count or decimal indicator whose value in each unit's report weighs
    /// that unit's figure; set exactly when `aggregation` is `weighted_mean`.
    pub aggregation_weight: Option<String>,
}

/// An indicator (chỉ tiêu) units report on.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Indicator {
    pub id: i64,
    /// Current version; every change to the definition adds one.
    pub version: i32,
    #[serde(flatten)]
    pub definition: IndicatorDefinition,
    pub active: bool,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

/// One immutable version of an indicator's definition.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IndicatorVersion {
    pub indicator_id: i64,
    pub version: i32,
    #[serde(flatten)]
    pub definition: IndicatorDefinition,
    pub created_at: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "code": "TTHC-CATGIAM",
    "name": "Tỷ lệ TTHC được cắt giảm, đơn giản hóa",
    "content_area": "administrative_procedure_reform",
    "kind": "ratio",
    "unit_of_measure": "%",
    "target": {
        "comparator": "gte",
        "threshold": 20
    },
    "tolerance": 0,
    "evidence_required": true
}))]
pub struct CreateIndicator {
    /// Unique code: upper-case letters, digits, `.`, `_`, `-`; at most 32 characters.
    #[schema(
        example = "TTHC-DUNGHAN",
        max_length = 32,
        pattern = "^[A-Z0-9][A-Z0-9._-]*$"
    )]
    pub code: String,
    #[schema(
        example = "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn",
        min_length = 1,
        max_length = 300
    )]
    pub name: String,
    #[serde(default)]
    #[schema(min_length = 1, max_length = 4000)]
    pub description: Option<String>,
    pub content_area: ContentArea,
    pub kind: IndicatorKind,
    #[serde(default)]
    #[schema(example = "%", min_length = 1, max_length = 50)]
    pub unit_of_measure: Option<String>,
    #[serde(default)]
    pub target: Option<Target>,
    /// Defaults to 0. At most 10^12; for a ratio, in percentage points, at most 100.
    #[serde(default)]
    #[schema(value_type = Option<f64>, minimum = 0, maximum = 1e12)]
    pub tolerance: Option<Decimal>,
    #[serde(default)]
    pub evidence_required: Option<bool>,
    #[serde(default)]
    pub active: Option<bool>,
    /// How the units' figures are consolidated; by default `pooled` for a ratio, `mean` for a
    /// decimal measured in percent (`%`, `phần trăm`), `none` for text, `sum` otherwise.
    #[serde(default)]
    pub aggregation: Option<Aggregation>,
    /// The code of the count or decimal indicator weighing each unit's figure: required with
    /// `weighted_mean`, refused with any other rule.
    #[serde(default)]
    pub aggregation_weight: Option<String>,
}

/// Changes to an indicator. A change to the definition creates a new version; periods already
/// open or closed keep the version they had. `null` clears `description`, `unit_of_measure`,
/// `target` or `aggregation_weight`.
///
/// The aggregation rule: when the body gives no `aggregation` and the indicator has its
/// default rule, the rule follows the default of the new kind and unit of measure (a decimal
/// whose unit becomes `%` goes from `sum` to `mean`); a rule chosen otherwise is kept, and a
/// change of kind or unit of measure it no longer fits is refused (422
/// `aggregation_not_allowed` or `percentage_not_summable` on `aggregation`): send the new rule
/// with the change. A weight is dropped with a rule other than `weighted_mean` unless given.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateIndicator {
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false, min_length = 1, max_length = 300)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, nullable, min_length = 1, max_length = 4000)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub content_area: Option<ContentArea>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub kind: Option<IndicatorKind>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, nullable, min_length = 1, max_length = 50)]
    pub unit_of_measure: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Target>, nullable)]
    pub target: Option<Option<Target>>,
    #[schema(nullable = false, value_type = Option<f64>, minimum = 0, maximum = 1e12)]
    #[serde(default, deserialize_with = "non_null")]
    pub tolerance: Option<Decimal>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub evidence_required: Option<bool>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
    /// The new rule (see above for what happens without one).
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub aggregation: Option<Aggregation>,
    /// The weighing indicator's code, with `weighted_mean`; `null` removes it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, nullable)]
    pub aggregation_weight: Option<Option<String>>,
}

/// Filters of the indicator list, ordered by code.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndicatorFilter {
    pub content_area: Option<ContentArea>,
    pub kind: Option<IndicatorKind>,
    pub active: Option<bool>,
    /// Case-insensitive search in code and name.
    pub q: Option<String>,
}

page_of!(IndicatorPage, Indicator, "A page of indicators.");
page_of!(
    IndicatorVersionPage,
    IndicatorVersion,
    "A page of indicator versions, newest first."
);
