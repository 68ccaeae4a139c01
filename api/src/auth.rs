//! Bearer-token authentication and role checks.

use std::net::IpAddr;

use actix_web::dev::Payload;
use actix_web::HttpMessage;
use actix_web::{web, FromRequest, HttpRequest};
use cchc_app::repo::tokens::{self, Principal};
use cchc_domain::model::audit::Actor;
use cchc_domain::model::token::Role;
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

    /// Reading shared reference data (units, indicators, periods, calendar): every role.
    pub fn require_reader(&self) -> Result<(), ApiError> {
        Ok(())
    }

    /// Units' reports, their files and the views across units (boards, consolidation,
    /// escalations, Excel forms and exports) are for people. An integration token sends QLVB
    /// events and reads only the reference data; a front end that fetches reports uses a
    /// viewer token (docs/integrations.md).
    pub fn refuse_integrations(&self) -> Result<(), ApiError> {
        if self.principal.role == Role::Integration {
            Err(ApiError::Forbidden(
                "integration tokens send events to /api/v1/integrations/qlvb/events; reports and their files are for people".into(),
            ))
        } else {
            Ok(())
        }
    }

    /// Changing anything in the reporting set-up: the Office coordinator only.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.principal.role == Role::Admin {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "this action needs the admin role; this token has the {} role",
                self.principal.role
            )))
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

/// Looks a bearer secret up. One that names no usable token (unknown, revoked, expired) spends
/// the client address's failed-authentication budget; one that does is let past that budget
/// for a while (see `crate::limits`).
pub(crate) async fn authenticate(
    state: &AppState,
    address: IpAddr,
    secret: &str,
) -> Result<Option<Principal>, ApiError> {
    let mut conn = state.conn().await?;
    let principal = tokens::authenticate(&mut conn, secret, state.clock.now()).await?;
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
