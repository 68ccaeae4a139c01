//! Rules of outbound webhooks that need no database: what a subscription may say, event ids
//! and secrets, and how an attempt's answer is judged and kept. Signing is
//! [`crate::rules::signature`].

use std::collections::HashSet;
use std::sync::LazyLock;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::distr::{Alphanumeric, SampleString};
use rand::RngCore;

use crate::error::FieldError;
use crate::model::webhook::EventType;

/// The `User-Agent` of every delivery.
pub const USER_AGENT: &str = "cchc-webhooks/1";
/// How long a receiver has to answer, connection included.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Characters of the receiver's answer kept in the delivery log.
pub const EXCERPT_CHARS: usize = 500;
/// Prefix of generated signing secrets, so a leaked one is recognised.
pub const SECRET_PREFIX: &str = "whsec_";
pub const MAX_URL_LEN: usize = 2000;
pub const MIN_SECRET_LEN: usize = 16;
pub const MAX_SECRET_LEN: usize = 200;

/// A new event id: `evt_` and 24 random letters and digits (about 143 bits).
pub fn new_event_id() -> String {
    format!("evt_{}", Alphanumeric.sample_string(&mut rand::rng(), 24))
}

/// A new signing secret: 256 random bits, URL-safe base64, with [`SECRET_PREFIX`].
pub fn generate_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{SECRET_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// A subscription's URL as the OpenAPI document's `pattern`: `http` or `https`, a host name
/// (ASCII labels of letters, digits and single hyphens, the last one starting with a letter)
/// or an IPv4 address, an optional port, then a path and query of URL characters; no user,
/// no fragment. Without anchors.
const URL_BODY: &str = concat!(
    "[Hh][Tt][Tt][Pp][Ss]?://",
    "(?:(?:[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\\.)*[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*",
    "|(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(?:\\.(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3})",
    "(?::(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4}))?",
    "(?:[/?][A-Za-z0-9._~!$&'()*+,;=:@%/?-]*)?",
);

static URL_PATTERN: LazyLock<String> = LazyLock::new(|| format!("^{URL_BODY}$"));
static URL_MATCHER: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(&URL_PATTERN).expect("the URL pattern compiles"));

/// The URLs a subscription takes, as a regular expression (ECMAScript, Python and Rust read it
/// alike); [`url_problem`] refuses any other.
pub fn url_pattern() -> &'static str {
    &URL_PATTERN
}

/// What is wrong with a subscription's URL, if anything: it must be an absolute `http(s)` URL
/// with a host, no credentials and no fragment, written as [`url_pattern`] says.
pub fn url_problem(field: &str, url: &str) -> Option<FieldError> {
    let invalid = |message: &str| Some(FieldError::new(field, "invalid_url", message));
    if url.trim().is_empty() {
        return Some(FieldError::new(field, "required", "must not be blank"));
    }
    if url.chars().count() > MAX_URL_LEN {
        return Some(FieldError::new(
            field,
            "too_long",
            format!("must be at most {MAX_URL_LEN} characters"),
        ));
    }
    let Ok(parsed) = url::Url::parse(url.trim()) else {
        return invalid("must be an absolute URL, e.g. https://qlvb.example.gov.vn/hooks/cchc");
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return invalid("must start with http:// or https://");
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return invalid("must name a host");
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return invalid(
            "must not carry a user name or password; events are authenticated by their signature",
        );
    }
    if parsed.fragment().is_some() {
        return invalid("must not have a #fragment");
    }
    if !URL_MATCHER.is_match(url) {
        return invalid(
            "must be http(s)://host[:port]/path with an ASCII host name or IPv4 address, \
             URL characters only (percent-encode the others) and no spaces",
        );
    }
    None
}

