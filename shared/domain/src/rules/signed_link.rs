//! Links in the mails that open without an API token: signed, expiring and single-purpose.
//!
//! A link names one thing (a unit's report in a period, its prefilled form, a period's
//! compliance board, a task, a plan's board, the overdue tasks, a self-assessment round, a
//! campaign round) and when it stops working. Both are covered by an HMAC-SHA256 keyed with
//! the service's link secret, so a link cannot be pointed at another unit, another board or
//! another purpose, nor kept alive past its expiry, without the secret.
//!
//! A token reads `{purpose}.{id}[.{id}].{expires}.{mac}`: the purpose's short name, the
//! subject's ids, the expiry in Unix seconds, and the base64url HMAC of everything before
//! the last full stop. Only URL-safe characters, so a token is one path segment.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How long a link works after its anchor (the unit's deadline, or when the mail's event
/// happened if later, or a digest's day).
pub const VALIDITY: TimeDelta = TimeDelta::days(30);

/// Shortest secret accepted from configuration, in bytes.
pub const MIN_SECRET_LEN: usize = 32;

/// What a link opens, and for whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkTarget {
    /// The status page of one unit's report in a period.
    Report { period_id: i64, unit_id: i64 },
    /// One unit's prefilled statistics form for a period (.xlsx).
    Form { period_id: i64, unit_id: i64 },
    /// A period's compliance board, for the leadership and the Office.
    Board { period_id: i64 },
    /// The periods still open, for the Office's daily digest.
    OpenPeriods,
    /// One task's status.
    Task { task_id: i64 },
    /// A self-assessment round: one unit's parts (`unit_id`), or the whole round's readiness
    /// for the Office and the leadership (no unit).
    Assessment {
        assessment_id: i64,
        unit_id: Option<i64>,
    },
    /// A campaign round's leaderboard.
    CampaignRound { campaign_id: i64, round: i32 },
    /// A plan's board, for the leadership and the Office.
    PlanBoard { plan_id: i64 },
    /// Every overdue task across plans and directives, for the leadership.
    OverdueTasks,
}

/// The kind of a [`LinkTarget`], which the route a link is opened at must expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkPurpose {
    Report,
    Form,
    Board,
    OpenPeriods,
    Task,
    Assessment,
    CampaignRound,
    PlanBoard,
    OverdueTasks,
}

impl LinkPurpose {
    /// The short name in tokens and in the link routes (`/l/{purpose}/{token}`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Report => "report",
            Self::Form => "form",
            Self::Board => "board",
            Self::OpenPeriods => "periods",
            Self::Task => "task",
            Self::Assessment => "assessment",
            Self::CampaignRound => "campaign",
            Self::PlanBoard => "plan",
            Self::OverdueTasks => "overdue-tasks",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [
            Self::Report,
            Self::Form,
            Self::Board,
            Self::OpenPeriods,
            Self::Task,
            Self::Assessment,
            Self::CampaignRound,
            Self::PlanBoard,
            Self::OverdueTasks,
        ]
        .into_iter()
        .find(|p| p.as_str() == text)
    }
}

impl LinkTarget {
    pub fn purpose(&self) -> LinkPurpose {
        match self {
            Self::Report { .. } => LinkPurpose::Report,
            Self::Form { .. } => LinkPurpose::Form,
            Self::Board { .. } => LinkPurpose::Board,
            Self::OpenPeriods => LinkPurpose::OpenPeriods,
            Self::Task { .. } => LinkPurpose::Task,
            Self::Assessment { .. } => LinkPurpose::Assessment,
            Self::CampaignRound { .. } => LinkPurpose::CampaignRound,
            Self::PlanBoard { .. } => LinkPurpose::PlanBoard,
            Self::OverdueTasks => LinkPurpose::OverdueTasks,
        }
    }

    fn ids(&self) -> Vec<i64> {
        match *self {
            Self::Report { period_id, unit_id } | Self::Form { period_id, unit_id } => {
                vec![period_id, unit_id]
            }
            Self::Board { period_id } => vec![period_id],
            Self::OpenPeriods => vec![],
            Self::Task { task_id } => vec![task_id],
            Self::Assessment {
                assessment_id,
                unit_id,
            } => std::iter::once(assessment_id).chain(unit_id).collect(),
            Self::CampaignRound { campaign_id, round } => vec![campaign_id, i64::from(round)],
            Self::PlanBoard { plan_id } => vec![plan_id],
            Self::OverdueTasks => vec![],
        }
    }

