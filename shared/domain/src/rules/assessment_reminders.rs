//! When a PAR Index self-assessment round's mail is due, besides the reminder schedule and the
//! escalations it shares with periods and tasks (`rules::reminders`).
//!
//! - A unit owes a part while it is pending or returned and the criterion is one the unit
//!   scores (entered or by level): computed criteria are the system's, survey ones the
//!   Office's.
//! - The Office's readiness digest goes out daily, on working days at the digest time and
//!   inside office hours, from [`DIGEST_LEAD_WORKING_DAYS`] working days before the units'
//!   deadline day until the round is sent (the caller checks the round is open).

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use crate::model::assessment::{AssessmentItem, ItemStatus};
use crate::model::policy::ReminderPolicy;
use crate::rules::calendar::WorkingCalendar;
use crate::rules::local_time::{local_date, local_time_of_day};
use crate::rules::reminders::next_working_slot;

/// How many working days before the units' deadline day the readiness digest starts: the
/// default reminders' widest window (D-5), so the Office sees the board from the day the units
/// are first reminded.
pub const DIGEST_LEAD_WORKING_DAYS: u32 = 5;

/// Whether the part's responsible unit still has something to do.
pub fn unit_owes(item: &AssessmentItem) -> bool {
    item.unit.is_some()
        && matches!(item.status, ItemStatus::Pending | ItemStatus::Returned)
        && matches!(item.method.as_str(), "entered" | "levels")
}

/// The first day of the readiness digest: [`DIGEST_LEAD_WORKING_DAYS`] working days before the
/// last working day on or before the units' deadline.
pub fn digest_starts_on(units_due_at: DateTime<Utc>, calendar: &WorkingCalendar) -> NaiveDate {
    let day = local_date(units_due_at);
    let base = if calendar.is_working_day(day) {
        day
    } else {
        calendar.previous_working_day(day)
    };
    calendar.subtract_working_days(base, DIGEST_LEAD_WORKING_DAYS)
}

/// The local day whose readiness digest is due at `now`, if one is: a working day from
/// [`digest_starts_on`], at or after `digest_time`, inside the policy's office hours.
pub fn readiness_digest_due(
    units_due_at: DateTime<Utc>,
    now: DateTime<Utc>,
    digest_time: NaiveTime,
    policy: &ReminderPolicy,
    calendar: &WorkingCalendar,
) -> Option<NaiveDate> {
    let today = local_date(now);
    let in_office_hours = next_working_slot(
        now,
        calendar,
        policy.office_hours_start,
        policy.office_hours_end,
    ) == now;
    (in_office_hours
        && local_time_of_day(now) >= digest_time
        && today >= digest_starts_on(units_due_at, calendar))
    .then_some(today)
}

#[cfg(test)]
mod tests {
    use chrono::FixedOffset;
    use rust_decimal::Decimal;

    use super::*;
    use crate::model::plan::UnitRef;
    use crate::rules::calendar::DayKind;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::<FixedOffset>::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn digest_time() -> NaiveTime {
        NaiveTime::from_hms_opt(7, 30, 0).unwrap()
    }

    fn due(now: &str, calendar: &WorkingCalendar) -> Option<NaiveDate> {
        readiness_digest_due(
            at("2026-12-15T17:00:00+07:00"),
            at(now),
            digest_time(),
            &ReminderPolicy::default(),
            calendar,
        )
    }

    #[test]
    fn the_digest_starts_five_working_days_before_the_deadline_day() {
        let plain = WorkingCalendar::default();
        // Tuesday 15/12/2026: five working days before is Tuesday 08/12.
        assert_eq!(
            digest_starts_on(at("2026-12-15T17:00:00+07:00"), &plain),
            day("2026-12-08")
        );
        assert_eq!(due("2026-12-07T09:00:00+07:00", &plain), None);
        assert_eq!(due("2026-12-08T07:29:00+07:00", &plain), None);
        assert_eq!(
            due("2026-12-08T07:30:00+07:00", &plain),
            Some(day("2026-12-08"))
        );
        // Every working day after, the deadline passed or not (until the round is sent).
        assert_eq!(
            due("2026-12-21T10:00:00+07:00", &plain),
            Some(day("2026-12-21"))
        );
        // Not at the weekend, nor after office hours.
        assert_eq!(due("2026-12-12T09:00:00+07:00", &plain), None);
        assert_eq!(due("2026-12-09T17:00:00+07:00", &plain), None);
    }

    #[test]
    fn days_off_push_the_start_back_and_a_weekend_deadline_counts_from_friday() {
        let calendar = WorkingCalendar::new([
            (day("2026-12-10"), DayKind::DayOff),
            (day("2026-12-11"), DayKind::DayOff),
        ]);
        // Working days before Tue 15: Mon 14, Wed 9, Tue 8, Mon 7, Fri 4.
        assert_eq!(
            digest_starts_on(at("2026-12-15T17:00:00+07:00"), &calendar),
            day("2026-12-04")
        );
        // Saturday 19/12: counted from Friday 18/12.
        assert_eq!(
            digest_starts_on(at("2026-12-19T11:00:00+07:00"), &WorkingCalendar::default()),
            day("2026-12-11")
        );
    }

    fn item(status: ItemStatus, method: &str, unit: bool) -> AssessmentItem {
        AssessmentItem {
            criterion_id: 1,
            code: "1.1".into(),
            area_code: "1".into(),
            title: "Ban hành kế hoạch CCHC".into(),
            max_points: Decimal::from(2),
            method: method.into(),
            unit: unit.then(|| UnitRef {
                id: 3,
                code: "VP".into(),
                name: "Văn phòng Sở".into(),
            }),
            status,
            self_points: None,
            level: None,
            explanation: None,
            evidence: Vec::new(),
            return_reason: None,
            computed: None,
            problems: Vec::new(),
            proposed_at: None,
            proposed_by: None,
        }
    }

    #[test]
    fn a_unit_owes_its_pending_and_returned_parts_it_scores() {
        assert!(unit_owes(&item(ItemStatus::Pending, "levels", true)));
        assert!(unit_owes(&item(ItemStatus::Returned, "entered", true)));
        assert!(!unit_owes(&item(ItemStatus::Proposed, "entered", true)));
        assert!(!unit_owes(&item(ItemStatus::Accepted, "entered", true)));
        assert!(!unit_owes(&item(ItemStatus::Pending, "survey", true)));
        assert!(!unit_owes(&item(ItemStatus::Pending, "indicator", true)));
        assert!(!unit_owes(&item(ItemStatus::Pending, "entered", false)));
    }
}
