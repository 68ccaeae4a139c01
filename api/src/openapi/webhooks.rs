//! The document's `webhooks` section (OpenAPI 3.1): one entry per outbound event, with its
//! payload schema, the signature headers, and what the receiver should answer.
//!
//! utoipa 5 has no field for `webhooks`, so the section is built with utoipa's own types and
//! put at the document's root through its extensions map (serialized flat, like `x-…` keys).
//! The document served at runtime and `cchc-api openapi` both go through here.

use cchc_app::repo::jobs::{retry_delay, DEFAULT_MAX_ATTEMPTS};
use cchc_domain::model::webhook::EventType;
use cchc_domain::rules::signature;
use cchc_domain::rules::webhooks::{TIMEOUT, USER_AGENT};
use serde_json::json;
use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, Required, ResponseBuilder};

/// Each event: its type, the name of its envelope schema, the schema of its `data`, and what
/// it means.
pub(super) const EVENTS: &[(EventType, &str, &str, &str)] = &[
    (
        EventType::PeriodOpened,
        "PeriodOpenedEvent",
        "PeriodEventData",
        "A reporting period opened: its units may now file.",
    ),
    (
        EventType::PeriodClosed,
        "PeriodClosedEvent",
        "PeriodEventData",
        "A reporting period closed: filing is over (late filing only with an extension).",
    ),
    (
        EventType::SubmissionSubmitted,
        "SubmissionSubmittedEvent",
        "SubmissionEventData",
        "A unit submitted its report, for the first time or again after a return. `timeliness` and `minutes_late` are those of the first submission.",
    ),
    (
        EventType::SubmissionReturned,
        "SubmissionReturnedEvent",
        "SubmissionEventData",
        "The Office returned a report for changes; `return_reason` says why.",
    ),
    (
        EventType::SubmissionAccepted,
        "SubmissionAcceptedEvent",
        "SubmissionEventData",
        "The Office accepted a report.",
    ),
    (
        EventType::UnitEscalated,
        "UnitEscalatedEvent",
        "EscalationEventData",
        "A unit missed its deadline and was escalated: `head` when its head was told (an hour after the deadline by default), `leadership` when the leadership was (two working days after).",
    ),
    (
        EventType::TaskAssigned,
        "TaskAssignedEvent",
        "TaskEventData",
        "A task was given to its units: created in an issued plan or from a directive document, its plan issued, or its lead or coordinating units changed.",
    ),
    (
        EventType::TaskOverdue,
        "TaskOverdueEvent",
        "TaskEventData",
        "A task passed its deadline unfinished. Sent once per deadline, as soon as it passes (not only in office hours); a task extended and overdue again is sent again.",
    ),
    (
        EventType::TaskCompleted,
        "TaskCompletedEvent",
        "TaskEventData",
        "The Office confirmed a task done; `completed_at` is when the lead unit declared it, `on_time` whether that was by the deadline.",
    ),
    (
        EventType::AssessmentSent,
        "AssessmentSentEvent",
        "AssessmentEventData",
        "The Office sent the PAR Index self-assessment to the province; `points_at_risk` are the proposed points no evidence backs, `override_reason` why it went with criteria unresolved.",
    ),
    (
        EventType::AssessmentAppraised,
        "AssessmentAppraisedEvent",
        "AssessmentEventData",
        "The Office recorded the province's appraisal: `final_points` (appraised points plus the set's share of those restored after explanation) and the `ranking_class` they earn.",
    ),
    (
        EventType::CampaignRoundReviewed,
        "CampaignRoundReviewedEvent",
        "CampaignRoundEventData",
        "The Office reviewed a round of an emulation campaign: its leaderboard is frozen (later changes to the records do not rewrite it); `first` are the units ranked first.",
    ),
    (
        EventType::Ping,
        "PingEvent",
        "PingEventData",
        "A test event, sent to one subscription on request (`POST /api/v1/webhooks/{id}/ping`). It cannot be subscribed to.",
    ),
];

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

fn envelope_schema(event_type: EventType, data: &str) -> Schema {
    Schema::Object(
        ObjectBuilder::new()
            .title(Some(format!("{event_type} event")))
            .description(Some(
                "The envelope every event comes in; `data` depends on `type`.",
            ))
            .property(
                "id",
                string()
                    .pattern(Some("^evt_[A-Za-z0-9]+$"))
                    .description(Some(
                        "The event's id, the same on every retry and redelivery: dedupe on it.",
                    ))
                    .examples([json!("evt_8Jq2ZkP4mWc7Xn1RtY5bLq0s")]),
            )
            .required("id")
            .property("type", string().enum_values(Some([event_type.as_str()])))
            .required("type")
            .property(
                "occurred_at",
                string()
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
                    .description(Some(
                        "When the change happened (local time, +07:00), not when it was sent.",
                    ))
                    .examples([json!("2026-12-04T16:30:00+07:00")]),
            )
            .required("occurred_at")
            .property("data", Ref::from_schema_name(data))
            .required("data")
            .build(),
    )
}

