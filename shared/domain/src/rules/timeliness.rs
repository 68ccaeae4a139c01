//! Classifying a submission as early, on time or late against the unit's
//! effective deadline.
//!
//! The effective deadline is the period's deadline, or the extension granted
//! to the unit; callers resolve it (see [`super::deadline`]) and pass it in.
//! "Early" is measured in working days because the point of the class is to
//! credit units that finished with at least a working day to spare, which a
//! weekend or holiday before the deadline does not give.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::calendar::WorkingCalendar;
use super::local_time::{local_date, local_instant, local_time_of_day};
use crate::model::policy::DeadlineBound;

/// The number of working days before the deadline a submission must beat to
/// count as early, unless the period configures another margin.
pub const DEFAULT_EARLY_MARGIN_WORKING_DAYS: u32 = 1;

/// How a submission's time compares with its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow),
    diesel(sql_type = diesel::sql_types::Text)
)]
pub enum Timeliness {
    /// Submitted before the early threshold: the deadline's local time of
    /// day, the configured number of working days before the deadline.
    Early,
    /// Submitted at or after the early threshold and no later than the
    /// deadline itself (a submission exactly at the deadline is on time).
    OnTime,
    /// Submitted after the deadline.
    Late,
}

impl Timeliness {
    /// Every class, in declaration order.
    pub const ALL: [Timeliness; 3] = [Timeliness::Early, Timeliness::OnTime, Timeliness::Late];

    /// The `snake_case` name used in the database and the API.
    pub fn as_str(&self) -> &'static str {
        match self {
            Timeliness::Early => "early",
            Timeliness::OnTime => "on_time",
            Timeliness::Late => "late",
        }
    }
}

impl fmt::Display for Timeliness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

crate::text_column!(Timeliness);

/// A string that is not one of the [`Timeliness`] names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown timeliness '{value}' (expected early, on_time or late)")]
pub struct ParseTimelinessError {
    /// The rejected input.
    pub value: String,
}

impl FromStr for Timeliness {
    type Err = ParseTimelinessError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Timeliness::ALL
            .into_iter()
            .find(|timeliness| timeliness.as_str() == value)
            .ok_or_else(|| ParseTimelinessError {
                value: value.to_owned(),
            })
    }
}

/// The outcome of comparing one submission with its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimelinessAssessment {
    /// The class of the submission.
    pub timeliness: Timeliness,
    /// Whole minutes after the deadline, rounded up (any part of a minute
    /// counts); 0 unless [`Timeliness::Late`].
    pub minutes_late: i64,
    /// The early threshold that was applied: submissions strictly before it
    /// are early. With a margin of 0 working days it equals the deadline and
    /// nothing is classified early.
    pub early_before: DateTime<Utc>,
}

/// Classifies a submission made at `submitted_at` against `deadline`, the
/// unit's effective deadline; at the deadline's exact instant it is on time
/// when `bound` is inclusive and late (by one minute) when it is exclusive.
///
/// The early threshold is the deadline's local (Vietnam) time of day on the
/// working day `early_margin_working_days` working days before the
/// deadline's local date, so a Monday 16:30 deadline with a margin of 1 has
/// its threshold on the previous Friday at 16:30. A margin of 0 disables the
/// early class.
pub fn assess(
    submitted_at: DateTime<Utc>,
    deadline: DateTime<Utc>,
    calendar: &WorkingCalendar,
    early_margin_working_days: u32,
    bound: DeadlineBound,
) -> TimelinessAssessment {
    let early_before = early_threshold(deadline, calendar, early_margin_working_days);
    let late = match bound {
        DeadlineBound::Inclusive => submitted_at > deadline,
        DeadlineBound::Exclusive => submitted_at >= deadline,
    };
    let (timeliness, minutes_late) = if late {
        (
            Timeliness::Late,
            minutes_late_rounded_up(submitted_at, deadline).max(1),
        )
    } else if early_margin_working_days > 0 && submitted_at < early_before {
        (Timeliness::Early, 0)
    } else {
        (Timeliness::OnTime, 0)
    };
    TimelinessAssessment {
        timeliness,
        minutes_late,
        early_before,
    }
}

