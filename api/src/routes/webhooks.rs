//! Outbound webhook subscriptions, their delivery log, redelivery and ping (admin only). The
//! events themselves are described in the document's `webhooks` section.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use cchc_app::repo::webhooks;
use cchc_domain::model::job::Job;
use cchc_domain::model::webhook::{
    CreateWebhook, DeliveryFilter, UpdateWebhook, Webhook, WebhookDeliveryPage, WebhookPage,
    WebhookWithSecret,
};
use cchc_domain::model::PageParams;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::routes::created;
use crate::state::AppState;

/// List webhook subscriptions (admin)
///
/// By id. Secrets are never shown.
#[utoipa::path(
    operation_id = "list_webhooks",
    tag = "webhooks",
    params(PageParams),
    responses((status = 200, description = "A page of subscriptions", body = WebhookPage))
)]
#[get("/webhooks")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    page: Query<PageParams>,
) -> Result<web::Json<WebhookPage>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        webhooks::list(&mut conn, *page, auth.principal()).await?,
    ))
}

/// Subscribe to events (admin)
///
/// The signing secret is generated unless given, and is in this answer only (it is stored so
/// deliveries can be signed, but never shown again; rotate it to get a new one).
///
/// The URL's host must be a public address or a name that resolves only to public addresses:
/// loopback, private, link-local, unique-local, shared, multicast, documentation and reserved
/// addresses are refused (`url_not_allowed`) unless the deployment lists them in
/// `CCHC_OUTBOUND_ALLOW`. The worker checks again on every delivery and never follows redirects.
#[utoipa::path(
    operation_id = "create_webhook",
    tag = "webhooks",
    request_body = CreateWebhook,
    responses(
        (status = 201, description = "Created; keep the secret", body = WebhookWithSecret),
        (status = 422, description = "Invalid fields (`validation_failed`), each named: `url` (`invalid_url`, or `url_not_allowed` for an internal address), `event_types[i]`, `secret`, `description`", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<CreateWebhook>,
) -> Result<HttpResponse, ApiError> {
    // The use case's first step, before the body's problems are told (a caller without rights
    // learns nothing from them) and before the URL's host is looked up.
    webhooks::authorize_change(auth.principal())?;
    let body = body.into_inner()?;
    // Looks the host up: before taking a connection.
    let target = webhooks::target_problem(&state.outbound, Some(&body.url)).await;
    let mut conn = state.conn().await?;
    let webhook = webhooks::create(
        &mut conn,
        &body,
        target,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(created(
        format!("/api/v1/webhooks/{}", webhook.webhook.id),
        &webhook,
    ))
}

/// Get a webhook subscription (admin)
#[utoipa::path(
    operation_id = "get_webhook",
    tag = "webhooks",
    responses((status = 200, description = "The subscription", body = Webhook))
)]
#[get("/webhooks/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Webhook>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        webhooks::get(&mut conn, *id, auth.principal()).await?,
    ))
}

/// Change a webhook subscription (admin)
///
/// URL, event types, description, active. Deliveries already queued for a subscription made
/// inactive are skipped. A new URL is checked as on creation (`url_not_allowed` for an
/// internal address).
#[utoipa::path(
    operation_id = "update_webhook",
    tag = "webhooks",
    request_body = UpdateWebhook,
    responses(
        (status = 200, description = "The subscription", body = Webhook),
        (status = 422, description = "Invalid fields (`validation_failed`), each named: `url` (`invalid_url`, or `url_not_allowed` for an internal address), `event_types[i]`, `description`", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/webhooks/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<UpdateWebhook>,
) -> Result<web::Json<Webhook>, ApiError> {
    // The use case's first step, before the body's problems are told (a caller without rights
    // learns nothing from them) and before the URL's host is looked up.
    webhooks::authorize_change(auth.principal())?;
    let body = body.into_inner()?;
    // Looks the host up: before taking a connection.
    let target = webhooks::target_problem(&state.outbound, body.url.as_deref()).await;
    let mut conn = state.conn().await?;
    Ok(web::Json(
        webhooks::update(
            &mut conn,
            *id,
            &body,
            target,
            auth.principal(),
            &auth.actor(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// Delete a webhook subscription (admin)
///
/// With its delivery log. Deliveries still queued are skipped.
#[utoipa::path(
    operation_id = "delete_webhook",
    tag = "webhooks",
    responses((status = 204, description = "Deleted"))
)]
#[delete("/webhooks/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.conn().await?;
    webhooks::delete(
        &mut conn,
        *id,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Rotate the signing secret (admin)
///
/// A new secret replaces the old one at once: deliveries from now on, retries included, are
/// signed with it. The new secret is in this answer only.
#[utoipa::path(
    operation_id = "rotate_webhook_secret",
    tag = "webhooks",
    responses((status = 200, description = "The subscription and its new secret", body = WebhookWithSecret))
)]
#[post("/webhooks/{id}/rotate-secret")]
pub async fn rotate_secret(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<WebhookWithSecret>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        webhooks::rotate_secret(
            &mut conn,
            *id,
            auth.principal(),
            &auth.actor(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// Send a test event (admin)
///
/// Queues a `ping` event for this subscription only, signed like every event; answers the
/// delivery job. Its attempts appear in the delivery log.
#[utoipa::path(
    operation_id = "ping_webhook",
    tag = "webhooks",
    responses(
        (status = 202, description = "Queued", body = Job),
        (status = 409, description = "The subscription is inactive (`webhook_inactive`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/{id}/ping")]
pub async fn ping(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.conn().await?;
    let job = webhooks::ping(&mut conn, *id, auth.principal(), state.clock.now()).await?;
    Ok(HttpResponse::Accepted().json(job))
}

/// A subscription's delivery log (admin)
///
/// Every attempt, failed or not, newest first: when, the HTTP status or the error, how long it
/// took and the start of the answer.
#[utoipa::path(
    operation_id = "list_webhook_deliveries",
    tag = "webhooks",
    params(DeliveryFilter, PageParams),
    responses((status = 200, description = "A page of delivery attempts", body = WebhookDeliveryPage))
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn deliveries(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    filter: Query<DeliveryFilter>,
    page: Query<PageParams>,
) -> Result<web::Json<WebhookDeliveryPage>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        webhooks::deliveries(&mut conn, *id, &filter, *page, auth.principal()).await?,
    ))
}

/// Deliver an event again (admin)
///
/// Queues a fresh delivery of that attempt's event (same event id, same body) to the
/// subscription's current URL, signed with its current secret and a new timestamp; answers the
/// job. Receivers that dedupe by event id will ignore it if they already have it.
#[utoipa::path(
    operation_id = "redeliver_webhook",
    tag = "webhooks",
    params(
        ("id" = i64, Path, description = "The subscription"),
        ("delivery_id" = i64, Path, description = "An attempt of its delivery log"),
    ),
    responses(
        (status = 202, description = "Queued", body = Job),
        (status = 409, description = "The subscription is inactive (`webhook_inactive`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/{id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, delivery_id) = path.into_inner();
    let mut conn = state.conn().await?;
    let job = webhooks::redeliver(
        &mut conn,
        id,
        delivery_id,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(HttpResponse::Accepted().json(job))
}
