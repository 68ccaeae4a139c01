//! Per-caller rate limits and the request deadline, applied to every request under
//! `/api/v1` before anything else runs (no database work for a refused request).
//!
//! Two budgets, both per API process:
//! - requests, per credential (the bearer secret exactly as authentication reads it, so
//!   `Bearer X`, `bearer X` and `Bearer  X` are one caller; one secret is one token), or per
//!   client address for requests without one;
//! - failed authentications, per client address: every unknown, revoked or expired token
//!   spends one. Made-up tokens each start with a fresh request budget, so this is what bounds
//!   their lookups: once an address has spent it, its requests that carry a token are refused
//!   before the lookup until the budget refills — except tokens that authenticated in the last
//!   [`VERIFIED_FOR`]: a province's offices often share one public address, and one client
//!   with a stale token must not lock every colleague behind the same NAT out.
//!
//! The client address is the TCP peer. There is no trusted-proxy setting, so `Forwarded` and
//! `X-Forwarded-For` are not believed: anyone could rotate them.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use actix_web::dev::ServiceRequest;
use cchc_app::config::Config;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use sha2::{Digest, Sha256};

/// Who a request counts against: its bearer secret (hashed: the limiter never holds a
/// secret), or, without one, the client address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CallerKey {
    Credential([u8; 32]),
    Address(IpAddr),
}

impl CallerKey {
    /// A request's key: the secret as [`crate::bearer::bearer_secret`] parses it, or the address
    /// when there is none (or the header is malformed, which is refused without a lookup).
    pub fn of(req: &ServiceRequest) -> Self {
        match crate::bearer::bearer_secret(req.request()) {
            Ok(secret) => Self::credential(&secret),
            Err(_) => Self::Address(client_address(req.peer_addr())),
        }
    }

    pub fn credential(secret: &str) -> Self {
        Self::Credential(Sha256::digest(secret.as_bytes()).into())
    }
}

/// The address a client's budgets are kept under: the peer's IP, except that an IPv6 client
/// is its /64 (one host usually holds the whole prefix and could rotate within it).
pub fn client_address(peer: Option<SocketAddr>) -> IpAddr {
    match peer.map(|addr| addr.ip().to_canonical()) {
        Some(IpAddr::V6(ip)) => {
            let prefix = u128::from(ip) & !u128::from(u64::MAX);
            IpAddr::V6(Ipv6Addr::from(prefix))
        }
        Some(ip) => ip,
        None => IpAddr::from([0, 0, 0, 0]),
    }
}

/// Keys kept before the limiters forget callers whose buckets are full again (bounds memory
/// when a client cycles through made-up tokens or addresses).
const PRUNE_ABOVE_KEYS: usize = 100_000;

/// How long a token that authenticated keeps passing its address's failure gate. It is still
/// looked up (and refused if revoked) on every request; only the gate is skipped.
pub const VERIFIED_FOR: Duration = Duration::from_secs(10 * 60);

/// One API process's budgets, shared by every worker thread of the process.
#[derive(Clone)]
pub struct RateLimiter {
    requests: Option<Arc<DefaultKeyedRateLimiter<CallerKey>>>,
    failures: Option<Arc<FailureBudget>>,
    /// Credentials (hashed) that authenticated recently, until when they pass the failure gate.
    verified: Arc<Mutex<HashMap<[u8; 32], Instant>>>,
}

impl RateLimiter {
    /// `per_minute` requests a minute per caller and `failures_per_minute` failed
    /// authentications a minute per address, each in bursts of up to as many; 0: no limit.
    pub fn new(per_minute: u32, failures_per_minute: u32) -> Self {
        Self {
            requests: NonZeroU32::new(per_minute).map(|n| {
                Arc::new(governor::RateLimiter::keyed(
                    Quota::per_minute(n).allow_burst(n),
                ))
            }),
            failures: NonZeroU32::new(failures_per_minute)
                .map(|n| Arc::new(FailureBudget::per_minute(n))),
            verified: Arc::default(),
        }
    }

    pub fn from_config(config: &Config) -> Self {
        Self::new(
            config.rate_limit_per_minute,
            config.auth_failures_per_minute,
        )
    }

