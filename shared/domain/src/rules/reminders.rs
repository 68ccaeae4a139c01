//! When reminders and escalations are due, from a period's deadline, its policy and the
//! working-day calendar.
//!
//! - Reminders go to units that have not submitted on each configured working day before the
//!   deadline day (D-5, D-2, D-0 by default) at the reminder time (08:00), plus one on the
//!   deadline day at 14:00. A reminder at or after the deadline instant is dropped: it would
//!   arrive too late to help.
//! - Nothing goes out on a non-working day or outside office hours: a slot that falls there
//!   moves to the next working slot (the start of office hours of the next working day, or of
//!   the same day when it is earlier than office hours).
//! - Escalation to the unit head comes a fixed number of minutes after the deadline, to the
//!   leadership a number of working days after it (same time of day), both moved into office
//!   hours the same way.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::model::policy::ReminderPolicy;
use crate::model::UnknownVariant;
use crate::rules::calendar::WorkingCalendar;
use crate::rules::local_time::{local_date, local_instant, local_time_of_day};

/// Which reminder of a period this is (the policy's `reminder_working_days_before` and its
/// deadline-day reminder). Written `d5`, `d2`, `d0`, `deadline_day`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ReminderStep {
    /// In the morning, this many working days before the deadline day (0: on the deadline day).
    WorkingDaysBefore(u32),
    /// The last call, on the deadline day a few hours before the deadline.
    DeadlineDay,
}

impl fmt::Display for ReminderStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WorkingDaysBefore(days) => write!(f, "d{days}"),
            Self::DeadlineDay => f.write_str("deadline_day"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown reminder step {0:?}; expected d<N> or deadline_day")]
pub struct InvalidReminderStep(String);

impl FromStr for ReminderStep {
    type Err = InvalidReminderStep;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "deadline_day" {
            return Ok(Self::DeadlineDay);
        }
        s.strip_prefix('d')
            .filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|digits| digits.parse().ok())
            .map(Self::WorkingDaysBefore)
            .ok_or_else(|| InvalidReminderStep(s.to_owned()))
    }
}

impl TryFrom<String> for ReminderStep {
    type Error = InvalidReminderStep;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<ReminderStep> for String {
    fn from(step: ReminderStep) -> Self {
        step.to_string()
    }
}

/// How far an unsubmitted unit has been escalated.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow),
    diesel(sql_type = diesel::sql_types::Text)
)]
pub enum EscalationLevel {
    /// The unit head was told the report is overdue (quá hạn), focal persons in copy.
    Head,
    /// The leadership and the Office were sent the list of late units.
    Leadership,
}

impl EscalationLevel {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Head => "head",
            Self::Leadership => "leadership",
        }
    }
}

impl FromStr for EscalationLevel {
    type Err = UnknownVariant;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "head" => Ok(Self::Head),
            "leadership" => Ok(Self::Leadership),
            _ => Err(UnknownVariant {
                kind: "EscalationLevel",
                value: value.to_owned(),
            }),
        }
    }
}

crate::text_column!(EscalationLevel);

/// A reminder and the instant it is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduledReminder {
    pub step: ReminderStep,
    pub at: DateTime<Utc>,
}

/// The first instant at or after `instant` that is inside office hours on a working day.
pub fn next_working_slot(
    instant: DateTime<Utc>,
    calendar: &WorkingCalendar,
    office_start: NaiveTime,
    office_end: NaiveTime,
) -> DateTime<Utc> {
    let date = local_date(instant);
    let time = local_time_of_day(instant);
    if calendar.is_working_day(date) {
        if time < office_start {
            return local_instant(date, office_start);
        }
        if time < office_end {
            return instant;
        }
    }
    local_instant(calendar.next_working_day(date), office_start)
}

fn slot(
    date: NaiveDate,
    time: NaiveTime,
    calendar: &WorkingCalendar,
    policy: &ReminderPolicy,
) -> DateTime<Utc> {
    next_working_slot(
        local_instant(date, time),
        calendar,
        policy.office_hours_start,
        policy.office_hours_end,
    )
}

/// The last working day on or before the deadline's day: the day the deadline-day reminders
/// go out (a deadline left on a non-working day is reminded of on the working day before).
fn reminder_base_day(deadline: DateTime<Utc>, calendar: &WorkingCalendar) -> NaiveDate {
    let day = local_date(deadline);
    if calendar.is_working_day(day) {
        day
    } else {
        calendar.previous_working_day(day)
    }
}

