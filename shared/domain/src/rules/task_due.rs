//! When a task of a CCHC plan or a directive is due, as the source document words it, and the
//! instant that follows from it.
//!
//! Plans and meeting conclusions give deadlines in several forms: a date ("trước ngày
//! 10/11/2022"), a month ("trong tháng 5/2022"), a quarter ("Quý II/2022"), a year ("năm
//! 2022"), or none at all for ongoing work ("thường xuyên") that reports its progress every
//! month or quarter. A date, a month, a quarter or a year ends at the end of its last working
//! day; a date that is not a working day moves to the next one (Civil Code 2015 Art. 148, as
//! for reports).

use std::fmt;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::calendar::WorkingCalendar;
use super::deadline::resolve_deadline;
use super::local_time::{local_date, local_instant};

crate::text_enum! {
    /// How often ongoing work reports its progress.
    pub enum ReportEvery {
        /// Every month.
        Month => "month",
        /// Every quarter.
        Quarter => "quarter",
    }
}

/// When a task is due, as its source words it. `kind` says which form:
/// `date` ("trước ngày 10/11/2022"), `at` (a date and time), `month` ("trong tháng 5/2022"),
/// `quarter` ("Quý II/2022"), `year` ("năm 2022") or `recurring` ("thường xuyên").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum TaskDue {
    /// By the end of that day's working hours (the next working day's if it is not one).
    Date {
        #[schema(example = "2022-11-10")]
        #[serde(deserialize_with = "crate::model::time_input::date")]
        date: NaiveDate,
    },
    /// At that instant, RFC 3339 with offset (moved to the end of the next working day if it
    /// falls on a non-working day).
    At {
        #[schema(example = "2022-11-10T16:30:00+07:00")]
        #[serde(deserialize_with = "crate::model::time_input::instant")]
        at: DateTime<FixedOffset>,
    },
    /// Within the month: by the end of its last working day.
    Month {
        #[schema(minimum = 1900, maximum = 2200, example = 2022)]
        year: i32,
        #[schema(minimum = 1, maximum = 12, example = 5)]
        month: u32,
    },
    /// Within the quarter: by the end of its last working day.
    Quarter {
        #[schema(minimum = 1900, maximum = 2200, example = 2022)]
        year: i32,
        #[schema(minimum = 1, maximum = 4, example = 2)]
        quarter: u32,
    },
    /// Within the year: by the end of its last working day.
    Year {
        #[schema(minimum = 1900, maximum = 2200, example = 2022)]
        year: i32,
    },
    /// Ongoing ("thường xuyên"): no completion deadline; progress is reported every month or
    /// quarter.
    Recurring { every: ReportEvery },
}

/// A due that names no real month, quarter or day.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidDue(pub String);

/// The first and last day of a month, quarter or year.
fn span(due: &TaskDue) -> Result<Option<(NaiveDate, NaiveDate)>, InvalidDue> {
    let (year, first_month, months) = match *due {
        TaskDue::Month { year, month } => {
            if !(1..=12).contains(&month) {
                return Err(InvalidDue(format!("month {month} is not 1 to 12")));
            }
            (year, month, 1)
        }
        TaskDue::Quarter { year, quarter } => {
            if !(1..=4).contains(&quarter) {
                return Err(InvalidDue(format!("quarter {quarter} is not 1 to 4")));
            }
            (year, quarter * 3 - 2, 3)
        }
        TaskDue::Year { year } => (year, 1, 12),
        _ => return Ok(None),
    };
    if !(1900..=2200).contains(&year) {
        return Err(InvalidDue(format!("year {year} is not 1900 to 2200")));
    }
    let first = NaiveDate::from_ymd_opt(year, first_month, 1)
        .ok_or_else(|| InvalidDue(format!("{first_month}/{year} is not a month")))?;
    let last = first
        .checked_add_months(chrono::Months::new(months))
        .and_then(|next| next.pred_opt())
        .ok_or_else(|| InvalidDue(format!("{first_month}/{year} has no end")))?;
    Ok(Some((first, last)))
}

impl TaskDue {
    /// Checks that the due names a real month, quarter or year.
    pub fn validate(&self) -> Result<(), InvalidDue> {
        span(self).map(|_| ())
    }

