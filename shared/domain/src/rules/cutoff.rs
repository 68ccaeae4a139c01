//! Reporting frequencies and the Decree 09/2019/NĐ-CP cut-off windows.
//!
//! Article 12 of Decree 09/2019/NĐ-CP fixes the data period ("thời gian chốt
//! số liệu") of periodic reports: from the 15th of the month before the
//! period to the 14th of the period's last month, so that agencies have the
//! second half of that month to compile and send the report. These windows
//! are the default for a new period; a period may still store its own.

use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Years a default window can be computed for; wide enough for any real
/// reporting period, narrow enough to reject typos such as 20233.
pub const SUPPORTED_YEARS: RangeInclusive<i32> = 2000..=2100;

/// First day of a Decree 09 window, in the month before the period.
const WINDOW_START_DAY: u32 = 15;
/// Last day of a Decree 09 window, in the period's last month.
const WINDOW_END_DAY: u32 = 14;

/// How often a report is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow),
    diesel(sql_type = diesel::sql_types::Text)
)]
pub enum Frequency {
    /// Every month; sequence 1–12 is the month.
    Monthly,
    /// Every quarter; sequence 1–4 is the quarter.
    Quarterly,
    /// Every half year; sequence 1 is January–June, 2 is July–December.
    HalfYear,
    /// Once a year, covering the first nine months; no sequence.
    NineMonth,
    /// Once a year; no sequence.
    Annual,
    /// Requested on demand; has no default cut-off window.
    AdHoc,
}

impl Frequency {
    /// Every frequency, in declaration order.
    pub const ALL: [Frequency; 6] = [
        Frequency::Monthly,
        Frequency::Quarterly,
        Frequency::HalfYear,
        Frequency::NineMonth,
        Frequency::Annual,
        Frequency::AdHoc,
    ];

    /// The `snake_case` name used in the database and the API.
    pub fn as_str(&self) -> &'static str {
        match self {
            Frequency::Monthly => "monthly",
            Frequency::Quarterly => "quarterly",
            Frequency::HalfYear => "half_year",
            Frequency::NineMonth => "nine_month",
            Frequency::Annual => "annual",
            Frequency::AdHoc => "ad_hoc",
        }
    }

    /// The sequence numbers a period of this frequency takes within its
    /// year, or `None` when the period is identified by the year alone (or,
    /// for ad-hoc, not by a sequence at all).
    pub fn sequence_range(&self) -> Option<RangeInclusive<u32>> {
        match self {
            Frequency::Monthly => Some(1..=12),
            Frequency::Quarterly => Some(1..=4),
            Frequency::HalfYear => Some(1..=2),
            Frequency::NineMonth | Frequency::Annual | Frequency::AdHoc => None,
        }
    }

    /// The English name used in error messages.
    fn label(self) -> &'static str {
        match self {
            Frequency::Monthly => "monthly",
            Frequency::Quarterly => "quarterly",
            Frequency::HalfYear => "half-year",
            Frequency::NineMonth => "nine-month",
            Frequency::Annual => "annual",
            Frequency::AdHoc => "ad-hoc",
        }
    }
}

impl fmt::Display for Frequency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

crate::text_column!(Frequency);

/// A string that is not one of the [`Frequency`] names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown frequency '{value}' (expected monthly, quarterly, half_year, nine_month, annual or ad_hoc)"
)]
pub struct ParseFrequencyError {
    /// The rejected input.
    pub value: String,
}

impl FromStr for Frequency {
    type Err = ParseFrequencyError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Frequency::ALL
            .into_iter()
            .find(|frequency| frequency.as_str() == value)
            .ok_or_else(|| ParseFrequencyError {
                value: value.to_owned(),
            })
    }
}

/// The kind of report, which decides whether a period recurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow),
    diesel(sql_type = diesel::sql_types::Text)
)]
pub enum ReportType {
    /// A recurring report on a fixed frequency (báo cáo định kỳ).
    Periodic,
    /// A report on a specific topic (báo cáo chuyên đề).
    Thematic,
    /// A one-off report requested on demand (báo cáo đột xuất).
    AdHoc,
}

