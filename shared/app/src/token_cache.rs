//! Verified API tokens kept in process, so a request with a known token costs no query.
//!
//! Correctness rests on PostgreSQL's NOTIFY: a trigger announces, on commit, every change of
//! what a token grants (revocation, expiry, role, unit, deletion; a unit's new code) on
//! `cchc_db::tokens::CHANGE_CHANNEL`, and [`listen`] drops the token from every process's
//! cache at once. The cache only answers while that LISTEN connection is up: when it drops,
//! everything cached is forgotten and each request reads the database again until it is
//! back (it may have missed a revocation meanwhile). As a last guard against a channel that
//! dies silently, no entry is trusted longer than [`MAX_AGE`].
//!
//! What the cache never changes: an unknown, revoked or expired secret is not cached (it is
//! refused by the database each time and spends the caller's failed-authentication budget),
//! an expiry is checked against the clock on every hit, and `last_used_at` is still written
//! once a minute (a hit older than that goes to the database, which records the use).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::RwLock;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use futures_util::StreamExt;
use tokio::sync::watch;

use crate::authz::Principal;
use crate::repo::tokens::LAST_USED_GRANULARITY;
use crate::tokens::hash_secret;

/// The longest an entry is trusted without the database, whatever the channel says.
pub const MAX_AGE: Duration = Duration::from_secs(30);

/// Most tokens kept; past it new ones are simply not cached.
const MAX_ENTRIES: usize = 20_000;

#[derive(Debug, Clone)]
struct Entry {
    principal: Principal,
    expires_at: Option<DateTime<Utc>>,
    /// When the database last confirmed it (and recorded its use).
    verified_at: DateTime<Utc>,
    cached_at: Instant,
}

/// The process's verified tokens, by the SHA-256 of their secret.
#[derive(Debug, Default)]
pub struct TokenCache {
    entries: RwLock<HashMap<Vec<u8>, Entry>>,
    /// The LISTEN connection is up: the cache may answer.
    listening: AtomicBool,
}

impl TokenCache {
    /// Whether the cache answers (its LISTEN connection is up).
    pub fn is_live(&self) -> bool {
        self.listening.load(Ordering::Acquire)
    }

    /// The principal of `secret` if it was verified lately and is still live at `now`.
    pub fn get(&self, secret: &str, now: DateTime<Utc>) -> Option<Principal> {
        if !self.is_live() {
            return None;
        }
        let entries = self.entries.read().ok()?;
        let entry = entries.get(&hash_secret(secret))?;
        let fresh = entry.cached_at.elapsed() < MAX_AGE
            && now - entry.verified_at < LAST_USED_GRANULARITY
            && entry.expires_at.is_none_or(|at| now < at);
        fresh.then(|| entry.principal.clone())
    }

    /// Keeps `principal`, just verified by the database at `now`, for `secret`.
    pub fn insert(
        &self,
        secret: &str,
        principal: Principal,
        expires_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) {
        if !self.is_live() {
            return;
        }
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, e| e.cached_at.elapsed() < MAX_AGE);
            if entries.len() >= MAX_ENTRIES {
                return;
            }
        }
        entries.insert(
            hash_secret(secret),
            Entry {
                principal,
                expires_at,
                verified_at: now,
                cached_at: Instant::now(),
            },
        );
    }

    /// Forgets what a change notification names: one token's id, or `*` for all.
    pub fn forget(&self, payload: &str) {
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        match payload.trim().parse::<i64>() {
            Ok(id) => entries.retain(|_, e| e.principal.token_id != id),
            Err(_) => entries.clear(),
        }
    }

    fn set_live(&self, live: bool) {
        // Forgotten on both edges: going down, nothing is trusted; coming back up, anything
        // cached before may have been revoked while no one listened.
        self.forget("*");
        self.listening.store(live, Ordering::Release);
    }
}

