//! How late something is, in the terms a person in an office counts: minutes and hours on the
//! deadline's own day, working days once a night has passed.
//!
//! "Quá hạn 15 giờ 5 phút" at 07:35 the morning after a 16:30 deadline is exact but reads as if
//! the unit had lost a working day and a half; what it lost is the evening. So:
//!
//! - on the deadline's local day: the exact time, `1 giờ 15 phút`;
//! - from the next local day on, the whole working days elapsed: each working day after the
//!   deadline's day counts once its clock has reached the deadline's time of day (16:30 on
//!   Thursday is two working days after 16:30 on Tuesday), `2 ngày làm việc`, the same count the
//!   escalation policy's "after N working days" uses;
//! - past a night but not yet a whole working day (the next morning, or a Saturday after a
//!   Friday deadline): since when, `từ 16:30 ngày 10/03/2023`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::calendar::WorkingCalendar;
use super::local_time::{local_date, local_time_of_day, vietnamese_date_time};

/// How late, as [`lateness`] decides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "unit", rename_all = "snake_case")]
pub enum Lateness {
    /// Still the deadline's local day (or not late at all: 0).
    Minutes { minutes: u32 },
    /// Whole working days elapsed since the deadline (at least one).
    WorkingDays { days: u32 },
    /// A night has passed but not a whole working day.
    Since { deadline: DateTime<Utc> },
}

/// How late `now` is for `deadline`, by the working `calendar`.
pub fn lateness(
    deadline: DateTime<Utc>,
    now: DateTime<Utc>,
    calendar: &WorkingCalendar,
) -> Lateness {
    if now <= deadline {
        return Lateness::Minutes { minutes: 0 };
    }
    let (due_day, today) = (local_date(deadline), local_date(now));
    if due_day == today {
        let minutes = u32::try_from((now - deadline).num_minutes()).unwrap_or(u32::MAX);
        return Lateness::Minutes { minutes };
    }
    let mut days = calendar.count_working_days(due_day, today);
    // Today counts once its clock reaches the deadline's time of day.
    if days > 0
        && calendar.is_working_day(today)
        && local_time_of_day(now) < local_time_of_day(deadline)
    {
        days -= 1;
    }
    match days {
        0 => Lateness::Since { deadline },
        days => Lateness::WorkingDays { days },
    }
}

impl Lateness {
    /// How it reads after "quá hạn" or "trễ": `1 giờ 15 phút`, `2 ngày làm việc`,
    /// `từ 16:30 ngày 10/03/2023`.
    pub fn phrase(&self) -> String {
        match *self {
            Self::Minutes { minutes } => hours_and_minutes(minutes),
            Self::WorkingDays { days } => format!("{days} ngày làm việc"),
            Self::Since { deadline } => format!("từ {}", vietnamese_date_time(deadline)),
        }
    }
}

/// `45 phút`, `1 giờ`, `1 giờ 15 phút`, `0 phút`.
fn hours_and_minutes(minutes: u32) -> String {
    let (hours, mins) = (minutes / 60, minutes % 60);
    match (hours, mins) {
        (0, m) => format!("{m} phút"),
        (h, 0) => format!("{h} giờ"),
        (h, m) => format!("{h} giờ {m} phút"),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone};

    use super::*;
    use crate::rules::calendar::DayKind;

    /// A Vietnam local time (UTC+7).
    fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2023, 3, day, hour, minute, 0).unwrap() - chrono::Duration::hours(7)
    }

    fn deadline() -> DateTime<Utc> {
        // Friday 10/03/2023, 16:30.
        at(10, 16, 30)
    }

    fn phrase(now: DateTime<Utc>, calendar: &WorkingCalendar) -> String {
        lateness(deadline(), now, calendar).phrase()
    }

    #[test]
    fn on_the_deadline_day_it_is_exact() {
        let calendar = WorkingCalendar::default();
        assert_eq!(phrase(at(10, 16, 30), &calendar), "0 phút");
        assert_eq!(phrase(at(10, 16, 0), &calendar), "0 phút");
        assert_eq!(phrase(at(10, 17, 15), &calendar), "45 phút");
        assert_eq!(phrase(at(10, 17, 30), &calendar), "1 giờ");
        assert_eq!(phrase(at(10, 23, 59), &calendar), "7 giờ 29 phút");
    }

    #[test]
    fn the_next_morning_names_the_deadline_not_hours() {
        let calendar = WorkingCalendar::default();
        // Monday 07:35 after a Friday 16:30 deadline: not "2 ngày 15 giờ 5 phút".
        assert_eq!(phrase(at(13, 7, 35), &calendar), "từ 16:30 ngày 10/03/2023");
        assert_eq!(
            phrase(at(13, 16, 29), &calendar),
            "từ 16:30 ngày 10/03/2023"
        );
        assert_eq!(
            phrase(at(11, 8, 0), &calendar),
            "từ 16:30 ngày 10/03/2023",
            "a Saturday after a Friday deadline"
        );
        assert_eq!(phrase(at(12, 20, 0), &calendar), "từ 16:30 ngày 10/03/2023");
    }

    #[test]
    fn whole_working_days_count_at_the_deadlines_time_of_day() {
        let calendar = WorkingCalendar::default();
        assert_eq!(phrase(at(13, 16, 30), &calendar), "1 ngày làm việc");
        assert_eq!(phrase(at(14, 7, 30), &calendar), "1 ngày làm việc");
        assert_eq!(phrase(at(14, 16, 30), &calendar), "2 ngày làm việc");
        assert_eq!(
            lateness(deadline(), at(17, 9, 0), &calendar),
            Lateness::WorkingDays { days: 4 }
        );
        // The weekend after counts no day: Saturday evening is still 5 working days.
        assert_eq!(phrase(at(18, 20, 0), &calendar), "5 ngày làm việc");
        // Monday a holiday: Tuesday 16:30 is the first whole working day.
        let monday = NaiveDate::from_ymd_opt(2023, 3, 13).unwrap();
        let holiday = WorkingCalendar::new([(monday, DayKind::PublicHoliday)]);
        assert_eq!(phrase(at(13, 18, 0), &holiday), "từ 16:30 ngày 10/03/2023");
        assert_eq!(phrase(at(14, 9, 0), &holiday), "từ 16:30 ngày 10/03/2023");
        assert_eq!(phrase(at(14, 16, 30), &holiday), "1 ngày làm việc");
    }

    #[test]
    fn it_travels_as_json() {
        let late = Lateness::WorkingDays { days: 2 };
        let json = serde_json::to_value(late).unwrap();
        assert_eq!(json, serde_json::json!({"unit": "working_days", "days": 2}));
        assert_eq!(serde_json::from_value::<Lateness>(json).unwrap(), late);
    }
}