impl ReportType {
    /// Every report type, in declaration order.
    pub const ALL: [ReportType; 3] = [
        ReportType::Periodic,
        ReportType::Thematic,
        ReportType::AdHoc,
    ];

    /// The `snake_case` name used in the database and the API.
    pub fn as_str(&self) -> &'static str {
        match self {
            ReportType::Periodic => "periodic",
            ReportType::Thematic => "thematic",
            ReportType::AdHoc => "ad_hoc",
        }
    }
}

impl fmt::Display for ReportType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

crate::text_column!(ReportType);

/// A string that is not one of the [`ReportType`] names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown report type '{value}' (expected periodic, thematic or ad_hoc)")]
pub struct ParseReportTypeError {
    /// The rejected input.
    pub value: String,
}

impl FromStr for ReportType {
    type Err = ParseReportTypeError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        ReportType::ALL
            .into_iter()
            .find(|report_type| report_type.as_str() == value)
            .ok_or_else(|| ParseReportTypeError {
                value: value.to_owned(),
            })
    }
}

/// The inclusive range of dates whose data a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CutoffWindow {
    /// First day of data included (local date).
    pub data_from: NaiveDate,
    /// Last day of data included (local date).
    pub data_to: NaiveDate,
}

/// Why a cut-off window could not be computed or is not acceptable. The
/// messages are meant to be shown to API clients verbatim.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CutoffError {
    /// The frequency needs a sequence (month, quarter or half) and none was given.
    #[error(
        "a sequence between {min} and {max} is required for a {} period",
        .frequency.label()
    )]
    SequenceRequired {
        frequency: Frequency,
        min: u32,
        max: u32,
    },
    /// The sequence is outside the frequency's range.
    #[error(
        "sequence must be between {min} and {max} for a {} period (got {given})",
        .frequency.label()
    )]
    SequenceOutOfRange {
        frequency: Frequency,
        min: u32,
        max: u32,
        given: u32,
    },
    /// The frequency is identified by the year alone, yet a sequence was given.
    #[error("{} periods do not take a sequence (got {given})", .frequency.label())]
    SequenceNotAllowed { frequency: Frequency, given: u32 },
    /// Ad-hoc periods have no Decree 09 window; the dates must be given.
    #[error("an ad-hoc period has no default cut-off window; data_from and data_to must be given")]
    NoDefaultWindow,
    /// The year is outside [`SUPPORTED_YEARS`].
    #[error("year must be between {min} and {max} (got {given})")]
    YearOutOfRange { min: i32, max: i32, given: i32 },
    /// The window ends before it starts.
    #[error("data_from ({data_from}) must not be after data_to ({data_to})")]
    WindowInverted {
        data_from: NaiveDate,
        data_to: NaiveDate,
    },
}

/// The default cut-off window of Decree 09/2019/NĐ-CP Art. 12 for the period
/// identified by `frequency`, `year` and `sequence`.
///
/// `sequence` is the month (1–12) for monthly, the quarter (1–4) for
/// quarterly and the half (1–2) for half-year periods; nine-month and annual
/// periods take none. Windows of periods starting in January begin on 15
/// December of the previous year. Article 12 names monthly, quarterly,
/// half-year and annual reports only; the nine-month window (15/12 → 14/09)
/// is the provinces' reporting regulations extending the same rule.
///
/// # Errors
///
/// [`CutoffError::NoDefaultWindow`] for ad-hoc periods,
/// [`CutoffError::YearOutOfRange`] outside [`SUPPORTED_YEARS`], and
/// [`CutoffError::SequenceRequired`], [`CutoffError::SequenceOutOfRange`] or
/// [`CutoffError::SequenceNotAllowed`] when `sequence` does not fit
/// `frequency`.
pub fn decree09_window(
    frequency: Frequency,
    year: i32,
    sequence: Option<u32>,
) -> Result<CutoffWindow, CutoffError> {
    if frequency == Frequency::AdHoc {
        return Err(CutoffError::NoDefaultWindow);
    }
    if !SUPPORTED_YEARS.contains(&year) {
        return Err(year_out_of_range(year));
    }
    let sequence = checked_sequence(frequency, sequence)?;
    // (last month of the period, number of months the window spans)
    let (end_month, span_months) = match frequency {
        Frequency::Monthly => (sequence, 1),
        Frequency::Quarterly => (sequence * 3, 3),
        Frequency::HalfYear => (sequence * 6, 6),
        Frequency::NineMonth => (9, 9),
        Frequency::Annual => (12, 12),
        Frequency::AdHoc => return Err(CutoffError::NoDefaultWindow),
    };
    window_ending(year, end_month, span_months)
}

