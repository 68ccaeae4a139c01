//! The outbox of integration events (`integration_events`): an event row, written in the
//! transaction of the change it tells of, and the facts an event about a report carries.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use crate::schema::{integration_events, webhook_subscriptions};
use cchc_domain::model::submission::SubmissionStatus;
use cchc_domain::model::webhook::{EventEnvelope, EventType};
use cchc_domain::rules::local_time::to_local;
use cchc_domain::rules::timeliness::Timeliness;
use cchc_domain::Result;

/// Records event `id` of `event_type` with `data`.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    id: &str,
    event_type: EventType,
    data: &Value,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::insert_into(integration_events::table)
        .values((
            integration_events::id.eq(id),
            integration_events::event_type.eq(event_type),
            integration_events::occurred_at.eq(now),
            integration_events::data.eq(data),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// The active subscriptions that take events of `event_type`, by id.
pub async fn subscribers(conn: &mut AsyncPgConnection, event_type: EventType) -> Result<Vec<i64>> {
    Ok(webhook_subscriptions::table
        .filter(webhook_subscriptions::active.eq(true))
        .filter(webhook_subscriptions::event_types.contains(vec![event_type]))
        .order(webhook_subscriptions::id)
        .select(webhook_subscriptions::id)
        .load(conn)
        .await?)
}

/// Event `event_id`'s type and the event as it is sent; `None` when there is no such event.
pub async fn envelope(
    conn: &mut AsyncPgConnection,
    event_id: &str,
) -> Result<Option<(EventType, EventEnvelope)>> {
    let row: Option<(String, EventType, DateTime<Utc>, Value)> = integration_events::table
        .find(event_id)
        .select((
            integration_events::id,
            integration_events::event_type,
            integration_events::occurred_at,
            integration_events::data,
        ))
        .first(conn)
        .await
        .optional()?;
    Ok(row.map(|(id, event_type, occurred_at, data)| {
        let envelope = EventEnvelope {
            id,
            event_type: event_type.as_str().to_owned(),
            occurred_at: to_local(occurred_at),
            data,
        };
        (event_type, envelope)
    }))
}

/// What an event about a report says of it, read as the change left it.
#[derive(Debug, Clone, QueryableByName)]
pub struct SubmissionFacts {
    #[diesel(sql_type = BigInt)]
    pub submission_id: i64,
    #[diesel(sql_type = BigInt)]
    pub period_id: i64,
    #[diesel(sql_type = Text)]
    pub period_code: String,
    #[diesel(sql_type = BigInt)]
    pub unit_id: i64,
    #[diesel(sql_type = Text)]
    pub unit_code: String,
    #[diesel(sql_type = Text)]
    pub status: SubmissionStatus,
    #[diesel(sql_type = Integer)]
    pub version: i32,
    /// The unit's deadline: its extension if it has one, else the period's.
    #[diesel(sql_type = Timestamptz)]
    pub deadline: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Text>)]
    pub timeliness: Option<Timeliness>,
    #[diesel(sql_type = Nullable<Integer>)]
    pub minutes_late: Option<i32>,
    #[diesel(sql_type = Nullable<Text>)]
    pub return_reason: Option<String>,
}

/// Report `submission_id`'s facts (an error when it does not exist).
pub async fn submission_facts(
    conn: &mut AsyncPgConnection,
    submission_id: i64,
) -> Result<SubmissionFacts> {
    Ok(diesel::sql_query(
        "SELECT s.id AS submission_id, p.id AS period_id, p.code AS period_code, \
           u.id AS unit_id, u.code AS unit_code, s.status, s.submit_count AS version, \
           COALESCE(e.deadline, p.deadline) AS deadline, s.first_timeliness AS timeliness, \
           s.first_minutes_late AS minutes_late, s.return_reason \
         FROM submissions s \
         JOIN periods p ON p.id = s.period_id \
         JOIN units u ON u.id = s.unit_id \
         LEFT JOIN period_extensions e ON e.period_id = s.period_id AND e.unit_id = s.unit_id \
         WHERE s.id = $1",
    )
    .bind::<BigInt, _>(submission_id)
    .get_result(conn)
    .await?)
}
