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
    #[schema(value_type = f64, example = 50)]
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
pub struct CreateIndicator {
    /// Unique code: upper-case letters, digits, `.`, `_`, `-`; at most 32 characters.
    #[schema(example = "TTHC-DUNGHAN")]
    pub code: String,
    #[schema(example = "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn")]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub content_area: ContentArea,
    pub kind: IndicatorKind,
    #[serde(default)]
    pub unit_of_measure: Option<String>,
    #[serde(default)]
    pub target: Option<Target>,
    /// Defaults to 0.
    #[serde(default)]
    #[schema(value_type = Option<f64>)]
    pub tolerance: Option<Decimal>,
    #[serde(default)]
    pub evidence_required: Option<bool>,
    #[serde(default)]
    pub active: Option<bool>,
}

/// Changes to an indicator. A change to the definition creates a new version; periods already
/// open or closed keep the version they had. `null` clears `description`, `unit_of_measure` or
/// `target`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateIndicator {
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, nullable)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub content_area: Option<ContentArea>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub kind: Option<IndicatorKind>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, nullable)]
    pub unit_of_measure: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Target>, nullable)]
    pub target: Option<Option<Target>>,
    #[schema(nullable = false, value_type = Option<f64>)]
    #[serde(default, deserialize_with = "non_null")]
    pub tolerance: Option<Decimal>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub evidence_required: Option<bool>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
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
