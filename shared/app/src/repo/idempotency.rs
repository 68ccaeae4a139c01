//! Stored answers of requests sent with an `Idempotency-Key`: one row per (caller's token,
//! key), claimed before the request runs and filled with its answer afterwards.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use cchc_db::schema::idempotency_keys;
use cchc_domain::Result;

/// A request still "in progress" after this long has died with its process or connection
/// (statements time out after seconds, file transfers after a minute): its key is taken over
/// by the next request with it rather than blocked until it expires.
pub const ABANDONED_AFTER_MINUTES: i64 = 10;

/// What identifies a request under a key: the same key must come with the same request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Lower-case hex SHA-256 of the body.
    pub body_sha256: String,
}

/// A finished answer, as stored and replayed.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAnswer {
    pub status: u16,
    /// The headers kept for a replay: name → value.
    pub headers: Value,
    pub body: Vec<u8>,
}

/// What to do with a request that carries a key.
#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    /// The key is new (or its earlier use expired): run the request, then [`finish`] or
    /// [`release`].
    Claimed,
    /// The same request was answered before: send this answer again.
    Replay(StoredAnswer),
    /// The key was used for a different request.
    Reused(Fingerprint),
    /// The first request with this key has not been answered yet.
    InProgress,
}

#[derive(Queryable)]
struct Row {
    method: String,
    path: String,
    body_sha256: String,
    status: Option<i16>,
    headers: Value,
    body: Option<Vec<u8>>,
    created_at: DateTime<Utc>,
}

/// Claims `key` for `token_id`'s request, or says why not. Removes expired keys first (every
/// caller's: the table stays as small as one TTL of traffic).
pub async fn claim(
    conn: &mut AsyncPgConnection,
    token_id: i64,
    key: &str,
    request: &Fingerprint,
    now: DateTime<Utc>,
    ttl: Duration,
) -> Result<Claim> {
    diesel::delete(idempotency_keys::table.filter(idempotency_keys::expires_at.le(now)))
        .execute(conn)
        .await?;
    let inserted = diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::token_id.eq(token_id),
            idempotency_keys::key.eq(key),
            idempotency_keys::method.eq(&request.method),
            idempotency_keys::path.eq(&request.path),
            idempotency_keys::body_sha256.eq(&request.body_sha256),
            idempotency_keys::created_at.eq(now),
            idempotency_keys::expires_at.eq(now + ttl),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    if inserted == 1 {
        return Ok(Claim::Claimed);
    }
    let row: Option<Row> = idempotency_keys::table
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
        .optional()?;
    let Some(row) = row else {
        // Released between our insert and our read: the key is free again.
        return Box::pin(claim(conn, token_id, key, request, now, ttl)).await;
    };
    let first = Fingerprint {
        method: row.method,
        path: row.path,
        body_sha256: row.body_sha256,
    };
    if &first != request {
        return Ok(Claim::Reused(first));
    }
    if row.status.is_none() && row.created_at <= now - Duration::minutes(ABANDONED_AFTER_MINUTES) {
        // Take the abandoned claim over, unless another request just did.
        let taken = diesel::update(
            idempotency_keys::table
                .find((token_id, key))
                .filter(idempotency_keys::status.is_null())
                .filter(idempotency_keys::created_at.eq(row.created_at)),
        )
        .set((
            idempotency_keys::created_at.eq(now),
            idempotency_keys::expires_at.eq(now + ttl),
        ))
        .execute(conn)
        .await?;
        return Ok(if taken == 1 {
            Claim::Claimed
        } else {
            Claim::InProgress
        });
    }
    Ok(match row.status {
        None => Claim::InProgress,
        Some(status) => Claim::Replay(StoredAnswer {
            status: u16::try_from(status).unwrap_or(500),
            headers: row.headers,
            body: row.body.unwrap_or_default(),
        }),
    })
}

/// Stores the answer of a claimed key.
pub async fn finish(
    conn: &mut AsyncPgConnection,
    token_id: i64,
    key: &str,
    answer: &StoredAnswer,
) -> Result<()> {
    diesel::update(idempotency_keys::table.find((token_id, key)))
        .set((
            idempotency_keys::status.eq(Some(i16::try_from(answer.status).unwrap_or(500))),
            idempotency_keys::headers.eq(&answer.headers),
            idempotency_keys::body.eq(Some(&answer.body)),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Frees a claimed key whose request failed on our side (5xx), so the client may retry it.
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