/// Keeps `cache` in step with the database's token changes until `stop` turns true (or its
/// sender is dropped):
/// listens on the change channel, reconnecting with a growing pause when the connection
/// drops; the cache answers only while it listens.
pub async fn listen(
    cache: std::sync::Arc<TokenCache>,
    database_url: String,
    mut stop: watch::Receiver<bool>,
) {
    let mut backoff = Duration::from_millis(200);
    while !*stop.borrow() && stop.has_changed().is_ok() {
        match AsyncPgConnection::establish(&database_url).await {
            Ok(mut conn) => match cchc_db::tokens::listen_changes(&mut conn).await {
                Ok(()) => {
                    cache.set_live(true);
                    backoff = Duration::from_millis(200);
                    let mut changes = std::pin::pin!(conn.notifications_stream());
                    loop {
                        tokio::select! {
                            change = changes.next() => match change {
                                Some(Ok(change)) => cache.forget(&change.payload),
                                _ => break,
                            },
                            _ = stop_requested(&mut stop) => break,
                        }
                    }
                    cache.set_live(false);
                    if !*stop.borrow() {
                        tracing::warn!(
                            "the token-change LISTEN connection ended; tokens are read from the database until it is back"
                        );
                    }
                }
                Err(error) => tracing::warn!("LISTEN on token changes failed: {error}"),
            },
            Err(error) => tracing::warn!("token-change LISTEN connection failed: {error}"),
        }
        tokio::select! {
            _ = tokio::time::sleep(backoff) => {}
            _ = stop_requested(&mut stop) => {}
        }
        backoff = (backoff * 2).min(Duration::from_secs(10));
    }
}

/// Resolves once `stop` turns true or its sender is gone.
async fn stop_requested(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stop| *stop).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use cchc_domain::model::token::Role;

    fn principal(token_id: i64) -> Principal {
        Principal {
            token_id,
            name: "test".into(),
            role: Role::Viewer,
            unit_id: None,
            unit_code: None,
        }
    }

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    #[test]
    fn only_a_listening_cache_answers_and_it_forgets_on_both_edges() {
        let cache = TokenCache::default();
        cache.insert("cchc_a", principal(1), None, at(0));
        assert!(
            cache.get("cchc_a", at(1)).is_none(),
            "not listening: not kept"
        );
        cache.set_live(true);
        cache.insert("cchc_a", principal(1), None, at(0));
        assert_eq!(cache.get("cchc_a", at(1)).map(|p| p.token_id), Some(1));
        cache.set_live(false);
        assert!(cache.get("cchc_a", at(1)).is_none());
        cache.set_live(true);
        assert!(
            cache.get("cchc_a", at(1)).is_none(),
            "forgotten when the channel dropped"
        );
    }

    #[test]
    fn a_change_forgets_its_token_and_a_star_forgets_all() {
        let cache = TokenCache::default();
        cache.set_live(true);
        cache.insert("cchc_a", principal(1), None, at(0));
        cache.insert("cchc_b", principal(2), None, at(0));
        cache.forget("1");
        assert!(cache.get("cchc_a", at(1)).is_none());
        assert_eq!(cache.get("cchc_b", at(1)).map(|p| p.token_id), Some(2));
        cache.forget("*");
        assert!(cache.get("cchc_b", at(1)).is_none());
    }

    #[test]
    fn an_expired_token_or_an_unrecorded_use_goes_to_the_database() {
        let cache = TokenCache::default();
        cache.set_live(true);
        cache.insert("cchc_a", principal(1), Some(at(10)), at(0));
        assert!(cache.get("cchc_a", at(9)).is_some());
        assert!(cache.get("cchc_a", at(10)).is_none(), "expired");
        cache.insert("cchc_b", principal(2), None, at(0));
        assert!(cache.get("cchc_b", at(59)).is_some());
        assert!(
            cache.get("cchc_b", at(60)).is_none(),
            "a minute on: record the use"
        );
        assert!(cache.get("cchc_c", at(1)).is_none(), "never verified");
    }
}