/// Checks that a window (default or custom) does not end before it starts.
/// A one-day window is accepted.
///
/// # Errors
///
/// [`CutoffError::WindowInverted`] when `data_from` is after `data_to`.
pub fn validate_window(window: &CutoffWindow) -> Result<(), CutoffError> {
    if window.data_from > window.data_to {
        return Err(CutoffError::WindowInverted {
            data_from: window.data_from,
            data_to: window.data_to,
        });
    }
    Ok(())
}

/// The sequence to use for `frequency`: the validated given one, or 0 for
/// frequencies that take none.
fn checked_sequence(frequency: Frequency, sequence: Option<u32>) -> Result<u32, CutoffError> {
    match (frequency.sequence_range(), sequence) {
        (Some(allowed), Some(given)) if allowed.contains(&given) => Ok(given),
        (Some(allowed), Some(given)) => Err(CutoffError::SequenceOutOfRange {
            frequency,
            min: *allowed.start(),
            max: *allowed.end(),
            given,
        }),
        (Some(allowed), None) => Err(CutoffError::SequenceRequired {
            frequency,
            min: *allowed.start(),
            max: *allowed.end(),
        }),
        (None, Some(given)) => Err(CutoffError::SequenceNotAllowed { frequency, given }),
        (None, None) => Ok(0),
    }
}

/// The window from the 15th of the month `span_months` before `end_month`
/// to the 14th of `end_month` of `year`.
fn window_ending(year: i32, end_month: u32, span_months: u32) -> Result<CutoffWindow, CutoffError> {
    // Months counted from January of year 0, so that going back across
    // January needs no special case.
    let end_index = i64::from(year) * 12 + i64::from(end_month) - 1;
    let start_index = end_index - i64::from(span_months);
    // Both dates exist for every supported year; a year chrono cannot
    // represent is reported as out of range rather than panicking.
    let data_from = date_from_month_index(start_index, WINDOW_START_DAY)
        .ok_or_else(|| year_out_of_range(year))?;
    let data_to =
        date_from_month_index(end_index, WINDOW_END_DAY).ok_or_else(|| year_out_of_range(year))?;
    Ok(CutoffWindow { data_from, data_to })
}

fn year_out_of_range(year: i32) -> CutoffError {
    CutoffError::YearOutOfRange {
        min: *SUPPORTED_YEARS.start(),
        max: *SUPPORTED_YEARS.end(),
        given: year,
    }
}

