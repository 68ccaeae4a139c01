//! Reminder and escalation policy of a period, stored now and used by the worker.

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::FieldError;
use crate::model::{hhmm, non_null};
use crate::text_enum;

text_enum! {
    /// Whether a report that arrives at the deadline's exact instant is on time. Letters word
    /// it both ways: "đến hết ngày …" or "chậm nhất 16h30" take the instant in; seed 000's
    /// "trước 16h30 ngày 10/3" ("before 16:30") leaves it out.
    pub enum DeadlineBound {
        /// At the deadline's instant is on time (the default).
        Inclusive => "inclusive",
        /// The deadline's instant is already late: reports must come before it.
        Exclusive => "exclusive",
    }
}

// By hand: `text_enum!` passes no `#[default]` to the variants it declares.
#[allow(clippy::derivable_impls)]
impl Default for DeadlineBound {
    fn default() -> Self {
        Self::Inclusive
    }
}

/// When reminders go out and when late units are escalated. All times are local
/// (Asia/Ho_Chi_Minh); nothing is sent on non-working days or outside office hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReminderPolicy {
    /// Reminder days, in working days before the deadline day (0 = the deadline day itself).
    #[schema(example = json!([5, 2, 0]))]
    pub reminder_working_days_before: Vec<u32>,
    /// Local time of day of those reminders.
    #[serde(with = "hhmm")]
    #[schema(value_type = String, example = "08:00", pattern = r"^\d{2}:\d{2}$")]
    pub reminder_time: NaiveTime,
    /// A last reminder on the deadline day to units still missing.
    #[serde(with = "hhmm")]
    #[schema(value_type = String, example = "14:00", pattern = r"^\d{2}:\d{2}$")]
    pub deadline_day_reminder_time: NaiveTime,
    /// Start of office hours.
    #[serde(with = "hhmm")]
    #[schema(value_type = String, example = "07:30", pattern = r"^\d{2}:\d{2}$")]
    pub office_hours_start: NaiveTime,
    /// End of office hours; also the "end of the working day" a deadline moves to when it falls
    /// on a non-working day.
    #[serde(with = "hhmm")]
    #[schema(value_type = String, example = "17:00", pattern = r"^\d{2}:\d{2}$")]
    pub office_hours_end: NaiveTime,
    /// Still missing this many minutes after the deadline: mail the unit head.
    #[schema(example = 60)]
    pub escalate_to_head_after_minutes: u32,
    /// Still missing this many working days after the deadline: mail the leadership.
    #[schema(example = 2)]
    pub escalate_to_leadership_after_working_days: u32,
    /// A submission is "early" when it comes at least this many working days before the deadline.
    #[schema(example = 1)]
    pub early_margin_working_days: u32,
    /// Whether a report at the deadline's exact instant is on time (`inclusive`) or late
    /// (`exclusive`). Policies stored before this choice existed read as `inclusive`.
    #[serde(default)]
    pub deadline_bound: DeadlineBound,
}

fn time(hour: u32, minute: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN)
}

impl Default for ReminderPolicy {
    fn default() -> Self {
        Self {
            reminder_working_days_before: vec![5, 2, 0],
            reminder_time: time(8, 0),
            deadline_day_reminder_time: time(14, 0),
            office_hours_start: time(7, 30),
            office_hours_end: time(17, 0),
            escalate_to_head_after_minutes: 60,
            escalate_to_leadership_after_working_days: 2,
            early_margin_working_days: 1,
            deadline_bound: DeadlineBound::Inclusive,
        }
    }
}

/// Changes to a policy; absent fields keep their value.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReminderPolicyInput {
    #[serde(default, deserialize_with = "non_null")]
    /// At most 10 distinct days, each 0–30.
    #[schema(nullable = false, max_items = 10)]
    pub reminder_working_days_before: Option<Vec<u32>>,
    #[serde(default, with = "hhmm::option")]
    #[schema(value_type = Option<String>, nullable = false, example = "08:00", pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub reminder_time: Option<NaiveTime>,
    #[serde(default, with = "hhmm::option")]
    #[schema(value_type = Option<String>, nullable = false, example = "14:00", pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub deadline_day_reminder_time: Option<NaiveTime>,
    #[serde(default, with = "hhmm::option")]
    #[schema(value_type = Option<String>, nullable = false, example = "07:30", pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub office_hours_start: Option<NaiveTime>,
    #[serde(default, with = "hhmm::option")]
    #[schema(value_type = Option<String>, nullable = false, example = "17:00", pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub office_hours_end: Option<NaiveTime>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false, minimum = 1, maximum = 10080)]
    pub escalate_to_head_after_minutes: Option<u32>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false, minimum = 1, maximum = 30)]
    pub escalate_to_leadership_after_working_days: Option<u32>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false, maximum = 30)]
    pub early_margin_working_days: Option<u32>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub deadline_bound: Option<DeadlineBound>,
}

impl ReminderPolicy {
    /// A policy as stored (JSONB, written from a checked policy): one that no longer reads is a
    /// bug or a hand edit, never the caller's fault.
    pub fn from_stored(value: serde_json::Value) -> crate::Result<Self> {
        serde_json::from_value(value)
            .map_err(|e| crate::Error::Internal(format!("stored policy: {e}")))
    }

