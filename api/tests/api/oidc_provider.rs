//! A real OpenID provider for the tests: `api/tests/oidc-provider/provider.js`, the certified
//! `oidc-provider` npm package run with Node on a loopback port. `npm ci` runs once per test
//! binary when its `node_modules` is missing. Each [`Provider`] is its own process (with its
//! own keys), ended when the value is dropped (and, failing that, when this binary exits:
//! the provider quits when its stdin closes).
//!
//! People get tokens without a browser: [`Provider::token`] registers an OAuth client carrying
//! the claims the person's access tokens should have and takes a JWT access token for the
//! API's audience through the client-credentials grant. [`Provider::start_with`] also gives
//! the provider accounts that sign in through its login page (the authorization-code flow,
//! `oidc_sign_in`).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;

use serde_json::{json, Value};

use crate::common::{config_of, TestApp, LOOPBACK_ALLOWED};

/// The audience the API is configured with.
pub const AUDIENCE: &str = "https://cchc.test/api";

/// The group rules the API is configured with.
pub const ROLE_RULES: &str = "groups:cchc-office=admin;groups:cchc-leadership=viewer";

fn provider_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oidc-provider")
}

/// Installs the provider's pinned packages once.
fn install() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let dir = provider_dir();
        if dir.join("node_modules/oidc-provider/package.json").exists() {
            return;
        }
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .expect("npm (Node 20 or later) is needed for the OpenID Connect tests");
        assert!(status.success(), "npm ci in {} failed", dir.display());
    });
}

/// A running provider.
pub struct Provider {
    pub issuer: String,
    child: Child,
    _stdin: ChildStdin,
    http: reqwest::Client,
}

/// How a test person's tokens are made.
#[derive(Debug, Clone)]
pub struct PersonTokens {
    /// The claims beside the registered ones (email, name, groups…).
    pub claims: Value,
    /// Lifetime in seconds.
    pub ttl_secs: u64,
    /// RS256 or ES256.
    pub alg: &'static str,
    /// The `aud` (resource) asked for.
    pub audience: String,
}

impl PersonTokens {
    pub fn with_email(email: &str, name: &str) -> Self {
        Self::with_claims(json!({ "email": email, "name": name }))
    }

    pub fn with_claims(claims: Value) -> Self {
        Self {
            claims,
            ttl_secs: 600,
            alg: "RS256",
            audience: AUDIENCE.to_owned(),
        }
    }
}

impl Provider {
    pub fn start() -> Self {
        Self::start_with(&json!({}))
    }

    /// A provider with this configuration (`audience`, `accounts`, `clients`: see
    /// `provider.js`).
    pub fn start_with(config: &Value) -> Self {
        install();
        let mut child = Command::new("node")
            .args(["provider.js", "--port", "0", "--config-json"])
            .arg(config.to_string())
            .current_dir(provider_dir())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node (20 or later) is needed for the OpenID Connect tests");
        let stdin = child.stdin.take().expect("the provider's stdin");
        let stdout = child.stdout.take().expect("the provider's stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the provider's first line");
        let issuer = line
            .trim()
            .strip_prefix("issuer=")
            .unwrap_or_else(|| panic!("the provider printed {line:?}"))
            .to_owned();
        Self {
            issuer,
            child,
            _stdin: stdin,
            http: reqwest::Client::new(),
        }
    }

    /// An API whose OpenID Connect issuer is this provider (no leeway, so an expired token
    /// is refused at once).
    pub async fn api(&self) -> TestApp {
        self.api_with(&[]).await
    }

    /// The same with more variables (e.g. `CCHC_OIDC_DOCS_CLIENT_ID`).
    pub async fn api_with(&self, more: &[(&str, &str)]) -> TestApp {
        let mut vars = vec![
            LOOPBACK_ALLOWED,
            ("CCHC_OIDC_ISSUER", self.issuer.as_str()),
            ("CCHC_OIDC_AUDIENCE", AUDIENCE),
            ("CCHC_OIDC_LEEWAY_SECS", "0"),
            ("CCHC_OIDC_ROLE_RULES", ROLE_RULES),
        ];
        vars.extend_from_slice(more);
        TestApp::spawn_with(config_of(&vars)).await
    }

    /// Adds (or replaces) a public client of the authorization-code flow with PKCE.
    pub async fn add_public_client(&self, client_id: &str, redirect_uri: &str) {
        let answer = self
            .http
            .post(format!("{}/test/clients", self.issuer))
            .json(&json!({ "client_id": client_id, "redirect_uris": [redirect_uri] }))
            .send()
            .await
            .expect("add a client");
        assert!(answer.status().is_success());
    }

    /// A JWT access token for a person.
    pub async fn token(&self, person: &PersonTokens) -> String {
        let client: Value = self
            .http
            .post(format!("{}/reg", self.issuer))
            .json(&json!({
                "cchc_claims": person.claims,
                "cchc_ttl": person.ttl_secs,
                "cchc_alg": person.alg,
            }))
            .send()
            .await
            .expect("register a client")
            .json()
            .await
            .expect("the registered client");
        let answer: Value = self
            .http
            .post(format!("{}/token", self.issuer))
            .form(&[
                ("grant_type", "client_credentials"),
                (
                    "client_id",
                    client["client_id"].as_str().expect("client_id"),
                ),
                (
                    "client_secret",
                    client["client_secret"].as_str().expect("client_secret"),
                ),
                ("resource", &person.audience),
            ])
            .send()
            .await
            .expect("ask for a token")
            .json()
            .await
            .expect("the token answer");
        answer["access_token"]
            .as_str()
            .unwrap_or_else(|| panic!("no access token: {answer}"))
            .to_owned()
    }

    /// Puts new signing keys (new kids) in front of the published ones.
    pub async fn rotate_keys(&self) {
        let answer = self
            .http
            .post(format!("{}/test/rotate", self.issuer))
            .send()
            .await
            .expect("rotate the keys");
        assert!(answer.status().is_success());
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `kid` in a JWT's header.
pub fn kid(token: &str) -> String {
    use base64::Engine as _;
    let header = token.split('.').next().expect("a header");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .expect("base64url");
    let header: Value = serde_json::from_slice(&bytes).expect("JSON");
    header["kid"].as_str().expect("a kid").to_owned()
}
