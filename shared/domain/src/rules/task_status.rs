//! Where a task stands, derived (never typed in) from its dates, its completion and the
//! working-day calendar, in the classes Vietnamese task-tracking systems use: not yet due, in
//! progress, due soon, overdue and unfinished, finished on time, finished late.
//!
//! The instants follow the reports' rules: a task finished exactly at its deadline is on
//! time; an extension (gia hạn) replaces the deadline it extends; "due soon" counts working
//! days, so a deadline after a long holiday is not soon just because few calendar days remain.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::calendar::WorkingCalendar;
use super::local_time::{local_date, local_instant};
use super::task_due::{progress_report_due, report_interval, ReportEvery};

/// Where a task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Its start date has not come yet.
    NotDue,
    /// Started; its deadline (or, for ongoing work, its next progress report) is not near.
    InProgress,
    /// Unfinished, and its deadline (or next progress report) is within the warning window.
    DueSoon,
    /// Unfinished past its deadline, or ongoing work whose last interval has no progress
    /// report.
    Overdue,
    /// Finished (confirmed by the Office) no later than its deadline.
    DoneOnTime,
    /// Finished (confirmed by the Office) after its deadline.
    DoneLate,
}

impl TaskStatus {
    /// Every status, in declaration order.
    pub const ALL: [TaskStatus; 6] = [
        TaskStatus::NotDue,
        TaskStatus::InProgress,
        TaskStatus::DueSoon,
        TaskStatus::Overdue,
        TaskStatus::DoneOnTime,
        TaskStatus::DoneLate,
    ];

    /// The `snake_case` name used in the API.
    pub fn as_str(&self) -> &'static str {
        match self {
            TaskStatus::NotDue => "not_due",
            TaskStatus::InProgress => "in_progress",
            TaskStatus::DueSoon => "due_soon",
            TaskStatus::Overdue => "overdue",
            TaskStatus::DoneOnTime => "done_on_time",
            TaskStatus::DoneLate => "done_late",
        }
    }

    /// The status as Vietnamese staff read it.
    pub fn label_vi(&self) -> &'static str {
        match self {
            TaskStatus::NotDue => "Chưa đến hạn",
            TaskStatus::InProgress => "Đang thực hiện trong hạn",
            TaskStatus::DueSoon => "Sắp đến hạn",
            TaskStatus::Overdue => "Quá hạn chưa hoàn thành",
            TaskStatus::DoneOnTime => "Hoàn thành đúng hạn",
            TaskStatus::DoneLate => "Hoàn thành quá hạn",
        }
    }

    /// Whether the task is finished.
    pub fn is_done(&self) -> bool {
        matches!(self, TaskStatus::DoneOnTime | TaskStatus::DoneLate)
    }
}

impl fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a task's status is derived from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskFacts {
    /// The first day of work, if the task names one.
    pub start: Option<NaiveDate>,
    /// The deadline that applies: the extended one if an extension was granted; `None` for
    /// ongoing work.
    pub deadline: Option<DateTime<Utc>>,
    /// For ongoing work: how often it reports its progress.
    pub reports_every: Option<ReportEvery>,
    /// For ongoing work: when it last reported its progress.
    pub last_progress_at: Option<DateTime<Utc>>,
    /// When the lead unit declared it done, once the Office has confirmed it.
    pub completed_at: Option<DateTime<Utc>>,
}

/// How the status is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusPolicy {
    /// A deadline this many working days away or nearer is "due soon".
    pub due_soon_working_days: u32,
    /// The local time a day's work ends (progress reports fall due then).
    pub end_of_working_day: NaiveTime,
}

/// The status of a task with `facts` at `now`.
pub fn derive_status(
    facts: &TaskFacts,
    now: DateTime<Utc>,
    calendar: &WorkingCalendar,
    policy: &StatusPolicy,
) -> TaskStatus {
    if let Some(completed_at) = facts.completed_at {
        return match facts.deadline {
            Some(deadline) if completed_at > deadline => TaskStatus::DoneLate,
            _ => TaskStatus::DoneOnTime,
        };
    }
    let today = local_date(now);
    if facts.start.is_some_and(|start| today < start) {
        return TaskStatus::NotDue;
    }
    if let Some(deadline) = facts.deadline {
        if now > deadline {
            return TaskStatus::Overdue;
        }
        return if is_soon(deadline, today, calendar, policy) {
            TaskStatus::DueSoon
        } else {
            TaskStatus::InProgress
        };
    }
    match facts.reports_every {
        Some(every) => ongoing_status(facts, every, now, calendar, policy),
        None => TaskStatus::InProgress,
    }
}

/// Whether `deadline` is no more than the policy's working days after `today`.
fn is_soon(
    deadline: DateTime<Utc>,
    today: NaiveDate,
    calendar: &WorkingCalendar,
    policy: &StatusPolicy,
) -> bool {
    calendar.count_working_days(today, local_date(deadline)) <= policy.due_soon_working_days
}