    pub fn apply(&self, input: &ReminderPolicyInput) -> Self {
        Self {
            reminder_working_days_before: input
                .reminder_working_days_before
                .clone()
                .unwrap_or_else(|| self.reminder_working_days_before.clone()),
            reminder_time: input.reminder_time.unwrap_or(self.reminder_time),
            deadline_day_reminder_time: input
                .deadline_day_reminder_time
                .unwrap_or(self.deadline_day_reminder_time),
            office_hours_start: input.office_hours_start.unwrap_or(self.office_hours_start),
            office_hours_end: input.office_hours_end.unwrap_or(self.office_hours_end),
            escalate_to_head_after_minutes: input
                .escalate_to_head_after_minutes
                .unwrap_or(self.escalate_to_head_after_minutes),
            escalate_to_leadership_after_working_days: input
                .escalate_to_leadership_after_working_days
                .unwrap_or(self.escalate_to_leadership_after_working_days),
            early_margin_working_days: input
                .early_margin_working_days
                .unwrap_or(self.early_margin_working_days),
            deadline_bound: input.deadline_bound.unwrap_or(self.deadline_bound),
        }
    }

    /// Every inconsistency, with field paths under `prefix` (e.g. `policy`).
    pub fn problems(&self, prefix: &str) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let field = |name: &str| format!("{prefix}.{name}");
        if self.office_hours_start >= self.office_hours_end {
            errors.push(FieldError::new(
                field("office_hours_end"),
                "out_of_range",
                "office hours must end after they start",
            ));
        }
        let within_hours =
            |t: NaiveTime| t >= self.office_hours_start && t <= self.office_hours_end;
        if !within_hours(self.reminder_time) {
            errors.push(FieldError::new(
                field("reminder_time"),
                "outside_office_hours",
                "reminders go out within office hours",
            ));
        }
        if !within_hours(self.deadline_day_reminder_time) {
            errors.push(FieldError::new(
                field("deadline_day_reminder_time"),
                "outside_office_hours",
                "reminders go out within office hours",
            ));
        }
        let days = &self.reminder_working_days_before;
        if days.len() > 10 {
            errors.push(FieldError::new(
                field("reminder_working_days_before"),
                "too_many",
                "at most 10 reminder days",
            ));
        }
        if days.iter().any(|&d| d > 30) {
            errors.push(FieldError::new(
                field("reminder_working_days_before"),
                "out_of_range",
                "reminder days must be between 0 and 30 working days before the deadline",
            ));
        }
        let mut sorted = days.clone();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted.len() != days.len() {
            errors.push(FieldError::new(
                field("reminder_working_days_before"),
                "duplicate",
                "reminder days must not repeat",
            ));
        }
        if self.escalate_to_head_after_minutes == 0
            || self.escalate_to_head_after_minutes > 7 * 24 * 60
        {
            errors.push(FieldError::new(
                field("escalate_to_head_after_minutes"),
                "out_of_range",
                "must be between 1 and 10080 minutes (one week)",
            ));
        }
        if !(1..=30).contains(&self.escalate_to_leadership_after_working_days) {
            errors.push(FieldError::new(
                field("escalate_to_leadership_after_working_days"),
                "out_of_range",
                "must be between 1 and 30 working days",
            ));
        }
        if self.early_margin_working_days > 30 {
            errors.push(FieldError::new(
                field("early_margin_working_days"),
                "out_of_range",
                "must be between 0 and 30 working days",
            ));
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Periods created before `deadline_bound` existed keep their old rule: inclusive.
    #[test]
    fn a_policy_stored_without_the_deadline_bound_reads_as_inclusive() {
        let mut stored = serde_json::to_value(ReminderPolicy::default()).unwrap();
        stored.as_object_mut().unwrap().remove("deadline_bound");
        let policy = ReminderPolicy::from_stored(stored).unwrap();
        assert_eq!(policy.deadline_bound, DeadlineBound::Inclusive);
        let exclusive = policy.apply(&ReminderPolicyInput {
            deadline_bound: Some(DeadlineBound::Exclusive),
            ..Default::default()
        });
        assert_eq!(exclusive.deadline_bound, DeadlineBound::Exclusive);
    }

    #[test]
    fn defaults_are_consistent_and_serialize_as_hh_mm() {
        let policy = ReminderPolicy::default();
        assert!(policy.problems("policy").is_empty());
        let json = serde_json::to_value(&policy).unwrap();
        assert_eq!(json["reminder_time"], "08:00");
        assert_eq!(json["office_hours_start"], "07:30");
        let back: ReminderPolicy = serde_json::from_value(json).unwrap();
        assert_eq!(back, policy);
    }

    #[test]
    fn finds_every_problem() {
        let policy = ReminderPolicy::default().apply(&ReminderPolicyInput {
            reminder_working_days_before: Some(vec![2, 2, 45]),
            reminder_time: Some(time(6, 0)),
            escalate_to_head_after_minutes: Some(0),
            ..Default::default()
        });
        let fields: Vec<_> = policy
            .problems("policy")
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            vec![
                "policy.reminder_time",
                "policy.reminder_working_days_before",
                "policy.reminder_working_days_before",
                "policy.escalate_to_head_after_minutes",
            ]
        );
    }
}
