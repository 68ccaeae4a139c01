//! Stored answers of requests sent with an `Idempotency-Key` (`idempotency_keys`): one row
//! per (caller, key), claimed before the request runs and filled with its answer. The caller
//! is an API token, or a person signed in through the identity provider (issuer and subject).

use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use crate::schema::idempotency_keys;
use cchc_domain::Result;

/// Whose keys: each caller has its own, so two callers' same key never collide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOwner {
    /// An API token, by id.
    Token(i64),
    /// A person's OpenID Connect access tokens: the `iss` and `sub` they carry.
    Person { issuer: String, subject: String },
}

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

type RowFilter = Box<dyn BoxableExpression<idempotency_keys::table, Pg, SqlType = Bool>>;

/// The row of `owner`'s `key`.
fn row_of(owner: &KeyOwner, key: &str) -> RowFilter {
    let key = idempotency_keys::key.eq(key.to_owned());
    match owner {
        KeyOwner::Token(id) => Box::new(
            idempotency_keys::token_id
                .is_not_null()
                .and(idempotency_keys::token_id.assume_not_null().eq(*id))
                .and(key),
        ),
        KeyOwner::Person { issuer, subject } => Box::new(
            idempotency_keys::token_id
                .is_null()
                .and(
                    idempotency_keys::person_issuer
                        .assume_not_null()
                        .eq(issuer.clone()),
                )
                .and(
                    idempotency_keys::person_subject
                        .assume_not_null()
                        .eq(subject.clone()),
                )
                .and(key),
        ),
    }
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
    pub owner: &'a KeyOwner,
    pub key: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub body_sha256: &'a str,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Claims a key; `false` when it is held already.
pub async fn insert_claim(conn: &mut AsyncPgConnection, claim: NewClaim<'_>) -> Result<bool> {
    let (token_id, issuer, subject) = match claim.owner {
        KeyOwner::Token(id) => (Some(*id), None, None),
        KeyOwner::Person { issuer, subject } => {
            (None, Some(issuer.as_str()), Some(subject.as_str()))
        }
    };
    // Without a conflict target: either owner's unique index.
    let inserted = diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::token_id.eq(token_id),
            idempotency_keys::person_issuer.eq(issuer),
            idempotency_keys::person_subject.eq(subject),
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

/// `owner`'s key `key`, if it is held.
pub async fn find(
    conn: &mut AsyncPgConnection,
    owner: &KeyOwner,
    key: &str,
) -> Result<Option<KeyRow>> {
    Ok(idempotency_keys::table
        .filter(row_of(owner, key))
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
    owner: &KeyOwner,
    key: &str,
    claimed_at: DateTime<Utc>,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<bool> {
    let taken = diesel::update(
        idempotency_keys::table
            .filter(row_of(owner, key))
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
    owner: &KeyOwner,
    key: &str,
    status: i16,
    headers: &Value,
    body: &[u8],
) -> Result<()> {
    diesel::update(idempotency_keys::table.filter(row_of(owner, key)))
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
pub async fn release(conn: &mut AsyncPgConnection, owner: &KeyOwner, key: &str) -> Result<()> {
    diesel::delete(
        idempotency_keys::table
            .filter(row_of(owner, key))
            .filter(idempotency_keys::status.is_null()),
    )
    .execute(conn)
    .await?;
    Ok(())
}