    /// The instant the task is due; `None` for ongoing work. `end_of_working_day` is the local
    /// time a day's work ends (e.g. 17:00).
    pub fn deadline(
        &self,
        calendar: &WorkingCalendar,
        end_of_working_day: NaiveTime,
    ) -> Result<Option<DateTime<Utc>>, InvalidDue> {
        let instant = match *self {
            TaskDue::Date { date } => {
                local_instant(calendar.working_day_on_or_after(date), end_of_working_day)
            }
            TaskDue::At { at } => {
                resolve_deadline(at.with_timezone(&Utc), calendar, end_of_working_day, true)
                    .effective
            }
            TaskDue::Recurring { .. } => return Ok(None),
            _ => {
                let Some((_, last)) = span(self)? else {
                    return Ok(None);
                };
                let last_working = if calendar.is_working_day(last) {
                    last
                } else {
                    calendar.previous_working_day(last)
                };
                local_instant(last_working, end_of_working_day)
            }
        };
        Ok(Some(instant))
    }

    /// Reads the wording of an office document: `10/11/2022`, `trước ngày 10/11/2022`,
    /// `trong tháng 5/2022`, `Quý II/2022` (or `quý 2 năm 2022`), `năm 2022`, `thường xuyên`
    /// (`thường xuyên, báo cáo hằng quý` reports quarterly; monthly otherwise).
    pub fn parse_vietnamese(text: &str) -> Result<TaskDue, InvalidDue> {
        let lower = text.trim().to_lowercase();
        let words: String = lower
            .replace("hàng", "hằng")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let invalid = || {
            InvalidDue(format!(
                "{:?} is not a due date: write e.g. 10/11/2022, tháng 5/2022, quý II/2022, năm 2022 or thường xuyên",
                text.trim()
            ))
        };
        if words.starts_with("thường xuyên") || words.starts_with("hằng") {
            let every = if words.contains("quý") {
                ReportEvery::Quarter
            } else {
                ReportEvery::Month
            };
            return Ok(TaskDue::Recurring { every });
        }
        let numbers = |s: &str| -> Vec<String> {
            s.split(|c: char| !c.is_alphanumeric())
                .filter(|part| !part.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let year_of = |s: &str| s.parse::<i32>().ok().filter(|y| (1900..=2200).contains(y));
        if let Some(rest) = words.split("quý").nth(1) {
            let parts = numbers(rest);
            let quarter = parts.first().and_then(|q| quarter_number(q));
            let year = parts.iter().skip(1).find_map(|p| year_of(p));
            let (Some(quarter), Some(year)) = (quarter, year) else {
                return Err(invalid());
            };
            return Ok(TaskDue::Quarter { year, quarter });
        }
        if let Some(rest) = words.split("tháng").nth(1) {
            let parts = numbers(rest);
            let month = parts.first().and_then(|m| m.parse::<u32>().ok());
            let year = parts.iter().skip(1).find_map(|p| year_of(p));
            let (Some(month), Some(year)) = (month, year) else {
                return Err(invalid());
            };
            let due = TaskDue::Month { year, month };
            due.validate()?;
            return Ok(due);
        }
        let parts = numbers(&words);
        let digits: Vec<&String> = parts
            .iter()
            .filter(|p| p.chars().all(|c| c.is_ascii_digit()))
            .collect();
        match digits.as_slice() {
            [day, month, year] if !words.starts_with("năm") => {
                let date = match (day.parse(), month.parse(), year_of(year)) {
                    (Ok(day), Ok(month), Some(year)) => NaiveDate::from_ymd_opt(year, month, day),
                    _ => None,
                };
                date.map(|date| TaskDue::Date { date }).ok_or_else(invalid)
            }
            [year] if words.starts_with("năm") => year_of(year)
                .map(|year| TaskDue::Year { year })
                .ok_or_else(invalid),
            _ => Err(invalid()),
        }
    }
}

/// `II` or `2` → 2.
fn quarter_number(text: &str) -> Option<u32> {
    match text {
        "1" | "i" => Some(1),
        "2" | "ii" => Some(2),
        "3" | "iii" => Some(3),
        "4" | "iv" => Some(4),
        _ => None,
    }
}

impl fmt::Display for TaskDue {
    /// As an office document writes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskDue::Date { date } => write!(f, "{}", date.format("%d/%m/%Y")),
            TaskDue::At { at } => write!(
                f,
                "{}",
                super::local_time::vietnamese_date_time(at.with_timezone(&Utc))
            ),
            TaskDue::Month { year, month } => write!(f, "Tháng {month}/{year}"),
            TaskDue::Quarter { year, quarter } => {
                write!(f, "Quý {}/{year}", super::numerals::roman(*quarter))
            }
            TaskDue::Year { year } => write!(f, "Năm {year}"),
            TaskDue::Recurring {
                every: ReportEvery::Month,
            } => f.write_str("Thường xuyên (báo cáo hằng tháng)"),
            TaskDue::Recurring {
                every: ReportEvery::Quarter,
            } => f.write_str("Thường xuyên (báo cáo hằng quý)"),
        }
    }
}

