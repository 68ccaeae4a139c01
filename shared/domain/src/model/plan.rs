//! The annual CCHC plan (kế hoạch cải cách hành chính): its document, legal basis, content areas
//! with their lead and coordinating units, and numeric targets.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::model::indicator::{ContentArea, Target};
use crate::model::job::Recipient;
use crate::model::{double_option, non_null, page_of};
use crate::rules::consolidation::meets;
use crate::text_enum;
use rust_decimal::Decimal;

text_enum! {
    /// Where a plan is in its life: `draft → issued → closed`.
    pub enum PlanStatus {
        /// Being written by the Office; tasks can be added, nobody is notified.
        Draft => "draft",
        /// Issued as an official document: units report progress on its tasks.
        Issued => "issued",
        /// The plan's year is over; nothing changes any more.
        Closed => "closed",
    }
}

/// A unit, as records that point at one show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct UnitRef {
    pub id: i64,
    #[schema(example = "VP")]
    pub code: String,
    #[schema(example = "Văn phòng Sở")]
    pub name: String,
}

/// An official document of the registry, as records that cite one show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DocumentRef {
    pub id: i64,
    /// Number and symbol (Decree 30/2020/NĐ-CP).
    #[schema(example = "383/KH-SCT")]
    pub number: String,
    #[schema(example = "2022-02-21")]
    pub issued_on: NaiveDate,
    #[schema(example = "Sở Công Thương")]
    pub issuing_agency: String,
    #[schema(example = "Kế hoạch cải cách hành chính năm 2022")]
    pub subject: String,
}

/// A content area of the plan and who leads it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanArea {
    pub content_area: ContentArea,
    /// The area's name as the plan writes it.
    #[schema(example = "Cải cách thủ tục hành chính")]
    pub label: String,
    /// The lead unit (đơn vị chủ trì).
    pub lead_unit: UnitRef,
    /// Coordinating units (đơn vị phối hợp), by code.
    pub coordinating_units: Vec<UnitRef>,
    pub note: Option<String>,
}

/// The indicator that measures a target.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TargetIndicator {
    pub id: i64,
    #[schema(example = "DVC-TRUCTUYEN")]
    pub code: String,
    pub name: String,
}

/// The period whose consolidation measures a target.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TargetPeriod {
    pub id: i64,
    #[schema(example = "2022-Q4")]
    pub code: String,
}

/// A numeric target of the plan, e.g. "trên 50% hồ sơ được tiếp nhận trực tuyến".
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanTarget {
    pub id: i64,
    /// 1, 2, … in the order of the plan.
    pub position: i32,
    #[schema(example = "Trên 50% hồ sơ thủ tục hành chính được tiếp nhận trực tuyến")]
    pub description: String,
    pub content_area: Option<ContentArea>,
    /// The indicator that measures it, if one does.
    pub indicator: Option<TargetIndicator>,
    /// Comparator and threshold, when an indicator measures it.
    pub target: Option<Target>,
    /// The period whose consolidation measures it.
    pub period: Option<TargetPeriod>,
}

text_enum! {
    /// Where a target stands against its latest measured value.
    pub enum TargetState {
        /// The value meets the comparator and threshold.
        Met => "met",
        /// The value falls short.
        NotMet => "not_met",
        /// No indicator measures it, or no period has a consolidated value yet.
        NotMeasured => "not_measured",
    }
}

impl TargetState {
    /// A target with `target` (comparator and threshold) measured at `value`.
    pub fn of(target: Option<&Target>, value: Option<Decimal>) -> Self {
        match (target, value) {
            (Some(target), Some(value)) if meets(target, value) => Self::Met,
            (Some(_), Some(_)) => Self::NotMet,
            _ => Self::NotMeasured,
        }
    }
}

/// A target of the plan on its board: its latest measured value, from the consolidation
/// (accepted reports) of the period that measures it, or else of the latest period whose
/// reports include its indicator and have a value.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TargetProgress {
    #[serde(flatten)]
    pub target: PlanTarget,
    /// The period the value comes from.
    pub measured_in: Option<TargetPeriod>,
    /// The consolidated value (a ratio in percent, a sum, or units answering yes).
    #[schema(value_type = Option<f64>, example = 62.5)]
    pub value: Option<Decimal>,
    /// Units whose accepted reports gave a value.
    pub units_reporting: Option<u32>,
    pub state: TargetState,
}

/// A CCHC plan.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Plan {
    pub id: i64,
    #[schema(example = "KH-CCHC-2022")]
    pub code: String,
    #[schema(example = 2022)]
    pub year: i32,
    #[schema(example = "Kế hoạch cải cách hành chính năm 2022 của Sở Công Thương")]
    pub title: String,
    pub description: Option<String>,
    pub status: PlanStatus,
    /// The plan as an official document (e.g. `383/KH-SCT`); required to issue it.
    pub document: Option<DocumentRef>,
    /// The documents it rests on (căn cứ), e.g. `4289/KH-UBND`.
    pub legal_basis: Vec<DocumentRef>,
    pub areas: Vec<PlanArea>,
    pub targets: Vec<PlanTarget>,
    /// The monitoring working group (Tổ công tác): who gets the plan's monthly and quarterly
    /// digest. Empty: the Office's mailboxes (`CCHC_OFFICE_EMAILS`) get it.
    pub working_group: Vec<Recipient>,
    pub task_count: i64,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
    pub issued_at: Option<DateTime<FixedOffset>>,
    pub closed_at: Option<DateTime<FixedOffset>>,
}

