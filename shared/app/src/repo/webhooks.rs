//! Webhook subscriptions (admin only), their delivery log, redelivery and ping, and what the
//! worker reads and writes to deliver. Events themselves are emitted by [`crate::repo::events`].

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;

use crate::authz;
use crate::authz::Principal;
use crate::outbound::Outbound;
use crate::repo::audit::{self, Entry};
use crate::repo::events::{enqueue_delivery, record};
use crate::repo::{jobs, local};
use cchc_db::schema::{integration_events, webhook_deliveries, webhook_subscriptions};
use cchc_domain::error::{Error, FieldError, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::job::Job;
use cchc_domain::model::webhook::{
    CreateWebhook, DeliveryFilter, EventEnvelope, EventType, PingEventData, UpdateWebhook, Webhook,
    WebhookDelivery, WebhookDeliveryPage, WebhookPage, WebhookWithSecret,
};
use cchc_domain::model::PageParams;
use cchc_domain::rules::webhooks::{
    generate_secret, parse_event_types, secret_problem, url_problem,
};
use cchc_domain::validation::{non_blank, Checker};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_subscriptions)]
struct SubscriptionRow {
    id: i64,
    url: String,
    event_types: Vec<EventType>,
    description: Option<String>,
    active: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl SubscriptionRow {
    fn into_api(self) -> Webhook {
        Webhook {
            id: self.id,
            url: self.url,
            event_types: self.event_types,
            description: self.description,
            active: self.active,
            created_at: local(self.created_at),
            updated_at: local(self.updated_at),
        }
    }
}

fn check_description(check: &mut Checker, description: Option<&str>) {
    check.optional_text("description", description, 500);
}

fn check_event_types(check: &mut Checker, types: &[String]) -> Vec<EventType> {
    match parse_event_types("event_types", types) {
        Ok(types) => types,
        Err(problems) => {
            check.extend(problems);
            Vec::new()
        }
    }
}

async fn find_row(conn: &mut AsyncPgConnection, id: i64, lock: bool) -> Result<SubscriptionRow> {
    let query = webhook_subscriptions::table
        .find(id)
        .select(SubscriptionRow::as_select());
    let row = if lock {
        query.for_update().first(conn).await
    } else {
        query.first(conn).await
    };
    row.optional()?.ok_or(Error::not_found("webhook"))
}

/// A subscription: the Office only.
pub async fn get(conn: &mut AsyncPgConnection, id: i64, principal: &Principal) -> Result<Webhook> {
    authz::require_admin(principal)?;
    load(conn, id).await
}

/// The same without an access check (callers have done it).
pub(crate) async fn load(conn: &mut AsyncPgConnection, id: i64) -> Result<Webhook> {
    Ok(find_row(conn, id, false).await?.into_api())
}

/// Subscriptions by id.
pub async fn list(
    conn: &mut AsyncPgConnection,
    page: PageParams,
    principal: &Principal,
) -> Result<WebhookPage> {
    authz::require_admin(principal)?;
    let (page, per_page) = page.validate()?;
    let total: i64 = webhook_subscriptions::table
        .count()
        .get_result(conn)
        .await?;
    let rows: Vec<SubscriptionRow> = webhook_subscriptions::table
        .order(webhook_subscriptions::id)
        .limit(per_page)
        .offset(PageParams::offset(page, per_page))
        .select(SubscriptionRow::as_select())
        .load(conn)
        .await?;
    Ok(WebhookPage {
        items: rows.into_iter().map(SubscriptionRow::into_api).collect(),
        page,
        per_page,
        total,
    })
}

/// What is wrong with where a subscription's URL points, if anything: a host that is, or
/// resolves to, an address the worker would refuse to deliver to (see [`crate::outbound`]).
/// Looks the name up, so call it before taking a database connection and give the result to
/// [`create`] or [`update`]; the worker checks again on every delivery.
pub async fn target_problem(outbound: &Outbound, url: Option<&str>) -> Option<FieldError> {
    let url = url?;
    if url_problem("url", url).is_some() {
        // Reported by create/update as it is.
        return None;
    }
    let parsed = url::Url::parse(url.trim()).ok()?;
    let refused = outbound.check_target(&parsed).await.err()?;
    tracing::info!(%refused, "a webhook URL names a refused address");
    Some(FieldError::new(
        "url",
        "url_not_allowed",
        "the host is, or resolves to, a loopback, private, link-local or otherwise internal address, which webhooks are not sent to (unless the deployment allows it in CCHC_OUTBOUND_ALLOW)",
    ))
}

/// Creates a subscription; the secret is generated unless given, and answered this once.
/// `target` is [`target_problem`] of the URL.
/// The first step of every change to the subscriptions: only the Office makes them. Exposed so a
/// handler refuses a caller before it looks the URL's host up or reports what is wrong with the
/// body.
pub fn authorize_change(principal: &Principal) -> Result<()> {
    authz::require_admin(principal)
}

pub async fn create(
    conn: &mut AsyncPgConnection,
    input: &CreateWebhook,
    target: Option<FieldError>,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<WebhookWithSecret> {
    authorize_change(principal)?;
    let mut check = Checker::new();
    check.extend(url_problem("url", &input.url));
    check.extend(target);
    let types = check_event_types(&mut check, &input.event_types);
    check_description(&mut check, input.description.as_deref());
    if let Some(secret) = &input.secret {
        check.extend(secret_problem("secret", secret));
    }
    check.finish()?;
    let secret = input.secret.clone().unwrap_or_else(generate_secret);
    conn.transaction(async |conn| -> Result<WebhookWithSecret> {
        let id: i64 = diesel::insert_into(webhook_subscriptions::table)
            .values((
                webhook_subscriptions::url.eq(input.url.trim()),
                webhook_subscriptions::event_types.eq(&types),
                webhook_subscriptions::secret.eq(&secret),
                webhook_subscriptions::description.eq(non_blank(input.description.as_deref())),
                webhook_subscriptions::active.eq(input.active.unwrap_or(true)),
                webhook_subscriptions::created_at.eq(now),
                webhook_subscriptions::updated_at.eq(now),
            ))
            .returning(webhook_subscriptions::id)
            .get_result(conn)
            .await?;
        let webhook = load(conn, id).await?;
        // The snapshot is of the subscription without its secret.
        audit::record(
            conn,
            actor,
            now,
            Entry::created(EntityType::Webhook, id, &webhook)?,
        )
        .await?;
        Ok(WebhookWithSecret {
            webhook,
            secret: secret.clone(),
        })
    })
    .await
}

/// Changes a subscription; `target` is [`target_problem`] of a new URL.
pub async fn update(
    conn: &mut AsyncPgConnection,
    id: i64,
    input: &UpdateWebhook,
    target: Option<FieldError>,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Webhook> {
    authorize_change(principal)?;
    let mut check = Checker::new();
    if let Some(url) = &input.url {
        check.extend(url_problem("url", url));
    }
    check.extend(target);
    let types = input
        .event_types
        .as_ref()
        .map(|types| check_event_types(&mut check, types));
    if let Some(description) = &input.description {
        check_description(&mut check, description.as_deref());
    }
    check.finish()?;
    conn.transaction(async |conn| -> Result<Webhook> {
        let row = find_row(conn, id, true).await?;
        let before = row.clone().into_api();
        let description = match &input.description {
            Some(description) => non_blank(description.as_deref()),
            None => row.description.clone(),
        };
        diesel::update(webhook_subscriptions::table.find(id))
            .set((
                webhook_subscriptions::url.eq(input
                    .url
                    .as_deref()
                    .map(str::trim)
                    .unwrap_or(&row.url)),
                webhook_subscriptions::event_types.eq(types.as_ref().unwrap_or(&row.event_types)),
                webhook_subscriptions::description.eq(description),
                webhook_subscriptions::active.eq(input.active.unwrap_or(row.active)),
                webhook_subscriptions::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
        let after = load(conn, id).await?;
        let entry = Entry::changed(EntityType::Webhook, id, "updated", &before, &after)?;
        audit::record_opt(conn, actor, now, entry).await?;
        Ok(after)
    })
    .await
}

/// Deletes a subscription and its delivery log; deliveries still queued are skipped.
pub async fn delete(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    authorize_change(principal)?;
    conn.transaction(async |conn| -> Result<()> {
        let before = find_row(conn, id, true).await?.into_api();
        diesel::delete(webhook_subscriptions::table.find(id))
            .execute(conn)
            .await?;
        audit::record(
            conn,
            actor,
            now,
            Entry::deleted(EntityType::Webhook, id, &before)?,
        )
        .await
    })
    .await
}

/// Replaces the signing secret at once (deliveries from now on use the new one) and answers
/// it this once. The audit records that it happened, never the secret.
pub async fn rotate_secret(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<WebhookWithSecret> {
    authorize_change(principal)?;
    conn.transaction(async |conn| -> Result<WebhookWithSecret> {
        find_row(conn, id, true).await?;
        let secret = generate_secret();
        diesel::update(webhook_subscriptions::table.find(id))
            .set((
                webhook_subscriptions::secret.eq(&secret),
                webhook_subscriptions::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
        audit::record(
            conn,
            actor,
            now,
            Entry {
                entity_type: EntityType::Webhook,
                entity_id: id.to_string(),
                action: "secret_rotated",
                before: None,
                after: None,
            },
        )
        .await?;
        Ok(WebhookWithSecret {
            webhook: load(conn, id).await?,
            secret,
        })
    })
    .await
}

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
            let event_id: String = webhook_deliveries::table
                .filter(webhook_deliveries::id.eq(delivery_id))
                .filter(webhook_deliveries::subscription_id.eq(id))
                .select(webhook_deliveries::event_id)
                .first(conn)
                .await
                .optional()?
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

type DeliveryRow = (
    (
        i64,
        i64,
        String,
        Option<i64>,
        i32,
        bool,
        String,
        DateTime<Utc>,
        i32,
        Option<i32>,
        Option<String>,
        Option<String>,
        bool,
    ),
    EventType,
);

/// A subscription's delivery log, newest first.
pub async fn deliveries(
    conn: &mut AsyncPgConnection,
    id: i64,
    filter: &DeliveryFilter,
    page: PageParams,
    principal: &Principal,
) -> Result<WebhookDeliveryPage> {
    authz::require_admin(principal)?;
    let (page, per_page) = page.validate()?;
    find_row(conn, id, false).await?;
    let query = || {
        let mut query = webhook_deliveries::table
            .inner_join(integration_events::table)
            .filter(webhook_deliveries::subscription_id.eq(id))
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
    let rows: Vec<DeliveryRow> = query()
        .order(webhook_deliveries::id.desc())
        .limit(per_page)
        .offset(PageParams::offset(page, per_page))
        .select((
            webhook_deliveries::all_columns,
            integration_events::event_type,
        ))
        .load(conn)
        .await?;
    let items = rows
        .into_iter()
        .map(|(d, event_type)| {
            Ok(WebhookDelivery {
                id: d.0,
                subscription_id: d.1,
                event_id: d.2,
                event_type,
                job_id: d.3,
                attempt: d.4,
                redelivery: d.5,
                url: d.6,
                requested_at: local(d.7),
                duration_ms: d.8,
                response_status: d.9,
                error: d.10,
                response_excerpt: d.11,
                succeeded: d.12,
            })
        })
        .collect::<Result<_>>()?;
    Ok(WebhookDeliveryPage {
        items,
        page,
        per_page,
        total,
    })
}

// ------------------------------------------------------------------------------------------
// What the worker needs
// ------------------------------------------------------------------------------------------

/// Where and how to deliver to a subscription, as it is now.
#[derive(Debug, Clone)]
pub struct DeliveryTarget {
    pub url: String,
    pub secret: String,
    pub active: bool,
    pub event_types: Vec<EventType>,
}

/// `None` when the subscription was deleted.
pub async fn delivery_target(
    conn: &mut AsyncPgConnection,
    subscription_id: i64,
) -> Result<Option<DeliveryTarget>> {
    let row: Option<(String, String, bool, Vec<EventType>)> = webhook_subscriptions::table
        .find(subscription_id)
        .select((
            webhook_subscriptions::url,
            webhook_subscriptions::secret,
            webhook_subscriptions::active,
            webhook_subscriptions::event_types,
        ))
        .first(conn)
        .await
        .optional()?;
    Ok(
        row.map(|(url, secret, active, event_types)| DeliveryTarget {
            url,
            secret,
            active,
            event_types,
        }),
    )
}

/// The event's type and the event as it is sent; `None` when there is no such event.
pub async fn envelope(
    conn: &mut AsyncPgConnection,
    event_id: &str,
) -> Result<Option<(EventType, EventEnvelope)>> {
    let row: Option<(String, EventType, DateTime<Utc>, serde_json::Value)> =
        integration_events::table
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
            occurred_at: local(occurred_at),
            data,
        };
        (event_type, envelope)
    }))
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

pub async fn record_delivery(
    conn: &mut AsyncPgConnection,
    delivery: &NewDelivery<'_>,
) -> Result<i64> {
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
