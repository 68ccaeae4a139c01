//! Stored answers of requests sent with an `Idempotency-Key`: one row per (caller, key) — the
//! caller an API token or a person (issuer and subject) — claimed before the request runs and filled with its answer afterwards. What a claim
//! finds decides what the request does (run, replay, refuse); the rows are `cchc_db`'s.

use chrono::{DateTime, Duration, Utc};
use diesel_async::AsyncPgConnection;
use serde_json::Value;

use cchc_db::idempotency;
pub use cchc_db::idempotency::KeyOwner;
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

/// Claims `key` for `owner`'s request, or says why not. Removes expired keys first (every
/// caller's: the table stays as small as one TTL of traffic).
pub async fn claim(
    conn: &mut AsyncPgConnection,
    owner: &KeyOwner,
    key: &str,
    request: &Fingerprint,
    now: DateTime<Utc>,
    ttl: Duration,
) -> Result<Claim> {
    idempotency::delete_expired(conn, now).await?;
    let new_claim = idempotency::NewClaim {
        owner,
        key,
        method: &request.method,
        path: &request.path,
        body_sha256: &request.body_sha256,
        created_at: now,
        expires_at: now + ttl,
    };
    if idempotency::insert_claim(conn, new_claim).await? {
        return Ok(Claim::Claimed);
    }
    let Some(row) = idempotency::find(conn, owner, key).await? else {
        // Released between our insert and our read: the key is free again.
        return Box::pin(claim(conn, owner, key, request, now, ttl)).await;
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
        let taken =
            idempotency::take_over(conn, owner, key, row.created_at, now, now + ttl).await?;
        return Ok(if taken {
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
    owner: &KeyOwner,
    key: &str,
    answer: &StoredAnswer,
) -> Result<()> {
    let status = i16::try_from(answer.status).unwrap_or(500);
    idempotency::store_answer(conn, owner, key, status, &answer.headers, &answer.body).await
}

/// Frees a claimed key whose request failed on our side (5xx), so the client may retry it.
pub async fn release(conn: &mut AsyncPgConnection, owner: &KeyOwner, key: &str) -> Result<()> {
    idempotency::release(conn, owner, key).await
}
