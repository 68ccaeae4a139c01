//! PAR Index criteria sets (bộ tiêu chí xác định Chỉ số cải cách hành chính): a province's
//! tree of areas, criteria and sub-criteria for a year, each with its maximum points and, per
//! leaf, how it is scored; the share of points an explanation restores and the ranking classes.
//! Decision 876/QĐ-BNV (2022) sets the national framework; each province publishes its own set.

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::model::indicator::ContentArea;
use crate::model::page_of;
use crate::model::plan::DocumentRef;
use crate::text_enum;

text_enum! {
    /// Where a criteria set is in its life: `draft → published`. A published set is what
    /// assessments score against: editing it rewrites it while no round was sent against it,
    /// and makes its next version afterwards.
    pub enum CriteriaSetStatus {
        /// Being written or imported by the Office.
        Draft => "draft",
        /// In force: assessments use it.
        Published => "published",
    }
}

/// One level of a criterion scored by choosing (e.g. "100 %: 1 điểm").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreLevel {
    #[schema(
        example = "Từ 80% đến dưới 100% số văn bản được kiểm tra",
        min_length = 1,
        max_length = 500
    )]
    pub label: String,
    #[schema(value_type = f64, example = 0.5, minimum = 0, maximum = 1000, multiple_of = 0.01)]
    pub points: Decimal,
}

/// A step of a computed criterion: a value of at least `at_least` earns `points` (the highest
/// step reached counts; below every step, 0 points).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreThreshold {
    /// Within ±10^12.
    #[schema(value_type = f64, example = 80, minimum = -1e12, maximum = 1e12)]
    pub at_least: Decimal,
    #[schema(value_type = f64, example = 0.5, minimum = 0, maximum = 1000, multiple_of = 0.01)]
    pub points: Decimal,
}

/// How a leaf criterion is scored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum Scoring {
    /// Points entered by the responsible unit, from 0 to the criterion's maximum.
    Entered,
    /// One of the levels, each with its points.
    Levels {
        #[schema(min_items = 1, max_items = 20)]
        levels: Vec<ScoreLevel>,
    },
    /// The consolidated value of an indicator in a period (e.g. the share of dossiers filed
    /// online in the year's fourth quarter), through thresholds.
    Indicator {
        #[schema(example = "TTHC-TRUCTUYEN")]
        indicator_code: String,
        #[schema(example = "2026-Q4")]
        period_code: String,
        #[schema(min_items = 1, max_items = 20)]
        thresholds: Vec<ScoreThreshold>,
    },
    /// The share (%) of a plan's tasks with a deadline that the Office confirmed done no
    /// later than it (an extension replaces the deadline it extends), through thresholds: a
    /// task not yet confirmed counts as not done on time.
    PlanOnTime {
        #[schema(example = "KH-2026")]
        plan_code: String,
        #[schema(min_items = 1, max_items = 20)]
        thresholds: Vec<ScoreThreshold>,
    },
    /// The share (%) of the units' reports of a year's periods (not drafts) first submitted
    /// no later than their deadline (an extension counts), through thresholds: a report not
    /// yet submitted counts as not on time.
    ReportTimeliness {
        #[schema(minimum = 2000, maximum = 2200, example = 2026)]
        year: i32,
        #[schema(min_items = 1, max_items = 20)]
        thresholds: Vec<ScoreThreshold>,
    },
    /// Survey points (SIPAS, PAPI) the Office enters when the province publishes them.
    Survey,
}

impl Scoring {
    /// Whether the Office alone enters the points (surveys) or they are computed.
    pub fn needs_unit(&self) -> bool {
        matches!(self, Self::Entered | Self::Levels { .. })
    }

    /// The steps of a criterion computed from the system's data; `None` for the others.
    pub fn thresholds(&self) -> Option<&[ScoreThreshold]> {
        match self {
            Self::Indicator { thresholds, .. }
            | Self::PlanOnTime { thresholds, .. }
            | Self::ReportTimeliness { thresholds, .. } => Some(thresholds),
            Self::Entered | Self::Levels { .. } | Self::Survey => None,
        }
    }

