//! The links in the mails: the only place that knows where a link goes (report, task,
//! self-assessment and campaign mails alike).
//!
//! - With a front end (`CCHC_FRONTEND_URL_TEMPLATES`), a kind of link it has a template for
//!   goes there: `report=https://app.example/periods/{period_id}/units/{unit_code},…`.
//! - Otherwise a report's link, its form, a period's board and the open periods are signed
//!   links the service itself opens in a browser without a token (`/l/{purpose}/{token}`,
//!   see `cchc_domain::rules::signed_link`), valid [`VALIDITY`] after their anchor (the unit's
//!   deadline, or the event when later; the digest's day).
//!   The same holds for a task, a self-assessment round (a unit's parts, or the whole round's
//!   readiness for the Office) and a campaign round (`/l/task`, `/l/assessment`,
//!   `/l/campaign`), valid [`VALIDITY`] after the deadline the mail is about.
//! - So do a plan's board and the list of overdue tasks (`/l/plan`, `/l/overdue-tasks`), valid
//!   [`VALIDITY`] after the mail's day.

use std::collections::BTreeMap;
use std::sync::Arc;

use cchc_domain::rules::signed_link::{self, LinkTarget};
use chrono::{DateTime, Utc};

pub use cchc_domain::rules::signed_link::VALIDITY;

/// The kinds of link a front end may take over, with the placeholders each may use.
pub const FRONTEND_KINDS: &[(&str, &[&str])] = &[
    ("report", &["period_id", "unit_id", "unit_code"]),
    ("form", &["period_id", "unit_id", "unit_code"]),
    ("board", &["period_id"]),
    ("periods", &[]),
    ("task", &["task_id"]),
    ("plan_board", &["plan_id"]),
    ("overdue_tasks", &[]),
    ("assessment", &["assessment_id", "unit_id"]),
    ("assessment_readiness", &["assessment_id"]),
    ("campaign_round", &["campaign_id", "round"]),
];

/// Where the links go.
#[derive(Clone, PartialEq, Eq)]
pub struct Links {
    base: String,
    secret: Arc<Vec<u8>>,
    frontend: BTreeMap<String, String>,
}

