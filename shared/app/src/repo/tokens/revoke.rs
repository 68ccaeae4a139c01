//! Revoking a token.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::{authorize_change, load};
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::token_cache::TokenCache;
use cchc_db::tokens;
use cchc_domain::error::Result;
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::token::Token;

/// Revokes a token; revoking a revoked token changes nothing (and records nothing). This
/// process forgets it at once; the others on the change notification the commit sends.
pub async fn revoke(
    conn: &mut AsyncPgConnection,
    cache: &TokenCache,
    id: i64,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Token> {
    authorize_change(principal)?;
    let token = conn
        .transaction(async |conn| -> Result<Token> {
            let before = load(conn, id, now).await?;
            let revoked = tokens::revoke(conn, id, now).await?;
            let after = load(conn, id, now).await?;
            if revoked {
                let entry = Entry::changed(EntityType::Token, id, "revoked", &before, &after)?;
                audit::record_opt(conn, actor, now, entry).await?;
            }
            Ok(after)
        })
        .await?;
    cache.forget(&id.to_string());
    Ok(token)
}
