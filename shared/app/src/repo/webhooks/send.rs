//! Sending to a subscription by hand: a ping, or a fresh delivery of an event it was sent.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::json;

use super::{authorize_change, find_row};
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::events::{enqueue_delivery, record};
use crate::repo::jobs;
use cchc_db::webhooks::{self, SubscriptionRow};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::job::Job;
use cchc_domain::model::webhook::{EventType, PingEventData};

/// Refuses to send to an inactive subscription (nothing would go out).
fn refuse_inactive(row: &SubscriptionRow, action: &str) -> Result<()> {
    if row.active {
        Ok(())
    } else {
        Err(Error::conflict(
            "webhook_inactive",
            format!("the subscription is inactive, so nothing would be sent; activate it before you {action}"),
        ))
    }
}

/// Sends a `ping` event to this subscription only; answers the delivery job.
pub async fn ping(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
    now: DateTime<Utc>,
) -> Result<Job> {
    authorize_change(principal)?;
    let job_id = conn
        .transaction(async |conn| -> Result<i64> {
            let row = find_row(conn, id, false).await?;
            refuse_inactive(&row, "ping it")?;
            let data = PingEventData {
                subscription_id: id,
                message: "ping from cchc".into(),
            };
            let event_id = record(conn, EventType::Ping, &data, now).await?;
            enqueue_delivery(conn, id, &event_id, None, now)
                .await?
                .ok_or_else(|| Error::Internal("a new event's delivery key was taken".into()))
        })
        .await?;
    jobs::load(conn, job_id).await
}

/// Enqueues a fresh delivery of the event of one of this subscription's deliveries, to the
/// subscription's current URL with its current secret. Answers the job.
pub async fn redeliver(
    conn: &mut AsyncPgConnection,
    id: i64,
    delivery_id: i64,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Job> {
    authorize_change(principal)?;
    let job_id = conn
        .transaction(async |conn| -> Result<i64> {
            let row = find_row(conn, id, false).await?;
            let event_id = webhooks::delivered_event_id(conn, id, delivery_id)
                .await?
                .ok_or(Error::not_found("delivery"))?;
            refuse_inactive(&row, "redeliver")?;
            let job_id = enqueue_delivery(conn, id, &event_id, Some(delivery_id), now)
                .await?
                .ok_or_else(|| Error::Internal("a redelivery's key was taken".into()))?;
            audit::record(
                conn,
                actor,
                now,
                Entry {
                    entity_type: EntityType::Webhook,
                    entity_id: id.to_string(),
                    action: "redelivered",
                    before: None,
                    after: Some(
                        json!({"event_id": event_id, "delivery_id": delivery_id, "job_id": job_id}),
                    ),
                },
            )
            .await?;
            Ok(job_id)
        })
        .await?;
    jobs::load(conn, job_id).await
}