impl std::fmt::Debug for Links {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Links")
            .field("base", &self.base)
            .field("frontend", &self.frontend)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the public base URL must be an absolute http(s) URL, e.g. https://cchc.example.gov.vn; got {0:?}")]
pub struct InvalidBaseUrl(pub String);

/// A `CCHC_FRONTEND_URL_TEMPLATES` that cannot work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("CCHC_FRONTEND_URL_TEMPLATES: {0}")]
pub struct InvalidFrontend(pub String);

fn plausible_url(url: &str) -> bool {
    let host = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    host.is_some_and(|host| {
        !host.is_empty()
            && !host.starts_with('/')
            && !host
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>'))
    })
}

/// Parses `kind=template,kind=template`: known kinds, absolute http(s) URLs, only the
/// placeholders the kind has.
pub fn parse_frontend(spec: &str) -> Result<BTreeMap<String, String>, InvalidFrontend> {
    let mut templates = BTreeMap::new();
    for entry in spec.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let (kind, template) = entry
            .split_once('=')
            .ok_or_else(|| InvalidFrontend(format!("{entry:?} is not kind=URL template")))?;
        let (kind, template) = (kind.trim(), template.trim());
        let (_, allowed) = FRONTEND_KINDS
            .iter()
            .find(|(k, _)| *k == kind)
            .ok_or_else(|| {
                let kinds: Vec<_> = FRONTEND_KINDS.iter().map(|(k, _)| *k).collect();
                InvalidFrontend(format!(
                    "unknown kind {kind:?}; one of {}",
                    kinds.join(", ")
                ))
            })?;
        if !plausible_url(template) {
            return Err(InvalidFrontend(format!(
                "{kind}: {template:?} is not an absolute http(s) URL"
            )));
        }
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| InvalidFrontend(format!("{kind}: unclosed '{{'")))?;
            let name = &rest[open + 1..open + close];
            if !allowed.contains(&name) {
                return Err(InvalidFrontend(format!(
                    "{kind}: unknown placeholder {{{name}}}; it may use {}",
                    if allowed.is_empty() {
                        "none".to_owned()
                    } else {
                        allowed
                            .iter()
                            .map(|a| format!("{{{a}}}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                )));
            }
            rest = &rest[open + close + 1..];
        }
        if templates
            .insert(kind.to_owned(), template.to_owned())
            .is_some()
        {
            return Err(InvalidFrontend(format!("{kind} given twice")));
        }
    }
    Ok(templates)
}

/// Fills a template's placeholders; values are ids and unit codes, percent-encoded.
fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut url = template.to_owned();
    for (name, value) in values {
        let encoded: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
        url = url.replace(&format!("{{{name}}}"), &encoded);
    }
    url
}

impl Links {
    /// Links from the public base URL, signed with a secret of this process only (links then
    /// do not open on the API): set the real one with [`Links::with_secret`].
    pub fn new(public_base_url: &str) -> Result<Self, InvalidBaseUrl> {
        let base = public_base_url.trim().trim_end_matches('/');
        if !plausible_url(base) {
            return Err(InvalidBaseUrl(public_base_url.to_owned()));
        }
        let mut secret = vec![0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut secret);
        Ok(Self {
            base: base.to_owned(),
            secret: Arc::new(secret),
            frontend: BTreeMap::new(),
        })
    }

    /// Signs with `secret` (`CCHC_LINK_SECRET`, or the one kept in the database).
    pub fn with_secret(mut self, secret: &[u8]) -> Self {
        self.secret = Arc::new(secret.to_vec());
        self
    }

    /// Sends the kinds of link `templates` has to the front end.
    pub fn with_frontend(mut self, templates: BTreeMap<String, String>) -> Self {
        self.frontend = templates;
        self
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn frontend(&self, kind: &str, values: &[(&str, String)]) -> Option<String> {
        self.frontend.get(kind).map(|t| fill(t, values))
    }

    fn signed(&self, target: LinkTarget, expires_at: DateTime<Utc>) -> String {
        format!(
            "{}/l/{}/{}",
            self.base,
            target.purpose().as_str(),
            signed_link::sign(&self.secret, target, expires_at)
        )
    }

    /// One unit's report in a period: its status, what is missing, the return reason.
    pub fn report(
        &self,
        period_id: i64,
        unit_id: i64,
        unit_code: &str,
        anchor: DateTime<Utc>,
    ) -> String {
        let values = [
            ("period_id", period_id.to_string()),
            ("unit_id", unit_id.to_string()),
            ("unit_code", unit_code.to_owned()),
        ];
        self.frontend("report", &values).unwrap_or_else(|| {
            self.signed(LinkTarget::Report { period_id, unit_id }, anchor + VALIDITY)
        })
    }

    /// One unit's statistics form for a period, prefilled (.xlsx).
    pub fn form(
        &self,
        period_id: i64,
        unit_id: i64,
        unit_code: &str,
        anchor: DateTime<Utc>,
    ) -> String {
        let values = [
            ("period_id", period_id.to_string()),
            ("unit_id", unit_id.to_string()),
            ("unit_code", unit_code.to_owned()),
        ];
        self.frontend("form", &values).unwrap_or_else(|| {
            self.signed(LinkTarget::Form { period_id, unit_id }, anchor + VALIDITY)
        })
    }

    /// The compliance board of a period: who reported, on time, late, missing.
    pub fn compliance(&self, period_id: i64, anchor: DateTime<Utc>) -> String {
        self.frontend("board", &[("period_id", period_id.to_string())])
            .unwrap_or_else(|| self.signed(LinkTarget::Board { period_id }, anchor + VALIDITY))
    }

    /// The open periods.
    pub fn periods(&self, anchor: DateTime<Utc>) -> String {
        self.frontend("periods", &[])
            .unwrap_or_else(|| self.signed(LinkTarget::OpenPeriods, anchor + VALIDITY))
    }

    /// One task: its status, deadline, latest progress and what it waits for.
    pub fn task(&self, task_id: i64, anchor: DateTime<Utc>) -> String {
        self.frontend("task", &[("task_id", task_id.to_string())])
            .unwrap_or_else(|| self.signed(LinkTarget::Task { task_id }, anchor + VALIDITY))
    }

    /// A plan's board: its tasks by status, unit and content area, its targets and its
    /// overdue tasks.
    pub fn plan_board(&self, plan_id: i64, anchor: DateTime<Utc>) -> String {
        self.frontend("plan_board", &[("plan_id", plan_id.to_string())])
            .unwrap_or_else(|| self.signed(LinkTarget::PlanBoard { plan_id }, anchor + VALIDITY))
    }

    /// Every overdue task across plans and directives.
    pub fn overdue_tasks(&self, anchor: DateTime<Utc>) -> String {
        self.frontend("overdue_tasks", &[])
            .unwrap_or_else(|| self.signed(LinkTarget::OverdueTasks, anchor + VALIDITY))
    }

    /// A self-assessment round for one unit: its own parts, what they lack, its deadline.
    pub fn assessment(&self, assessment_id: i64, unit_id: i64, anchor: DateTime<Utc>) -> String {
        let values = [
            ("assessment_id", assessment_id.to_string()),
            ("unit_id", unit_id.to_string()),
        ];
        self.frontend("assessment", &values).unwrap_or_else(|| {
            let target = LinkTarget::Assessment {
                assessment_id,
                unit_id: Some(unit_id),
            };
            self.signed(target, anchor + VALIDITY)
        })
    }

    /// A round's readiness for the Office and the leadership: every part, what is
    /// unresolved and the points at risk, per unit.
    pub fn assessment_readiness(&self, assessment_id: i64, anchor: DateTime<Utc>) -> String {
        let values = [("assessment_id", assessment_id.to_string())];
        self.frontend("assessment_readiness", &values)
            .unwrap_or_else(|| {
                let target = LinkTarget::Assessment {
                    assessment_id,
                    unit_id: None,
                };
                self.signed(target, anchor + VALIDITY)
            })
    }

    /// A campaign round: its criteria and its leaderboard, live while the round is open.
    pub fn campaign_round(&self, campaign_id: i64, round: i32, anchor: DateTime<Utc>) -> String {
        let values = [
            ("campaign_id", campaign_id.to_string()),
            ("round", round.to_string()),
        ];
        self.frontend("campaign_round", &values).unwrap_or_else(|| {
            self.signed(
                LinkTarget::CampaignRound { campaign_id, round },
                anchor + VALIDITY,
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frontend_templates_are_checked_and_filled() {
        let templates = parse_frontend(
            "report=https://app.example/periods/{period_id}/units/{unit_code}, board=https://app.example/periods/{period_id}/board",
        )
        .unwrap();
        let links = Links::new("https://cchc.example.gov.vn")
            .unwrap()
            .with_frontend(templates);
        let at = DateTime::UNIX_EPOCH;
        assert_eq!(
            links.report(12, 34, "KH TC", at),
            "https://app.example/periods/12/units/KH+TC"
        );
        assert_eq!(
            links.compliance(12, at),
            "https://app.example/periods/12/board"
        );
        // No template for the form: a signed link of the service.
        assert!(links
            .form(12, 34, "KHTC", at)
            .starts_with("https://cchc.example.gov.vn/l/form/form.12.34."));
        for bad in [
            "report",
            "nope=https://x/{period_id}",
            "board=https://x/{unit_code}",
            "board=ftp://x",
            "board=https://x/{period_id",
            "board=https://x/a,board=https://x/b",
        ] {
            assert!(parse_frontend(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn signed_links_carry_the_secret_and_the_expiry() {
        let links = Links::new("https://cchc.example.gov.vn/")
            .unwrap()
            .with_secret(b"0123456789abcdef0123456789abcdef");
        let anchor = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let link = links.report(12, 34, "KHTC", anchor);
        let token = link
            .strip_prefix("https://cchc.example.gov.vn/l/report/")
            .unwrap();
        assert_eq!(
            signed_link::verify(
                b"0123456789abcdef0123456789abcdef",
                signed_link::LinkPurpose::Report,
                token,
                anchor + VALIDITY - chrono::TimeDelta::seconds(1)
            ),
            Ok(LinkTarget::Report {
                period_id: 12,
                unit_id: 34
            })
        );
    }

    #[test]
    fn work_links_are_signed_for_their_unit_or_the_office_and_the_plans_board() {
        let secret = b"0123456789abcdef0123456789abcdef";
        let links = Links::new("https://cchc.example.gov.vn")
            .unwrap()
            .with_secret(secret);
        let deadline = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let open = |link: String, purpose| {
            let token = link.rsplit('/').next().unwrap().to_owned();
            let at = deadline + VALIDITY - chrono::TimeDelta::seconds(1);
            assert!(signed_link::verify(secret, purpose, &token, deadline + VALIDITY).is_err());
            signed_link::verify(secret, purpose, &token, at).unwrap()
        };
        use signed_link::LinkPurpose;
        assert_eq!(
            open(links.task(5, deadline), LinkPurpose::Task),
            LinkTarget::Task { task_id: 5 }
        );
        assert_eq!(
            open(links.assessment(7, 34, deadline), LinkPurpose::Assessment),
            LinkTarget::Assessment {
                assessment_id: 7,
                unit_id: Some(34)
            }
        );
        assert_eq!(
            open(
                links.assessment_readiness(7, deadline),
                LinkPurpose::Assessment
            ),
            LinkTarget::Assessment {
                assessment_id: 7,
                unit_id: None
            }
        );
        assert_eq!(
            open(
                links.campaign_round(4, 2, deadline),
                LinkPurpose::CampaignRound
            ),
            LinkTarget::CampaignRound {
                campaign_id: 4,
                round: 2
            }
        );
        assert_eq!(
            open(links.plan_board(3, deadline), LinkPurpose::PlanBoard),
            LinkTarget::PlanBoard { plan_id: 3 }
        );
        assert_eq!(
            open(links.overdue_tasks(deadline), LinkPurpose::OverdueTasks),
            LinkTarget::OverdueTasks
        );
        let links = links.with_frontend(
            parse_frontend(
                "task=https://app.example/nv/{task_id},plan_board=https://app.example/kh/{plan_id}",
            )
            .unwrap(),
        );
        assert_eq!(links.task(5, deadline), "https://app.example/nv/5");
        assert_eq!(links.plan_board(3, deadline), "https://app.example/kh/3");
    }
}
