//! The worker's jobs and escalations as the API shows them.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::model::page_of;
use crate::rules::reminders::EscalationLevel;
use crate::text_enum;

text_enum! {
    /// Where a job is.
    pub enum JobStatus {
        /// Waiting for its `run_at`, or for a retry after a temporary failure.
        Queued => "queued",
        /// Ran to the end (a mail sent, or skipped because it no longer applied).
        Done => "done",
        /// Gave up after `max_attempts` or on a permanent error; `POST /jobs/{id}/retry` requeues it.
        Failed => "failed",
    }
}

/// A job of the worker's queue.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Job {
    pub id: i64,
    /// `reminder`, `escalation_head`, `escalation_leadership`, `receipt`, `digest`,
    /// `task_reminder`, `task_escalation_head`, `task_escalation_leadership`, `plan_digest`,
    /// `assessment_reminder`, `assessment_escalation_head`, `assessment_escalation_leadership`,
    /// `assessment_office_reminder`, `assessment_digest`, `campaign_office_reminder`,
    /// `campaign_unit_reminder`, `webhook_delivery`.
    #[schema(example = "reminder")]
    pub kind: String,
    pub payload: Value,
    /// What makes it unique, e.g. `reminder:3:12:d5:focal.khtc@example.vn`.
    pub dedup_key: Option<String>,
    pub status: JobStatus,
    pub attempts: i32,
    pub max_attempts: i32,
    /// When it is due (next attempt for a queued job).
    pub run_at: DateTime<FixedOffset>,
    pub last_error: Option<String>,
    /// What it did: the Message-ID of the mail it sent, or why it was skipped.
    pub outcome: Option<String>,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
    pub finished_at: Option<DateTime<FixedOffset>>,
}

/// Filters of the job list, newest first.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobFilter {
    pub status: Option<JobStatus>,
    #[param(example = "reminder")]
    pub kind: Option<String>,
}

page_of!(JobPage, Job, "A page of jobs.");

/// Counts for one kind of job.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct JobKindStats {
    pub kind: String,
    pub queued: i64,
    /// Done: mails sent (or jobs that found nothing left to do).
    pub done: i64,
    pub failed: i64,
    /// Jobs that needed more than one attempt (done or not).
    pub retried: i64,
}

/// The queue at a glance.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct JobStats {
    pub queued: i64,
    pub done: i64,
    pub failed: i64,
    pub retried: i64,
    /// Queued jobs already due (a backlog when it grows).
    pub due: i64,
    pub oldest_due_at: Option<DateTime<FixedOffset>>,
    pub by_kind: Vec<JobKindStats>,
}

/// A mailbox: an optional display name and an address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[schema(format = Email)]
    pub email: String,
}

impl Recipient {
    pub fn new(name: impl Into<String>, email: impl Into<String>) -> Self {
        Self {
            name: Some(name.into()),
            email: email.into(),
        }
    }

    pub fn address_only(email: impl Into<String>) -> Self {
        Self {
            name: None,
            email: email.into(),
        }
    }
}

/// A unit escalated for a period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Escalation {
    pub unit_code: String,
    pub unit_name: String,
    pub level: EscalationLevel,
    /// The deadline the unit missed (its extension's, if it had one).
    pub deadline: DateTime<FixedOffset>,
    pub escalated_at: DateTime<FixedOffset>,
    /// Minutes past the deadline when it was escalated.
    pub minutes_late: i32,
}

page_of!(EscalationPage, Escalation, "A page of escalations.");