    /// Whether a request may go on, decided before it is authenticated: a request carrying a
    /// token needs its address's failed-authentication budget and the token's request budget;
    /// one without, its address's request budget. `Err`: how long until it would be allowed.
    pub fn admit(&self, req: &ServiceRequest) -> Result<(), Duration> {
        let key = CallerKey::of(req);
        if let CallerKey::Credential(hash) = &key {
            if let Some(failures) = &self.failures {
                let now = Instant::now();
                if !self.recently_verified(hash, now) {
                    failures.check(client_address(req.peer_addr()), now)?;
                }
            }
        }
        self.check(&key)
    }

    fn recently_verified(&self, hash: &[u8; 32], now: Instant) -> bool {
        let verified = self.verified.lock().unwrap_or_else(PoisonError::into_inner);
        verified.get(hash).is_some_and(|until| *until > now)
    }

    /// Records a token lookup that found a usable token: its credential passes the failure
    /// gate for [`VERIFIED_FOR`].
    pub fn authenticated(&self, secret: &str) {
        if self.failures.is_none() {
            return;
        }
        let CallerKey::Credential(hash) = CallerKey::credential(secret) else {
            return;
        };
        let now = Instant::now();
        let mut verified = self.verified.lock().unwrap_or_else(PoisonError::into_inner);
        if verified.len() > PRUNE_ABOVE_KEYS {
            verified.retain(|_, until| *until > now);
        }
        verified.insert(hash, now + VERIFIED_FOR);
    }

    /// Spends one of the caller's requests: `Ok` when it may go on, else how long until its
    /// next request would be allowed.
    pub fn check(&self, key: &CallerKey) -> Result<(), Duration> {
        let Some(limiter) = &self.requests else {
            return Ok(());
        };
        if limiter.len() > PRUNE_ABOVE_KEYS {
            limiter.retain_recent();
        }
        limiter
            .check_key(key)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }

    /// Records a token lookup that found no usable token, against the client's address.
    pub fn failed_authentication(&self, address: IpAddr) {
        if let Some(failures) = &self.failures {
            failures.spend(address, Instant::now());
        }
    }
}

/// Failed authentications per address, as a generic cell rate: each failure moves the time
/// at which the address's budget is whole again one interval later. Checking does not spend,
/// so the requests of an address that authenticate cost nothing here.
struct FailureBudget {
    /// How long one failure takes to refill.
    interval: Duration,
    /// How far ahead the refill may run while a request is still let through: the burst less
    /// the one about to be tried.
    allowance: Duration,
    whole_at: Mutex<HashMap<IpAddr, Instant>>,
}

impl FailureBudget {
    fn per_minute(n: NonZeroU32) -> Self {
        let interval = Duration::from_secs(60) / n.get();
        Self {
            interval,
            allowance: interval * (n.get() - 1),
            whole_at: Mutex::new(HashMap::new()),
        }
    }

    fn check(&self, address: IpAddr, now: Instant) -> Result<(), Duration> {
        let whole_at = self.whole_at.lock().unwrap_or_else(PoisonError::into_inner);
        match whole_at.get(&address) {
            Some(&at) if at > now + self.allowance => Err(at - (now + self.allowance)),
            _ => Ok(()),
        }
    }

    fn spend(&self, address: IpAddr, now: Instant) {
        let mut whole_at = self.whole_at.lock().unwrap_or_else(PoisonError::into_inner);
        if whole_at.len() > PRUNE_ABOVE_KEYS {
            whole_at.retain(|_, at| *at > now);
        }
        let from = whole_at.get(&address).map_or(now, |at| (*at).max(now));
        whole_at.insert(address, from + self.interval);
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
        let limiter = RateLimiter::new(3, 0);
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
        let limiter = RateLimiter::new(0, 0);
        for _ in 0..10_000 {
            assert_eq!(limiter.check(&key(1)), Ok(()));
            limiter.failed_authentication(IpAddr::from([10, 0, 0, 1]));
        }
    }

