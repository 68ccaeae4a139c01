//! Bearer-token authentication: who the caller is, never what it may do. Authorization (every
//! role and unit rule) is decided in `cchc_app::authz`, which each use case asks first; handlers
//! hand it the caller's principal.

use std::net::IpAddr;

use actix_web::dev::Payload;
use actix_web::HttpMessage;
use actix_web::{web, FromRequest, HttpRequest};
use cchc_app::authz::Principal;
use cchc_app::repo::tokens::{self};
use cchc_domain::model::audit::Actor;
use futures_util::future::LocalBoxFuture;
use tracing_actix_web::RequestId;

use crate::bearer::bearer_secret;
use crate::error::ApiError;
use crate::limits::client_address;
use crate::state::AppState;

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Auth {
    principal: Principal,
    request_id: Option<String>,
}

impl Auth {
    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    /// Who the audit trail names for changes made by this request.
    pub fn actor(&self) -> Actor {
        Actor {
            name: self.principal.name.clone(),
            token_id: Some(self.principal.token_id),
            role: Some(self.principal.role),
            request_id: self.request_id.clone(),
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

/// Looks a bearer secret up: in the process's cache of verified tokens, without a connection,
/// else in the database. One that names no usable token (unknown, revoked, expired) spends
/// the client address's failed-authentication budget; one that does is let past that budget
/// for a while (see `crate::limits`).
pub(crate) async fn authenticate(
    state: &AppState,
    address: IpAddr,
    secret: &str,
) -> Result<Option<Principal>, ApiError> {
    let now = state.clock.now();
    if let Some(principal) = state.tokens.get(secret, now) {
        state.rate_limiter.authenticated(secret);
        return Ok(Some(principal));
    }
    let mut conn = state.conn().await?;
    let principal = tokens::authenticate(&mut conn, &state.tokens, secret, now).await?;
    match &principal {
        Some(_) => state.rate_limiter.authenticated(secret),
        None => state.rate_limiter.failed_authentication(address),
    }
    Ok(principal)
}

impl FromRequest for Auth {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request_id = req.extensions().get::<RequestId>().map(ToString::to_string);
        // Already authenticated by the idempotency layer (a POST with an Idempotency-Key).
        if let Some(principal) = req.extensions().get::<Principal>().cloned() {
            return Box::pin(async move {
                Ok(Auth {
                    principal,
                    request_id,
                })
            });
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
                Some(principal) => Ok(Auth {
                    principal,
                    request_id,
                }),
                None => Err(unknown_token()),
            }
        })
    }
}