/// The instant before which a submission is early.
fn early_threshold(
    deadline: DateTime<Utc>,
    calendar: &WorkingCalendar,
    early_margin_working_days: u32,
) -> DateTime<Utc> {
    if early_margin_working_days == 0 {
        return deadline;
    }
    // Working days are local dates: taking the UTC date would move deadlines
    // before 07:00 local onto the previous day.
    let threshold_date =
        calendar.subtract_working_days(local_date(deadline), early_margin_working_days);
    local_instant(threshold_date, local_time_of_day(deadline))
}

/// Minutes from `deadline` to the later `submitted_at`, rounded up so that
/// even one second late reports one minute.
fn minutes_late_rounded_up(submitted_at: DateTime<Utc>, deadline: DateTime<Utc>) -> i64 {
    let late_by = submitted_at.signed_duration_since(deadline);
    // `late_by` is positive, so `num_seconds` is the floor and any fraction
    // of a second makes the seconds round up; ceil(ceil(s) / 60) is then the
    // ceiling of the exact minutes.
    let whole_or_partial_seconds = late_by.num_seconds() + i64::from(late_by.subsec_nanos() > 0);
    (whole_or_partial_seconds + 59) / 60
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, NaiveTime, TimeDelta};

    use super::super::calendar::DayKind;
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("valid test date")
    }

    /// The instant of a local (UTC+7) wall-clock time.
    fn local(
        year: i32,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
        second: u32,
    ) -> DateTime<Utc> {
        let time = NaiveTime::from_hms_opt(hour, minute, second).expect("valid test time");
        local_instant(date(year, month, day), time)
    }

    fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        let time = NaiveTime::from_hms_opt(hour, minute, 0).expect("valid test time");
        date(year, month, day).and_time(time).and_utc()
    }

    /// The seed scenario's deadline: Friday 2023-03-10 16:30 local.
    fn seed_deadline() -> DateTime<Utc> {
        local(2023, 3, 10, 16, 30, 0)
    }

    /// Hùng Kings' day 2025 (Mon 07/04) and Tết Bính Ngọ 2026 (16/02–20/02).
    fn holiday_calendar() -> WorkingCalendar {
        let mut entries = vec![(date(2025, 4, 7), DayKind::PublicHoliday)];
        entries.extend((16..=20).map(|day| (date(2026, 2, day), DayKind::PublicHoliday)));
        WorkingCalendar::new(entries)
    }

    fn seed(submitted_at: DateTime<Utc>) -> TimelinessAssessment {
        assess(
            submitted_at,
            seed_deadline(),
            &WorkingCalendar::default(),
            DEFAULT_EARLY_MARGIN_WORKING_DAYS,
            DeadlineBound::Inclusive,
        )
    }

    fn on_time(early_before: DateTime<Utc>) -> TimelinessAssessment {
        TimelinessAssessment {
            timeliness: Timeliness::OnTime,
            minutes_late: 0,
            early_before,
        }
    }

    fn early(early_before: DateTime<Utc>) -> TimelinessAssessment {
        TimelinessAssessment {
            timeliness: Timeliness::Early,
            minutes_late: 0,
            early_before,
        }
    }

    fn late(minutes_late: i64, early_before: DateTime<Utc>) -> TimelinessAssessment {
        TimelinessAssessment {
            timeliness: Timeliness::Late,
            minutes_late,
            early_before,
        }
    }

    #[test]
    fn seed_threshold_is_thursday_at_the_deadline_time() {
        let thursday_16_30 = local(2023, 3, 9, 16, 30, 0);
        assert_eq!(thursday_16_30, utc(2023, 3, 9, 9, 30));
        assert_eq!(
            seed(local(2023, 3, 10, 12, 0, 0)).early_before,
            thursday_16_30
        );
    }

    #[test]
    fn seed_submissions_up_to_the_deadline_are_on_time() {
        let threshold = local(2023, 3, 9, 16, 30, 0);
        assert_eq!(seed(local(2023, 3, 10, 16, 29, 0)), on_time(threshold));
        assert_eq!(seed(local(2023, 3, 10, 16, 29, 59)), on_time(threshold));
        // Exactly at the deadline is still on time.
        assert_eq!(seed(local(2023, 3, 10, 16, 30, 0)), on_time(threshold));
        assert_eq!(seed(utc(2023, 3, 10, 9, 30)), on_time(threshold));
    }

    #[test]
    fn seed_late_minutes_round_up() {
        let threshold = local(2023, 3, 9, 16, 30, 0);
        assert_eq!(seed(local(2023, 3, 10, 16, 30, 1)), late(1, threshold));
        assert_eq!(seed(local(2023, 3, 10, 16, 31, 0)), late(1, threshold));
        assert_eq!(seed(local(2023, 3, 10, 16, 31, 1)), late(2, threshold));
        assert_eq!(seed(local(2023, 3, 10, 18, 0, 0)), late(90, threshold));
    }

    #[test]
    fn a_fraction_of_a_second_late_is_one_minute_late() {
        let just_after = seed_deadline() + TimeDelta::milliseconds(1);
        let assessment = seed(just_after);
        assert_eq!(assessment.timeliness, Timeliness::Late);
        assert_eq!(assessment.minutes_late, 1);
        let a_minute_and_a_bit = seed_deadline() + TimeDelta::milliseconds(60_001);
        assert_eq!(seed(a_minute_and_a_bit).minutes_late, 2);
    }

    #[test]
    fn seed_monday_morning_is_late_by_the_whole_weekend() {
        // Fri 16:30 → Mon 08:00 is 2 days and 15 h 30 min: 2 × 1440 + 930.
        let assessment = seed(local(2023, 3, 13, 8, 0, 0));
        assert_eq!(assessment, late(3810, local(2023, 3, 9, 16, 30, 0)));
    }

    #[test]
    fn late_by_several_days_counts_calendar_minutes() {
        // Wed 2023-03-15 09:15:30 is 5 days minus 7 h 14 min 30 s after the
        // deadline: 7200 − 434.5 = 6765.5 minutes, rounded up.
        let assessment = seed(local(2023, 3, 15, 9, 15, 30));
        assert_eq!(assessment.timeliness, Timeliness::Late);
        assert_eq!(assessment.minutes_late, 6766);
    }

    #[test]
    fn seed_thursday_afternoon_is_early_only_before_the_threshold() {
        let threshold = local(2023, 3, 9, 16, 30, 0);
        assert_eq!(seed(local(2023, 3, 9, 16, 29, 0)), early(threshold));
        assert_eq!(seed(local(2023, 3, 9, 16, 29, 59)), early(threshold));
        // Exactly at the threshold is no longer early.
        assert_eq!(seed(local(2023, 3, 9, 16, 30, 0)), on_time(threshold));
        assert_eq!(seed(local(2023, 3, 9, 16, 31, 0)), on_time(threshold));
        assert_eq!(seed(local(2023, 3, 1, 8, 0, 0)), early(threshold));
    }

    #[test]
    fn margin_of_two_moves_the_threshold_to_wednesday() {
        let calendar = WorkingCalendar::default();
        let threshold = local(2023, 3, 8, 16, 30, 0);
        let assess_seed = |submitted_at| {
            assess(
                submitted_at,
                seed_deadline(),
                &calendar,
                2,
                DeadlineBound::Inclusive,
            )
        };
        assert_eq!(assess_seed(local(2023, 3, 8, 16, 29, 0)), early(threshold));
        assert_eq!(
            assess_seed(local(2023, 3, 8, 16, 30, 0)),
            on_time(threshold)
        );
        // Early with a margin of 1, but not with 2.
        assert_eq!(assess_seed(local(2023, 3, 9, 10, 0, 0)), on_time(threshold));
        assert_eq!(
            assess_seed(local(2023, 3, 10, 16, 31, 0)),
            late(1, threshold)
        );
    }

    #[test]
    fn margin_of_zero_never_classifies_early() {
        let calendar = WorkingCalendar::default();
        let deadline = seed_deadline();
        for submitted_at in [
            local(2023, 2, 1, 8, 0, 0),
            local(2023, 3, 9, 16, 29, 0),
            local(2023, 3, 10, 16, 29, 0),
            deadline,
        ] {
            assert_eq!(
                assess(
                    submitted_at,
                    deadline,
                    &calendar,
                    0,
                    DeadlineBound::Inclusive
                ),
                on_time(deadline),
                "{submitted_at}"
            );
        }
        assert_eq!(
            assess(
                local(2023, 3, 10, 16, 31, 0),
                deadline,
                &calendar,
                0,
                DeadlineBound::Inclusive
            ),
            late(1, deadline)
        );
    }

    #[test]
    fn monday_deadline_threshold_is_the_previous_friday() {
        let calendar = WorkingCalendar::default();
        let deadline = local(2023, 3, 13, 16, 30, 0);
        let threshold = local(2023, 3, 10, 16, 30, 0);
        let assess_monday = |submitted_at| {
            assess(
                submitted_at,
                deadline,
                &calendar,
                1,
                DeadlineBound::Inclusive,
            )
        };
        assert_eq!(
            assess_monday(local(2023, 3, 10, 16, 29, 0)),
            early(threshold)
        );
        // The weekend does not count as a working day to spare.
        assert_eq!(
            assess_monday(local(2023, 3, 10, 16, 30, 0)),
            on_time(threshold)
        );
        assert_eq!(
            assess_monday(local(2023, 3, 11, 10, 0, 0)),
            on_time(threshold)
        );
        assert_eq!(
            assess_monday(local(2023, 3, 12, 23, 0, 0)),
            on_time(threshold)
        );
    }

    #[test]
    fn holiday_before_the_deadline_is_skipped() {
        // Tue 2025-04-08 17:00; Mon 07/04 is Hùng Kings' day, so the working
        // day before is Fri 04/04.
        let calendar = holiday_calendar();
        let deadline = local(2025, 4, 8, 17, 0, 0);
        let threshold = local(2025, 4, 4, 17, 0, 0);
        assert_eq!(
            assess(
                local(2025, 4, 4, 16, 59, 0),
                deadline,
                &calendar,
                1,
                DeadlineBound::Inclusive
            ),
            early(threshold)
        );
        assert_eq!(
            assess(
                local(2025, 4, 7, 9, 0, 0),
                deadline,
                &calendar,
                1,
                DeadlineBound::Inclusive
            ),
            on_time(threshold)
        );
        // Without the holiday, Monday would already be the threshold day.
        assert_eq!(
            assess(
                local(2025, 4, 7, 9, 0, 0),
                deadline,
                &WorkingCalendar::default(),
                1,
                DeadlineBound::Inclusive,
            ),
            early(local(2025, 4, 7, 17, 0, 0))
        );
    }

    #[test]
    fn margin_spans_the_tet_break() {
        // Tue 2026-02-24: one working day back is Mon 23/02, two is Fri 13/02.
        let calendar = holiday_calendar();
        let deadline = local(2026, 2, 24, 16, 30, 0);
        let threshold = local(2026, 2, 13, 16, 30, 0);
        assert_eq!(
            assess(
                local(2026, 2, 13, 16, 29, 0),
                deadline,
                &calendar,
                2,
                DeadlineBound::Inclusive
            ),
            early(threshold)
        );
        assert_eq!(
            assess(
                local(2026, 2, 18, 9, 0, 0),
                deadline,
                &calendar,
                2,
                DeadlineBound::Inclusive
            ),
            on_time(threshold)
        );
    }

    #[test]
    fn threshold_uses_the_local_date_of_the_deadline() {
        // Tue 2023-03-14 06:00 local is Mon 23:00 UTC. The threshold is Mon
        // 06:00 local; taking the UTC date would put it on Sat 06:00 local.
        let calendar = WorkingCalendar::default();
        let deadline = local(2023, 3, 14, 6, 0, 0);
        assert_eq!(deadline, utc(2023, 3, 13, 23, 0));
        let threshold = local(2023, 3, 13, 6, 0, 0);
        assert_eq!(
            assess(
                local(2023, 3, 12, 10, 0, 0),
                deadline,
                &calendar,
                1,
                DeadlineBound::Inclusive
            ),
            early(threshold)
        );
        assert_eq!(
            assess(
                local(2023, 3, 13, 6, 0, 0),
                deadline,
                &calendar,
                1,
                DeadlineBound::Inclusive
            ),
            on_time(threshold)
        );
    }

    #[test]
    fn deadline_on_a_non_working_day_counts_back_from_it() {
        // An unshifted Saturday deadline: the working day before is Friday.
        let calendar = WorkingCalendar::default();
        let deadline = local(2023, 3, 11, 10, 0, 0);
        let assessment = assess(
            local(2023, 3, 10, 9, 59, 0),
            deadline,
            &calendar,
            1,
            DeadlineBound::Inclusive,
        );
        assert_eq!(assessment, early(local(2023, 3, 10, 10, 0, 0)));
    }

    #[test]
    fn timeliness_names_round_trip() {
        for timeliness in Timeliness::ALL {
            assert_eq!(timeliness.as_str().parse::<Timeliness>(), Ok(timeliness));
            assert_eq!(timeliness.to_string(), timeliness.as_str());
            let json = serde_json::to_string(&timeliness).expect("serializable");
            assert_eq!(json, format!("\"{}\"", timeliness.as_str()));
            assert_eq!(
                serde_json::from_str::<Timeliness>(&json).expect("deserializable"),
                timeliness
            );
        }
        assert_eq!(Timeliness::Early.as_str(), "early");
        assert_eq!(Timeliness::OnTime.as_str(), "on_time");
        assert_eq!(Timeliness::Late.as_str(), "late");
    }

    #[test]
    fn unknown_timeliness_is_rejected_with_a_message() {
        let error = "overdue".parse::<Timeliness>().expect_err("not a class");
        assert_eq!(error.value, "overdue");
        assert_eq!(
            error.to_string(),
            "unknown timeliness 'overdue' (expected early, on_time or late)"
        );
        assert!("OnTime".parse::<Timeliness>().is_err());
        assert!(serde_json::from_str::<Timeliness>("\"on-time\"").is_err());
    }

    /// Seed 000 asks for reports "trước 16h30 ngày 10/3/2023" (before 16:30). Where a period
    /// words it so (`exclusive`), 16:30:00 itself is late by a minute; by default (`inclusive`,
    /// "chậm nhất 16h30") it is on time. A second before is on time either way.
    #[test]
    fn the_deadline_instant_is_on_time_or_late_as_the_period_words_it() {
        let calendar = WorkingCalendar::default();
        let at = |bound, time| assess(time, seed_deadline(), &calendar, 0, bound);
        let deadline = seed_deadline();
        assert_eq!(
            at(DeadlineBound::Inclusive, deadline).timeliness,
            Timeliness::OnTime
        );
        let exclusive = at(DeadlineBound::Exclusive, deadline);
        assert_eq!(
            (exclusive.timeliness, exclusive.minutes_late),
            (Timeliness::Late, 1)
        );
        let second_before = local(2023, 3, 10, 16, 29, 59);
        assert_eq!(
            at(DeadlineBound::Exclusive, second_before).timeliness,
            Timeliness::OnTime
        );
        let late = at(DeadlineBound::Exclusive, local(2023, 3, 10, 16, 32, 0));
        assert_eq!((late.timeliness, late.minutes_late), (Timeliness::Late, 2));
    }
}