/// Every reminder of a period, in time order, without duplicates (two steps landing on the same
/// instant keep the earlier-listed one) and without any at or after the deadline.
pub fn reminder_schedule(
    deadline: DateTime<Utc>,
    policy: &ReminderPolicy,
    calendar: &WorkingCalendar,
) -> Vec<ScheduledReminder> {
    let base = reminder_base_day(deadline, calendar);
    let mut steps: Vec<ScheduledReminder> = policy
        .reminder_working_days_before
        .iter()
        .map(|&n| ScheduledReminder {
            step: ReminderStep::WorkingDaysBefore(n),
            at: slot(
                calendar.subtract_working_days(base, n),
                policy.reminder_time,
                calendar,
                policy,
            ),
        })
        .chain(std::iter::once(ScheduledReminder {
            step: ReminderStep::DeadlineDay,
            at: slot(base, policy.deadline_day_reminder_time, calendar, policy),
        }))
        .filter(|r| r.at < deadline)
        .collect();
    steps.sort_by_key(|r| r.at);
    let mut seen = Vec::new();
    steps.retain(|r| {
        if seen.contains(&r.at) {
            false
        } else {
            seen.push(r.at);
            true
        }
    });
    steps
}

/// The reminder to send at `now`: the latest one already due, if it is not older than the next
/// one (so a worker that was down for days sends one current reminder, not a burst of stale
/// ones). `None` when nothing is due yet.
pub fn due_reminder(
    schedule: &[ScheduledReminder],
    now: DateTime<Utc>,
) -> Option<ScheduledReminder> {
    schedule.iter().rev().find(|r| r.at <= now).copied()
}

/// When a still-missing unit's head is told (deadline + the policy's minutes, in office hours).
pub fn head_escalation_at(
    deadline: DateTime<Utc>,
    policy: &ReminderPolicy,
    calendar: &WorkingCalendar,
) -> DateTime<Utc> {
    let after =
        deadline + chrono::Duration::minutes(i64::from(policy.escalate_to_head_after_minutes));
    next_working_slot(
        after,
        calendar,
        policy.office_hours_start,
        policy.office_hours_end,
    )
}

/// When the leadership is told (the policy's working days after the deadline day, at the
/// deadline's time of day, in office hours).
pub fn leadership_escalation_at(
    deadline: DateTime<Utc>,
    policy: &ReminderPolicy,
    calendar: &WorkingCalendar,
) -> DateTime<Utc> {
    let day = calendar.add_working_days(
        local_date(deadline),
        policy.escalate_to_leadership_after_working_days,
    );
    slot(day, local_time_of_day(deadline), calendar, policy)
}

/// The escalation levels due at `now`, lowest first.
pub fn due_escalations(
    deadline: DateTime<Utc>,
    policy: &ReminderPolicy,
    calendar: &WorkingCalendar,
    now: DateTime<Utc>,
) -> Vec<EscalationLevel> {
    let mut due = Vec::new();
    if now >= head_escalation_at(deadline, policy, calendar) {
        due.push(EscalationLevel::Head);
    }
    if now >= leadership_escalation_at(deadline, policy, calendar) {
        due.push(EscalationLevel::Leadership);
    }
    due
}

