//! The `CCHC_OIDC_*` settings: which issuer's access tokens the API accepts and how their
//! holders are matched to the service's people.

use cchc_domain::model::token::Role;

/// Leeway on `exp` and `nbf` unless `CCHC_OIDC_LEEWAY_SECS` says otherwise.
pub const DEFAULT_LEEWAY_SECS: u64 = 60;
/// The claim a person is matched by unless `CCHC_OIDC_EMAIL_CLAIM` says otherwise.
pub const DEFAULT_EMAIL_CLAIM: &str = "email";
/// The scopes the docs page asks for unless `CCHC_OIDC_DOCS_SCOPES` says otherwise.
pub const DEFAULT_DOCS_SCOPES: &str = "openid email profile";

/// OpenID Connect access tokens: set when `CCHC_OIDC_ISSUER` is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcSettings {
    /// `CCHC_OIDC_ISSUER`: the issuer URL, exactly as tokens' `iss` spell it; its discovery
    /// document is at `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    /// `CCHC_OIDC_AUDIENCE`: what a token's `aud` must contain (this API's identifier at the
    /// provider).
    pub audience: String,
    /// `CCHC_OIDC_LEEWAY_SECS`: clock skew allowed on `exp` and `nbf`.
    pub leeway_secs: u64,
    /// `CCHC_OIDC_EMAIL_CLAIM`: the claim holding the person's e-mail, matched against the
    /// units' heads and focal persons.
    pub email_claim: String,
    /// `CCHC_OIDC_ROLE_RULES`: claims that give a role whoever the person is (the Office, the
    /// leadership), looked at before the units' contacts, in order.
    pub role_rules: Vec<RoleRule>,
    /// `CCHC_OIDC_DOCS_CLIENT_ID`: the public client (no secret) the docs page (`/docs`) signs
    /// people in with, by the authorization-code flow with PKCE; none: the docs page takes
    /// pasted tokens only.
    pub docs_client_id: Option<String>,
    /// `CCHC_OIDC_DOCS_SCOPES`: the scopes the docs page asks for, separated by spaces.
    pub docs_scopes: Vec<String>,
}

/// `claim:value=role`: a token whose `claim` is `value` (or, for a list, contains it) gets
/// `role`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRule {
    pub claim: String,
    pub value: String,
    pub role: Role,
}

impl RoleRule {
    /// Parses `groups:cchc-office=admin;groups:cchc-leadership=viewer`. Only the roles not
    /// bound to a unit may be given this way: `admin` and `viewer`.
    pub fn parse_list(text: &str) -> Result<Vec<Self>, String> {
        text.split(';')
            .map(str::trim)
            .filter(|rule| !rule.is_empty())
            .map(|rule| {
                let shape =
                    || format!("{rule:?}: write claim:value=role, e.g. groups:cchc-office=admin");
                let (condition, role) = rule.rsplit_once('=').ok_or_else(shape)?;
                let (claim, value) = condition.split_once(':').ok_or_else(shape)?;
                let (claim, value, role) = (claim.trim(), value.trim(), role.trim());
                if claim.is_empty() || value.is_empty() {
                    return Err(shape());
                }
                let role = match role.parse::<Role>() {
                    Ok(role @ (Role::Admin | Role::Viewer)) => role,
                    _ => {
                        return Err(format!(
                        "{rule:?}: a rule gives admin or viewer; reporters come from the units' contacts"
                    ))
                    }
                };
                Ok(Self {
                    claim: claim.to_owned(),
                    value: value.to_owned(),
                    role,
                })
            })
            .collect()
    }

    /// Whether `claims` satisfy the rule.
    pub fn matches(&self, claims: &serde_json::Map<String, serde_json::Value>) -> bool {
        use serde_json::Value;
        match claims.get(&self.claim) {
            Some(Value::String(text)) => text == &self.value,
            Some(Value::Array(items)) => items
                .iter()
                .any(|item| item.as_str() == Some(self.value.as_str())),
            Some(Value::Bool(flag)) => flag.to_string() == self.value,
            Some(Value::Number(number)) => number.to_string() == self.value,
            _ => false,
        }
    }
}

