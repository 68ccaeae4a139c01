//! When an emulation campaign round's reminders are due, on the reminder schedule periods,
//! tasks and self-assessment rounds share (`rules::reminders`), from a round's local dates:
//!
//! - the Office is reminded before the round's review (sơ kết): a review date on a non-working
//!   day counts from the working day it effectively falls on;
//! - the competing units are reminded before the round ends.
//!
//! A date is due at the end of that day's office hours (the policy's `office_hours_end`, the
//! "end of the working day"), so the policy's steps, D-0 and the deadline-day reminder
//! included, all fall before it. A round's units are reminded only once it has started.

use chrono::{DateTime, NaiveDate, Utc};

use crate::model::policy::ReminderPolicy;
use crate::rules::calendar::WorkingCalendar;
use crate::rules::local_time::{local_date, local_instant};
use crate::rules::reminders::{due_reminder, reminder_schedule, ReminderStep};

/// The working day a review effectively falls on and the instant the Office's reminders count
/// to: the end of office hours that day.
pub fn review_due(
    review_on: NaiveDate,
    policy: &ReminderPolicy,
    calendar: &WorkingCalendar,
) -> (NaiveDate, DateTime<Utc>) {
    let effective = calendar.working_day_on_or_after(review_on);
    (effective, local_instant(effective, policy.office_hours_end))
}

/// The instant the units' reminders count to: the end of office hours on the round's last
/// day (a last day off work is reminded of on the working day before, as any deadline is).
pub fn round_end_due(ends_on: NaiveDate, policy: &ReminderPolicy) -> DateTime<Utc> {
    local_instant(ends_on, policy.office_hours_end)
}

/// The step of the Office's reminder due at `now` for a review on `review_on`, if one is.
pub fn office_step_due(
    review_on: NaiveDate,
    policy: &ReminderPolicy,
    calendar: &WorkingCalendar,
    now: DateTime<Utc>,
) -> Option<(ReminderStep, DateTime<Utc>)> {
    let (_, due) = review_due(review_on, policy, calendar);
    step_before(due, policy, calendar, now)
}

/// The step of the units' reminder due at `now` for a round from `starts_on` to `ends_on`, if
/// one is: none before the round starts.
pub fn units_step_due(
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    policy: &ReminderPolicy,
    calendar: &WorkingCalendar,
    now: DateTime<Utc>,
) -> Option<(ReminderStep, DateTime<Utc>)> {
    if local_date(now) < starts_on {
        return None;
    }
    step_before(round_end_due(ends_on, policy), policy, calendar, now)
}

