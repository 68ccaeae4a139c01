use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::model::{double_option, non_null, page_of};
use crate::rules::calendar::DayKind;

/// A day that differs from the Monday–Friday rule: a holiday or day off on a weekday, or a
/// weekend day declared a working day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Holiday {
    #[schema(example = "2026-02-17")]
    pub date: NaiveDate,
    pub kind: DayKind,
    #[schema(example = "Tết Nguyên đán Bính Ngọ")]
    pub name: String,
    /// Legal basis or remark.
    pub note: Option<String>,
    /// Expected but not yet confirmed by the Government's yearly decision.
    pub provisional: bool,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "date": "2027-02-08",
    "kind": "public_holiday",
    "name": "Tết Nguyên đán Đinh Mùi",
    "note": "Theo thông báo nghỉ Tết của Bộ Nội vụ",
    "provisional": true
}))]
pub struct CreateHoliday {
    #[schema(example = "2027-02-08")]
    #[serde(deserialize_with = "crate::model::time_input::date")]
    pub date: NaiveDate,
    pub kind: DayKind,
    #[schema(example = "Tết Nguyên đán Đinh Mùi", min_length = 1, max_length = 200)]
    pub name: String,
    #[serde(default)]
    #[schema(min_length = 1, max_length = 1000)]
    pub note: Option<String>,
    #[serde(default)]
    pub provisional: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateHoliday {
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub kind: Option<DayKind>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, nullable, min_length = 1, max_length = 1000)]
    pub note: Option<Option<String>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub provisional: Option<bool>,
}

/// Filters of the holiday list, ordered by date.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HolidayFilter {
    /// Only this calendar year.
    pub year: Option<i32>,
    /// From this date (inclusive).
    #[serde(default, deserialize_with = "crate::model::time_input::optional_date")]
    pub from: Option<NaiveDate>,
    /// Up to this date (inclusive).
    #[serde(default, deserialize_with = "crate::model::time_input::optional_date")]
    pub to: Option<NaiveDate>,
    pub kind: Option<DayKind>,
}

page_of!(HolidayPage, Holiday, "A page of calendar days.");