impl OidcSettings {
    /// Reads the `CCHC_OIDC_*` variables through `lookup`; `None` when no issuer is set.
    pub fn from_lookup(
        lookup: &impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>, (&'static str, String)> {
        let Some(issuer) = lookup("CCHC_OIDC_ISSUER") else {
            if lookup("CCHC_OIDC_DOCS_CLIENT_ID").is_some() {
                return Err((
                    "CCHC_OIDC_DOCS_CLIENT_ID",
                    "is set but CCHC_OIDC_ISSUER is not: the docs page signs in with that provider"
                        .to_owned(),
                ));
            }
            return Ok(None);
        };
        let issuer = issuer.trim().to_owned();
        match url::Url::parse(&issuer) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {}
            _ => {
                return Err((
                    "CCHC_OIDC_ISSUER",
                    format!("{issuer:?} is not an http(s) URL"),
                ))
            }
        }
        let audience = lookup("CCHC_OIDC_AUDIENCE")
            .map(|v| v.trim().to_owned())
            .ok_or((
                "CCHC_OIDC_AUDIENCE",
                "must be set with CCHC_OIDC_ISSUER: the audience (aud) this API's tokens carry"
                    .to_owned(),
            ))?;
        let leeway_secs = match lookup("CCHC_OIDC_LEEWAY_SECS") {
            Some(v) => match v.trim().parse::<u64>() {
                Ok(secs @ 0..=600) => secs,
                _ => {
                    return Err((
                        "CCHC_OIDC_LEEWAY_SECS",
                        "must be between 0 and 600 (seconds)".to_owned(),
                    ))
                }
            },
            None => DEFAULT_LEEWAY_SECS,
        };
        let email_claim = lookup("CCHC_OIDC_EMAIL_CLAIM")
            .map(|v| v.trim().to_owned())
            .unwrap_or_else(|| DEFAULT_EMAIL_CLAIM.to_owned());
        let role_rules = match lookup("CCHC_OIDC_ROLE_RULES") {
            Some(v) => RoleRule::parse_list(&v).map_err(|e| ("CCHC_OIDC_ROLE_RULES", e))?,
            None => Vec::new(),
        };
        let docs_client_id = lookup("CCHC_OIDC_DOCS_CLIENT_ID")
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty());
        let docs_scopes: Vec<String> = lookup("CCHC_OIDC_DOCS_SCOPES")
            .unwrap_or_else(|| DEFAULT_DOCS_SCOPES.to_owned())
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        if docs_scopes.is_empty() {
            return Err((
                "CCHC_OIDC_DOCS_SCOPES",
                "must name at least one scope, e.g. openid email profile".to_owned(),
            ));
        }
        Ok(Some(Self {
            issuer,
            audience,
            leeway_secs,
            email_claim,
            role_rules,
            docs_client_id,
            docs_scopes,
        }))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn settings(vars: &[(&str, &str)]) -> Result<Option<OidcSettings>, (&'static str, String)> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        OidcSettings::from_lookup(&|name| vars.get(name).cloned())
    }

    #[test]
    fn no_issuer_no_oidc_and_defaults_otherwise() {
        assert_eq!(settings(&[]).unwrap(), None);
        let set = settings(&[
            ("CCHC_OIDC_ISSUER", "https://sso.khanhhoa.gov.vn/realms/cb"),
            ("CCHC_OIDC_AUDIENCE", "cchc-api"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(set.leeway_secs, 60);
        assert_eq!(set.email_claim, "email");
        assert!(set.role_rules.is_empty());
        assert_eq!(set.docs_client_id, None);
        assert_eq!(set.docs_scopes, ["openid", "email", "profile"]);
        let set = settings(&[
            ("CCHC_OIDC_ISSUER", "https://sso.khanhhoa.gov.vn/realms/cb"),
            ("CCHC_OIDC_AUDIENCE", "cchc-api"),
            ("CCHC_OIDC_DOCS_CLIENT_ID", " cchc-docs "),
            ("CCHC_OIDC_DOCS_SCOPES", "openid  groups"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(set.docs_client_id.as_deref(), Some("cchc-docs"));
        assert_eq!(set.docs_scopes, ["openid", "groups"]);
    }

    #[test]
    fn bad_values_name_the_variable() {
        let issuer = ("CCHC_OIDC_ISSUER", "https://sso.example.vn");
        let audience = ("CCHC_OIDC_AUDIENCE", "cchc-api");
        assert_eq!(settings(&[issuer]).unwrap_err().0, "CCHC_OIDC_AUDIENCE");
        assert_eq!(
            settings(&[("CCHC_OIDC_DOCS_CLIENT_ID", "cchc-docs")])
                .unwrap_err()
                .0,
            "CCHC_OIDC_DOCS_CLIENT_ID"
        );
        assert_eq!(
            settings(&[issuer, audience, ("CCHC_OIDC_DOCS_SCOPES", " ")])
                .unwrap_err()
                .0,
            "CCHC_OIDC_DOCS_SCOPES"
        );
        assert_eq!(
            settings(&[("CCHC_OIDC_ISSUER", "sso.example.vn"), audience])
                .unwrap_err()
                .0,
            "CCHC_OIDC_ISSUER"
        );
        assert_eq!(
            settings(&[issuer, audience, ("CCHC_OIDC_LEEWAY_SECS", "a minute")])
                .unwrap_err()
                .0,
            "CCHC_OIDC_LEEWAY_SECS"
        );
        for bad in [
            "groups=admin",
            "groups:office",
            "groups:office=reporter",
            "groups:x=integration",
        ] {
            assert_eq!(
                settings(&[issuer, audience, ("CCHC_OIDC_ROLE_RULES", bad)])
                    .unwrap_err()
                    .0,
                "CCHC_OIDC_ROLE_RULES",
                "{bad}"
            );
        }
    }

    #[test]
    fn role_rules_match_a_value_or_a_member_of_a_list() {
        let rules =
            RoleRule::parse_list(" groups:cchc-office=admin; groups:cchc-leadership = viewer;")
                .unwrap();
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[1].role, Role::Viewer);
        let claims = |value: serde_json::Value| {
            serde_json::json!({ "groups": value })
                .as_object()
                .cloned()
                .unwrap()
        };
        assert!(rules[0].matches(&claims(serde_json::json!(["x", "cchc-office"]))));
        assert!(rules[0].matches(&claims(serde_json::json!("cchc-office"))));
        assert!(!rules[0].matches(&claims(serde_json::json!(["cchc-leadership"]))));
        assert!(!rules[0].matches(&serde_json::Map::new()));
    }
}
