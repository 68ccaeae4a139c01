//! The notification schedule of a period or a task: who will be reminded or escalated, with what and
//! when, and what was already sent.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use crate::model::job::Recipient;

/// One mail of the schedule: planned (not queued yet) or recorded (a job of the outbox).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScheduledNotification {
    /// The unit it is about; none for a leadership mail listing several units.
    #[schema(example = "QLCN")]
    pub unit_code: Option<String>,
    #[schema(example = "Phòng Quản lý Công nghiệp")]
    pub unit_name: Option<String>,
    /// `reminder` (to the focal persons before the deadline), `escalation_head` (to the
    /// unit's head once late), `escalation_leadership` (to the leadership and the Office);
    /// for a task `task_reminder`, `task_escalation_head`, `task_escalation_leadership`.
    #[schema(example = "reminder")]
    pub kind: String,
    /// For a reminder: `d5`, `d2`, `d0` (working days before) or `deadline_day`; a task's
    /// reminder of its progress report adds `progress:` (`progress:d2`).
    #[schema(example = "d2")]
    pub step: Option<String>,
    /// When it goes (or went) out, local time: inside office hours on a working day.
    #[schema(example = "2026-12-11T08:00:00+07:00")]
    pub at: DateTime<FixedOffset>,
    /// `planned` (computed from the policy, not queued yet), or the job's status: `queued`,
    /// `running`, `done` (sent or skipped, see `outcome`), `failed`.
    #[schema(example = "planned")]
    pub status: String,
    pub recipients: Vec<Recipient>,
    /// The job, once recorded.
    pub job_id: Option<i64>,
    /// What the job did (`sent <Message-ID>`, `skipped: …`).
    pub outcome: Option<String>,
}

/// A period's notifications.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationSchedule {
    pub period_id: i64,
    #[schema(example = "2026-Q4")]
    pub period_code: String,
    /// The instant the schedule was computed at; planned lines are after it.
    pub as_of: DateTime<FixedOffset>,
    /// Office hours mail goes out in, local time, on working days.
    #[schema(example = "07:30–17:00")]
    pub office_hours: String,
    /// Recorded mails first (oldest first), then the planned ones in time order.
    pub items: Vec<ScheduledNotification>,
}

/// A task's notifications: reminders to its lead unit's focal persons before its deadline (or
/// an ongoing task's progress report), and escalations once it is overdue.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskNotificationSchedule {
    pub task_id: i64,
    /// Its number in the source, e.g. `2.3`.
    #[schema(example = "2.3")]
    pub task_code: String,
    /// The instant the schedule was computed at; planned lines are after it.
    pub as_of: DateTime<FixedOffset>,
    /// Office hours mail goes out in, local time, on working days.
    #[schema(example = "07:30–17:00")]
    pub office_hours: String,
    /// Recorded mails first (oldest first), then the planned ones in time order.
    pub items: Vec<ScheduledNotification>,
}
