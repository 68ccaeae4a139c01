//! Submission deadlines: shifting off non-working days and checking that the
//! deadline leaves time after the cut-off.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::calendar::WorkingCalendar;
use super::cutoff::CutoffWindow;
use super::local_time::{local_date, local_instant};

/// The deadline a period asked for and the one that actually applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlineResolution {
    /// The deadline as configured.
    pub requested: DateTime<Utc>,
    /// The deadline that applies after shifting off a non-working day.
    pub effective: DateTime<Utc>,
    /// Whether `effective` differs from `requested` because of the shift.
    pub shifted: bool,
}

/// The deadline that applies to `requested`.
///
/// Under Civil Code 2015 Art. 148, a time limit ending on a non-working day
/// ends at the end of the next working day; so a deadline whose local date is
/// not a working day becomes the next working day at `end_of_working_day`
/// (local time, e.g. 17:00). A deadline on a working day, or any deadline
/// when `shift_if_non_working` is false (the period opted out), is kept as is.
pub fn resolve_deadline(
    requested: DateTime<Utc>,
    calendar: &WorkingCalendar,
    end_of_working_day: NaiveTime,
    shift_if_non_working: bool,
) -> DeadlineResolution {
    let requested_date = local_date(requested);
    if !shift_if_non_working || calendar.is_working_day(requested_date) {
        return DeadlineResolution {
            requested,
            effective: requested,
            shifted: false,
        };
    }
    let effective_date = calendar.next_working_day(requested_date);
    DeadlineResolution {
        requested,
        effective: local_instant(effective_date, end_of_working_day),
        shifted: true,
    }
}

/// A deadline that leaves no working day after the cut-off for compiling
/// the report. Callers decide whether this is a warning or an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlineTooEarly {
    /// Local date of the deadline that was checked.
    pub deadline_date: NaiveDate,
    /// The first working day after `data_to`: the earliest acceptable date.
    pub earliest_allowed_date: NaiveDate,
    /// The last day of data covered by the report.
    pub data_to: NaiveDate,
}

impl DeadlineTooEarly {
    /// An English explanation naming the dates, suitable for API responses.
    pub fn message(&self) -> String {
        format!(
            "the deadline ({}) must be on or after {}, the first working day after the cut-off end ({})",
            self.deadline_date, self.earliest_allowed_date, self.data_to
        )
    }
}

impl fmt::Display for DeadlineTooEarly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for DeadlineTooEarly {}