    #[test]
    fn an_address_is_refused_once_its_failures_are_spent_until_one_refills() {
        let budget = FailureBudget::per_minute(NonZeroU32::new(3).unwrap());
        let (attacker, other) = (IpAddr::from([10, 0, 0, 1]), IpAddr::from([10, 0, 0, 2]));
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(
                budget.check(attacker, start),
                Ok(()),
                "checking spends nothing"
            );
            budget.spend(attacker, start);
        }
        assert_eq!(
            budget.check(attacker, start),
            Err(Duration::from_secs(20)),
            "one failure refills every 20 s"
        );
        assert_eq!(budget.check(other, start), Ok(()), "per address");
        let later = start + Duration::from_secs(5);
        assert_eq!(budget.check(attacker, later), Err(Duration::from_secs(15)));
        let refilled = start + Duration::from_secs(20);
        assert_eq!(budget.check(attacker, refilled), Ok(()));
        budget.spend(attacker, refilled);
        assert_eq!(
            budget.check(attacker, refilled),
            Err(Duration::from_secs(20)),
            "one refilled failure, spent again"
        );
        let idle = start + Duration::from_secs(600);
        for _ in 0..3 {
            assert_eq!(
                budget.check(attacker, idle),
                Ok(()),
                "the whole burst again"
            );
            budget.spend(attacker, idle);
        }
        assert!(budget.check(attacker, idle).is_err());
    }

    #[test]
    fn a_token_that_authenticated_passes_its_addresss_spent_failure_budget() {
        let limiter = RateLimiter::new(1000, 1);
        let peer: SocketAddr = "10.0.0.1:5000".parse().unwrap();
        let request = |secret: &str| {
            actix_web::test::TestRequest::default()
                .peer_addr(peer)
                .insert_header(("Authorization", format!("Bearer {secret}")))
                .to_srv_request()
        };
        assert_eq!(limiter.admit(&request("good")), Ok(()));
        limiter.authenticated("good");
        limiter.failed_authentication(peer.ip());
        assert!(limiter.admit(&request("made-up")).is_err(), "budget spent");
        assert!(limiter.admit(&request("other")).is_err(), "not seen yet");
        assert_eq!(
            limiter.admit(&request("good")),
            Ok(()),
            "seen, so let through"
        );
        assert_eq!(limiter.admit(&request("good")), Ok(()), "again");
    }

    #[test]
    fn ipv6_clients_count_by_their_64_prefix() {
        let peer = |ip: &str| Some(SocketAddr::new(ip.parse().unwrap(), 443));
        assert_eq!(
            client_address(peer("2001:db8:1:2:aaaa::1")),
            client_address(peer("2001:db8:1:2:bbbb::9"))
        );
        assert_ne!(
            client_address(peer("2001:db8:1:2::1")),
            client_address(peer("2001:db8:1:3::1"))
        );
        assert_eq!(
            client_address(peer("::ffff:192.0.2.7")),
            "192.0.2.7".parse::<IpAddr>().unwrap(),
            "an IPv4 client on a dual-stack socket is its IPv4 address"
        );
        assert_eq!(
            client_address(peer("192.0.2.7")),
            "192.0.2.7".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn spellings_of_one_bearer_secret_are_one_caller() {
        let key_of = |value: &str| {
            let req = actix_web::test::TestRequest::get()
                .insert_header(("authorization", value))
                .to_srv_request();
            CallerKey::of(&req)
        };
        let expected = CallerKey::credential("cchc_secret");
        for value in [
            "Bearer cchc_secret",
            "bearer cchc_secret",
            "BEARER cchc_secret",
            "Bearer  cchc_secret",
            " Bearer cchc_secret ",
        ] {
            assert_eq!(key_of(value), expected, "{value:?}");
        }
        assert_ne!(key_of("Bearer cchc_other"), expected);
        assert!(matches!(
            key_of("Basic dXNlcjpwYXNz"),
            CallerKey::Address(_)
        ));
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
        assert_eq!(retry_after_secs(Duration::from_secs(2)), 2);
        assert_eq!(retry_after_secs(Duration::from_millis(2001)), 3);
    }
}