/// How retries are spaced, from the queue's own rule: "30 s, 1 min, 2 min, …".
pub fn retry_schedule() -> String {
    (1..DEFAULT_MAX_ATTEMPTS)
        .map(|attempt| {
            let seconds = retry_delay(attempt).num_seconds();
            if seconds < 60 {
                format!("{seconds} s")
            } else if seconds < 3600 {
                format!("{} min", seconds / 60)
            } else {
                format!("{} h", seconds / 3600)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn delivery_rules() -> String {
    format!(
        "Sent as `POST` with `Content-Type: application/json` and `User-Agent: {USER_AGENT}`, signed with \
the subscription's secret: `{sig}` is `v1=` and the hex HMAC-SHA256 of `{{{ts}}}.{{raw body}}`. Verify it \
against the raw bytes before parsing, refuse a timestamp more than 5 minutes from your clock, and dedupe on \
the event id (`{id}`, also the body's `id`): an event may arrive more than once, and events may arrive out \
of order (order them by `occurred_at`).\n\n\
Answer any 2xx within {timeout} s to acknowledge. Any other answer, a redirect, a timeout or a connection \
error is retried after {schedule} ({attempts} attempts in all); then the job is marked failed \
(`GET /api/v1/jobs?status=failed`) and can be retried or redelivered. Every attempt is in \
`GET /api/v1/webhooks/{{id}}/deliveries`.",
        sig = signature::SIGNATURE_HEADER,
        ts = signature::TIMESTAMP_HEADER,
        id = signature::EVENT_ID_HEADER,
        timeout = TIMEOUT.as_secs(),
        schedule = retry_schedule(),
        attempts = DEFAULT_MAX_ATTEMPTS,
    )
}

fn header(name: &str, description: &str, example: &str) -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Header)
        .required(Required::True)
        .description(Some(description))
        .schema(Some(string()))
        .example(Some(json!(example)))
        .build()
}

fn path_item(event_type: EventType, schema: &str, meaning: &str) -> PathItem {
    let operation = OperationBuilder::new()
        .operation_id(Some(format!(
            "webhook_{}",
            event_type.as_str().replace('.', "_")
        )))
        .tag("webhooks")
        .summary(Some(event_type.as_str()))
        .description(Some(format!("{meaning}\n\n{}", delivery_rules())))
        .parameter(header(
            signature::TIMESTAMP_HEADER,
            "When this attempt was sent, in Unix seconds (signed).",
            "1795500000",
        ))
        .parameter(header(
            signature::SIGNATURE_HEADER,
            "`v1=` and the lowercase hex HMAC-SHA256 of `{timestamp}.{raw body}` under the subscription's secret.",
            "v1=c97888a7b5b47e5b691b84081e7c21edcb2605e50219ec30e8af442a1d1c72bb",
        ))
        .parameter(header(
            signature::EVENT_ID_HEADER,
            "The event's id (the body's `id`); the key to dedupe on.",
            "evt_8Jq2ZkP4mWc7Xn1RtY5bLq0s",
        ))
        .request_body(Some(
            RequestBodyBuilder::new()
                .required(Some(Required::True))
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name(schema)))
                        .build(),
                )
                .build(),
        ))
        .response(
            "2XX",
            ResponseBuilder::new()
                .description("Received; the event will not be sent again (except on a redelivery)."),
        )
        .response(
            "default",
            ResponseBuilder::new()
                .description("Anything else, or no answer in time: the event is sent again later."),
        )
        .build();
    PathItem::new(HttpMethod::Post, operation)
}

/// Adds the event envelopes to the components and the `webhooks` section to the root.
pub fn add(api: &mut OpenApi) {
    let components = api.components.get_or_insert_with(Default::default);
    for (event_type, schema, data, _) in EVENTS {
        components.schemas.insert(
            (*schema).to_owned(),
            RefOr::T(envelope_schema(*event_type, data)),
        );
    }
    let mut section = serde_json::Map::new();
    for (event_type, schema, _, meaning) in EVENTS {
        let item = serde_json::to_value(path_item(*event_type, schema, meaning))
            .expect("a path item serializes");
        section.insert(event_type.as_str().to_owned(), item);
    }
    api.extensions
        .get_or_insert_with(Extensions::default)
        .insert("webhooks".to_owned(), serde_json::Value::Object(section));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_type_is_described_once() {
        let described: Vec<EventType> = EVENTS.iter().map(|(t, ..)| *t).collect();
        assert_eq!(described, EventType::ALL);
    }

    #[test]
    fn the_retry_schedule_is_read_off_the_queue() {
        assert_eq!(
            retry_schedule(),
            "30 s, 1 min, 2 min, 4 min, 8 min, 16 min, 32 min"
        );
    }
}
