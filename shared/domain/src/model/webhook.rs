//! Outbound webhooks as the API shows them: subscriptions, the events this service emits, and
//! the delivery log.
//!
//! Every event travels in the same envelope as the inbound QLVB events:
//! `{"id": "evt_…", "type": "submission.submitted", "occurred_at": "…+07:00", "data": {…}}`.
//! `data` is small and stable: ids and codes to fetch the full resource with, and the facts
//! an integrator most often needs without a second call.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::model::period::PeriodStatus;
use crate::model::submission::SubmissionStatus;
use crate::model::{double_option, non_null, page_of};
use crate::rules::reminders::EscalationLevel;
use crate::rules::timeliness::Timeliness;
use crate::text_enum;

text_enum! {
    /// What an outbound event reports (its `type`).
    pub enum EventType {
        /// A period opened: units may file.
        PeriodOpened => "period.opened",
        /// A period closed: filing is over (late filing only with an extension).
        PeriodClosed => "period.closed",
        /// A unit submitted its report (first time or again after a return).
        SubmissionSubmitted => "submission.submitted",
        /// The Office returned a report for changes, with a reason.
        SubmissionReturned => "submission.returned",
        /// The Office accepted a report.
        SubmissionAccepted => "submission.accepted",
        /// A unit missed its deadline and was escalated (to its head, then the leadership).
        UnitEscalated => "unit.escalated",
        /// A task was given to units: created in an issued plan or from a directive document,
        /// its plan issued, or its lead or coordinating units changed.
        TaskAssigned => "task.assigned",
        /// A task passed its deadline unfinished (once per deadline: an extension that passes
        /// too makes it overdue again).
        TaskOverdue => "task.overdue",
        /// The Office confirmed a task done.
        TaskCompleted => "task.completed",
        /// The Office sent the PAR Index self-assessment to the province.
        AssessmentSent => "assessment.sent",
        /// The Office recorded the province's appraisal of a self-assessment.
        AssessmentAppraised => "assessment.appraised",
        /// The Office reviewed a round of an emulation campaign and froze its leaderboard.
        CampaignRoundReviewed => "campaign.round_reviewed",
        /// A test event sent on request (`POST /webhooks/{id}/ping`); it cannot be subscribed to.
        Ping => "ping",
    }
}

impl EventType {
    /// The types a subscription can ask for.
    pub const SUBSCRIBABLE: &'static [EventType] = &[
        EventType::PeriodOpened,
        EventType::PeriodClosed,
        EventType::SubmissionSubmitted,
        EventType::SubmissionReturned,
        EventType::SubmissionAccepted,
        EventType::UnitEscalated,
        EventType::TaskAssigned,
        EventType::TaskOverdue,
        EventType::TaskCompleted,
        EventType::AssessmentSent,
        EventType::AssessmentAppraised,
        EventType::CampaignRoundReviewed,
    ];
}

/// A webhook subscription: where to send which events. The secret is never shown after it is
/// created or rotated.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Webhook {
    pub id: i64,
    /// Absolute `http` or `https` URL the events are POSTed to.
    #[schema(example = "https://qlvb.example.gov.vn/hooks/cchc")]
    pub url: String,
    /// The event types sent to it.
    pub event_types: Vec<EventType>,
    pub description: Option<String>,
    /// Inactive subscriptions receive nothing; deliveries already queued are skipped.
    pub active: bool,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

