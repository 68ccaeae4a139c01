//! Working-day arithmetic over the Government holiday calendar.
//!
//! A working day is Monday–Friday, minus the weekdays the holiday calendar
//! marks as non-working, plus the weekend days the Government declared
//! working days (make-up Saturdays when days are swapped to lengthen a
//! holiday). The calendar itself is data (the `holidays` table); this module
//! only interprets it.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Bound;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The most calendar days a single search in [`WorkingCalendar`] scans
/// (about ten years).
///
/// A real calendar never has more than about ten consecutive non-working
/// days, so the bound is only reached with corrupt data (or a request for
/// thousands of working days); it keeps such a request from pinning a CPU.
pub const MAX_SEARCH_DAYS: u32 = 3660;

/// How the holiday calendar classifies a date that deviates from the
/// Monday–Friday week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow),
    diesel(sql_type = diesel::sql_types::Text)
)]
pub enum DayKind {
    /// A statutory public holiday (Labour Code 2019, Art. 112), including the
    /// Tết days and the day adjacent to National Day.
    PublicHoliday,
    /// Any other non-working weekday: extra Tết days, the compensatory day
    /// when a holiday falls on a weekend, or a bridge day swapped by
    /// Government decision.
    DayOff,
    /// A weekend day the Government declared a working day (make-up day for
    /// a swapped bridge day).
    WorkingDay,
}

impl DayKind {
    /// Every kind, in declaration order.
    pub const ALL: [DayKind; 3] = [DayKind::PublicHoliday, DayKind::DayOff, DayKind::WorkingDay];

    /// The `snake_case` name used in the database and the API.
    pub fn as_str(&self) -> &'static str {
        match self {
            DayKind::PublicHoliday => "public_holiday",
            DayKind::DayOff => "day_off",
            DayKind::WorkingDay => "working_day",
        }
    }

    /// Whether a date of this kind is worked, regardless of its weekday.
    pub fn is_working(&self) -> bool {
        matches!(self, DayKind::WorkingDay)
    }
}

impl fmt::Display for DayKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

crate::text_column!(DayKind);

/// A string that is not one of the [`DayKind`] names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown day kind '{value}' (expected public_holiday, day_off or working_day)")]
pub struct ParseDayKindError {
    /// The rejected input.
    pub value: String,
}

impl FromStr for DayKind {
    type Err = ParseDayKindError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        DayKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == value)
            .ok_or_else(|| ParseDayKindError {
                value: value.to_owned(),
            })
    }
}

/// Which way a working-day search walks.
#[derive(Debug, Clone, Copy)]
enum Direction {
    Forward,
    Backward,
}

/// The working-day calendar: the Monday–Friday week adjusted by holiday
/// calendar entries.
///
/// Searches are bounded by [`MAX_SEARCH_DAYS`]: when a search gives up, it
/// returns the date at which it stopped (the start moved by
/// `MAX_SEARCH_DAYS` days, or the last date chrono can represent), so a
/// pathological calendar yields a far-off date instead of a hang or panic.
#[derive(Debug, Clone, Default)]
pub struct WorkingCalendar {
    // Ordered so that counting can visit only the entries inside a range.
    entries: BTreeMap<NaiveDate, DayKind>,
}

impl WorkingCalendar {
    /// Builds a calendar from holiday calendar entries. When a date appears
    /// more than once, the last entry wins.
    pub fn new(entries: impl IntoIterator<Item = (NaiveDate, DayKind)>) -> Self {
        Self {
            entries: entries.into_iter().collect(),
        }
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.entries.get(&date) {
            Some(kind) => kind.is_working(),
            None => !is_weekend(date),
        }
    }

    /// The first working day strictly after `date`.
    pub fn next_working_day(&self, date: NaiveDate) -> NaiveDate {
        self.walk(date, 1, Direction::Forward)
    }

    /// The last working day strictly before `date`.
    pub fn previous_working_day(&self, date: NaiveDate) -> NaiveDate {
        self.walk(date, 1, Direction::Backward)
    }

