//! Signed HTTP messages between this service and its integrations, in both directions: QLVB
//! events we receive and webhooks we send use the same scheme, so an integrator writes one
//! signer and one verifier.
//!
//! - `X-CCHC-Timestamp`: the sending time in Unix seconds;
//! - `X-CCHC-Signature`: `v1=` and the lowercase hex HMAC-SHA256, keyed with the shared secret,
//!   of the timestamp, a full stop and the raw body bytes (`{timestamp}.{body}`). Several
//!   signatures may be sent separated by commas (while a secret is being rotated); one valid
//!   signature is enough.
//!
//! Signing the timestamp with the body lets the receiver refuse an old message replayed by
//! someone who captured it: a message whose timestamp is more than [`MAX_SKEW`] away from the
//! receiver's clock is refused, and within that window the event id catches a replay.

use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Header with the sending time, in Unix seconds.
pub const TIMESTAMP_HEADER: &str = "X-CCHC-Timestamp";
/// Header with the signature(s), `v1=<hex>`.
pub const SIGNATURE_HEADER: &str = "X-CCHC-Signature";
/// Header with the event's id, the key for idempotency and replay detection.
pub const EVENT_ID_HEADER: &str = "X-CCHC-Event-Id";
/// The scheme's version prefix.
pub const SCHEME: &str = "v1";
/// How far a message's timestamp may be from the receiver's clock, either way.
pub const MAX_SKEW: TimeDelta = TimeDelta::minutes(5);

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC accepts any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The `X-CCHC-Signature` value for a body sent at `timestamp` (Unix seconds).
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let digest = mac(secret, timestamp, body).finalize().into_bytes();
    format!("{SCHEME}={digest:x}")
}

/// Why a signed message was refused, in words an integrator can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the {TIMESTAMP_HEADER} header is missing")]
    MissingTimestamp,
    #[error("the {TIMESTAMP_HEADER} header must be Unix seconds, e.g. 1795500000")]
    BadTimestamp,
    #[error(
        "the {TIMESTAMP_HEADER} is {seconds} s away from this server's clock; at most {} s is allowed (check the sender's clock)",
        MAX_SKEW.num_seconds()
    )]
    Skew { seconds: i64 },
    #[error("the {SIGNATURE_HEADER} header is missing")]
    MissingSignature,
    #[error("the {SIGNATURE_HEADER} header must be v1=<64 hex digits>")]
    BadSignatureFormat,
    #[error("the signature does not match the body and timestamp under this integration's secret")]
    Mismatch,
}

/// Checks a received message: the timestamp is within [`MAX_SKEW`] of `now` and one of the
/// `v1` signatures matches. Returns the message's time.
pub fn verify(
    secret: &[u8],
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, SignatureError> {
    let timestamp = timestamp.ok_or(SignatureError::MissingTimestamp)?.trim();
    let seconds: i64 = timestamp
        .parse()
        .map_err(|_| SignatureError::BadTimestamp)?;
    let sent_at = DateTime::from_timestamp(seconds, 0).ok_or(SignatureError::BadTimestamp)?;
    let skew = (now - sent_at).num_seconds();
    if skew.abs() > MAX_SKEW.num_seconds() {
        return Err(SignatureError::Skew { seconds: skew });
    }
    let signature = signature.ok_or(SignatureError::MissingSignature)?;
    let candidates = signature
        .split(',')
        .filter_map(|part| part.trim().strip_prefix("v1="))
        .map(decode_hex)
        .collect::<Option<Vec<_>>>()
        .filter(|candidates| !candidates.is_empty())
        .ok_or(SignatureError::BadSignatureFormat)?;
    let expected = mac(secret, seconds, body);
    // verify_slice compares in constant time.
    if candidates
        .iter()
        .any(|candidate| expected.clone().verify_slice(candidate).is_ok())
    {
        Ok(sent_at)
    } else {
        Err(SignatureError::Mismatch)
    }
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"whsec_test_secret";
    const BODY: &[u8] = br#"{"id":"evt-1","type":"document.received"}"#;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).unwrap()
    }

    #[test]
    fn signature_is_the_hmac_of_timestamp_dot_body() {
        // Known answer computed independently:
        // printf '1795500000.{"id":"evt-1","type":"document.received"}' \
        //   | openssl dgst -sha256 -hmac whsec_test_secret
        assert_eq!(
            sign(SECRET, 1_795_500_000, BODY),
            "v1=c97888a7b5b47e5b691b84081e7c21edcb2605e50219ec30e8af442a1d1c72bb"
        );
    }

    #[test]
    fn a_fresh_signed_message_verifies() {
        let signature = sign(SECRET, 1_795_500_000, BODY);
        let sent = verify(
            SECRET,
            Some("1795500000"),
            Some(&signature),
            BODY,
            at(1_795_500_030),
        );
        assert_eq!(sent, Ok(at(1_795_500_000)));
    }

    #[test]
    fn any_of_several_signatures_may_match() {
        let good = sign(SECRET, 1_795_500_000, BODY);
        let other = sign(b"old secret", 1_795_500_000, BODY);
        let header = format!("{other}, {good}");
        assert!(verify(
            SECRET,
            Some("1795500000"),
            Some(&header),
            BODY,
            at(1_795_500_000)
        )
        .is_ok());
    }

    #[test]
    fn skew_over_five_minutes_is_refused_either_way() {
        let signature = sign(SECRET, 1_795_500_000, BODY);
        let verify_at = |now| verify(SECRET, Some("1795500000"), Some(&signature), BODY, at(now));
        assert!(verify_at(1_795_500_300).is_ok(), "exactly 5 minutes late");
        assert!(verify_at(1_795_499_700).is_ok(), "exactly 5 minutes early");
        assert_eq!(
            verify_at(1_795_500_301),
            Err(SignatureError::Skew { seconds: 301 })
        );
        assert_eq!(
            verify_at(1_795_499_699),
            Err(SignatureError::Skew { seconds: -301 })
        );
    }

    #[test]
    fn a_changed_body_timestamp_or_secret_does_not_verify() {
        let signature = sign(SECRET, 1_795_500_000, BODY);
        let now = at(1_795_500_000);
        assert_eq!(
            verify(SECRET, Some("1795500000"), Some(&signature), b"{}", now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(SECRET, Some("1795500001"), Some(&signature), BODY, now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(b"another", Some("1795500000"), Some(&signature), BODY, now),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn malformed_headers_are_named() {
        let now = at(1_795_500_000);
        let signature = sign(SECRET, 1_795_500_000, BODY);
        assert_eq!(
            verify(SECRET, None, Some(&signature), BODY, now),
            Err(SignatureError::MissingTimestamp)
        );
        assert_eq!(
            verify(SECRET, Some("yesterday"), Some(&signature), BODY, now),
            Err(SignatureError::BadTimestamp)
        );
        assert_eq!(
            verify(SECRET, Some("1795500000"), None, BODY, now),
            Err(SignatureError::MissingSignature)
        );
        for bad in ["sha256=abc", "v1=xyz", "v1=", "v0=00"] {
            assert_eq!(
                verify(SECRET, Some("1795500000"), Some(bad), BODY, now),
                Err(SignatureError::BadSignatureFormat),
                "{bad}"
            );
        }
    }
}
