//! Events received from the province's document-management system (`qlvb_events`): each
//! event id claimed once, with the answer it was given.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::{json, Value};

use crate::schema::qlvb_events;
use cchc_domain::model::document::QlvbEventType;
use cchc_domain::Result;

/// What was recorded of an event answered before.
#[derive(Debug, Clone, Queryable)]
pub struct RecordedEvent {
    pub body_sha256: String,
    pub answer_status: i16,
    pub answer: Value,
}

/// The record of event `event_id` from integration `token_id`, if it was answered before.
pub async fn recorded(
    conn: &mut AsyncPgConnection,
    token_id: i64,
    event_id: &str,
) -> Result<Option<RecordedEvent>> {
    Ok(qlvb_events::table
        .filter(qlvb_events::token_id.eq(token_id))
        .filter(qlvb_events::event_id.eq(event_id))
        .select((
            qlvb_events::body_sha256,
            qlvb_events::answer_status,
            qlvb_events::answer,
        ))
        .first(conn)
        .await
        .optional()?)
}

/// An event being received, before its answer is known.
#[derive(Debug, Clone, Copy)]
pub struct NewEvent<'a> {
    pub token_id: i64,
    pub event_id: &'a str,
    pub event_type: QlvbEventType,
    pub received_at: DateTime<Utc>,
    pub body_sha256: &'a str,
}

/// Claims the event's id: its row's id, or `None` when another delivery of the same id holds
/// it (the unique key on (token, event id) decides; a concurrent claim waits for the first).
pub async fn claim(conn: &mut AsyncPgConnection, event: NewEvent<'_>) -> Result<Option<i64>> {
    Ok(diesel::insert_into(qlvb_events::table)
        .values((
            qlvb_events::token_id.eq(event.token_id),
            qlvb_events::event_id.eq(event.event_id),
            qlvb_events::event_type.eq(event.event_type),
            qlvb_events::received_at.eq(event.received_at),
            qlvb_events::body_sha256.eq(event.body_sha256),
            qlvb_events::answer_status.eq(0_i16),
            qlvb_events::answer.eq(json!({})),
        ))
        .on_conflict((qlvb_events::token_id, qlvb_events::event_id))
        .do_nothing()
        .returning(qlvb_events::id)
        .get_result(conn)
        .await
        .optional()?)
}

/// Records the answer given to claimed event `row_id` and the document it registered.
pub async fn record_answer(
    conn: &mut AsyncPgConnection,
    row_id: i64,
    status: i16,
    answer: &Value,
    document_id: i64,
) -> Result<()> {
    diesel::update(qlvb_events::table.find(row_id))
        .set((
            qlvb_events::answer_status.eq(status),
            qlvb_events::answer.eq(answer),
            qlvb_events::document_id.eq(document_id),
        ))
        .execute(conn)
        .await?;
    Ok(())
}
