//! A presented secret turned into the caller's principal.

use chrono::{DateTime, Duration, Utc};
use diesel_async::AsyncPgConnection;

use crate::authz::Principal;
use crate::token_cache::TokenCache;
use crate::tokens::hash_secret;
use cchc_db::tokens;
use cchc_domain::error::Result;

/// `last_used_at` is refreshed at most this often, so reads don't each cost a write.
pub const LAST_USED_GRANULARITY: Duration = Duration::seconds(60);

/// The principal of a presented secret, if it is a live token, read from the database; records
/// its use and keeps it in `cache`. Callers ask the cache first ([`TokenCache::get`]), without
/// a connection.
pub async fn authenticate(
    conn: &mut AsyncPgConnection,
    cache: &TokenCache,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Option<Principal>> {
    let found = tokens::unrevoked_by_hash(conn, &hash_secret(secret)).await?;
    let Some((row, unit_code)) = found else {
        return Ok(None);
    };
    if row.expires_at.is_some_and(|at| at <= now) {
        return Ok(None);
    }
    if row
        .last_used_at
        .is_none_or(|at| now - at >= LAST_USED_GRANULARITY)
    {
        tokens::set_last_used(conn, row.id, now).await?;
    }
    let principal = Principal {
        token_id: row.id,
        name: row.name,
        role: row.role,
        unit_id: row.unit_id,
        unit_code,
    };
    cache.insert(secret, principal.clone(), row.expires_at, now);
    Ok(Some(principal))
}