/// Ongoing work is overdue when the interval before this one ended without a progress report
/// (unless the work started after that interval), and due soon when this interval's report is
/// near and not yet given.
fn ongoing_status(
    facts: &TaskFacts,
    every: ReportEvery,
    now: DateTime<Utc>,
    calendar: &WorkingCalendar,
    policy: &StatusPolicy,
) -> TaskStatus {
    let today = local_date(now);
    let (this_first, _) = report_interval(every, today);
    let reported_since = |first: NaiveDate| {
        let from = local_instant(first, NaiveTime::MIN);
        facts.last_progress_at.is_some_and(|at| at >= from)
    };
    // The previous interval: the one containing the day before this one starts.
    if let Some(previous_last) = this_first.pred_opt() {
        let (previous_first, _) = report_interval(every, previous_last);
        let due = progress_report_due(
            every,
            local_instant(previous_last, NaiveTime::MIN),
            calendar,
            policy.end_of_working_day,
        );
        let started_before_it_ended = facts.start.is_none_or(|start| start <= previous_last);
        if now > due && started_before_it_ended && !reported_since(previous_first) {
            return TaskStatus::Overdue;
        }
    }
    let due = progress_report_due(every, now, calendar, policy.end_of_working_day);
    if !reported_since(this_first) && (now > due || is_soon(due, today, calendar, policy)) {
        return if now > due {
            TaskStatus::Overdue
        } else {
            TaskStatus::DueSoon
        };
    }
    TaskStatus::InProgress
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::calendar::DayKind;
    use crate::rules::task_due::TaskDue;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn at(y: i32, m: u32, day: u32, h: u32) -> DateTime<Utc> {
        local_instant(d(y, m, day), NaiveTime::from_hms_opt(h, 0, 0).unwrap())
    }

    fn policy() -> StatusPolicy {
        StatusPolicy {
            due_soon_working_days: 3,
            end_of_working_day: NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        }
    }

    fn may_2022_review() -> TaskFacts {
        // Seed 001: "rà soát các TTHC mức độ 3, 4 không phát sinh hồ sơ … trong tháng 5/2022".
        let due = TaskDue::Month {
            year: 2022,
            month: 5,
        };
        TaskFacts {
            start: Some(d(2022, 5, 4)),
            deadline: due
                .deadline(&WorkingCalendar::default(), policy().end_of_working_day)
                .unwrap(),
            reports_every: None,
            last_progress_at: None,
            completed_at: None,
        }
    }

    fn status(facts: &TaskFacts, now: DateTime<Utc>, cal: &WorkingCalendar) -> TaskStatus {
        derive_status(facts, now, cal, &policy())
    }

    #[test]
    fn a_month_task_moves_from_not_due_to_overdue() {
        let cal = WorkingCalendar::default();
        let task = may_2022_review();
        assert_eq!(status(&task, at(2022, 5, 3, 9), &cal), TaskStatus::NotDue);
        assert_eq!(
            status(&task, at(2022, 5, 4, 9), &cal),
            TaskStatus::InProgress
        );
        // 31/05 is a Tuesday: from Thursday 26/05, three working days remain (27, 30, 31).
        assert_eq!(
            status(&task, at(2022, 5, 25, 9), &cal),
            TaskStatus::InProgress
        );
        assert_eq!(status(&task, at(2022, 5, 26, 9), &cal), TaskStatus::DueSoon);
        // Exactly at the deadline it is still due, one second later overdue.
        assert_eq!(
            status(&task, at(2022, 5, 31, 17), &cal),
            TaskStatus::DueSoon
        );
        let after = at(2022, 5, 31, 17) + chrono::Duration::seconds(1);
        assert_eq!(status(&task, after, &cal), TaskStatus::Overdue);
    }

    #[test]
    fn finishing_exactly_at_the_deadline_is_on_time_and_a_second_later_is_late() {
        let cal = WorkingCalendar::default();
        let mut task = may_2022_review();
        task.completed_at = task.deadline;
        assert_eq!(
            status(&task, at(2022, 7, 1, 9), &cal),
            TaskStatus::DoneOnTime
        );
        task.completed_at = task.deadline.map(|d| d + chrono::Duration::seconds(1));
        assert_eq!(status(&task, at(2022, 7, 1, 9), &cal), TaskStatus::DoneLate);
    }

    #[test]
    fn a_task_finished_on_a_holiday_before_its_deadline_is_on_time() {
        // Due 05/09/2022 (moved off National Day 02/09); finished on the holiday itself.
        let cal = WorkingCalendar::new([(d(2022, 9, 2), DayKind::DayOff)]);
        let deadline = TaskDue::Date {
            date: d(2022, 9, 2),
        }
        .deadline(&cal, policy().end_of_working_day)
        .unwrap();
        assert_eq!(deadline, Some(at(2022, 9, 5, 17)));
        let task = TaskFacts {
            start: None,
            deadline,
            reports_every: None,
            last_progress_at: None,
            completed_at: Some(at(2022, 9, 2, 10)),
        };
        assert_eq!(
            status(&task, at(2022, 9, 6, 9), &cal),
            TaskStatus::DoneOnTime
        );
    }

    #[test]
    fn an_extension_replaces_the_deadline() {
        let cal = WorkingCalendar::default();
        let mut task = may_2022_review();
        assert_eq!(status(&task, at(2022, 6, 10, 9), &cal), TaskStatus::Overdue);
        // Extended to 30/06/2022 17:00: no longer overdue, and finishing on 20/06 is on time.
        task.deadline = Some(at(2022, 6, 30, 17));
        assert_eq!(
            status(&task, at(2022, 6, 10, 9), &cal),
            TaskStatus::InProgress
        );
        task.completed_at = Some(at(2022, 6, 20, 9));
        assert_eq!(
            status(&task, at(2022, 7, 1, 9), &cal),
            TaskStatus::DoneOnTime
        );
    }

    #[test]
    fn due_soon_counts_working_days_not_calendar_days() {
        // Due Wednesday 04/05/2022, after the 30/4–1/5 holidays (Sat 30/04, Sun 01/05, with
        // Mon 02/05 and Tue 03/05 off in lieu). On Friday 29/04 five calendar days remain but
        // only one working day (04/05): due soon with a window of 1.
        let cal = WorkingCalendar::new([
            (d(2022, 5, 2), DayKind::DayOff),
            (d(2022, 5, 3), DayKind::DayOff),
        ]);
        let task = TaskFacts {
            start: None,
            deadline: Some(at(2022, 5, 4, 17)),
            reports_every: None,
            last_progress_at: None,
            completed_at: None,
        };
        let narrow = StatusPolicy {
            due_soon_working_days: 1,
            ..policy()
        };
        assert_eq!(
            derive_status(&task, at(2022, 4, 29, 9), &cal, &narrow),
            TaskStatus::DueSoon
        );
        assert_eq!(
            derive_status(
                &task,
                at(2022, 4, 29, 9),
                &WorkingCalendar::default(),
                &narrow
            ),
            TaskStatus::InProgress
        );
    }

    #[test]
    fn ongoing_work_is_overdue_when_an_interval_ends_without_a_report() {
        let cal = WorkingCalendar::default();
        let mut task = TaskFacts {
            start: Some(d(2022, 1, 1)),
            deadline: None,
            reports_every: Some(ReportEvery::Quarter),
            last_progress_at: Some(at(2022, 3, 20, 9)),
            completed_at: None,
        };
        // Q1 reported; mid-Q2, nothing due yet.
        assert_eq!(
            status(&task, at(2022, 5, 10, 9), &cal),
            TaskStatus::InProgress
        );
        // Near the end of Q2 without a Q2 report: due soon.
        assert_eq!(status(&task, at(2022, 6, 28, 9), &cal), TaskStatus::DueSoon);
        // Q2 ended without a report: overdue in July.
        assert_eq!(status(&task, at(2022, 7, 5, 9), &cal), TaskStatus::Overdue);
        // A report in Q2 (even late in it) clears it.
        task.last_progress_at = Some(at(2022, 6, 29, 9));
        assert_eq!(
            status(&task, at(2022, 7, 5, 9), &cal),
            TaskStatus::InProgress
        );
        // Work that started in July owes nothing for Q2.
        task.last_progress_at = None;
        task.start = Some(d(2022, 7, 1));
        assert_eq!(
            status(&task, at(2022, 7, 5, 9), &cal),
            TaskStatus::InProgress
        );
        // Finished ongoing work has no deadline to miss.
        task.completed_at = Some(at(2022, 12, 1, 9));
        assert_eq!(
            status(&task, at(2023, 1, 5, 9), &cal),
            TaskStatus::DoneOnTime
        );
    }

    #[test]
    fn every_status_has_a_name_and_a_vietnamese_label() {
        let names: Vec<&str> = TaskStatus::ALL.iter().map(TaskStatus::as_str).collect();
        assert_eq!(
            names,
            [
                "not_due",
                "in_progress",
                "due_soon",
                "overdue",
                "done_on_time",
                "done_late"
            ]
        );
        for status in TaskStatus::ALL {
            let json = serde_json::to_value(status).unwrap();
            assert_eq!(json, status.as_str());
            assert!(!status.label_vi().is_empty());
        }
        assert_eq!(TaskStatus::Overdue.label_vi(), "Quá hạn chưa hoàn thành");
    }
}
