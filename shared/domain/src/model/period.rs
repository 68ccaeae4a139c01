use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::FieldError;
use crate::model::indicator::{ContentArea, IndicatorKind, Target};
use crate::model::policy::{ReminderPolicy, ReminderPolicyInput};
use crate::model::{double_option, non_null, page_of};
use crate::rules::cutoff::{Frequency, ReportType};
use crate::text_enum;

text_enum! {
    /// Where a period is in its life: `draft → open → closed`.
    pub enum PeriodStatus {
        /// Being prepared by the Office; units cannot file yet.
        Draft => "draft",
        /// Units file their reports.
        Open => "open",
        /// Filing is over (late filing only with an extension).
        Closed => "closed",
    }
}

text_enum! {
    /// Where the data cut-off window came from.
    pub enum WindowSource {
        /// The default of Decree 09/2019/NĐ-CP Art. 12 for the frequency.
        Decree09 => "decree_09",
        /// Set explicitly for this period.
        Custom => "custom",
    }
}

/// An official document a period rests on (Decree 30/2020/NĐ-CP numbering).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalDocument {
    /// Number and symbol per Decree 30/2020/NĐ-CP, e.g. `733/SNV-TT`, `383/KH-SCT`, as
    /// `CreateDocument.number` takes it (`pattern` is the whole grammar).
    #[schema(example = "733/SNV-TT")]
    pub number: String,
    #[schema(example = "2023-03-06")]
    #[serde(deserialize_with = "crate::model::time_input::date")]
    pub issued_on: NaiveDate,
    #[schema(
        example = "Công văn về việc báo cáo cải cách hành chính định kỳ năm 2023",
        min_length = 1,
        max_length = 500
    )]
    pub title: String,
}

/// A non-blocking remark about a period, e.g. a deadline too close to the cut-off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Warning {
    #[schema(example = "deadline_too_close_to_cutoff")]
    pub code: String,
    pub message: String,
}

/// An indicator of a period, in the version the period uses.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeriodIndicator {
    pub indicator_id: i64,
    pub version: i32,
    pub code: String,
    pub name: String,
    pub content_area: ContentArea,
    pub kind: IndicatorKind,
    pub unit_of_measure: Option<String>,
    pub target: Option<Target>,
    #[schema(value_type = f64)]
    pub tolerance: rust_decimal::Decimal,
    pub evidence_required: bool,
}

/// A unit taking part in a period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeriodUnit {
    pub unit_id: i64,
    pub code: String,
    pub name: String,
}

/// The data cut-off window (thời gian chốt số liệu), both days inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct DataWindow {
    #[schema(example = "2022-12-15")]
    pub data_from: NaiveDate,
    #[schema(example = "2023-03-14")]
    pub data_to: NaiveDate,
    pub source: WindowSource,
}

/// Deadline as asked and as it applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Deadline {
    /// The deadline as given by the Office.
    #[schema(example = "2023-03-10T16:30:00+07:00")]
    pub requested: DateTime<FixedOffset>,
    /// The deadline that applies: the requested one, or the end of the next working day when
    /// the requested one falls on a non-working day (Civil Code 2015 Art. 148).
    #[schema(example = "2023-03-10T16:30:00+07:00")]
    pub effective: DateTime<FixedOffset>,
    /// Whether `effective` was moved off a non-working day.
    pub shifted: bool,
    /// Move a deadline that falls on a non-working day (default true).
    pub shift_off_non_working_day: bool,
    /// Reject (instead of warn about) a deadline that leaves no working day after the cut-off.
    pub strict_check: bool,
}