    fn from_parts(purpose: LinkPurpose, ids: &[i64]) -> Option<Self> {
        Some(match (purpose, ids) {
            (LinkPurpose::Report, &[period_id, unit_id]) => Self::Report { period_id, unit_id },
            (LinkPurpose::Form, &[period_id, unit_id]) => Self::Form { period_id, unit_id },
            (LinkPurpose::Board, &[period_id]) => Self::Board { period_id },
            (LinkPurpose::OpenPeriods, &[]) => Self::OpenPeriods,
            (LinkPurpose::Task, &[task_id]) => Self::Task { task_id },
            (LinkPurpose::Assessment, &[assessment_id]) => Self::Assessment {
                assessment_id,
                unit_id: None,
            },
            (LinkPurpose::Assessment, &[assessment_id, unit_id]) => Self::Assessment {
                assessment_id,
                unit_id: Some(unit_id),
            },
            (LinkPurpose::CampaignRound, &[campaign_id, round]) => Self::CampaignRound {
                campaign_id,
                round: i32::try_from(round).ok()?,
            },
            (LinkPurpose::PlanBoard, &[plan_id]) => Self::PlanBoard { plan_id },
            (LinkPurpose::OverdueTasks, &[]) => Self::OverdueTasks,
            _ => return None,
        })
    }
}

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &[u8], signed_part: &str) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC accepts any key length");
    mac.update(b"cchc-link-v1:");
    mac.update(signed_part.as_bytes());
    mac
}

/// The token of a link to `target` that works until `expires_at`.
pub fn sign(secret: &[u8], target: LinkTarget, expires_at: DateTime<Utc>) -> String {
    let mut signed_part = target.purpose().as_str().to_owned();
    for id in target.ids() {
        signed_part.push('.');
        signed_part.push_str(&id.to_string());
    }
    signed_part.push('.');
    signed_part.push_str(&expires_at.timestamp().to_string());
    let digest = mac(secret, &signed_part).finalize().into_bytes();
    format!("{signed_part}.{}", URL_SAFE_NO_PAD.encode(digest))
}

/// Why a link was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// Not a token of ours, altered, or signed with another secret.
    #[error("the link is not valid (altered or incomplete)")]
    Invalid,
    /// A genuine link opened at the route of another purpose.
    #[error("the link is for something else")]
    WrongPurpose,
    /// A genuine link past its expiry.
    #[error("the link has expired")]
    Expired { expired_at: DateTime<Utc> },
}

/// Checks a token opened at the route of `expected` at `now`: the MAC first (in constant
/// time), then the purpose, then the expiry; returns what it opens.
pub fn verify(
    secret: &[u8],
    expected: LinkPurpose,
    token: &str,
    now: DateTime<Utc>,
) -> Result<LinkTarget, LinkError> {
    let (signed_part, tag) = token.rsplit_once('.').ok_or(LinkError::Invalid)?;
    let tag = URL_SAFE_NO_PAD
        .decode(tag)
        .map_err(|_| LinkError::Invalid)?;
    mac(secret, signed_part)
        .verify_slice(&tag)
        .map_err(|_| LinkError::Invalid)?;
    let mut parts = signed_part.split('.');
    let purpose = parts
        .next()
        .and_then(LinkPurpose::parse)
        .ok_or(LinkError::Invalid)?;
    let numbers = parts
        .map(|part| part.parse::<i64>().ok())
        .collect::<Option<Vec<_>>>()
        .ok_or(LinkError::Invalid)?;
    let (expires, ids) = numbers.split_last().ok_or(LinkError::Invalid)?;
    let target = LinkTarget::from_parts(purpose, ids).ok_or(LinkError::Invalid)?;
    if purpose != expected {
        return Err(LinkError::WrongPurpose);
    }
    let expired_at = DateTime::from_timestamp(*expires, 0).ok_or(LinkError::Invalid)?;
    if now >= expired_at {
        return Err(LinkError::Expired { expired_at });
    }
    Ok(target)
}