fn date_from_month_index(month_index: i64, day: u32) -> Option<NaiveDate> {
    let year = i32::try_from(month_index.div_euclid(12)).ok()?;
    let month = u32::try_from(month_index.rem_euclid(12) + 1).ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("valid test date")
    }

    fn window(from: NaiveDate, to: NaiveDate) -> CutoffWindow {
        CutoffWindow {
            data_from: from,
            data_to: to,
        }
    }

    #[test]
    fn monthly_windows() {
        assert_eq!(
            decree09_window(Frequency::Monthly, 2024, Some(1)),
            Ok(window(date(2023, 12, 15), date(2024, 1, 14)))
        );
        assert_eq!(
            decree09_window(Frequency::Monthly, 2023, Some(3)),
            Ok(window(date(2023, 2, 15), date(2023, 3, 14)))
        );
        assert_eq!(
            decree09_window(Frequency::Monthly, 2023, Some(12)),
            Ok(window(date(2023, 11, 15), date(2023, 12, 14)))
        );
    }

    #[test]
    fn quarterly_windows() {
        assert_eq!(
            decree09_window(Frequency::Quarterly, 2023, Some(1)),
            Ok(window(date(2022, 12, 15), date(2023, 3, 14)))
        );
        assert_eq!(
            decree09_window(Frequency::Quarterly, 2023, Some(2)),
            Ok(window(date(2023, 3, 15), date(2023, 6, 14)))
        );
        assert_eq!(
            decree09_window(Frequency::Quarterly, 2023, Some(3)),
            Ok(window(date(2023, 6, 15), date(2023, 9, 14)))
        );
        assert_eq!(
            decree09_window(Frequency::Quarterly, 2023, Some(4)),
            Ok(window(date(2023, 9, 15), date(2023, 12, 14)))
        );
    }

    #[test]
    fn half_year_windows() {
        assert_eq!(
            decree09_window(Frequency::HalfYear, 2024, Some(1)),
            Ok(window(date(2023, 12, 15), date(2024, 6, 14)))
        );
        assert_eq!(
            decree09_window(Frequency::HalfYear, 2024, Some(2)),
            Ok(window(date(2024, 6, 15), date(2024, 12, 14)))
        );
    }

    #[test]
    fn nine_month_and_annual_windows() {
        assert_eq!(
            decree09_window(Frequency::NineMonth, 2025, None),
            Ok(window(date(2024, 12, 15), date(2025, 9, 14)))
        );
        assert_eq!(
            decree09_window(Frequency::Annual, 2025, None),
            Ok(window(date(2024, 12, 15), date(2025, 12, 14)))
        );
    }

    #[test]
    fn supported_year_bounds_are_inclusive() {
        assert_eq!(
            decree09_window(Frequency::Quarterly, 2000, Some(1)),
            Ok(window(date(1999, 12, 15), date(2000, 3, 14)))
        );
        assert_eq!(
            decree09_window(Frequency::Annual, 2100, None),
            Ok(window(date(2099, 12, 15), date(2100, 12, 14)))
        );
    }

    #[test]
    fn every_default_window_is_valid_and_ends_on_the_14th() {
        for year in [2000, 2023, 2100] {
            for frequency in Frequency::ALL {
                let sequences: Vec<Option<u32>> = match frequency.sequence_range() {
                    Some(range) => range.map(Some).collect(),
                    None => vec![None],
                };
                for sequence in sequences {
                    let Ok(window) = decree09_window(frequency, year, sequence) else {
                        assert_eq!(frequency, Frequency::AdHoc);
                        continue;
                    };
                    assert_eq!(validate_window(&window), Ok(()));
                    assert_eq!(chrono::Datelike::day(&window.data_from), 15);
                    assert_eq!(chrono::Datelike::day(&window.data_to), 14);
                }
            }
        }
    }

    #[test]
    fn missing_sequence_is_rejected() {
        let error = decree09_window(Frequency::Monthly, 2023, None).expect_err("needs a month");
        assert_eq!(
            error,
            CutoffError::SequenceRequired {
                frequency: Frequency::Monthly,
                min: 1,
                max: 12
            }
        );
        assert_eq!(
            error.to_string(),
            "a sequence between 1 and 12 is required for a monthly period"
        );
        assert_eq!(
            decree09_window(Frequency::HalfYear, 2023, None)
                .expect_err("needs a half")
                .to_string(),
            "a sequence between 1 and 2 is required for a half-year period"
        );
    }

    #[test]
    fn out_of_range_sequence_is_rejected() {
        let error = decree09_window(Frequency::Quarterly, 2023, Some(5)).expect_err("no Q5");
        assert_eq!(
            error,
            CutoffError::SequenceOutOfRange {
                frequency: Frequency::Quarterly,
                min: 1,
                max: 4,
                given: 5
            }
        );
        assert_eq!(
            error.to_string(),
            "sequence must be between 1 and 4 for a quarterly period (got 5)"
        );
        for (frequency, given) in [
            (Frequency::Monthly, 0),
            (Frequency::Monthly, 13),
            (Frequency::Quarterly, 0),
            (Frequency::HalfYear, 3),
        ] {
            assert!(
                matches!(
                    decree09_window(frequency, 2023, Some(given)),
                    Err(CutoffError::SequenceOutOfRange { given: g, .. }) if g == given
                ),
                "{frequency} {given}"
            );
        }
    }

    #[test]
    fn sequence_is_not_allowed_for_nine_month_and_annual() {
        let error = decree09_window(Frequency::Annual, 2023, Some(1)).expect_err("annual");
        assert_eq!(
            error,
            CutoffError::SequenceNotAllowed {
                frequency: Frequency::Annual,
                given: 1
            }
        );
        assert_eq!(
            error.to_string(),
            "annual periods do not take a sequence (got 1)"
        );
        assert_eq!(
            decree09_window(Frequency::NineMonth, 2023, Some(3)),
            Err(CutoffError::SequenceNotAllowed {
                frequency: Frequency::NineMonth,
                given: 3
            })
        );
    }

    #[test]
    fn ad_hoc_has_no_default_window() {
        for sequence in [None, Some(1)] {
            assert_eq!(
                decree09_window(Frequency::AdHoc, 2023, sequence),
                Err(CutoffError::NoDefaultWindow)
            );
        }
        assert_eq!(
            CutoffError::NoDefaultWindow.to_string(),
            "an ad-hoc period has no default cut-off window; data_from and data_to must be given"
        );
    }

    #[test]
    fn year_out_of_range_is_rejected() {
        for year in [1999, 2101, 0, -5, i32::MAX] {
            assert_eq!(
                decree09_window(Frequency::Quarterly, year, Some(1)),
                Err(CutoffError::YearOutOfRange {
                    min: 2000,
                    max: 2100,
                    given: year
                })
            );
        }
        assert_eq!(
            decree09_window(Frequency::Monthly, 1999, Some(1))
                .expect_err("too early")
                .to_string(),
            "year must be between 2000 and 2100 (got 1999)"
        );
    }

    #[test]
    fn inverted_window_is_rejected() {
        let inverted = window(date(2023, 3, 15), date(2023, 3, 14));
        let error = validate_window(&inverted).expect_err("inverted");
        assert_eq!(
            error,
            CutoffError::WindowInverted {
                data_from: date(2023, 3, 15),
                data_to: date(2023, 3, 14)
            }
        );
        assert_eq!(
            error.to_string(),
            "data_from (2023-03-15) must not be after data_to (2023-03-14)"
        );
        assert_eq!(
            validate_window(&window(date(2023, 3, 14), date(2023, 3, 14))),
            Ok(())
        );
    }

    #[test]
    fn frequency_names_round_trip() {
        let expected = [
            "monthly",
            "quarterly",
            "half_year",
            "nine_month",
            "annual",
            "ad_hoc",
        ];
        for (frequency, name) in Frequency::ALL.into_iter().zip(expected) {
            assert_eq!(frequency.as_str(), name);
            assert_eq!(name.parse::<Frequency>(), Ok(frequency));
            assert_eq!(
                serde_json::to_string(&frequency).expect("serializable"),
                format!("\"{name}\"")
            );
            assert_eq!(
                serde_json::from_str::<Frequency>(&format!("\"{name}\"")).expect("deserializable"),
                frequency
            );
        }
        assert_eq!(
            "weekly".parse::<Frequency>(),
            Err(ParseFrequencyError {
                value: "weekly".to_owned()
            })
        );
    }

    #[test]
    fn report_type_names_round_trip() {
        let expected = ["periodic", "thematic", "ad_hoc"];
        for (report_type, name) in ReportType::ALL.into_iter().zip(expected) {
            assert_eq!(report_type.as_str(), name);
            assert_eq!(name.parse::<ReportType>(), Ok(report_type));
            assert_eq!(
                serde_json::to_string(&report_type).expect("serializable"),
                format!("\"{name}\"")
            );
        }
        let error = "adhoc"
            .parse::<ReportType>()
            .expect_err("not a report type");
        assert_eq!(
            error.to_string(),
            "unknown report type 'adhoc' (expected periodic, thematic or ad_hoc)"
        );
    }

    #[test]
    fn cutoff_window_serializes_as_iso_dates() {
        let json = serde_json::to_string(&window(date(2022, 12, 15), date(2023, 3, 14)))
            .expect("serializable");
        assert_eq!(json, r#"{"data_from":"2022-12-15","data_to":"2023-03-14"}"#);
    }
}