/// A reporting period (kỳ báo cáo).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Period {
    pub id: i64,
    #[schema(example = "2023-Q1")]
    pub code: String,
    #[schema(example = "Báo cáo CCHC Quý I/2023")]
    pub title: String,
    pub description: Option<String>,
    pub report_type: ReportType,
    pub frequency: Frequency,
    /// Reporting year (not for ad-hoc periods).
    #[schema(example = 2023)]
    pub year: Option<i32>,
    /// Month (1–12), quarter (1–4) or half (1–2) within the year, where the frequency has one.
    #[schema(example = 1)]
    pub sequence: Option<i32>,
    pub data_window: DataWindow,
    pub deadline: Deadline,
    pub status: PeriodStatus,
    pub legal_basis: Vec<LegalDocument>,
    pub indicators: Vec<PeriodIndicator>,
    pub units: Vec<PeriodUnit>,
    pub policy: ReminderPolicy,
    /// A unit's report arriving through QLVB with this service's statistics form is its
    /// submission: complete, it is submitted at the instant QLVB received it (timeliness is
    /// judged from that instant); incomplete, it stays a draft and the unit is told what is
    /// missing.
    pub qlvb_arrival_submits: bool,
    pub warnings: Vec<Warning>,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
    pub opened_at: Option<DateTime<FixedOffset>>,
    pub closed_at: Option<DateTime<FixedOffset>>,
}

/// A period as listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeriodSummary {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub report_type: ReportType,
    pub frequency: Frequency,
    pub year: Option<i32>,
    pub sequence: Option<i32>,
    pub data_window: DataWindow,
    pub deadline: Deadline,
    pub status: PeriodStatus,
    pub indicator_count: i64,
    pub unit_count: i64,
    pub warnings: Vec<Warning>,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "code": "2026-Q4",
    "title": "Báo cáo CCHC Quý IV/2026",
    "report_type": "periodic",
    "frequency": "quarterly",
    "year": 2026,
    "sequence": 4,
    "deadline": "2026-12-18T16:30:00+07:00",
    "legal_basis": [
        {
            "number": "733/SNV-TT",
            "issued_on": "2026-11-02",
            "title": "Công văn về việc báo cáo cải cách hành chính định kỳ năm 2026"
        }
    ],
    "unit_codes": [
        "VP",
        "KHTC",
        "QLTM"
    ]
}))]
pub struct CreatePeriod {
    /// Unique code, e.g. `2023-Q1`: letters, digits, `.`, `_`, `-`; at most 40 characters.
    #[schema(
        example = "2023-Q1",
        max_length = 40,
        pattern = "^[A-Za-z0-9][A-Za-z0-9._-]*$"
    )]
    pub code: String,
    #[schema(example = "Báo cáo CCHC Quý I/2023", min_length = 1, max_length = 300)]
    pub title: String,
    #[serde(default)]
    #[schema(min_length = 1, max_length = 4000)]
    pub description: Option<String>,
    pub report_type: ReportType,
    pub frequency: Frequency,
    /// Required unless the frequency is `ad_hoc`; 2000–2100.
    #[serde(default)]
    #[schema(example = 2023, minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    /// Month 1–12 (monthly), quarter 1–4 (quarterly), half 1–2 (half-year); omitted otherwise.
    #[serde(default)]
    #[schema(example = 1, minimum = 1, maximum = 12)]
    pub sequence: Option<i32>,
    /// Start of the data cut-off window. Omit both `data_from` and `data_to` to use the
    /// Decree 09 default of the frequency; required for ad-hoc periods.
    #[serde(default, deserialize_with = "crate::model::time_input::optional_date")]
    pub data_from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::model::time_input::optional_date")]
    pub data_to: Option<NaiveDate>,
    /// Local deadline, RFC 3339 with offset, e.g. `2023-03-10T16:30:00+07:00`.
    #[schema(example = "2023-03-10T16:30:00+07:00")]
    #[serde(deserialize_with = "crate::model::time_input::instant")]
    pub deadline: DateTime<FixedOffset>,
    /// Default true.
    #[serde(default)]
    pub shift_deadline_off_non_working_day: Option<bool>,
    /// Default false: a deadline that leaves no working day after the cut-off is accepted with
    /// a warning; true rejects it.
    #[serde(default)]
    pub strict_deadline_check: Option<bool>,
    #[serde(default)]
    #[schema(max_items = 20)]
    pub legal_basis: Vec<LegalDocument>,
    /// Indicator codes; default: every active indicator.
    #[serde(default)]
    pub indicator_codes: Option<Vec<String>>,
    /// Participating unit codes; default: every active unit except the department itself.
    #[serde(default)]
    pub unit_codes: Option<Vec<String>>,
    /// Reminder/escalation policy; omitted fields take the configured defaults.
    #[serde(default)]
    pub policy: Option<ReminderPolicyInput>,
    /// Default false. True: a unit's report arriving through QLVB with this service's
    /// statistics form is its submission, at the instant QLVB received it.
    #[serde(default)]
    pub qlvb_arrival_submits: Option<bool>,
}

