//! The secret an integration signs its events with: set on creation, replaced on rotation.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::{authorize_change, load};
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::local;
use crate::tokens::generate_signing_secret;
use cchc_db::tokens;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::document::SigningSecret;
use cchc_domain::model::token::Role;

/// Creates or replaces the token's signing secret and records that it changed (never the
/// secret itself). Call inside a transaction.
pub(super) async fn store_signing_secret(
    conn: &mut AsyncPgConnection,
    token_id: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<SigningSecret> {
    // Kept in clear, unlike the bearer secret: verifying an HMAC needs the key itself.
    let secret = generate_signing_secret();
    tokens::store_signing_secret(conn, token_id, &secret, now).await?;
    audit::record(
        conn,
        actor,
        now,
        Entry {
            entity_type: EntityType::Integration,
            entity_id: token_id.to_string(),
            action: "signing_secret_set",
            before: None,
            after: Some(serde_json::json!({ "token_id": token_id, "created_at": local(now) })),
        },
    )
    .await?;
    Ok(SigningSecret {
        token_id,
        signing_secret: secret,
        created_at: local(now),
    })
}

/// Replaces an integration token's signing secret; the old one stops working at once. The
/// new secret is in the answer only.
pub async fn rotate_signing_secret(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<SigningSecret> {
    authorize_change(principal)?;
    conn.transaction(async |conn| -> Result<SigningSecret> {
        let token = load(conn, id, now).await?;
        if token.role != Role::Integration {
            return Err(Error::conflict(
                "not_an_integration",
                format!(
                    "only integration tokens sign events; this token has the {} role",
                    token.role
                ),
            ));
        }
        if !token.active {
            return Err(Error::conflict(
                "token_inactive",
                "the token is revoked or expired; create a new integration token",
            ));
        }
        store_signing_secret(conn, id, actor, now).await
    })
    .await
}