    /// The method's name in the API (`entered`, `levels`, `indicator`, …).
    pub fn method(&self) -> &'static str {
        match self {
            Self::Entered => "entered",
            Self::Levels { .. } => "levels",
            Self::Indicator { .. } => "indicator",
            Self::PlanOnTime { .. } => "plan_on_time",
            Self::ReportTimeliness { .. } => "report_timeliness",
            Self::Survey => "survey",
        }
    }
}

/// A ranking class and the fewest total points it takes (e.g. Tốt from 90).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RankingClass {
    #[schema(example = "Tốt", min_length = 1, max_length = 100)]
    pub label: String,
    #[schema(value_type = f64, example = 90, minimum = 0, maximum = 1000, multiple_of = 0.01)]
    pub min_points: Decimal,
}

/// A criterion as written: areas are criteria without a parent; a leaf has a scoring method.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CriterionInput {
    /// Its number in the set: `1`, `1.2`, `1.2.3`; unique within the set; letters, digits,
    /// `.`, `_`, `-`, at most 40 characters.
    #[schema(example = "2.1", pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
    pub code: String,
    /// The criterion it belongs to (written before it); none for an area.
    #[serde(default)]
    #[schema(example = "2")]
    pub parent_code: Option<String>,
    #[schema(
        example = "Kiểm soát thủ tục hành chính",
        min_length = 1,
        max_length = 1000
    )]
    pub title: String,
    /// Greater than 0, at most 1000, two decimals; a parent's is the sum of its children's.
    #[schema(value_type = f64, example = 2.5, exclusive_minimum = 0, maximum = 1000, multiple_of = 0.01)]
    pub max_points: Decimal,
    #[serde(default)]
    pub content_area: Option<ContentArea>,
    /// For a leaf (a criterion no other names as its parent) only.
    #[serde(default)]
    pub scoring: Option<Scoring>,
    /// The evidence the province expects (tài liệu kiểm chứng).
    #[serde(default)]
    #[schema(
        example = "Báo cáo kết quả rà soát; quyết định công bố TTHC",
        min_length = 1,
        max_length = 2000
    )]
    pub evidence_hint: Option<String>,
}

/// A new criteria set (the Office), as a draft.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "code": "PAR-SO-2027",
    "year": 2027,
    "title": "Bộ tiêu chí xác định Chỉ số cải cách hành chính các sở, ban, ngành năm 2027",
    "restored_share_percent": 70,
    "ranking_classes": [
        {
            "label": "Tốt",
            "min_points": 90
        },
        {
            "label": "Khá",
            "min_points": 80
        }
    ],
    "criteria": [
        {
            "code": "1",
            "title": "Công tác chỉ đạo, điều hành cải cách hành chính",
            "max_points": 3
        },
        {
            "code": "1.1",
            "parent_code": "1",
            "title": "Kế hoạch cải cách hành chính năm",
            "max_points": 1.5,
            "scoring": {
                "method": "entered"
            },
            "evidence_hint": "Kế hoạch CCHC năm của Sở"
        },
        {
            "code": "1.2",
            "parent_code": "1",
            "title": "Báo cáo cải cách hành chính định kỳ",
            "max_points": 1.5,
            "scoring": {
                "method": "entered"
            }
        }
    ]
}))]
pub struct CreateCriteriaSet {
    /// Unique; letters, digits, `.`, `_`, `-`, at most 40 characters.
    #[schema(example = "PAR-SO-2026", pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
    pub code: String,
    #[schema(minimum = 2000, maximum = 2200, example = 2026)]
    pub year: i32,
    #[schema(
        example = "Bộ tiêu chí xác định Chỉ số cải cách hành chính các sở, ban, ngành năm 2026"
    )]
    #[schema(min_length = 1, max_length = 1000)]
    pub title: String,
    /// The province's decision that issues the set, in the registry.
    #[serde(default)]
    pub document_id: Option<i64>,
    /// The share (0–100 %) of the points the council restores after an explanation that the
    /// final score keeps (seed 001: 70 %).
    #[schema(value_type = f64, minimum = 0, maximum = 100, multiple_of = 0.01, example = 70)]
    pub restored_share_percent: Decimal,
    /// From the highest class down; the total points decide.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub ranking_classes: Vec<RankingClass>,
    /// Areas, criteria and sub-criteria, parents before their children; at most 1000.
    #[schema(min_items = 1, max_items = 1000)]
    pub criteria: Vec<CriterionInput>,
}