/// A plan as listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanSummary {
    pub id: i64,
    pub code: String,
    pub year: i32,
    pub title: String,
    pub status: PlanStatus,
    pub document: Option<DocumentRef>,
    pub task_count: i64,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

/// A content area of a plan as written.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanAreaInput {
    pub content_area: ContentArea,
    #[schema(example = "VP")]
    pub lead_unit_code: String,
    #[serde(default)]
    #[schema(example = json!(["QLTM", "KTAT"]))]
    pub coordinating_unit_codes: Vec<String>,
    #[serde(default)]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: Option<String>,
}

/// A target of a plan as written. `indicator_code` and `target` go together.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanTargetInput {
    #[schema(
        example = "Trên 50% hồ sơ thủ tục hành chính được tiếp nhận trực tuyến",
        min_length = 1,
        max_length = 1000
    )]
    pub description: String,
    #[serde(default)]
    pub content_area: Option<ContentArea>,
    #[serde(default)]
    #[schema(example = "DVC-TRUCTUYEN")]
    pub indicator_code: Option<String>,
    #[serde(default)]
    pub target: Option<Target>,
    /// The period whose consolidation measures the target.
    #[serde(default)]
    #[schema(example = "2022-Q4")]
    pub period_code: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "code": "KH-CCHC-2027",
    "year": 2027,
    "title": "Kế hoạch cải cách hành chính năm 2027 của Sở Công Thương",
    "areas": [
        {
            "content_area": "administrative_procedure_reform",
            "lead_unit_code": "VP",
            "coordinating_unit_codes": [
                "QLTM"
            ]
        }
    ],
    "targets": [
        {
            "description": "Trên 50% hồ sơ thủ tục hành chính được tiếp nhận trực tuyến",
            "content_area": "administrative_procedure_reform"
        }
    ],
    "working_group": [
        {
            "name": "Nguyễn Thị Lan",
            "email": "lannt@sct.khanhhoa.gov.vn"
        }
    ]
}))]
pub struct CreatePlan {
    /// Unique code: letters, digits, `.`, `_`, `-`; at most 40 characters.
    #[schema(
        example = "KH-CCHC-2022",
        pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"
    )]
    pub code: String,
    #[schema(example = 2022, minimum = 1900, maximum = 2200)]
    pub year: i32,
    #[schema(
        example = "Kế hoạch cải cách hành chính năm 2022 của Sở Công Thương",
        min_length = 1,
        max_length = 500
    )]
    pub title: String,
    #[serde(default)]
    #[schema(min_length = 1, max_length = 4000)]
    pub description: Option<String>,
    /// The registry document of the plan itself (e.g. `383/KH-SCT`).
    #[serde(default)]
    pub document_id: Option<i64>,
    /// Registry documents the plan rests on, in the order it cites them.
    #[serde(default)]
    pub legal_basis_document_ids: Vec<i64>,
    /// At most one entry per content area.
    #[serde(default)]
    pub areas: Vec<PlanAreaInput>,
    #[serde(default)]
    pub targets: Vec<PlanTargetInput>,
    /// Who gets the plan's monthly and quarterly digest (at most 50, addresses unique).
    #[serde(default)]
    #[schema(max_items = 50)]
    pub working_group: Vec<Recipient>,
}

/// Changes to a plan. A draft accepts every field; an issued plan all but `code` and `year`;
/// a closed plan nothing. Lists given replace the plan's whole list.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePlan {
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false, minimum = 1900, maximum = 2200)]
    pub year: Option<i32>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false, min_length = 1, max_length = 500)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, nullable, min_length = 1, max_length = 4000)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>, nullable)]
    pub document_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub legal_basis_document_ids: Option<Vec<i64>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub areas: Option<Vec<PlanAreaInput>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub targets: Option<Vec<PlanTargetInput>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false, max_items = 50)]
    pub working_group: Option<Vec<Recipient>>,
}

/// Filters of the plan list, newest year first.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanFilter {
    #[param(minimum = 1900, maximum = 2200)]
    pub year: Option<i32>,
    pub status: Option<PlanStatus>,
    /// Case-insensitive search in code and title.
    pub q: Option<String>,
}

page_of!(PlanPage, PlanSummary, "A page of plans.");

/// What importing a plan's appendix did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AppendixImport {
    /// Tasks added (codes the plan did not have).
    pub created: i64,
    /// Tasks whose code the plan had, rewritten from the workbook.
    pub updated: i64,
    /// The codes read, in the workbook's order.
    pub codes: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::indicator::Comparator;

    #[test]
    fn a_target_is_met_only_by_a_measured_value_that_meets_it() {
        // Seed 002: "trên 50%" of dossiers moved electronically is strictly more than 50.
        let above_half = Target {
            comparator: Comparator::Gt,
            threshold: Decimal::from(50),
        };
        let state =
            |value: Option<i64>| TargetState::of(Some(&above_half), value.map(Decimal::from));
        assert_eq!(state(Some(51)), TargetState::Met);
        assert_eq!(state(Some(50)), TargetState::NotMet);
        assert_eq!(state(None), TargetState::NotMeasured);
        assert_eq!(
            TargetState::of(None, Some(Decimal::from(90))),
            TargetState::NotMeasured,
            "a target without a threshold is described, not measured"
        );
    }
}
