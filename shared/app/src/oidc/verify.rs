//! Verifying an OpenID Connect access token (a JWT) with the `jsonwebtoken` crate: its
//! signature (RS256 or ES256) against the issuer's published keys, then `iss`, `aud`, `exp`
//! and `nbf` (with the configured leeway). No cryptography of our own.
//!
//! The keys come from the issuer's discovery document (`jwks_uri`) and are kept in process.
//! A token signed with a key not among them (the issuer rotated its keys) makes the verifier
//! read them again, at most once per [`MIN_REFETCH_INTERVAL`], so a stream of forged `kid`s
//! cannot turn into a stream of requests to the provider. Every request to the provider goes
//! through the guarded [`Outbound`] client (`CCHC_OUTBOUND_ALLOW`).
//!
//! The discovery document itself is kept too ([`Verifier::discovery`]): the API serves it at
//! `/.well-known/openid-configuration` for the docs page's sign-in, read again after
//! [`DISCOVERY_TTL`] (and with every reading of the keys).

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};

use super::settings::OidcSettings;
use crate::outbound::{AllowList, Options, Outbound};

/// The shortest time between two readings of the issuer's keys.
pub const MIN_REFETCH_INTERVAL: Duration = Duration::from_secs(30);

/// How long the issuer's discovery document is answered from memory.
pub const DISCOVERY_TTL: Duration = Duration::from_secs(300);

/// Largest discovery document or key set read.
const MAX_DOCUMENT_BYTES: usize = 512 * 1024;

/// Why a token was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The token is not one of the issuer's, or no longer (or not yet) valid: 401.
    #[error("{0}")]
    Invalid(String),
    /// The issuer's keys could not be read, so no token can be checked now: 503.
    #[error("{0}")]
    Unavailable(String),
}

/// A token whose signature and registered claims were checked.
#[derive(Debug, Clone)]
pub struct Verified {
    pub subject: String,
    pub issuer: String,
    /// Every claim, for the person's mapping.
    pub claims: Map<String, Value>,
}

#[derive(Debug)]
struct Keys {
    set: JwkSet,
}

#[derive(Debug)]
struct Discovery {
    document: Arc<Value>,
    read_at: Instant,
}

/// Checks access tokens of the configured issuer; one per process, shared by requests.
#[derive(Debug)]
pub struct Verifier {
    settings: OidcSettings,
    client: Outbound,
    keys: RwLock<Option<Keys>>,
    /// When the keys were last asked for, whether or not it worked.
    last_fetch: tokio::sync::Mutex<Option<Instant>>,
    discovery: RwLock<Option<Discovery>>,
    /// When the discovery document was last asked for on its own, whether or not it worked.
    last_discovery_fetch: tokio::sync::Mutex<Option<Instant>>,
    min_refetch_interval: Duration,
}

impl Verifier {
    pub fn new(settings: OidcSettings, allow: &AllowList) -> Result<Self, reqwest::Error> {
        let client = Outbound::new(
            allow.clone(),
            Options {
                connect_timeout: Duration::from_secs(5),
                timeout: Some(Duration::from_secs(10)),
                user_agent: Some("cchc-api (OpenID Connect)"),
                max_concurrent: 2,
            },
        )?;
        Ok(Self {
            settings,
            client,
            keys: RwLock::new(None),
            last_fetch: tokio::sync::Mutex::new(None),
            discovery: RwLock::new(None),
            last_discovery_fetch: tokio::sync::Mutex::new(None),
            min_refetch_interval: MIN_REFETCH_INTERVAL,
        })
    }

    /// The same with another shortest time between two readings of the keys (tests).
    pub fn with_min_refetch_interval(mut self, interval: Duration) -> Self {
        self.min_refetch_interval = interval;
        self
    }

    pub fn settings(&self) -> &OidcSettings {
        &self.settings
    }

