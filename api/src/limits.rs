//! Per-caller rate limits and the request deadline, applied to every request under
//! `/api/v1` before anything else runs (no database work for a refused request).

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::ServiceRequest;
use actix_web::http::header;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use sha2::{Digest, Sha256};

/// Who a request counts against: its bearer credential (hashed: the limiter never holds a
/// secret), or, without one, the peer address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CallerKey {
    Credential([u8; 32]),
    Address(IpAddr),
}

impl CallerKey {
    pub fn of(req: &ServiceRequest) -> Self {
        match req.headers().get(header::AUTHORIZATION) {
            Some(value) => Self::Credential(Sha256::digest(value.as_bytes()).into()),
            None => Self::Address(
                req.peer_addr()
                    .map_or(IpAddr::from([0, 0, 0, 0]), |addr| addr.ip()),
            ),
        }
    }
}

/// Keys kept before the limiter forgets callers whose buckets are full again (bounds memory
/// when a client cycles through made-up tokens).
const PRUNE_ABOVE_KEYS: usize = 100_000;

/// One API process's request budget per caller: `per_minute` requests a minute, in bursts of
/// up to `per_minute`. Shared by every worker thread of the process.
#[derive(Clone)]
pub struct RateLimiter(Option<Arc<DefaultKeyedRateLimiter<CallerKey>>>);

impl RateLimiter {
    /// `per_minute` 0: no limit.
    pub fn per_minute(per_minute: u32) -> Self {
        Self(NonZeroU32::new(per_minute).map(|n| {
            Arc::new(governor::RateLimiter::keyed(
                Quota::per_minute(n).allow_burst(n),
            ))
        }))
    }

    /// `Ok` when the caller may go on, else how long until its next request would be allowed.
    pub fn check(&self, key: &CallerKey) -> Result<(), Duration> {
        let Some(limiter) = &self.0 else {
            return Ok(());
        };
        if limiter.len() > PRUNE_ABOVE_KEYS {
            limiter.retain_recent();
        }
        limiter
            .check_key(key)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

/// Whole seconds to announce in `Retry-After`: never 0, or the client would retry at once.
pub fn retry_after_secs(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> CallerKey {
        CallerKey::Credential([n; 32])
    }

    #[test]
    fn a_caller_gets_its_burst_then_waits_and_others_are_not_affected() {
        let limiter = RateLimiter::per_minute(3);
        for _ in 0..3 {
            assert_eq!(limiter.check(&key(1)), Ok(()));
        }
        let wait = limiter
            .check(&key(1))
            .expect_err("the fourth within a minute");
        assert!(
            wait > Duration::from_secs(15) && wait <= Duration::from_secs(20),
            "one request every 20 s refills: {wait:?}"
        );
        assert_eq!(
            limiter.check(&key(2)),
            Ok(()),
            "another token has its own budget"
        );
    }

    #[test]
    fn zero_turns_the_limit_off() {
        let limiter = RateLimiter::per_minute(0);
        for _ in 0..10_000 {
            assert_eq!(limiter.check(&key(1)), Ok(()));
        }
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
        assert_eq!(retry_after_secs(Duration::from_secs(2)), 2);
        assert_eq!(retry_after_secs(Duration::from_millis(2001)), 3);
    }
}