/// Checks a configured link secret: long enough to resist guessing.
pub fn check_secret(secret: &str) -> Result<(), String> {
    if secret.trim().len() < MIN_SECRET_LEN {
        return Err(format!(
            "must be at least {MIN_SECRET_LEN} characters (e.g. `openssl rand -hex 32`)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"a-test-secret-of-at-least-32-bytes!";

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).unwrap()
    }

    const REPORT: LinkTarget = LinkTarget::Report {
        period_id: 12,
        unit_id: 34,
    };

    #[test]
    fn a_signed_link_opens_what_it_names_until_it_expires() {
        let token = sign(SECRET, REPORT, at(2_000_000_000));
        assert!(token.starts_with("report.12.34.2000000000."), "{token}");
        assert!(token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)));
        assert_eq!(
            verify(SECRET, LinkPurpose::Report, &token, at(1_999_999_999)),
            Ok(REPORT)
        );
        assert_eq!(
            verify(SECRET, LinkPurpose::Report, &token, at(2_000_000_000)),
            Err(LinkError::Expired {
                expired_at: at(2_000_000_000)
            })
        );
    }

    #[test]
    fn every_target_round_trips() {
        let targets = [
            REPORT,
            LinkTarget::Form {
                period_id: 1,
                unit_id: 2,
            },
            LinkTarget::Board { period_id: 3 },
            LinkTarget::OpenPeriods,
            LinkTarget::Task { task_id: 4 },
            LinkTarget::Assessment {
                assessment_id: 5,
                unit_id: None,
            },
            LinkTarget::Assessment {
                assessment_id: 5,
                unit_id: Some(7),
            },
            LinkTarget::CampaignRound {
                campaign_id: 6,
                round: 2,
            },
            LinkTarget::PlanBoard { plan_id: 8 },
            LinkTarget::OverdueTasks,
        ];
        for target in targets {
            let token = sign(SECRET, target, at(2_000_000_000));
            assert_eq!(
                verify(SECRET, target.purpose(), &token, at(0)),
                Ok(target),
                "{token}"
            );
        }
    }

    #[test]
    fn another_unit_period_or_expiry_breaks_the_signature() {
        let token = sign(SECRET, REPORT, at(2_000_000_000));
        let mac = token.rsplit_once('.').unwrap().1;
        for forged in [
            format!("report.12.35.2000000000.{mac}"),
            format!("report.13.34.2000000000.{mac}"),
            format!("report.12.34.2100000000.{mac}"),
            format!("form.12.34.2000000000.{mac}"),
            token.replace("report.", "report.0"),
            format!("{token}x"),
            token[..token.len() - 1].to_owned(),
            String::new(),
            "report".to_owned(),
            "report.12.34.2000000000.".to_owned(),
        ] {
            assert_eq!(
                verify(SECRET, LinkPurpose::Report, &forged, at(0)),
                Err(LinkError::Invalid),
                "{forged}"
            );
        }
        assert_eq!(
            verify(b"another secret", LinkPurpose::Report, &token, at(0)),
            Err(LinkError::Invalid)
        );
    }

    #[test]
    fn a_genuine_link_opened_for_another_purpose_is_refused() {
        let token = sign(SECRET, REPORT, at(2_000_000_000));
        assert_eq!(
            verify(SECRET, LinkPurpose::Board, &token, at(0)),
            Err(LinkError::WrongPurpose)
        );
        assert_eq!(
            verify(SECRET, LinkPurpose::Form, &token, at(0)),
            Err(LinkError::WrongPurpose)
        );
    }

    #[test]
    fn an_expired_link_is_only_called_expired_when_genuine() {
        let token = sign(SECRET, REPORT, at(1_000));
        assert!(matches!(
            verify(SECRET, LinkPurpose::Report, &token, at(5_000)),
            Err(LinkError::Expired { .. })
        ));
        assert_eq!(
            verify(b"other", LinkPurpose::Report, &token, at(5_000)),
            Err(LinkError::Invalid)
        );
    }

    #[test]
    fn configured_secrets_must_be_long() {
        assert!(check_secret("short").is_err());
        assert!(check_secret(&"x".repeat(32)).is_ok());
    }
}