fn step_before(
    due: DateTime<Utc>,
    policy: &ReminderPolicy,
    calendar: &WorkingCalendar,
    now: DateTime<Utc>,
) -> Option<(ReminderStep, DateTime<Utc>)> {
    if now >= due {
        return None;
    }
    let schedule = reminder_schedule(due, policy, calendar);
    due_reminder(&schedule, now).map(|r| (r.step, due))
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

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn policy() -> ReminderPolicy {
        ReminderPolicy::default()
    }

    #[test]
    fn a_review_on_a_working_day_is_due_at_the_end_of_its_office_hours() {
        let calendar = WorkingCalendar::default();
        // Wednesday 30/12/2026.
        let (effective, due) = review_due(day("2026-12-30"), &policy(), &calendar);
        assert_eq!(effective, day("2026-12-30"));
        assert_eq!(due, at("2026-12-30T17:00:00+07:00"));
    }

    #[test]
    fn a_review_on_a_weekend_or_holiday_counts_from_the_working_day_it_falls_on() {
        // Saturday 02/01/2027; Monday 04/01 a holiday: Tuesday 05/01.
        let calendar = WorkingCalendar::new([(day("2027-01-04"), DayKind::DayOff)]);
        let (effective, due) = review_due(day("2027-01-02"), &policy(), &calendar);
        assert_eq!(effective, day("2027-01-05"));
        assert_eq!(due, at("2027-01-05T17:00:00+07:00"));
        // D-2 from Tuesday 05/01, skipping the weekend and the holiday: Thursday 31/12.
        let now = at("2026-12-31T08:00:00+07:00");
        assert_eq!(
            office_step_due(day("2027-01-02"), &policy(), &calendar, now),
            Some((ReminderStep::WorkingDaysBefore(2), due))
        );
        // Counted from the Saturday as written, D-2 would have been Wednesday 30/12 and D-0
        // the Friday before it.
        let friday = at("2027-01-01T08:00:00+07:00");
        assert_eq!(
            office_step_due(day("2027-01-02"), &policy(), &calendar, friday),
            Some((ReminderStep::WorkingDaysBefore(2), due)),
            "still the D-2 step on Friday: no D-0 then"
        );
        let tuesday = at("2027-01-05T08:00:00+07:00");
        assert_eq!(
            office_step_due(day("2027-01-02"), &policy(), &calendar, tuesday),
            Some((ReminderStep::WorkingDaysBefore(0), due))
        );
    }

    #[test]
    fn the_office_steps_follow_the_policy_and_stop_at_the_review() {
        let calendar = WorkingCalendar::default();
        let review = day("2026-12-30");
        let step = |now: &str| {
            office_step_due(review, &policy(), &calendar, at(now)).map(|(step, _)| step)
        };
        assert_eq!(step("2026-12-22T07:59:00+07:00"), None, "before D-5");
        assert_eq!(
            step("2026-12-23T08:00:00+07:00"),
            Some(ReminderStep::WorkingDaysBefore(5))
        );
        assert_eq!(
            step("2026-12-28T08:00:00+07:00"),
            Some(ReminderStep::WorkingDaysBefore(2))
        );
        assert_eq!(
            step("2026-12-30T08:00:00+07:00"),
            Some(ReminderStep::WorkingDaysBefore(0))
        );
        assert_eq!(
            step("2026-12-30T14:00:00+07:00"),
            Some(ReminderStep::DeadlineDay)
        );
        assert_eq!(step("2026-12-30T17:00:00+07:00"), None, "the review is due");
    }

    #[test]
    fn units_are_reminded_before_the_round_ends_once_it_has_started() {
        let calendar = WorkingCalendar::default();
        let (starts, ends) = (day("2026-12-01"), day("2026-12-25"));
        let step = |now: &str| {
            units_step_due(starts, ends, &policy(), &calendar, at(now)).map(|(step, _)| step)
        };
        assert_eq!(
            step("2026-12-18T08:00:00+07:00"),
            Some(ReminderStep::WorkingDaysBefore(5))
        );
        assert_eq!(
            step("2026-12-25T14:00:00+07:00"),
            Some(ReminderStep::DeadlineDay)
        );
        assert_eq!(step("2026-12-25T17:00:00+07:00"), None, "the round is over");
        // A round of three days starts after its D-5 step: nothing before it starts.
        let (starts, ends) = (day("2026-12-23"), day("2026-12-25"));
        let early = at("2026-12-22T08:00:00+07:00");
        assert_eq!(
            units_step_due(starts, ends, &policy(), &calendar, early),
            None
        );
        // The day it starts is its D-2.
        let first = at("2026-12-23T08:00:00+07:00");
        assert_eq!(
            units_step_due(starts, ends, &policy(), &calendar, first).map(|(s, _)| s),
            Some(ReminderStep::WorkingDaysBefore(2))
        );
    }

    #[test]
    fn a_round_ending_on_a_weekend_is_reminded_of_on_the_working_day_before() {
        let calendar = WorkingCalendar::default();
        // Sunday 27/12/2026: D-0 and the last call on Friday 25/12.
        let (starts, ends) = (day("2026-12-01"), day("2026-12-27"));
        let due = round_end_due(ends, &policy());
        assert_eq!(due, at("2026-12-27T17:00:00+07:00"));
        let friday = at("2026-12-25T14:00:00+07:00");
        assert_eq!(
            units_step_due(starts, ends, &policy(), &calendar, friday),
            Some((ReminderStep::DeadlineDay, due))
        );
    }
}
