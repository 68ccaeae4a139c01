//! The bearer secret of a request, parsed one way for everyone who needs it: authentication,
//! the rate limiter (which keys on it) and the idempotency layer (which scopes keys by it).

use actix_web::http::header;
use actix_web::HttpRequest;

use crate::error::ApiError;

/// The bearer secret of a request: the `Authorization` header trimmed, its scheme `Bearer` in
/// any case, the secret after any spaces. The rate limiter keys on the same parse, so every
/// spelling that authenticates as one token also counts as one caller.
pub(crate) fn bearer_secret(req: &HttpRequest) -> Result<String, ApiError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| {
            ApiError::Unauthenticated("send an API token as Authorization: Bearer <token>".into())
        })?
        .to_str()
        .map_err(|_| {
            ApiError::Unauthenticated("the Authorization header is not valid text".into())
        })?;
    let (scheme, secret) = value.trim().split_once(' ').ok_or_else(|| {
        ApiError::Unauthenticated("the Authorization header must be Bearer <token>".into())
    })?;
    if !scheme.eq_ignore_ascii_case("bearer") || secret.trim().is_empty() {
        return Err(ApiError::Unauthenticated(
            "the Authorization header must be Bearer <token>".into(),
        ));
    }
    Ok(secret.trim().to_owned())
}
