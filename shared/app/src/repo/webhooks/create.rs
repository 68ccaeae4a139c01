//! A new subscription, its URL checked against the outbound guard first.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::read::load;
use super::{authorize_change, check_description, check_event_types};
use crate::authz::Principal;
use crate::outbound::Outbound;
use crate::repo::audit::{self, Entry};
use cchc_db::webhooks::{self, NewSubscription};
use cchc_domain::error::{FieldError, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::webhook::{CreateWebhook, WebhookWithSecret};
use cchc_domain::rules::webhooks::{generate_secret, secret_problem, url_problem};
use cchc_domain::validation::{non_blank, Checker};

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
        let subscription = NewSubscription {
            url: input.url.trim(),
            event_types: &types,
            secret: &secret,
            description: non_blank(input.description.as_deref()),
            active: input.active.unwrap_or(true),
            created_at: now,
            updated_at: now,
        };
        let id = webhooks::insert(conn, &subscription).await?;
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