/// Changes to a period. A draft accepts every field; an open period only `title`,
/// `description`, `deadline`, the deadline options, `legal_basis` and `policy`; a closed period
/// nothing. Give `data_from`/`data_to` to set a custom window; changing frequency, year or
/// sequence of a period on the Decree 09 window recomputes it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePeriod {
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false, min_length = 1, max_length = 300)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, nullable, min_length = 1, max_length = 4000)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub report_type: Option<ReportType>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub frequency: Option<Frequency>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i32>, nullable, minimum = 2000, maximum = 2100)]
    pub year: Option<Option<i32>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i32>, nullable, minimum = 1, maximum = 12)]
    pub sequence: Option<Option<i32>>,
    #[serde(default, deserialize_with = "crate::model::time_input::present_date")]
    #[schema(nullable = false)]
    pub data_from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::model::time_input::present_date")]
    #[schema(nullable = false)]
    pub data_to: Option<NaiveDate>,
    /// Set true to go back to the Decree 09 default window.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub use_default_window: Option<bool>,
    #[serde(
        default,
        deserialize_with = "crate::model::time_input::present_instant"
    )]
    #[schema(nullable = false)]
    pub deadline: Option<DateTime<FixedOffset>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub shift_deadline_off_non_working_day: Option<bool>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub strict_deadline_check: Option<bool>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub legal_basis: Option<Vec<LegalDocument>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub indicator_codes: Option<Vec<String>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub unit_codes: Option<Vec<String>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub policy: Option<ReminderPolicyInput>,
    /// Whether a report arriving through QLVB is the unit's submission; may change while the
    /// period is open (reports that arrived before are left as they are).
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub qlvb_arrival_submits: Option<bool>,
}

impl UpdatePeriod {
    /// Fields an open period no longer accepts, by name.
    pub fn fields_locked_when_open(&self) -> Vec<FieldError> {
        let mut locked = Vec::new();
        let mut lock = |present: bool, name: &str| {
            if present {
                locked.push(FieldError::new(
                    name,
                    "locked_when_open",
                    "cannot change once the period is open",
                ));
            }
        };
        lock(self.report_type.is_some(), "report_type");
        lock(self.frequency.is_some(), "frequency");
        lock(self.year.is_some(), "year");
        lock(self.sequence.is_some(), "sequence");
        lock(self.data_from.is_some(), "data_from");
        lock(self.data_to.is_some(), "data_to");
        lock(self.use_default_window.is_some(), "use_default_window");
        lock(self.indicator_codes.is_some(), "indicator_codes");
        lock(self.unit_codes.is_some(), "unit_codes");
        locked
    }
}

/// Filters of the period list, newest deadline first.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodFilter {
    pub status: Option<PeriodStatus>,
    pub frequency: Option<Frequency>,
    pub report_type: Option<ReportType>,
    pub year: Option<i32>,
    /// Case-insensitive search in code and title.
    pub q: Option<String>,
}

page_of!(PeriodPage, PeriodSummary, "A page of periods.");
