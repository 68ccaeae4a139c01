//! Stored answers of requests sent with an `Idempotency-Key` (`idempotency_keys`): one row
//! per (caller's token, key), claimed before the request runs and filled with its answer.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use crate::schema::idempotency_keys;
use cchc_domain::Result;

/// A key's row as stored.
#[derive(Debug, Clone, Queryable)]
pub struct KeyRow {
    pub method: String,
    pub path: String,
    pub body_sha256: String,
    /// `None` while the first request with the key runs.
    pub status: Option<i16>,
    pub headers: Value,
    pub body: Option<Vec<u8>>,
    pub created_at: DateTime<Utc>,
}

/// Removes every key expired at `now` (every caller's).
pub async fn delete_expired(conn: &mut AsyncPgConnection, now: DateTime<Utc>) -> Result<()> {
    diesel::delete(idempotency_keys::table.filter(idempotency_keys::expires_at.le(now)))
        .execute(conn)
        .await?;
    Ok(())
}

/// A claim of a key for a request.
#[derive(Debug, Clone, Copy)]
pub struct NewClaim<'a> {
    pub token_id: i64,
    pub key: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub body_sha256: &'a str,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Claims a key; `false` when it is held already.
pub async fn insert_claim(conn: &mut AsyncPgConnection, claim: NewClaim<'_>) -> Result<bool> {
    let inserted = diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::token_id.eq(claim.token_id),
            idempotency_keys::key.eq(claim.key),
            idempotency_keys::method.eq(claim.method),
            idempotency_keys::path.eq(claim.path),
            idempotency_keys::body_sha256.eq(claim.body_sha256),
            idempotency_keys::created_at.eq(claim.created_at),
            idempotency_keys::expires_at.eq(claim.expires_at),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(inserted == 1)
}

/// Token `token_id`'s key `key`, if it is held.
pub async fn find(
    conn: &mut AsyncPgConnection,
    token_id: i64,
    key: &str,
) -> Result<Option<KeyRow>> {
    Ok(idempotency_keys::table
        .find((token_id, key))
        .select((
            idempotency_keys::method,
            idempotency_keys::path,
            idempotency_keys::body_sha256,
            idempotency_keys::status,
            idempotency_keys::headers,
            idempotency_keys::body,
            idempotency_keys::created_at,
        ))
        .first(conn)
        .await
        .optional()?)
}

/// Takes over a claim still unanswered since `claimed_at`; `false` when another request took
/// it first (or it was answered meanwhile).
pub async fn take_over(
    conn: &mut AsyncPgConnection,
    token_id: i64,
    key: &str,
    claimed_at: DateTime<Utc>,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<bool> {
    let taken = diesel::update(
        idempotency_keys::table
            .find((token_id, key))
            .filter(idempotency_keys::status.is_null())
            .filter(idempotency_keys::created_at.eq(claimed_at)),
    )
    .set((
        idempotency_keys::created_at.eq(now),
        idempotency_keys::expires_at.eq(expires_at),
    ))
    .execute(conn)
    .await?;
    Ok(taken == 1)
}

/// Stores the answer of a claimed key.
pub async fn store_answer(
    conn: &mut AsyncPgConnection,
    token_id: i64,
    key: &str,
    status: i16,
    headers: &Value,
    body: &[u8],
) -> Result<()> {
    diesel::update(idempotency_keys::table.find((token_id, key)))
        .set((
            idempotency_keys::status.eq(Some(status)),
            idempotency_keys::headers.eq(headers),
            idempotency_keys::body.eq(Some(body)),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Frees a claimed key that has no answer.
pub async fn release(conn: &mut AsyncPgConnection, token_id: i64, key: &str) -> Result<()> {
    diesel::delete(
        idempotency_keys::table
            .find((token_id, key))
            .filter(idempotency_keys::status.is_null()),
    )
    .execute(conn)
    .await?;
    Ok(())
}