    /// Checks `token` and answers its claims.
    pub async fn verify(&self, token: &str) -> Result<Verified, VerifyError> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|e| VerifyError::Invalid(format!("the access token is not a JWT: {e}")))?;
        if !matches!(header.alg, Algorithm::RS256 | Algorithm::ES256) {
            return Err(VerifyError::Invalid(format!(
                "the access token is signed with {:?}; RS256 or ES256 are accepted",
                header.alg
            )));
        }
        let kid = header.kid.as_deref();
        let jwk = match self.key(kid, header.alg) {
            Some(jwk) => jwk,
            None => {
                self.refetch().await?;
                self.key(kid, header.alg).ok_or_else(|| {
                    VerifyError::Invalid(
                        "the access token is signed with a key the issuer does not publish".into(),
                    )
                })?
            }
        };
        let key = DecodingKey::from_jwk(&jwk).map_err(|e| {
            VerifyError::Invalid(format!("the issuer's key cannot check the token: {e}"))
        })?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.settings.issuer]);
        validation.set_audience(&[&self.settings.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = self.settings.leeway_secs;
        validation.validate_nbf = true;
        let data = jsonwebtoken::decode::<Map<String, Value>>(token, &key, &validation)
            .map_err(|e| VerifyError::Invalid(explain(&e, &self.settings)))?;
        let claims = data.claims;
        let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
        let (Some(subject), Some(issuer)) = (text("sub"), text("iss")) else {
            return Err(VerifyError::Invalid(
                "the access token has no sub or iss".into(),
            ));
        };
        Ok(Verified {
            subject,
            issuer,
            claims,
        })
    }

    /// The published key `kid` names (without a `kid`: the only key for `alg`'s family).
    fn key(&self, kid: Option<&str>, alg: Algorithm) -> Option<Jwk> {
        let keys = self.keys.read().ok()?;
        let set = &keys.as_ref()?.set;
        match kid {
            Some(kid) => set.find(kid).cloned(),
            None => {
                let family = alg.family();
                let mut fitting = set.keys.iter().filter(|jwk| {
                    DecodingKey::from_jwk(jwk).is_ok_and(|key| key.family() == family)
                });
                match (fitting.next(), fitting.next()) {
                    (Some(only), None) => Some(only.clone()),
                    _ => None,
                }
            }
        }
    }

    /// Reads the issuer's keys again unless that was tried lately.
    async fn refetch(&self) -> Result<(), VerifyError> {
        let mut last_fetch = self.last_fetch.lock().await;
        let have_keys = self.keys.read().map(|k| k.is_some()).unwrap_or(false);
        if last_fetch.is_some_and(|at| at.elapsed() < self.min_refetch_interval) {
            return if have_keys {
                Ok(())
            } else {
                Err(unavailable())
            };
        }
        *last_fetch = Some(Instant::now());
        match self.fetch_keys().await {
            Ok(set) => {
                if let Ok(mut keys) = self.keys.write() {
                    *keys = Some(Keys { set });
                }
                Ok(())
            }
            Err(cause) => {
                tracing::warn!(issuer = %self.settings.issuer, "reading the OpenID provider's keys failed: {cause}");
                if have_keys {
                    Ok(())
                } else {
                    Err(unavailable())
                }
            }
        }
    }

    /// The issuer's discovery document (`{issuer}/.well-known/openid-configuration`), from
    /// memory while younger than [`DISCOVERY_TTL`]. When it cannot be read, the last one read
    /// is answered; without one, [`VerifyError::Unavailable`] (and the provider is asked
    /// again at most once per minimum refetch interval).
    pub async fn discovery(&self) -> Result<Arc<Value>, VerifyError> {
        let fresh = |discovery: &Discovery| discovery.read_at.elapsed() < DISCOVERY_TTL;
        if let Some(document) = self.cached_discovery(fresh) {
            return Ok(document);
        }
        let mut last_fetch = self.last_discovery_fetch.lock().await;
        // Another request may have read it while this one waited.
        if let Some(document) = self.cached_discovery(fresh) {
            return Ok(document);
        }
        let stale = self.cached_discovery(|_| true);
        if last_fetch.is_some_and(|at| at.elapsed() < self.min_refetch_interval) {
            return stale.ok_or_else(discovery_unavailable);
        }
        *last_fetch = Some(Instant::now());
        match self.fetch_discovery().await {
            Ok(document) => Ok(document),
            Err(cause) => {
                tracing::warn!(issuer = %self.settings.issuer, "reading the OpenID provider's discovery document failed: {cause}");
                stale.ok_or_else(discovery_unavailable)
            }
        }
    }

    fn cached_discovery(&self, usable: impl Fn(&Discovery) -> bool) -> Option<Arc<Value>> {
        let discovery = self.discovery.read().ok()?;
        discovery
            .as_ref()
            .filter(|d| usable(d))
            .map(|d| d.document.clone())
    }

    /// Reads the discovery document from the issuer, checks that it names the configured
    /// issuer, and keeps it.
    async fn fetch_discovery(&self) -> Result<Arc<Value>, String> {
        let discovery_url = format!(
            "{}/.well-known/openid-configuration",
            self.settings.issuer.trim_end_matches('/')
        );
        let discovery: Value = self.get_json(&discovery_url).await?;
        if discovery.get("issuer").and_then(Value::as_str) != Some(self.settings.issuer.as_str()) {
            return Err(format!(
                "the discovery document names issuer {:?}, not CCHC_OIDC_ISSUER",
                discovery.get("issuer")
            ));
        }
        let document = Arc::new(discovery);
        if let Ok(mut kept) = self.discovery.write() {
            *kept = Some(Discovery {
                document: document.clone(),
                read_at: Instant::now(),
            });
        }
        Ok(document)
    }

    async fn fetch_keys(&self) -> Result<JwkSet, String> {
        let discovery = self.fetch_discovery().await?;
        let jwks_uri = discovery
            .get("jwks_uri")
            .and_then(Value::as_str)
            .ok_or("the discovery document has no jwks_uri")?;
        self.get_json(jwks_uri).await
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, String> {
        let url = url::Url::parse(url).map_err(|e| format!("{url}: {e}"))?;
        let request = self
            .client
            .request(reqwest::Method::GET, url.clone())
            .header(reqwest::header::ACCEPT, "application/json");
        let response = self
            .client
            .send(request)
            .await
            .map_err(|e| format!("{url}: {e}"))?;
        if !response.status().is_success() {
            return Err(format!("{url}: answered {}", response.status()));
        }
        let body = response.bytes().await.map_err(|e| format!("{url}: {e}"))?;
        if body.len() > MAX_DOCUMENT_BYTES {
            return Err(format!("{url}: larger than {MAX_DOCUMENT_BYTES} bytes"));
        }
        serde_json::from_slice(&body).map_err(|e| format!("{url}: {e}"))
    }
}

fn unavailable() -> VerifyError {
    VerifyError::Unavailable(
        "the identity provider's keys could not be read, so access tokens cannot be checked now; try again shortly".into(),
    )
}

fn discovery_unavailable() -> VerifyError {
    VerifyError::Unavailable(
        "the identity provider's discovery document could not be read; try again shortly".into(),
    )
}

/// What a person's client is told about a token that did not pass.
fn explain(error: &jsonwebtoken::errors::Error, settings: &OidcSettings) -> String {
    use jsonwebtoken::errors::ErrorKind;
    match error.kind() {
        ErrorKind::ExpiredSignature => "the access token has expired".into(),
        ErrorKind::ImmatureSignature => "the access token is not valid yet (nbf)".into(),
        ErrorKind::InvalidAudience => format!(
            "the access token is not for this API: its aud does not contain {:?}",
            settings.audience
        ),
        ErrorKind::InvalidIssuer => {
            format!("the access token was not issued by {:?}", settings.issuer)
        }
        ErrorKind::InvalidSignature => "the access token's signature is not valid".into(),
        ErrorKind::MissingRequiredClaim(claim) => {
            format!("the access token has no {claim} claim")
        }
        other => format!("the access token is not valid: {other:?}"),
    }
}
