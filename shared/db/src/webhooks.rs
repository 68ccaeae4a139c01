//! Webhook subscriptions (`webhook_subscriptions`) and their delivery log
//! (`webhook_deliveries`): the rows and their queries.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{integration_events, webhook_deliveries, webhook_subscriptions};
use cchc_domain::model::webhook::{EventType, Webhook, WebhookDelivery};
use cchc_domain::rules::local_time::to_local;
use cchc_domain::Result;

/// A subscription, without its secret.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_subscriptions)]
pub struct SubscriptionRow {
    pub id: i64,
    pub url: String,
    pub event_types: Vec<EventType>,
    pub description: Option<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl SubscriptionRow {
    /// The subscription as the API shows it.
    pub fn into_model(self) -> Webhook {
        Webhook {
            id: self.id,
            url: self.url,
            event_types: self.event_types,
            description: self.description,
            active: self.active,
            created_at: to_local(self.created_at),
            updated_at: to_local(self.updated_at),
        }
    }
}

/// Subscription `id`, if it exists; `lock` locks it for the rest of the transaction.
pub async fn find(
    conn: &mut AsyncPgConnection,
    id: i64,
    lock: bool,
) -> Result<Option<SubscriptionRow>> {
    let query = webhook_subscriptions::table
        .find(id)
        .select(SubscriptionRow::as_select());
    Ok(if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    })
}

/// How many subscriptions there are, and a page of them by id.
pub async fn page(
    conn: &mut AsyncPgConnection,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<SubscriptionRow>)> {
    let total: i64 = webhook_subscriptions::table
        .count()
        .get_result(conn)
        .await?;
    let rows = webhook_subscriptions::table
        .order(webhook_subscriptions::id)
        .limit(limit)
        .offset(offset)
        .select(SubscriptionRow::as_select())
        .load(conn)
        .await?;
    Ok((total, rows))
}

/// A subscription about to be made.
#[derive(Debug, Clone)]
pub struct NewSubscription<'a> {
    pub url: &'a str,
    pub event_types: &'a [EventType],
    pub secret: &'a str,
    pub description: Option<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Records `subscription`; its id.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    subscription: &NewSubscription<'_>,
) -> Result<i64> {
    Ok(diesel::insert_into(webhook_subscriptions::table)
        .values((
            webhook_subscriptions::url.eq(subscription.url),
            webhook_subscriptions::event_types.eq(subscription.event_types),
            webhook_subscriptions::secret.eq(subscription.secret),
            webhook_subscriptions::description.eq(&subscription.description),
            webhook_subscriptions::active.eq(subscription.active),
            webhook_subscriptions::created_at.eq(subscription.created_at),
            webhook_subscriptions::updated_at.eq(subscription.updated_at),
        ))
        .returning(webhook_subscriptions::id)
        .get_result(conn)
        .await?)
}

/// The columns of a subscription an update writes (its secret changes only by rotation).
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = webhook_subscriptions, treat_none_as_null = true)]
pub struct SubscriptionValues<'a> {
    pub url: &'a str,
    pub event_types: &'a [EventType],
    pub description: Option<String>,
    pub active: bool,
    pub updated_at: DateTime<Utc>,
}