/// A new draft set whose criteria come from a workbook: its own values, as query parameters.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportCriteriaSet {
    /// As for creating a set.
    #[param(example = "PAR-SO-2026", pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
    pub code: String,
    #[param(minimum = 2000, maximum = 2200, example = 2026)]
    pub year: i32,
    #[param(example = "Bộ tiêu chí xác định Chỉ số CCHC các sở, ban, ngành năm 2026")]
    pub title: String,
    #[param(value_type = f64, minimum = 0, maximum = 100, example = 70)]
    pub restored_share_percent: Decimal,
    pub document_id: Option<i64>,
    /// The classes in one line, from the highest: `Tốt: 90; Khá: 80; Trung bình: 65; Yếu: 0`;
    /// at most 10, separated by `;`, each a label of 1–100 characters without `:` or `;`, a
    /// colon and the fewest points (0–1000, at most two decimals after `.` or `,`).
    #[param(example = "Tốt: 90; Khá: 80; Trung bình: 65; Yếu: 0")]
    pub ranking_classes: Option<String>,
}

/// A criterion of a set.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Criterion {
    pub id: i64,
    #[schema(example = "2.1")]
    pub code: String,
    pub parent_code: Option<String>,
    /// 1 for an area, 2 for its criteria, and so on.
    #[schema(example = 2)]
    pub depth: i32,
    pub title: String,
    #[schema(value_type = f64, example = 2.5)]
    pub max_points: Decimal,
    pub content_area: Option<ContentArea>,
    /// Present on leaves.
    pub scoring: Option<Scoring>,
    pub evidence_hint: Option<String>,
}

/// A criteria set with its criteria in their order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CriteriaSet {
    pub id: i64,
    pub code: String,
    pub year: i32,
    pub title: String,
    pub document: Option<DocumentRef>,
    pub status: CriteriaSetStatus,
    /// 1 for a new set; a published set edited after a round was sent against it becomes the
    /// next version (a new set with the same code), and the round keeps this one.
    #[schema(example = 1, minimum = 1)]
    pub version: i32,
    /// The version this one replaced.
    pub previous_version_id: Option<i64>,
    /// The version that replaced this one: edit that one, and new rounds score against it.
    pub superseded_by_id: Option<i64>,
    pub superseded_at: Option<DateTime<FixedOffset>>,
    #[schema(value_type = f64)]
    pub restored_share_percent: Decimal,
    pub ranking_classes: Vec<RankingClass>,
    /// The sum of the areas' maximum points (usually 100).
    #[schema(value_type = f64, example = 100)]
    pub total_points: Decimal,
    pub criteria: Vec<Criterion>,
    pub published_at: Option<DateTime<FixedOffset>>,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

/// A criteria set in a list, without its criteria.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CriteriaSetSummary {
    pub id: i64,
    pub code: String,
    pub year: i32,
    pub title: String,
    pub status: CriteriaSetStatus,
    #[schema(example = 1, minimum = 1)]
    pub version: i32,
    /// Whether a newer version replaced it.
    pub superseded: bool,
    #[schema(value_type = f64, example = 100)]
    pub total_points: Decimal,
    pub criteria_count: i64,
    pub updated_at: DateTime<FixedOffset>,
}

page_of!(
    CriteriaSetPage,
    CriteriaSetSummary,
    "A page of criteria sets, newest year first."
);

/// Filters of the list of criteria sets.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CriteriaSetFilter {
    #[param(minimum = 2000, maximum = 2200)]
    pub year: Option<i32>,
    pub status: Option<CriteriaSetStatus>,
    /// `true`: only the versions in force; `false`: only those a newer version replaced.
    pub superseded: Option<bool>,
}
