//! The compliance board's arithmetic: who has reported by a given instant, who on time, and the
//! rates the Office reports upwards (DHIS2's reporting-rate summary, with deadlines that have a
//! time of day).

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::rules::timeliness::Timeliness;

/// What the board knows about one participating unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitReport {
    /// When the unit first submitted, if it has.
    pub first_submitted_at: Option<DateTime<Utc>>,
    /// The timeliness of that first submission.
    pub timeliness: Option<Timeliness>,
    /// The unit's deadline (an extension's, or the period's).
    pub deadline: DateTime<Utc>,
}

/// How one unit stands at the board's instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Reported by then, with the first submission's timeliness.
    Reported(Timeliness),
    /// Not reported yet and the deadline has not passed.
    Pending,
    /// Not reported and the deadline has passed by this many minutes (rounded up).
    Missing { overdue_minutes: i64 },
}

/// The standing of a unit at `as_of`: a submission after `as_of` does not count yet.
pub fn standing(report: &UnitReport, as_of: DateTime<Utc>) -> Standing {
    match (report.first_submitted_at, report.timeliness) {
        (Some(at), Some(timeliness)) if at <= as_of => Standing::Reported(timeliness),
        _ if as_of > report.deadline => {
            let seconds = (as_of - report.deadline).num_seconds();
            Standing::Missing {
                overdue_minutes: (seconds + 59) / 60,
            }
        }
        _ => Standing::Pending,
    }
}

/// Counts and rates over every participating unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    pub expected: u32,
    pub reported: u32,
    pub early: u32,
    pub on_time: u32,
    pub late: u32,
    pub pending: u32,
    pub missing: u32,
    /// Reported units over expected units, in percent (2 decimals); `None` with no units.
    pub reporting_rate: Option<Decimal>,
    /// Units that reported early or on time over expected units, in percent (2 decimals).
    pub on_time_rate: Option<Decimal>,
}

fn percent(part: u32, whole: u32) -> Option<Decimal> {
    if whole == 0 {
        return None;
    }
    (Decimal::from(part) * Decimal::ONE_HUNDRED)
        .checked_div(Decimal::from(whole))
        .map(|p| p.round_dp(2).normalize())
}

pub fn totals(standings: &[Standing]) -> Totals {
    let mut counts = Counts::default();
    for standing in standings {
        counts.count(*standing, 1);
    }
    counts.totals()
}

/// How many units stand each way: what [`Totals`] are computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub early: u32,
    pub on_time: u32,
    pub late: u32,
    pub pending: u32,
    pub missing: u32,
}

impl Counts {
    /// Counts `units` more units standing as `standing`.
    pub fn count(&mut self, standing: Standing, units: u32) {
        let slot = match standing {
            Standing::Reported(Timeliness::Early) => &mut self.early,
            Standing::Reported(Timeliness::OnTime) => &mut self.on_time,
            Standing::Reported(Timeliness::Late) => &mut self.late,
            Standing::Pending => &mut self.pending,
            Standing::Missing { .. } => &mut self.missing,
        };
        *slot = slot.saturating_add(units);
    }

    /// The totals and rates over every unit counted.
    pub fn totals(self) -> Totals {
        let reported = self.early + self.on_time + self.late;
        let expected = reported + self.pending + self.missing;
        Totals {
            expected,
            reported,
            early: self.early,
            on_time: self.on_time,
            late: self.late,
            pending: self.pending,
            missing: self.missing,
            reporting_rate: percent(reported, expected),
            on_time_rate: percent(self.early + self.on_time, expected),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn report(submitted: Option<&str>, timeliness: Option<Timeliness>) -> UnitReport {
        UnitReport {
            first_submitted_at: submitted.map(at),
            timeliness,
            deadline: at("2023-03-10T16:30:00+07:00"),
        }
    }

    #[test]
    fn a_submission_counts_only_from_its_instant() {
        let on_time = report(Some("2023-03-10T16:29:00+07:00"), Some(Timeliness::OnTime));
        assert_eq!(
            standing(&on_time, at("2023-03-10T16:00:00+07:00")),
            Standing::Pending
        );
        assert_eq!(
            standing(&on_time, at("2023-03-10T16:29:00+07:00")),
            Standing::Reported(Timeliness::OnTime)
        );
    }

    #[test]
    fn missing_units_are_overdue_by_whole_minutes_rounded_up() {
        let none = report(None, None);
        assert_eq!(
            standing(&none, at("2023-03-10T16:30:00+07:00")),
            Standing::Pending
        );
        assert_eq!(
            standing(&none, at("2023-03-10T16:30:01+07:00")),
            Standing::Missing { overdue_minutes: 1 }
        );
        assert_eq!(
            standing(&none, at("2023-03-10T17:30:00+07:00")),
            Standing::Missing {
                overdue_minutes: 60
            }
        );
        // A late submission that has not come in yet is missing until it does.
        let late = report(Some("2023-03-13T08:00:00+07:00"), Some(Timeliness::Late));
        assert_eq!(
            standing(&late, at("2023-03-11T16:30:00+07:00")),
            Standing::Missing {
                overdue_minutes: 24 * 60
            }
        );
    }

    #[test]
    fn totals_and_rates() {
        let standings = [
            Standing::Reported(Timeliness::Early),
            Standing::Reported(Timeliness::OnTime),
            Standing::Reported(Timeliness::Late),
            Standing::Missing { overdue_minutes: 5 },
            Standing::Pending,
            Standing::Reported(Timeliness::OnTime),
        ];
        let totals = totals(&standings);
        assert_eq!(totals.expected, 6);
        assert_eq!(totals.reported, 4);
        assert_eq!((totals.early, totals.on_time, totals.late), (1, 2, 1));
        assert_eq!((totals.pending, totals.missing), (1, 1));
        assert_eq!(totals.reporting_rate, Some(Decimal::new(6667, 2)));
        assert_eq!(totals.on_time_rate, Some(Decimal::from(50)));
        assert_eq!(super::totals(&[]).reporting_rate, None);
    }
}
