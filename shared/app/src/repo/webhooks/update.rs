//! Changing a subscription: its fields, its secret (rotated, answered once), or deleting it.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::read::load;
use super::{authorize_change, check_description, check_event_types, find_row};
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use cchc_db::webhooks::{self, SubscriptionValues};
use cchc_domain::error::{FieldError, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::webhook::{UpdateWebhook, Webhook, WebhookWithSecret};
use cchc_domain::rules::webhooks::{generate_secret, url_problem};
use cchc_domain::validation::{non_blank, Checker};

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
        let before = row.clone().into_model();
        let description = match &input.description {
            Some(description) => non_blank(description.as_deref()),
            None => row.description.clone(),
        };
        let values = SubscriptionValues {
            url: input.url.as_deref().map(str::trim).unwrap_or(&row.url),
            event_types: types.as_ref().unwrap_or(&row.event_types),
            description,
            active: input.active.unwrap_or(row.active),
            updated_at: now,
        };
        webhooks::update(conn, id, &values).await?;
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
        let before = find_row(conn, id, true).await?.into_model();
        webhooks::delete(conn, id).await?;
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
        webhooks::set_secret(conn, id, &secret, now).await?;
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