/// A subscription with its signing secret, answered only on creation and rotation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookWithSecret {
    pub webhook: Webhook,
    /// The HMAC-SHA256 key that signs every delivery (`X-CCHC-Signature`). Keep it: it is
    /// not shown again (rotate it to get a new one).
    #[schema(example = "whsec_3q2-7wE…")]
    pub secret: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "url": "https://qlvb.example.gov.vn/hooks/cchc",
    "event_types": [
        "submission.submitted",
        "submission.accepted"
    ],
    "description": "QLVB của Sở: nhận báo cáo đã nộp",
    "active": true
}))]
pub struct CreateWebhook {
    /// Absolute `http` or `https` URL, at most 2000 characters: an ASCII host name (IDN hosts
    /// in their `xn--` form are not taken) or an IPv4 address, an optional port, a path and
    /// query of URL characters (others percent-encoded), no user and no `#fragment`.
    #[schema(example = "https://qlvb.example.gov.vn/hooks/cchc", max_length = 2000)]
    pub url: String,
    /// One or more of `period.opened`, `period.closed`, `submission.submitted`,
    /// `submission.returned`, `submission.accepted`, `unit.escalated`, `task.assigned`,
    /// `task.overdue`, `task.completed`, `assessment.sent`, `assessment.appraised`,
    /// `campaign.round_reviewed`.
    #[schema(example = json!(["submission.submitted", "submission.accepted"]), min_items = 1)]
    pub event_types: Vec<String>,
    #[serde(default)]
    #[schema(
        example = "QLVB của Sở: nhận báo cáo đã nộp",
        min_length = 1,
        max_length = 500
    )]
    pub description: Option<String>,
    /// The signing secret, 16–200 printable characters without spaces; generated when absent.
    #[serde(default)]
    #[schema(min_length = 16, max_length = 200, pattern = "^[\\x21-\\x7E]+$")]
    pub secret: Option<String>,
    /// Default true.
    #[serde(default)]
    pub active: Option<bool>,
}

/// Changes to a subscription: absent fields are left alone; `description: null` clears it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhook {
    /// As `CreateWebhook.url`.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false, max_length = 2000)]
    pub url: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false, min_items = 1)]
    pub event_types: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, nullable, min_length = 1, max_length = 500)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
}

page_of!(WebhookPage, Webhook, "A page of webhook subscriptions.");

/// One attempt to deliver an event to a subscription.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookDelivery {
    pub id: i64,
    pub subscription_id: i64,
    #[schema(example = "evt_8Jq2ZkP4mWc7Xn1R")]
    pub event_id: String,
    pub event_type: EventType,
    /// The job that made the attempt (`GET /jobs/{id}`).
    pub job_id: Option<i64>,
    /// 1 for the first attempt, more for retries; a redelivery starts again at 1.
    pub attempt: i32,
    /// Sent again on request (`…/redeliver`), not by the event itself.
    pub redelivery: bool,
    /// Where it was sent.
    pub url: String,
    pub requested_at: DateTime<FixedOffset>,
    pub duration_ms: i32,
    /// The receiver's HTTP status; null when no answer came (connection error, timeout).
    pub response_status: Option<i32>,
    /// Why the attempt failed, when it did.
    pub error: Option<String>,
    /// The first characters of the receiver's answer.
    pub response_excerpt: Option<String>,
    /// The receiver answered 2xx.
    pub succeeded: bool,
}

/// Filters of a subscription's delivery log, newest first.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryFilter {
    pub event_type: Option<EventType>,
    /// `true`: only successful attempts; `false`: only failed ones.
    pub succeeded: Option<bool>,
}

page_of!(
    WebhookDeliveryPage,
    WebhookDelivery,
    "A page of delivery attempts."
);

/// The envelope of every event: outbound webhooks and inbound QLVB events alike.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EventEnvelope {
    /// Unique per event and the same on every retry and redelivery: dedupe on it.
    #[schema(example = "evt_8Jq2ZkP4mWc7Xn1R")]
    pub id: String,
    #[serde(rename = "type")]
    #[schema(example = "submission.submitted")]
    pub event_type: String,
    /// When the change happened (RFC 3339, local time +07:00), not when it was sent.
    #[schema(example = "2026-12-04T16:30:00+07:00")]
    pub occurred_at: DateTime<FixedOffset>,
    /// What happened; its shape depends on `type`.
    pub data: Value,
}

/// `data` of `period.opened` and `period.closed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PeriodEventData {
    /// `GET /api/v1/periods/{period_id}` has the rest.
    pub period_id: i64,
    #[schema(example = "2026-Q4")]
    pub period_code: String,
    #[schema(example = "Báo cáo CCHC Quý IV/2026")]
    pub period_title: String,
    /// `open` or `closed`.
    pub status: PeriodStatus,
    /// The reporting deadline (units with an extension have their own).
    pub deadline: DateTime<FixedOffset>,
    /// Units taking part.
    pub unit_count: i64,
}

