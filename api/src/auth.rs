//! Bearer-token authentication: who the caller is, never what it may do. Authorization (every
//! role and unit rule) is decided in `cchc_app::authz`, which each use case asks first; handlers
//! hand it the caller's principal.
//!
//! Two kinds of bearer: the service's own API tokens (`cchc_…`), and, when `CCHC_OIDC_ISSUER`
//! is set, a person's OpenID Connect access token (a JWT: three dot-separated parts), checked
//! by `cchc_app::oidc` and mapped to a role and unit on every request.

use std::net::IpAddr;

use actix_web::dev::Payload;
use actix_web::HttpMessage;
use actix_web::{web, FromRequest, HttpRequest};
use cchc_app::authz::Principal;
use cchc_app::oidc::{self, PersonRefused, VerifyError};
use cchc_app::repo::tokens::{self};
use cchc_domain::model::audit::{Actor, Person};
use futures_util::future::LocalBoxFuture;
use tracing_actix_web::RequestId;

use crate::bearer::bearer_secret;
use crate::error::ApiError;
use crate::limits::client_address;
use crate::state::AppState;

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Auth {
    caller: Caller,
    request_id: Option<String>,
}

/// Who a valid bearer names: an API token's principal, or a person's (then `person` is set
/// and `principal.token_id` is 0).
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub principal: Principal,
    pub person: Option<Person>,
}

impl Auth {
    pub fn principal(&self) -> &Principal {
        &self.caller.principal
    }

    /// The person behind an OpenID Connect access token; `None` for an API token.
    pub fn person(&self) -> Option<&Person> {
        self.caller.person.as_ref()
    }

    /// Who the audit trail names for changes made by this request.
    pub fn actor(&self) -> Actor {
        let principal = &self.caller.principal;
        Actor {
            name: principal.name.clone(),
            token_id: self.caller.person.is_none().then_some(principal.token_id),
            role: Some(principal.role),
            request_id: self.request_id.clone(),
            person: self.caller.person.clone(),
        }
    }
}

/// Left in a request's extensions by a layer whose lookup found no usable token, so that the
/// extractor answers 401 without looking (and counting the failure) again.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FailedAuthentication;

fn unknown_token() -> ApiError {
    ApiError::Unauthenticated("the token is unknown, revoked or expired".into())
}

/// Whether a bearer looks like a JWT (three non-empty dot-separated parts) rather than an API
/// token (`cchc_…`).
fn looks_like_jwt(secret: &str) -> bool {
    !secret.starts_with("cchc_")
        && secret.split('.').count() == 3
        && secret.split('.').all(|part| !part.is_empty())
}

/// Looks a bearer secret up: an API token in the process's cache of verified tokens, without
/// a connection, else in the database; a JWT, when OpenID Connect is configured, through its
/// issuer's keys and then the people mapping. One that names no usable token (unknown,
/// revoked, expired; a JWT that does not verify) spends the client address's
/// failed-authentication budget; one that does is let past that budget for a while (see
/// `crate::limits`). A JWT that does not verify answers 401 with the reason; a verified
/// person the service does not know, 403 `unknown_person`.
pub(crate) async fn authenticate(
    state: &AppState,
    address: IpAddr,
    secret: &str,
) -> Result<Option<Caller>, ApiError> {
    if let Some(verifier) = state.oidc.as_deref().filter(|_| looks_like_jwt(secret)) {
        let verified = match verifier.verify(secret).await {
            Ok(verified) => verified,
            Err(VerifyError::Invalid(reason)) => {
                state.rate_limiter.failed_authentication(address);
                return Err(ApiError::Unauthenticated(reason));
            }
            Err(VerifyError::Unavailable(reason)) => return Err(ApiError::NotReady(reason)),
        };
        let mut conn = state.conn().await?;
        return match oidc::identify(&mut conn, verifier.settings(), &verified).await? {
            Ok(identified) => {
                state.rate_limiter.authenticated(secret);
                Ok(Some(Caller {
                    principal: identified.principal,
                    person: Some(identified.person),
                }))
            }
            Err(PersonRefused::Unknown(detail)) => Err(ApiError::Refused {
                code: "unknown_person",
                detail,
            }),
            Err(PersonRefused::Ambiguous(detail)) => Err(ApiError::Refused {
                code: "ambiguous_person",
                detail,
            }),
        };
    }
    let now = state.clock.now();
    if let Some(principal) = state.tokens.get(secret, now) {
        state.rate_limiter.authenticated(secret);
        return Ok(Some(Caller {
            principal,
            person: None,
        }));
    }
    let mut conn = state.conn().await?;
    let principal = tokens::authenticate(&mut conn, &state.tokens, secret, now).await?;
    match &principal {
        Some(_) => state.rate_limiter.authenticated(secret),
        None => state.rate_limiter.failed_authentication(address),
    }
    Ok(principal.map(|principal| Caller {
        principal,
        person: None,
    }))
}

impl FromRequest for Auth {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request_id = req.extensions().get::<RequestId>().map(ToString::to_string);
        // Already authenticated by the idempotency layer (a POST with an Idempotency-Key).
        if let Some(caller) = req.extensions().get::<Caller>().cloned() {
            return Box::pin(async move { Ok(Auth { caller, request_id }) });
        }
        if req.extensions().get::<FailedAuthentication>().is_some() {
            return Box::pin(async { Err(unknown_token()) });
        }
        let secret = bearer_secret(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let address = client_address(req.peer_addr());
        Box::pin(async move {
            let secret = secret?;
            let state =
                state.ok_or_else(|| ApiError::NotReady("application state missing".into()))?;
            match authenticate(&state, address, &secret).await? {
                Some(caller) => Ok(Auth { caller, request_id }),
                None => Err(unknown_token()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::looks_like_jwt;

    #[test]
    fn only_three_part_bearers_that_are_not_api_tokens_are_jwts() {
        assert!(looks_like_jwt("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"));
        assert!(!looks_like_jwt("cchc_a.b.c"));
        assert!(!looks_like_jwt("cchc_Xb3k9Qabcdef"));
        assert!(!looks_like_jwt("a.b"));
        assert!(!looks_like_jwt("a..c"));
        assert!(!looks_like_jwt("a.b.c.d"));
    }
}