/// Parses the event types a subscription asks for, naming every unknown, unsubscribable or
/// repeated one (`event_types[2]`).
pub fn parse_event_types(field: &str, types: &[String]) -> Result<Vec<EventType>, Vec<FieldError>> {
    let mut problems = Vec::new();
    if types.is_empty() {
        problems.push(FieldError::new(
            field,
            "required",
            "name at least one event type",
        ));
    }
    let allowed = || {
        EventType::SUBSCRIBABLE
            .iter()
            .map(EventType::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut seen = HashSet::new();
    let mut parsed = Vec::new();
    for (i, text) in types.iter().enumerate() {
        let path = format!("{field}[{i}]");
        match text.trim().parse::<EventType>() {
            Ok(t) if !EventType::SUBSCRIBABLE.contains(&t) => problems.push(FieldError::new(
                path,
                "not_subscribable",
                format!(
                    "{t:?} is sent on request only; subscribe to one of: {}",
                    allowed()
                ),
            )),
            Ok(t) if !seen.insert(t) => problems.push(FieldError::new(
                path,
                "duplicate",
                format!("{:?} is listed twice", t.as_str()),
            )),
            Ok(t) => parsed.push(t),
            Err(_) => problems.push(FieldError::new(
                path,
                "unknown_event_type",
                format!("unknown event type {text:?}; one of: {}", allowed()),
            )),
        }
    }
    if problems.is_empty() {
        Ok(parsed)
    } else {
        Err(problems)
    }
}

/// What is wrong with a secret the caller chose, if anything.
pub fn secret_problem(field: &str, secret: &str) -> Option<FieldError> {
    let length = secret.chars().count();
    if length < MIN_SECRET_LEN {
        Some(FieldError::new(
            field,
            "too_short",
            format!(
                "must be at least {MIN_SECRET_LEN} characters; leave it out to have one generated"
            ),
        ))
    } else if length > MAX_SECRET_LEN {
        Some(FieldError::new(
            field,
            "too_long",
            format!("must be at most {MAX_SECRET_LEN} characters"),
        ))
    } else if !secret.chars().all(|c| c.is_ascii_graphic()) {
        Some(FieldError::new(
            field,
            "invalid_secret",
            "must be printable ASCII without spaces",
        ))
    } else {
        None
    }
}

/// A receiver's answer counts as delivered when it is 2xx; anything else is retried.
pub fn is_delivered(status: u16) -> bool {
    (200..300).contains(&status)
}

/// The start of a receiver's answer as kept in the log: text (invalid UTF-8 replaced), at most
/// [`EXCERPT_CHARS`] characters, `None` when empty.
pub fn excerpt(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut chars = text.chars();
    let kept: String = chars.by_ref().take(EXCERPT_CHARS).collect();
    Some(if chars.next().is_some() {
        format!("{kept}…")
    } else {
        kept
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(problem: Option<FieldError>) -> Option<String> {
        problem.map(|p| p.code)
    }

    #[test]
    fn only_absolute_http_urls_with_a_host_are_taken() {
        for good in [
            "https://qlvb.example.gov.vn/hooks/cchc",
            "http://10.0.0.5:8080/webhooks?source=cchc",
            "HTTPS://1qlvb.example.vn:65535",
        ] {
            assert_eq!(code(url_problem("url", good)), None, "{good}");
        }
        for (bad, expected) in [
            ("", "required"),
            ("qlvb.example.gov.vn/hooks", "invalid_url"),
            ("/hooks/cchc", "invalid_url"),
            ("ftp://qlvb.example.gov.vn/", "invalid_url"),
            ("mailto:vp@example.vn", "invalid_url"),
            ("https://user:pass@qlvb.example.gov.vn/", "invalid_url"),
            ("https://qlvb.example.gov.vn/#x", "invalid_url"),
            (" https://qlvb.example.gov.vn/", "invalid_url"),
            ("https://qlvb.example.gov.vn/báo-cáo", "invalid_url"),
            ("https://[::1]/hooks", "invalid_url"),
            ("https://xn--bo-cu-qva.vn/", "invalid_url"),
        ] {
            assert_eq!(
                code(url_problem("url", bad)).as_deref(),
                Some(expected),
                "{bad}"
            );
        }
        let long = format!("https://example.vn/{}", "a".repeat(MAX_URL_LEN));
        assert_eq!(code(url_problem("url", &long)).as_deref(), Some("too_long"));
    }

    /// Every URL of the pattern is taken, so a client checking the pattern is never refused.
    #[test]
    fn every_url_the_pattern_allows_is_taken() {
        use proptest::test_runner::{Config, TestRunner};
        let strategy = proptest::string::string_regex(URL_BODY).expect("a strategy");
        let mut runner = TestRunner::new(Config {
            cases: 5000,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&strategy, |url| {
                if url.chars().count() > MAX_URL_LEN {
                    return Ok(()); // the schema's maxLength
                }
                let problem = url_problem("url", &url);
                proptest::prop_assert!(problem.is_none(), "{url:?}: {problem:?}");
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn event_types_are_checked_one_by_one() {
        let types = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            parse_event_types("event_types", &types(&["period.opened", "unit.escalated"])),
            Ok(vec![EventType::PeriodOpened, EventType::UnitEscalated])
        );
        let problems = parse_event_types(
            "event_types",
            &types(&[
                "period.opened",
                "submission.deleted",
                "ping",
                "period.opened",
            ]),
        )
        .unwrap_err();
        let found: Vec<_> = problems
            .iter()
            .map(|p| (p.field.as_str(), p.code.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("event_types[1]", "unknown_event_type"),
                ("event_types[2]", "not_subscribable"),
                ("event_types[3]", "duplicate"),
            ]
        );
        assert!(problems[0].message.contains("submission.accepted"));
        let empty = parse_event_types("event_types", &[]).unwrap_err();
        assert_eq!(empty[0].code, "required");
    }

    #[test]
    fn secrets_are_long_random_and_checked_when_chosen() {
        let a = generate_secret();
        let b = generate_secret();
        assert_ne!(a, b);
        assert!(a.starts_with(SECRET_PREFIX));
        assert_eq!(a.len(), SECRET_PREFIX.len() + 43);
        assert_eq!(secret_problem("secret", &a), None);
        assert_eq!(
            code(secret_problem("secret", "short")).as_deref(),
            Some("too_short")
        );
        assert_eq!(
            code(secret_problem("secret", "a secret with spaces")).as_deref(),
            Some("invalid_secret")
        );
        assert_eq!(
            code(secret_problem("secret", &"x".repeat(201))).as_deref(),
            Some("too_long")
        );
    }

    #[test]
    fn event_ids_are_prefixed_and_unique() {
        let a = new_event_id();
        assert!(a.starts_with("evt_") && a.len() == 28, "{a}");
        assert!(a[4..].chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, new_event_id());
    }

    #[test]
    fn only_2xx_is_delivered() {
        assert!(is_delivered(200) && is_delivered(204) && is_delivered(299));
        for status in [100, 301, 304, 400, 410, 429, 500, 503] {
            assert!(!is_delivered(status), "{status}");
        }
    }

    #[test]
    fn excerpts_are_short_text() {
        assert_eq!(excerpt(b""), None);
        assert_eq!(excerpt(b"  \n"), None);
        assert_eq!(excerpt(b"ok").as_deref(), Some("ok"));
        assert_eq!(excerpt(b"\xff ok").as_deref(), Some("\u{fffd} ok"));
        let long = "đ".repeat(EXCERPT_CHARS + 10);
        let kept = excerpt(long.as_bytes()).unwrap();
        assert_eq!(kept.chars().count(), EXCERPT_CHARS + 1);
        assert!(kept.ends_with('…'));
    }
}