    /// `date` itself if it is a working day, otherwise the next working day.
    pub fn working_day_on_or_after(&self, date: NaiveDate) -> NaiveDate {
        if self.is_working_day(date) {
            date
        } else {
            self.next_working_day(date)
        }
    }

    /// The `n`-th working day strictly after `start`; `start` itself when `n`
    /// is 0 (even if `start` is not a working day).
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        self.walk(start, n, Direction::Forward)
    }

    /// The `n`-th working day strictly before `start`; `start` itself when
    /// `n` is 0 (even if `start` is not a working day).
    pub fn subtract_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        self.walk(start, n, Direction::Backward)
    }

    /// The number of working days `d` with `from_exclusive < d <=
    /// to_inclusive`; 0 when `to_inclusive <= from_exclusive`.
    ///
    /// Computed arithmetically (weekdays minus calendar adjustments in the
    /// range), so it is exact and fast for any range without a search bound.
    pub fn count_working_days(&self, from_exclusive: NaiveDate, to_inclusive: NaiveDate) -> u32 {
        if to_inclusive <= from_exclusive {
            return 0;
        }
        let weekdays = weekdays_through(to_inclusive) - weekdays_through(from_exclusive);
        let adjustment: i64 = self
            .entries
            .range((
                Bound::Excluded(from_exclusive),
                Bound::Included(to_inclusive),
            ))
            .map(
                |(&date, kind)| match (is_weekend(date), kind.is_working()) {
                    (true, true) => 1,
                    (false, false) => -1,
                    _ => 0,
                },
            )
            .sum();
        // Non-negative and below u32::MAX for every representable range.
        u32::try_from(weekdays + adjustment).unwrap_or(0)
    }

    /// Moves `n` working days from `start` in `direction`, scanning at most
    /// [`MAX_SEARCH_DAYS`] calendar days.
    fn walk(&self, start: NaiveDate, n: u32, direction: Direction) -> NaiveDate {
        let mut remaining = n;
        let mut current = start;
        if remaining == 0 {
            return current;
        }
        for _ in 0..MAX_SEARCH_DAYS {
            let step = match direction {
                Direction::Forward => current.succ_opt(),
                Direction::Backward => current.pred_opt(),
            };
            let Some(candidate) = step else {
                return current;
            };
            current = candidate;
            if self.is_working_day(current) {
                remaining -= 1;
                if remaining == 0 {
                    return current;
                }
            }
        }
        current
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The number of Mondays–Fridays from 0001-01-01 (day 1, a Monday) through
/// `date`, extended periodically to earlier dates. Only differences are
/// meaningful.
fn weekdays_through(date: NaiveDate) -> i64 {
    let day_number = i64::from(date.num_days_from_ce());
    day_number.div_euclid(7) * 5 + day_number.rem_euclid(7).min(5)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("valid test date")
    }

    /// Tết Bính Ngọ 2026 (Mon 16/02 – Fri 20/02) plus the New Year 2026 swap:
    /// Fri 02/01 off, made up on Sat 10/01.
    fn calendar_2026() -> WorkingCalendar {
        let mut entries = vec![
            (date(2026, 1, 1), DayKind::PublicHoliday),
            (date(2026, 1, 2), DayKind::DayOff),
            (date(2026, 1, 10), DayKind::WorkingDay),
        ];
        entries.extend((16..=20).map(|day| (date(2026, 2, day), DayKind::PublicHoliday)));
        WorkingCalendar::new(entries)
    }

    #[test]
    fn plain_week_has_weekdays_only() {
        let calendar = WorkingCalendar::default();
        // 2023-03-13 is a Monday.
        for day in 13..=17 {
            assert!(calendar.is_working_day(date(2023, 3, day)), "2023-03-{day}");
        }
        assert!(!calendar.is_working_day(date(2023, 3, 18)));
        assert!(!calendar.is_working_day(date(2023, 3, 19)));
    }

    #[test]
    fn calendar_entries_override_the_week() {
        let calendar = calendar_2026();
        assert!(!calendar.is_working_day(date(2026, 2, 16)));
        assert!(!calendar.is_working_day(date(2026, 1, 2)));
        assert!(calendar.is_working_day(date(2026, 1, 10)));
        assert!(!calendar.is_working_day(date(2026, 1, 11)));
    }

    #[test]
    fn last_entry_for_a_date_wins() {
        let calendar = WorkingCalendar::new([
            (date(2026, 8, 22), DayKind::DayOff),
            (date(2026, 8, 22), DayKind::WorkingDay),
        ]);
        assert!(calendar.is_working_day(date(2026, 8, 22)));
    }

    #[test]
    fn next_and_previous_skip_tet_2026() {
        let calendar = calendar_2026();
        assert_eq!(
            calendar.next_working_day(date(2026, 2, 13)),
            date(2026, 2, 23)
        );
        assert_eq!(
            calendar.next_working_day(date(2026, 2, 17)),
            date(2026, 2, 23)
        );
        assert_eq!(
            calendar.previous_working_day(date(2026, 2, 23)),
            date(2026, 2, 13)
        );
        assert_eq!(
            calendar.previous_working_day(date(2026, 2, 18)),
            date(2026, 2, 13)
        );
    }

    #[test]
    fn next_and_previous_skip_weekends() {
        let calendar = WorkingCalendar::default();
        assert_eq!(
            calendar.next_working_day(date(2023, 3, 10)),
            date(2023, 3, 13)
        );
        assert_eq!(
            calendar.next_working_day(date(2023, 3, 14)),
            date(2023, 3, 15)
        );
        assert_eq!(
            calendar.previous_working_day(date(2023, 3, 13)),
            date(2023, 3, 10)
        );
    }

    #[test]
    fn make_up_saturday_is_a_working_day_in_searches() {
        let calendar = calendar_2026();
        assert_eq!(
            calendar.next_working_day(date(2026, 1, 9)),
            date(2026, 1, 10)
        );
        assert_eq!(
            calendar.previous_working_day(date(2026, 1, 12)),
            date(2026, 1, 10)
        );
        // Thu 01/01 and Fri 02/01 are off, so the first working day of 2026 is Mon 05/01.
        assert_eq!(
            calendar.next_working_day(date(2025, 12, 31)),
            date(2026, 1, 5)
        );
    }

    #[test]
    fn working_day_on_or_after_keeps_working_days() {
        let calendar = calendar_2026();
        assert_eq!(
            calendar.working_day_on_or_after(date(2026, 2, 13)),
            date(2026, 2, 13)
        );
        assert_eq!(
            calendar.working_day_on_or_after(date(2026, 2, 14)),
            date(2026, 2, 23)
        );
        assert_eq!(
            calendar.working_day_on_or_after(date(2026, 1, 10)),
            date(2026, 1, 10)
        );
    }

    #[test]
    fn add_working_days_crosses_weekend_and_tet() {
        let calendar = calendar_2026();
        assert_eq!(
            calendar.add_working_days(date(2026, 2, 12), 1),
            date(2026, 2, 13)
        );
        assert_eq!(
            calendar.add_working_days(date(2026, 2, 12), 2),
            date(2026, 2, 23)
        );
        assert_eq!(
            calendar.add_working_days(date(2026, 2, 12), 7),
            date(2026, 3, 2)
        );
        // Starting on a non-working day counts from the next working day.
        assert_eq!(
            calendar.add_working_days(date(2026, 2, 15), 1),
            date(2026, 2, 23)
        );
        // Fri 09/01 + 1 is the make-up Saturday, + 2 is Monday 12/01.
        assert_eq!(
            calendar.add_working_days(date(2026, 1, 9), 1),
            date(2026, 1, 10)
        );
        assert_eq!(
            calendar.add_working_days(date(2026, 1, 9), 2),
            date(2026, 1, 12)
        );
    }

    #[test]
    fn subtract_working_days_crosses_weekend_and_tet() {
        let calendar = calendar_2026();
        assert_eq!(
            calendar.subtract_working_days(date(2026, 2, 24), 1),
            date(2026, 2, 23)
        );
        assert_eq!(
            calendar.subtract_working_days(date(2026, 2, 24), 2),
            date(2026, 2, 13)
        );
        assert_eq!(
            calendar.subtract_working_days(date(2026, 2, 23), 6),
            date(2026, 2, 6)
        );
        assert_eq!(
            calendar.subtract_working_days(date(2026, 1, 12), 1),
            date(2026, 1, 10)
        );
        assert_eq!(
            calendar.subtract_working_days(date(2026, 1, 5), 1),
            date(2025, 12, 31)
        );
    }

    #[test]
    fn zero_working_days_returns_start_unchanged() {
        let calendar = calendar_2026();
        let saturday = date(2026, 2, 14);
        assert_eq!(calendar.add_working_days(saturday, 0), saturday);
        assert_eq!(calendar.subtract_working_days(saturday, 0), saturday);
    }

    #[test]
    fn count_working_days_across_weekend_and_holidays() {
        let calendar = calendar_2026();
        // Fri 2023-03-10 exclusive .. Mon 2023-03-13 inclusive: only Monday.
        assert_eq!(
            calendar.count_working_days(date(2023, 3, 10), date(2023, 3, 13)),
            1
        );
        // Tết: 14/02–22/02 are all off, 23/02–27/02 are worked.
        assert_eq!(
            calendar.count_working_days(date(2026, 2, 13), date(2026, 2, 27)),
            5
        );
        assert_eq!(
            calendar.count_working_days(date(2026, 2, 13), date(2026, 2, 22)),
            0
        );
        // Week of 05/01–11/01/2026: five weekdays plus the make-up Saturday.
        assert_eq!(
            calendar.count_working_days(date(2026, 1, 4), date(2026, 1, 11)),
            6
        );
        // 29/12/2025 .. 04/01/2026 loses Thursday 01/01 and Friday 02/01.
        assert_eq!(
            calendar.count_working_days(date(2025, 12, 28), date(2026, 1, 4)),
            3
        );
    }

    #[test]
    fn count_working_days_ignores_entries_on_the_exclusive_start() {
        let calendar = calendar_2026();
        // The day off 02/01 and the make-up Saturday 10/01 are outside the ranges.
        assert_eq!(
            calendar.count_working_days(date(2026, 1, 2), date(2026, 1, 9)),
            5
        );
        assert_eq!(
            calendar.count_working_days(date(2026, 1, 10), date(2026, 1, 16)),
            5
        );
    }

    #[test]
    fn count_working_days_is_zero_for_empty_or_inverted_ranges() {
        let calendar = calendar_2026();
        assert_eq!(
            calendar.count_working_days(date(2026, 3, 2), date(2026, 3, 2)),
            0
        );
        assert_eq!(
            calendar.count_working_days(date(2026, 3, 6), date(2026, 3, 2)),
            0
        );
    }

    #[test]
    fn count_working_days_matches_day_by_day_count() {
        let calendar = calendar_2026();
        let from = date(2025, 11, 27);
        let mut expected = 0;
        let mut day = from;
        for _ in 0..200 {
            day = day.succ_opt().expect("in range");
            if calendar.is_working_day(day) {
                expected += 1;
            }
            assert_eq!(
                calendar.count_working_days(from, day),
                expected,
                "through {day}"
            );
        }
    }

    #[test]
    fn count_and_add_agree() {
        let calendar = calendar_2026();
        // A Saturday, so walking back from the end lands on the Friday before.
        let start = date(2025, 12, 20);
        let friday_before = date(2025, 12, 19);
        for n in 1..=60 {
            let end = calendar.add_working_days(start, n);
            assert_eq!(calendar.count_working_days(start, end), n);
            assert_eq!(calendar.subtract_working_days(end, n), friday_before);
        }
    }

    #[test]
    fn count_handles_the_whole_date_range() {
        let calendar = WorkingCalendar::default();
        let count = calendar.count_working_days(NaiveDate::MIN, NaiveDate::MAX);
        let span_days = (NaiveDate::MAX - NaiveDate::MIN).num_days();
        let expected_weeks_worth = span_days * 5 / 7;
        assert!((i64::from(count) - expected_weeks_worth).abs() <= 5);
    }

    #[test]
    fn searches_stop_at_the_bound_on_a_calendar_without_working_days() {
        let start = date(2030, 1, 1);
        let bound = chrono::Days::new(u64::from(MAX_SEARCH_DAYS));
        let margin = chrono::Days::new(400);
        let first_off = start
            .checked_sub_days(bound)
            .and_then(|d| d.checked_sub_days(margin));
        let last_off = start
            .checked_add_days(bound)
            .and_then(|d| d.checked_add_days(margin));
        let (Some(mut day), Some(last_off)) = (first_off, last_off) else {
            panic!("test range out of chrono's range");
        };
        let mut entries = Vec::new();
        while day <= last_off {
            entries.push((day, DayKind::DayOff));
            // Weekends too, so that nothing in the range is worked.
            day = day.succ_opt().expect("in range");
        }
        let no_working_days = WorkingCalendar::new(entries);
        let forward_limit = start.checked_add_days(bound).expect("in range");
        let backward_limit = start.checked_sub_days(bound).expect("in range");
        assert_eq!(no_working_days.next_working_day(start), forward_limit);
        assert_eq!(no_working_days.add_working_days(start, 3), forward_limit);
        assert_eq!(no_working_days.previous_working_day(start), backward_limit);
        assert_eq!(
            no_working_days.subtract_working_days(start, 3),
            backward_limit
        );
    }

    #[test]
    fn huge_requests_are_bounded_too() {
        let calendar = WorkingCalendar::default();
        let start = date(2026, 1, 1);
        let bound = chrono::Days::new(u64::from(MAX_SEARCH_DAYS));
        assert_eq!(
            calendar.add_working_days(start, u32::MAX),
            start.checked_add_days(bound).expect("in range")
        );
    }

    #[test]
    fn searches_stop_at_the_ends_of_the_date_range() {
        let calendar = WorkingCalendar::default();
        let last_monday = calendar.previous_working_day(NaiveDate::MAX);
        assert!(last_monday < NaiveDate::MAX);
        assert_eq!(calendar.next_working_day(NaiveDate::MAX), NaiveDate::MAX);
        assert_eq!(
            calendar.previous_working_day(NaiveDate::MIN),
            NaiveDate::MIN
        );
    }

    #[test]
    fn day_kind_names_round_trip() {
        for kind in DayKind::ALL {
            assert_eq!(kind.as_str().parse::<DayKind>(), Ok(kind));
            assert_eq!(kind.to_string(), kind.as_str());
            let json = serde_json::to_string(&kind).expect("serializable");
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(
                serde_json::from_str::<DayKind>(&json).expect("deserializable"),
                kind
            );
        }
        assert_eq!(DayKind::PublicHoliday.as_str(), "public_holiday");
        assert_eq!(DayKind::DayOff.as_str(), "day_off");
        assert_eq!(DayKind::WorkingDay.as_str(), "working_day");
    }

    #[test]
    fn unknown_day_kind_is_rejected_with_a_message() {
        let error = "holiday".parse::<DayKind>().expect_err("not a day kind");
        assert_eq!(error.value, "holiday");
        assert_eq!(
            error.to_string(),
            "unknown day kind 'holiday' (expected public_holiday, day_off or working_day)"
        );
        assert!("Public_Holiday".parse::<DayKind>().is_err());
    }
}