/// Checks that `deadline` leaves at least one working day after the cut-off:
/// its local date must be on or after the first working day strictly after
/// `window.data_to`.
///
/// Pass the deadline that will actually apply (usually
/// [`DeadlineResolution::effective`]).
///
/// # Errors
///
/// [`DeadlineTooEarly`] when the deadline's local date is before that first
/// working day; whether this blocks the period or is only reported as a
/// warning is the caller's policy.
pub fn check_deadline_after_cutoff(
    window: &CutoffWindow,
    deadline: DateTime<Utc>,
    calendar: &WorkingCalendar,
) -> Result<(), DeadlineTooEarly> {
    let deadline_date = local_date(deadline);
    let earliest_allowed_date = calendar.next_working_day(window.data_to);
    if deadline_date >= earliest_allowed_date {
        Ok(())
    } else {
        Err(DeadlineTooEarly {
            deadline_date,
            earliest_allowed_date,
            data_to: window.data_to,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::calendar::DayKind;
    use super::super::cutoff::{decree09_window, Frequency};
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("valid test date")
    }

    fn time(hour: u32, minute: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(hour, minute, 0).expect("valid test time")
    }

    fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        date(year, month, day)
            .and_time(time(hour, minute))
            .and_utc()
    }

    fn end_of_day() -> NaiveTime {
        time(17, 0)
    }

    /// Hùng Kings' day 2025 (Mon 07/04) and Tết Bính Ngọ 2026 (16/02–20/02).
    fn calendar() -> WorkingCalendar {
        let mut entries = vec![(date(2025, 4, 7), DayKind::PublicHoliday)];
        entries.extend((16..=20).map(|day| (date(2026, 2, day), DayKind::PublicHoliday)));
        WorkingCalendar::new(entries)
    }

    #[test]
    fn saturday_deadline_moves_to_monday_end_of_day() {
        // Sat 2023-03-11 10:00 local.
        let requested = local_instant(date(2023, 3, 11), time(10, 0));
        let resolution = resolve_deadline(requested, &calendar(), end_of_day(), true);
        assert_eq!(
            resolution,
            DeadlineResolution {
                requested,
                effective: utc(2023, 3, 13, 10, 0),
                shifted: true,
            }
        );
        assert_eq!(
            super::super::local_time::to_local(resolution.effective).to_rfc3339(),
            "2023-03-13T17:00:00+07:00"
        );
    }

    #[test]
    fn holiday_monday_deadline_moves_to_tuesday() {
        let requested = local_instant(date(2025, 4, 7), time(9, 0));
        let resolution = resolve_deadline(requested, &calendar(), end_of_day(), true);
        assert!(resolution.shifted);
        assert_eq!(
            resolution.effective,
            local_instant(date(2025, 4, 8), end_of_day())
        );
    }

    #[test]
    fn tet_deadline_moves_past_the_whole_break() {
        let requested = local_instant(date(2026, 2, 16), time(16, 30));
        let resolution = resolve_deadline(requested, &calendar(), end_of_day(), true);
        assert_eq!(resolution.effective, utc(2026, 2, 23, 10, 0));
    }

    #[test]
    fn working_day_deadline_is_unchanged() {
        // Wed 2023-03-15 16:30 local, after the configured end of day: kept as is.
        let requested = local_instant(date(2023, 3, 15), time(16, 30));
        let resolution = resolve_deadline(requested, &calendar(), time(11, 0), true);
        assert_eq!(
            resolution,
            DeadlineResolution {
                requested,
                effective: requested,
                shifted: false,
            }
        );
    }

    #[test]
    fn disabled_shifting_keeps_a_weekend_deadline() {
        let requested = local_instant(date(2023, 3, 11), time(10, 0));
        let resolution = resolve_deadline(requested, &calendar(), end_of_day(), false);
        assert_eq!(resolution.effective, requested);
        assert!(!resolution.shifted);
    }

    #[test]
    fn shifting_uses_the_local_date_not_the_utc_date() {
        // Fri 2023-03-10 18:00 UTC is Sat 01:00 in Vietnam.
        let requested = utc(2023, 3, 10, 18, 0);
        let resolution = resolve_deadline(requested, &calendar(), end_of_day(), true);
        assert_eq!(
            resolution.effective,
            local_instant(date(2023, 3, 13), end_of_day())
        );
        // Fri 2023-03-10 16:59 UTC is still Friday 23:59 locally.
        let friday_night = utc(2023, 3, 10, 16, 59);
        let resolution = resolve_deadline(friday_night, &calendar(), end_of_day(), true);
        assert!(!resolution.shifted);
    }

    #[test]
    fn seed_scenario_q1_2023_deadline_before_cutoff_end_is_too_early() {
        let window = decree09_window(Frequency::Quarterly, 2023, Some(1)).expect("Q1 window");
        assert_eq!(window.data_to, date(2023, 3, 14));
        let deadline = local_instant(date(2023, 3, 10), time(16, 30));
        let error =
            check_deadline_after_cutoff(&window, deadline, &calendar()).expect_err("too early");
        assert_eq!(
            error,
            DeadlineTooEarly {
                deadline_date: date(2023, 3, 10),
                earliest_allowed_date: date(2023, 3, 15),
                data_to: date(2023, 3, 14),
            }
        );
        assert_eq!(
            error.message(),
            "the deadline (2023-03-10) must be on or after 2023-03-15, \
             the first working day after the cut-off end (2023-03-14)"
        );
        assert_eq!(error.to_string(), error.message());
    }

    #[test]
    fn deadline_on_the_first_working_day_after_cutoff_passes() {
        let window = decree09_window(Frequency::Quarterly, 2023, Some(1)).expect("Q1 window");
        // Local midnight of 2023-03-15 is 2023-03-14 17:00 UTC.
        let start_of_day = utc(2023, 3, 14, 17, 0);
        assert_eq!(
            check_deadline_after_cutoff(&window, start_of_day, &calendar()),
            Ok(())
        );
        let last_minute_too_early = utc(2023, 3, 14, 16, 59);
        assert!(check_deadline_after_cutoff(&window, last_minute_too_early, &calendar()).is_err());
    }

    #[test]
    fn deadline_on_the_cutoff_end_itself_is_too_early() {
        let window = decree09_window(Frequency::Monthly, 2023, Some(3)).expect("March window");
        let deadline = local_instant(date(2023, 3, 14), time(17, 0));
        assert_eq!(
            check_deadline_after_cutoff(&window, deadline, &calendar()),
            Err(DeadlineTooEarly {
                deadline_date: date(2023, 3, 14),
                earliest_allowed_date: date(2023, 3, 15),
                data_to: date(2023, 3, 14),
            })
        );
    }

    #[test]
    fn earliest_allowed_date_skips_weekends_and_holidays() {
        // Data up to Fri 2026-02-13, then a weekend and Tết: earliest is Mon 23/02.
        let window = CutoffWindow {
            data_from: date(2026, 1, 15),
            data_to: date(2026, 2, 13),
        };
        let during_tet = local_instant(date(2026, 2, 20), time(9, 0));
        let error =
            check_deadline_after_cutoff(&window, during_tet, &calendar()).expect_err("during Tết");
        assert_eq!(error.earliest_allowed_date, date(2026, 2, 23));
        let after_tet = local_instant(date(2026, 2, 23), time(9, 0));
        assert_eq!(
            check_deadline_after_cutoff(&window, after_tet, &calendar()),
            Ok(())
        );
    }
}