/// Whether the Office's daily digest is due on `now`'s day: a working day, at or after the
/// digest time.
pub fn digest_due(now: DateTime<Utc>, digest_time: NaiveTime, calendar: &WorkingCalendar) -> bool {
    calendar.is_working_day(local_date(now)) && local_time_of_day(now) >= digest_time
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

    fn local(instant: DateTime<Utc>) -> String {
        crate::rules::local_time::to_local(instant)
            .format("%a %Y-%m-%d %H:%M")
            .to_string()
    }

    fn plain() -> WorkingCalendar {
        WorkingCalendar::default()
    }

    fn schedule_of(deadline: &str, calendar: &WorkingCalendar) -> Vec<(String, String)> {
        reminder_schedule(at(deadline), &ReminderPolicy::default(), calendar)
            .into_iter()
            .map(|r| (r.step.to_string(), local(r.at)))
            .collect()
    }

    #[test]
    fn seed_deadline_gets_d5_d2_d0_and_the_afternoon_reminder() {
        // Friday 10/03/2023 16:30, as in the Office's letter 3394/SCT-VP.
        assert_eq!(
            schedule_of("2023-03-10T16:30:00+07:00", &plain()),
            [
                ("d5".to_owned(), "Fri 2023-03-03 08:00".to_owned()),
                ("d2".to_owned(), "Wed 2023-03-08 08:00".to_owned()),
                ("d0".to_owned(), "Fri 2023-03-10 08:00".to_owned()),
                ("deadline_day".to_owned(), "Fri 2023-03-10 14:00".to_owned()),
            ]
        );
    }

    #[test]
    fn a_holiday_moves_a_reminder_back_over_it_counting_working_days() {
        // 2026-12-15 (Tue) deadline; 2026-12-11 (Fri) and 2026-12-14 (Mon) are days off, so the
        // working days before it are Thu 10 (D-1) and Wed 9 (D-2).
        let calendar = WorkingCalendar::new([
            (day("2026-12-11"), DayKind::DayOff),
            (day("2026-12-14"), DayKind::DayOff),
        ]);
        let schedule = schedule_of("2026-12-15T16:30:00+07:00", &calendar);
        assert_eq!(
            schedule[1],
            ("d2".to_owned(), "Wed 2026-12-09 08:00".to_owned())
        );
        let plain_schedule = schedule_of("2026-12-15T16:30:00+07:00", &plain());
        assert_eq!(
            plain_schedule[1],
            ("d2".to_owned(), "Fri 2026-12-11 08:00".to_owned())
        );
    }

    #[test]
    fn a_make_up_saturday_counts_as_a_working_day() {
        let calendar = WorkingCalendar::new([(day("2026-12-12"), DayKind::WorkingDay)]);
        let schedule = schedule_of("2026-12-15T16:30:00+07:00", &calendar);
        // Working days before Tue 15: Mon 14, Sat 12 (make-up) → D-2 is Saturday.
        assert_eq!(
            schedule[1],
            ("d2".to_owned(), "Sat 2026-12-12 08:00".to_owned())
        );
    }

    #[test]
    fn reminders_at_or_after_a_morning_deadline_are_dropped() {
        // Deadline 08:00: the D-0 08:00 and the 14:00 reminders would come too late.
        let steps: Vec<String> = schedule_of("2026-12-15T08:00:00+07:00", &plain())
            .into_iter()
            .map(|(step, _)| step)
            .collect();
        assert_eq!(steps, ["d5", "d2"]);
    }

    #[test]
    fn times_outside_office_hours_move_to_the_next_working_slot() {
        let policy = ReminderPolicy {
            reminder_time: NaiveTime::from_hms_opt(6, 0, 0).unwrap(),
            deadline_day_reminder_time: NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
            ..ReminderPolicy::default()
        };
        let schedule = reminder_schedule(at("2026-12-15T16:30:00+07:00"), &policy, &plain());
        let shown: Vec<(String, String)> = schedule
            .iter()
            .map(|r| (r.step.to_string(), local(r.at)))
            .collect();
        // 06:00 → 07:30 the same day; 18:00 on the deadline day → next working day 07:30, which
        // is after the deadline, so it is dropped.
        assert_eq!(
            shown,
            [
                ("d5".to_owned(), "Tue 2026-12-08 07:30".to_owned()),
                ("d2".to_owned(), "Fri 2026-12-11 07:30".to_owned()),
                ("d0".to_owned(), "Tue 2026-12-15 07:30".to_owned()),
            ]
        );
    }

    #[test]
    fn the_working_slot_skips_weekends_and_evenings() {
        let calendar = plain();
        let start = NaiveTime::from_hms_opt(7, 30, 0).unwrap();
        let end = NaiveTime::from_hms_opt(17, 0, 0).unwrap();
        let slot = |text: &str| local(next_working_slot(at(text), &calendar, start, end));
        assert_eq!(slot("2026-12-11T10:00:00+07:00"), "Fri 2026-12-11 10:00");
        assert_eq!(slot("2026-12-11T17:00:00+07:00"), "Mon 2026-12-14 07:30");
        assert_eq!(slot("2026-12-12T09:00:00+07:00"), "Mon 2026-12-14 07:30");
        assert_eq!(slot("2026-12-14T06:59:00+07:00"), "Mon 2026-12-14 07:30");
    }

    #[test]
    fn a_deadline_on_a_non_working_day_is_reminded_of_the_working_day_before() {
        // Saturday deadline left unshifted.
        let schedule = schedule_of("2026-12-12T11:00:00+07:00", &plain());
        assert_eq!(
            schedule[2],
            ("d0".to_owned(), "Fri 2026-12-11 08:00".to_owned())
        );
        assert_eq!(
            schedule[3],
            ("deadline_day".to_owned(), "Fri 2026-12-11 14:00".to_owned())
        );
    }

    #[test]
    fn only_the_latest_due_reminder_is_sent() {
        let schedule = reminder_schedule(
            at("2023-03-10T16:30:00+07:00"),
            &ReminderPolicy::default(),
            &plain(),
        );
        assert_eq!(
            due_reminder(&schedule, at("2023-03-03T07:59:00+07:00")),
            None
        );
        assert_eq!(
            due_reminder(&schedule, at("2023-03-03T08:00:00+07:00")).map(|r| r.step),
            Some(ReminderStep::WorkingDaysBefore(5))
        );
        // A worker back after days of downtime sends the current step only.
        assert_eq!(
            due_reminder(&schedule, at("2023-03-10T09:00:00+07:00")).map(|r| r.step),
            Some(ReminderStep::WorkingDaysBefore(0))
        );
    }

    #[test]
    fn escalations_come_an_hour_and_two_working_days_after_the_deadline() {
        let deadline = at("2023-03-10T16:30:00+07:00");
        let policy = ReminderPolicy::default();
        let calendar = plain();
        // 17:30 on a Friday is after office hours: Monday 07:30.
        assert_eq!(
            local(head_escalation_at(deadline, &policy, &calendar)),
            "Mon 2023-03-13 07:30"
        );
        assert_eq!(
            local(leadership_escalation_at(deadline, &policy, &calendar)),
            "Tue 2023-03-14 16:30"
        );
        assert!(due_escalations(
            deadline,
            &policy,
            &calendar,
            at("2023-03-13T07:29:00+07:00")
        )
        .is_empty());
        assert_eq!(
            due_escalations(
                deadline,
                &policy,
                &calendar,
                at("2023-03-13T07:30:00+07:00")
            ),
            [EscalationLevel::Head]
        );
        assert_eq!(
            due_escalations(
                deadline,
                &policy,
                &calendar,
                at("2023-03-14T16:30:00+07:00")
            ),
            [EscalationLevel::Head, EscalationLevel::Leadership]
        );
        // A morning deadline escalates to the head an hour later the same day.
        assert_eq!(
            local(head_escalation_at(
                at("2026-12-15T09:00:00+07:00"),
                &policy,
                &calendar
            )),
            "Tue 2026-12-15 10:00"
        );
    }

    #[test]
    fn the_digest_is_due_on_working_days_from_its_time() {
        let calendar = plain();
        let time = NaiveTime::from_hms_opt(7, 30, 0).unwrap();
        assert!(!digest_due(
            at("2026-12-14T07:29:00+07:00"),
            time,
            &calendar
        ));
        assert!(digest_due(at("2026-12-14T07:30:00+07:00"), time, &calendar));
        assert!(!digest_due(
            at("2026-12-13T09:00:00+07:00"),
            time,
            &calendar
        ));
    }

    #[test]
    fn reminder_steps_round_trip_through_their_codes() {
        for (code, step) in [
            ("d5", ReminderStep::WorkingDaysBefore(5)),
            ("d0", ReminderStep::WorkingDaysBefore(0)),
            ("d12", ReminderStep::WorkingDaysBefore(12)),
            ("deadline_day", ReminderStep::DeadlineDay),
        ] {
            assert_eq!(code.parse::<ReminderStep>(), Ok(step));
            assert_eq!(step.to_string(), code);
        }
        for bad in ["", "d", "5", "d-1", "d+1", "D5", "d5x", "deadline"] {
            assert!(bad.parse::<ReminderStep>().is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn escalation_levels_parse() {
        assert_eq!("head".parse(), Ok(EscalationLevel::Head));
        assert_eq!("leadership".parse(), Ok(EscalationLevel::Leadership));
        let unknown = "x".parse::<EscalationLevel>().unwrap_err();
        assert_eq!(unknown.to_string(), r#"unknown EscalationLevel value "x""#);
    }
}
