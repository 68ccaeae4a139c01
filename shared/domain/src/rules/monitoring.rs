//! When the plan's monitoring working group (Tổ công tác, seed 001) gets its digest: the
//! group follows the plan monthly and quarterly, so at the start of each month it is told how
//! the month before went, and at the start of a quarter how the quarter before went (that
//! digest replaces the month's: the quarter's covers its last month).
//!
//! The digest goes out on one of the month's first working days, at or after the digest
//! time; a worker that was down on the first working day still sends it on the second or third,
//! and never later (a digest of last month in the middle of this one is noise).

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use super::calendar::WorkingCalendar;
use super::local_time::{local_date, local_time_of_day};

/// The digest may go out on the month's first working days, up to this many.
pub const DIGEST_WINDOW_WORKING_DAYS: u32 = 3;

/// A month or a quarter the digest reports on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MonitoringSpan {
    Month { year: i32, month: u32 },
    Quarter { year: i32, quarter: u32 },
}

impl MonitoringSpan {
    /// Its first and last days.
    pub fn days(&self) -> (NaiveDate, NaiveDate) {
        let (year, first_month, months) = match *self {
            Self::Month { year, month } => (year, month, 1),
            Self::Quarter { year, quarter } => (year, quarter * 3 - 2, 3),
        };
        let first = NaiveDate::from_ymd_opt(year, first_month, 1).unwrap_or(NaiveDate::MIN);
        let last = first
            .checked_add_months(chrono::Months::new(months))
            .and_then(|next| next.pred_opt())
            .unwrap_or(first);
        (first, last)
    }

    /// How staff name it: `tháng 11/2026`, `quý III/2026`.
    pub fn label_vi(&self) -> String {
        match *self {
            Self::Month { year, month } => format!("tháng {month}/{year}"),
            Self::Quarter { year, quarter } => {
                format!("quý {}/{year}", super::numerals::roman(quarter))
            }
        }
    }
}

/// Written `2026-11` or `2026-Q3`: part of the digest job's key.
impl fmt::Display for MonitoringSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Month { year, month } => write!(f, "{year}-{month:02}"),
            Self::Quarter { year, quarter } => write!(f, "{year}-Q{quarter}"),
        }
    }
}

/// The span whose digest is due at `now`, if one is: `now` is on one of the month's first
/// [`DIGEST_WINDOW_WORKING_DAYS`] working days, at or after `digest_time`. The span is the
/// month before, or the quarter before when a quarter begins (January, April, July, October).
pub fn monitoring_digest_due(
    now: DateTime<Utc>,
    digest_time: NaiveTime,
    calendar: &WorkingCalendar,
) -> Option<MonitoringSpan> {
    let today = local_date(now);
    if !calendar.is_working_day(today) || local_time_of_day(now) < digest_time {
        return None;
    }
    let first_of_month = today.with_day(1)?;
    let day_before_month = first_of_month.pred_opt()?;
    if calendar.count_working_days(day_before_month, today) > DIGEST_WINDOW_WORKING_DAYS {
        return None;
    }
    let year = day_before_month.year();
    let month = day_before_month.month();
    Some(if today.month() % 3 == 1 {
        MonitoringSpan::Quarter {
            year,
            quarter: month.div_ceil(3),
        }
    } else {
        MonitoringSpan::Month { year, month }
    })
}

#[cfg(test)]
mod tests {
    use chrono::FixedOffset;

    use super::*;
    use crate::rules::calendar::DayKind;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::<FixedOffset>::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn half_past_seven() -> NaiveTime {
        NaiveTime::from_hms_opt(7, 30, 0).unwrap()
    }

    #[test]
    fn the_first_working_day_of_a_month_reports_the_month_before() {
        let calendar = WorkingCalendar::default();
        // Tuesday 01/12/2026.
        let due = monitoring_digest_due(
            at("2026-12-01T07:30:00+07:00"),
            half_past_seven(),
            &calendar,
        );
        assert_eq!(
            due,
            Some(MonitoringSpan::Month {
                year: 2026,
                month: 11
            })
        );
        assert_eq!(due.unwrap().to_string(), "2026-11");
        assert_eq!(due.unwrap().label_vi(), "tháng 11/2026");
        assert_eq!(due.unwrap().days(), (d(2026, 11, 1), d(2026, 11, 30)));
        // Not before the digest time.
        let early = monitoring_digest_due(
            at("2026-12-01T07:29:00+07:00"),
            half_past_seven(),
            &calendar,
        );
        assert_eq!(early, None);
    }

    #[test]
    fn a_quarter_begins_with_the_quarter_digest() {
        let calendar = WorkingCalendar::default();
        // Thursday 01/10/2026: the third quarter.
        let due = monitoring_digest_due(
            at("2026-10-01T08:00:00+07:00"),
            half_past_seven(),
            &calendar,
        );
        let span = due.unwrap();
        assert_eq!(
            span,
            MonitoringSpan::Quarter {
                year: 2026,
                quarter: 3
            }
        );
        assert_eq!(span.to_string(), "2026-Q3");
        assert_eq!(span.label_vi(), "quý III/2026");
        assert_eq!(span.days(), (d(2026, 7, 1), d(2026, 9, 30)));
        // January: the fourth quarter of the year before.
        let january = monitoring_digest_due(
            at("2027-01-04T08:00:00+07:00"),
            half_past_seven(),
            &calendar,
        );
        assert_eq!(
            january,
            Some(MonitoringSpan::Quarter {
                year: 2026,
                quarter: 4
            })
        );
        assert_eq!(january.unwrap().days(), (d(2026, 10, 1), d(2026, 12, 31)));
    }

    #[test]
    fn weekends_and_holidays_move_it_and_the_window_closes_after_three_working_days() {
        // Tết 2027 is not in May; take 01/05 (Saturday) and a declared holiday on Monday 03/05.
        let calendar = WorkingCalendar::new([(d(2027, 5, 3), DayKind::PublicHoliday)]);
        let digest = |text: &str| monitoring_digest_due(at(text), half_past_seven(), &calendar);
        assert_eq!(digest("2027-05-01T09:00:00+07:00"), None, "Saturday");
        assert_eq!(digest("2027-05-03T09:00:00+07:00"), None, "holiday");
        let april = Some(MonitoringSpan::Month {
            year: 2027,
            month: 4,
        });
        // Tue 04, Wed 05, Thu 06 are the first three working days.
        assert_eq!(digest("2027-05-04T09:00:00+07:00"), april);
        assert_eq!(digest("2027-05-06T16:00:00+07:00"), april);
        assert_eq!(
            digest("2027-05-07T09:00:00+07:00"),
            None,
            "the fourth working day"
        );
    }
}