/// Writes `values` to subscription `id`.
pub async fn update(
    conn: &mut AsyncPgConnection,
    id: i64,
    values: &SubscriptionValues<'_>,
) -> Result<()> {
    diesel::update(webhook_subscriptions::table.find(id))
        .set(values)
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes subscription `id` and its delivery log.
pub async fn delete(conn: &mut AsyncPgConnection, id: i64) -> Result<()> {
    diesel::delete(webhook_subscriptions::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces subscription `id`'s signing secret.
pub async fn set_secret(
    conn: &mut AsyncPgConnection,
    id: i64,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::update(webhook_subscriptions::table.find(id))
        .set((
            webhook_subscriptions::secret.eq(secret),
            webhook_subscriptions::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Where and how to deliver to a subscription, as it is now.
#[derive(Debug, Clone, Queryable)]
pub struct DeliveryTarget {
    pub url: String,
    pub secret: String,
    pub active: bool,
    pub event_types: Vec<EventType>,
}

/// Subscription `subscription_id`'s target; `None` when it was deleted.
pub async fn delivery_target(
    conn: &mut AsyncPgConnection,
    subscription_id: i64,
) -> Result<Option<DeliveryTarget>> {
    Ok(webhook_subscriptions::table
        .find(subscription_id)
        .select((
            webhook_subscriptions::url,
            webhook_subscriptions::secret,
            webhook_subscriptions::active,
            webhook_subscriptions::event_types,
        ))
        .first(conn)
        .await
        .optional()?)
}

/// One attempt, as the worker logs it.
#[derive(Debug, Clone)]
pub struct NewDelivery<'a> {
    pub subscription_id: i64,
    pub event_id: &'a str,
    pub job_id: i64,
    pub attempt: i32,
    pub redelivery: bool,
    pub url: &'a str,
    pub requested_at: DateTime<Utc>,
    pub duration_ms: i32,
    pub response_status: Option<i32>,
    pub error: Option<String>,
    pub response_excerpt: Option<String>,
    pub succeeded: bool,
}

/// Logs `delivery`; its id.
pub async fn record_delivery(
    conn: &mut AsyncPgConnection,
    delivery: &NewDelivery<'_>,
) -> Result<i64> {
    // Column by column: see `audit::insert` on `Option` fields and prepared statements.
    Ok(diesel::insert_into(webhook_deliveries::table)
        .values((
            webhook_deliveries::subscription_id.eq(delivery.subscription_id),
            webhook_deliveries::event_id.eq(delivery.event_id),
            webhook_deliveries::job_id.eq(delivery.job_id),
            webhook_deliveries::attempt.eq(delivery.attempt),
            webhook_deliveries::redelivery.eq(delivery.redelivery),
            webhook_deliveries::url.eq(delivery.url),
            webhook_deliveries::requested_at.eq(delivery.requested_at),
            webhook_deliveries::duration_ms.eq(delivery.duration_ms),
            webhook_deliveries::response_status.eq(delivery.response_status),
            webhook_deliveries::error.eq(&delivery.error),
            webhook_deliveries::response_excerpt.eq(&delivery.response_excerpt),
            webhook_deliveries::succeeded.eq(delivery.succeeded),
        ))
        .returning(webhook_deliveries::id)
        .get_result(conn)
        .await?)
}

/// The event delivery `delivery_id` of subscription `subscription_id` carried, if it is one
/// of its deliveries.
pub async fn delivered_event_id(
    conn: &mut AsyncPgConnection,
    subscription_id: i64,
    delivery_id: i64,
) -> Result<Option<String>> {
    Ok(webhook_deliveries::table
        .filter(webhook_deliveries::id.eq(delivery_id))
        .filter(webhook_deliveries::subscription_id.eq(subscription_id))
        .select(webhook_deliveries::event_id)
        .first(conn)
        .await
        .optional()?)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
struct DeliveryRow {
    id: i64,
    subscription_id: i64,
    event_id: String,
    job_id: Option<i64>,
    attempt: i32,
    redelivery: bool,
    url: String,
    requested_at: DateTime<Utc>,
    duration_ms: i32,
    response_status: Option<i32>,
    error: Option<String>,
    response_excerpt: Option<String>,
    succeeded: bool,
}

/// Which deliveries of a subscription to list; every condition given must hold.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeliveryFilter {
    pub event_type: Option<EventType>,
    pub succeeded: Option<bool>,
}

/// How many of subscription `subscription_id`'s deliveries `filter` keeps, and a page of
/// them, newest first.
pub async fn page_of_deliveries(
    conn: &mut AsyncPgConnection,
    subscription_id: i64,
    filter: DeliveryFilter,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<WebhookDelivery>)> {
    let query = || {
        let mut query = webhook_deliveries::table
            .inner_join(integration_events::table)
            .filter(webhook_deliveries::subscription_id.eq(subscription_id))
            .into_boxed();
        if let Some(event_type) = filter.event_type {
            query = query.filter(integration_events::event_type.eq(event_type));
        }
        if let Some(succeeded) = filter.succeeded {
            query = query.filter(webhook_deliveries::succeeded.eq(succeeded));
        }
        query
    };
    let total: i64 = query().count().get_result(conn).await?;
    let rows: Vec<(DeliveryRow, EventType)> = query()
        .order(webhook_deliveries::id.desc())
        .limit(limit)
        .offset(offset)
        .select((DeliveryRow::as_select(), integration_events::event_type))
        .load(conn)
        .await?;
    let items = rows
        .into_iter()
        .map(|(d, event_type)| WebhookDelivery {
            id: d.id,
            subscription_id: d.subscription_id,
            event_id: d.event_id,
            event_type,
            job_id: d.job_id,
            attempt: d.attempt,
            redelivery: d.redelivery,
            url: d.url,
            requested_at: to_local(d.requested_at),
            duration_ms: d.duration_ms,
            response_status: d.response_status,
            error: d.error,
            response_excerpt: d.response_excerpt,
            succeeded: d.succeeded,
        })
        .collect();
    Ok((total, items))
}