/// `data` of `submission.submitted`, `submission.returned` and `submission.accepted`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SubmissionEventData {
    /// `GET /api/v1/submissions/{submission_id}` has the report.
    pub submission_id: i64,
    pub period_id: i64,
    #[schema(example = "2026-Q4")]
    pub period_code: String,
    pub unit_id: i64,
    #[schema(example = "KHTC")]
    pub unit_code: String,
    /// The status after the change: `submitted`, `returned` or `accepted`.
    pub status: SubmissionStatus,
    /// How many times the report has been submitted (its latest version).
    pub version: i32,
    /// The unit's deadline: the period's, or its extension's.
    pub deadline: DateTime<FixedOffset>,
    /// Judged at the first submission and kept across returns.
    pub timeliness: Option<Timeliness>,
    /// Minutes past the deadline at the first submission (0 when not late).
    pub minutes_late: Option<i32>,
    /// The Office's reason, on `submission.returned` only.
    pub return_reason: Option<String>,
}

/// `data` of `unit.escalated`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EscalationEventData {
    pub period_id: i64,
    #[schema(example = "2026-Q4")]
    pub period_code: String,
    pub unit_id: i64,
    #[schema(example = "QLTM")]
    pub unit_code: String,
    /// `head`: the unit head was told; `leadership`: the leadership was told.
    pub level: EscalationLevel,
    /// The deadline the unit missed (its extension's, if it had one).
    pub deadline: DateTime<FixedOffset>,
    /// Minutes past the deadline when it was escalated.
    pub minutes_late: i32,
}

/// `data` of `task.assigned`, `task.overdue` and `task.completed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TaskEventData {
    /// `GET /api/v1/tasks/{task_id}` has the rest.
    pub task_id: i64,
    #[schema(example = "2.3")]
    pub task_code: String,
    #[schema(example = "Rà soát các thủ tục hành chính mức độ 3, 4 không phát sinh hồ sơ")]
    pub title: String,
    /// The plan the task belongs to, or `null` for a task from a directive document.
    pub plan_id: Option<i64>,
    #[schema(example = "KH-CCHC-2022")]
    pub plan_code: Option<String>,
    /// The directive document (registry id) of a task that has no plan.
    pub source_document_id: Option<i64>,
    pub lead_unit_id: i64,
    #[schema(example = "VP")]
    pub lead_unit_code: String,
    #[schema(example = json!(["QLTM"]))]
    pub coordinating_unit_codes: Vec<String>,
    /// The deadline that applies (the extension's, if one was granted); `null` for ongoing
    /// work.
    pub deadline: Option<DateTime<FixedOffset>>,
    /// On `task.completed`: when the lead unit declared it done (what timeliness is judged by).
    pub completed_at: Option<DateTime<FixedOffset>>,
    /// On `task.completed`: whether it was done by its deadline.
    pub on_time: Option<bool>,
}

/// `data` of `assessment.sent` and `assessment.appraised`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AssessmentEventData {
    /// `GET /api/v1/assessments/{assessment_id}` has the rest.
    pub assessment_id: i64,
    #[schema(example = "TDG-2026")]
    pub assessment_code: String,
    pub year: i32,
    /// Self-assessed points in total.
    #[schema(value_type = f64, example = 84.5)]
    pub self_points: rust_decimal::Decimal,
    /// On `assessment.sent`: proposed points no evidence backs.
    #[schema(value_type = Option<f64>, example = 6)]
    pub points_at_risk: Option<rust_decimal::Decimal>,
    /// On `assessment.sent`: why it was sent with criteria unresolved, if it was.
    pub override_reason: Option<String>,
    /// On `assessment.appraised`: the final points and the ranking class they earn.
    #[schema(value_type = Option<f64>, example = 81.2)]
    pub final_points: Option<rust_decimal::Decimal>,
    #[schema(example = "Khá")]
    pub ranking_class: Option<String>,
}

/// `data` of `campaign.round_reviewed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CampaignRoundEventData {
    /// `GET /api/v1/campaigns/{campaign_id}/rounds/{round}/leaderboard` has the frozen board.
    pub campaign_id: i64,
    #[schema(example = "TD-TTHC-2017")]
    pub campaign_code: String,
    #[schema(example = 1)]
    pub round: i32,
    /// The units ranked first (several when tied), by code.
    #[schema(example = json!(["VP"]))]
    pub first: Vec<String>,
}

/// `data` of `ping`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PingEventData {
    pub subscription_id: i64,
    #[schema(example = "ping from cchc")]
    pub message: String,
}