/// The reporting interval of ongoing work that contains `date`: its first and last day.
pub fn report_interval(every: ReportEvery, date: NaiveDate) -> (NaiveDate, NaiveDate) {
    let months = match every {
        ReportEvery::Month => 1,
        ReportEvery::Quarter => 3,
    };
    let first_month = (date.month0() / months) * months + 1;
    // Both exist for any date chrono holds but the very last month; fall back to the date.
    let first = NaiveDate::from_ymd_opt(date.year(), first_month, 1).unwrap_or(date);
    let last = first
        .checked_add_months(chrono::Months::new(months))
        .and_then(|next| next.pred_opt())
        .unwrap_or(date);
    (first, last)
}

/// When the progress report of the interval containing `instant` is due: the end of the
/// interval's last working day.
pub fn progress_report_due(
    every: ReportEvery,
    instant: DateTime<Utc>,
    calendar: &WorkingCalendar,
    end_of_working_day: NaiveTime,
) -> DateTime<Utc> {
    let (_, last) = report_interval(every, local_date(instant));
    let last_working = if calendar.is_working_day(last) {
        last
    } else {
        calendar.previous_working_day(last)
    };
    local_instant(last_working, end_of_working_day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::calendar::DayKind;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn five_pm() -> NaiveTime {
        NaiveTime::from_hms_opt(17, 0, 0).unwrap()
    }

    fn deadline(due: TaskDue, calendar: &WorkingCalendar) -> Option<DateTime<Utc>> {
        due.deadline(calendar, five_pm()).unwrap()
    }

    #[test]
    fn a_month_ends_at_its_last_working_day() {
        // May 2022 ends on a Tuesday: due then, 17:00 local (10:00 UTC).
        let cal = WorkingCalendar::default();
        let due = TaskDue::Month {
            year: 2022,
            month: 5,
        };
        assert_eq!(
            deadline(due, &cal),
            Some(local_instant(d(2022, 5, 31), five_pm()))
        );
        // April 2022 ends on a Saturday: due on Friday the 29th.
        let april = TaskDue::Month {
            year: 2022,
            month: 4,
        };
        assert_eq!(
            deadline(april, &cal),
            Some(local_instant(d(2022, 4, 29), five_pm()))
        );
    }

    #[test]
    fn a_month_whose_last_weekday_is_a_holiday_ends_the_working_day_before() {
        // Say 31/05/2022 (a Tuesday) were a day off: the month ends on Monday the 30th.
        let cal = WorkingCalendar::new([(d(2022, 5, 31), DayKind::DayOff)]);
        let due = TaskDue::Month {
            year: 2022,
            month: 5,
        };
        assert_eq!(
            deadline(due, &cal),
            Some(local_instant(d(2022, 5, 30), five_pm()))
        );
    }

    #[test]
    fn a_date_on_a_day_off_moves_to_the_next_working_day() {
        // 02/09/2022 (National Day, a Friday) and the weekend after: due Monday 05/09.
        let cal = WorkingCalendar::new([(d(2022, 9, 2), DayKind::DayOff)]);
        let due = TaskDue::Date {
            date: d(2022, 9, 2),
        };
        assert_eq!(
            deadline(due, &cal),
            Some(local_instant(d(2022, 9, 5), five_pm()))
        );
        let working = TaskDue::Date {
            date: d(2022, 11, 10),
        };
        assert_eq!(
            deadline(working, &cal),
            Some(local_instant(d(2022, 11, 10), five_pm()))
        );
    }

    #[test]
    fn quarters_and_years_end_at_their_last_working_day() {
        let cal = WorkingCalendar::default();
        // 30/06/2022 is a Thursday; 31/12/2022 a Saturday.
        let q2 = TaskDue::Quarter {
            year: 2022,
            quarter: 2,
        };
        assert_eq!(
            deadline(q2, &cal),
            Some(local_instant(d(2022, 6, 30), five_pm()))
        );
        let year = TaskDue::Year { year: 2022 };
        assert_eq!(
            deadline(year, &cal),
            Some(local_instant(d(2022, 12, 30), five_pm()))
        );
    }

    #[test]
    fn ongoing_work_has_no_deadline_and_impossible_spans_are_refused() {
        let cal = WorkingCalendar::default();
        let ongoing = TaskDue::Recurring {
            every: ReportEvery::Quarter,
        };
        assert_eq!(deadline(ongoing, &cal), None);
        assert!(TaskDue::Month {
            year: 2022,
            month: 13
        }
        .validate()
        .is_err());
        assert!(TaskDue::Quarter {
            year: 2022,
            quarter: 0
        }
        .validate()
        .is_err());
        assert!(TaskDue::Year { year: 12 }.validate().is_err());
    }

    #[test]
    fn office_wording_is_read() {
        let cases = [
            (
                "trước ngày 10/11/2022",
                TaskDue::Date {
                    date: d(2022, 11, 10),
                },
            ),
            (
                "10/11/2022",
                TaskDue::Date {
                    date: d(2022, 11, 10),
                },
            ),
            (
                "Trong tháng 5/2022",
                TaskDue::Month {
                    year: 2022,
                    month: 5,
                },
            ),
            (
                "tháng 05 năm 2022",
                TaskDue::Month {
                    year: 2022,
                    month: 5,
                },
            ),
            (
                "Quý II/2022",
                TaskDue::Quarter {
                    year: 2022,
                    quarter: 2,
                },
            ),
            (
                "quý 4 năm 2022",
                TaskDue::Quarter {
                    year: 2022,
                    quarter: 4,
                },
            ),
            ("Năm 2022", TaskDue::Year { year: 2022 }),
            (
                "Thường xuyên",
                TaskDue::Recurring {
                    every: ReportEvery::Month,
                },
            ),
            (
                "Thường xuyên, báo cáo hằng quý",
                TaskDue::Recurring {
                    every: ReportEvery::Quarter,
                },
            ),
            (
                "Hàng quý",
                TaskDue::Recurring {
                    every: ReportEvery::Quarter,
                },
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(TaskDue::parse_vietnamese(text), Ok(expected), "{text}");
        }
        for bad in [
            "",
            "sớm",
            "31/02/2022",
            "tháng 13/2022",
            "quý V/2022",
            "năm 22",
        ] {
            assert!(
                TaskDue::parse_vietnamese(bad).is_err(),
                "{bad:?} was accepted"
            );
        }
    }

    #[test]
    fn dues_are_written_as_offices_write_them_and_read_back() {
        let dues = [
            TaskDue::Date {
                date: d(2022, 11, 10),
            },
            TaskDue::Month {
                year: 2022,
                month: 5,
            },
            TaskDue::Quarter {
                year: 2022,
                quarter: 3,
            },
            TaskDue::Year { year: 2023 },
            TaskDue::Recurring {
                every: ReportEvery::Month,
            },
            TaskDue::Recurring {
                every: ReportEvery::Quarter,
            },
        ];
        for due in dues {
            let written = due.to_string();
            assert_eq!(TaskDue::parse_vietnamese(&written), Ok(due), "{written}");
        }
        assert_eq!(
            TaskDue::Quarter {
                year: 2022,
                quarter: 2
            }
            .to_string(),
            "Quý II/2022"
        );
    }

    #[test]
    fn progress_reports_fall_due_at_the_end_of_each_interval() {
        let cal = WorkingCalendar::default();
        let mid_may = local_instant(d(2022, 5, 16), five_pm());
        assert_eq!(
            report_interval(ReportEvery::Quarter, d(2022, 5, 16)),
            (d(2022, 4, 1), d(2022, 6, 30))
        );
        assert_eq!(
            report_interval(ReportEvery::Month, d(2022, 12, 3)),
            (d(2022, 12, 1), d(2022, 12, 31))
        );
        assert_eq!(
            progress_report_due(ReportEvery::Month, mid_may, &cal, five_pm()),
            local_instant(d(2022, 5, 31), five_pm())
        );
        assert_eq!(
            progress_report_due(ReportEvery::Quarter, mid_may, &cal, five_pm()),
            local_instant(d(2022, 6, 30), five_pm())
        );
    }
}
