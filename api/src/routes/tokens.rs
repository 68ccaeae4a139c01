use actix_web::{delete, get, post, web, HttpResponse};
use cchc_app::repo::tokens;
use cchc_domain::model::token::{CreateToken, CreatedToken, Token, TokenFilter, TokenPage};
use cchc_domain::model::PageParams;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::routes::created;
use crate::state::AppState;

/// List tokens
///
/// Newest first; revoked tokens only with `include_revoked=true`. Secrets are never shown.
#[utoipa::path(
    operation_id = "list_tokens",
    tag = "tokens", params(TokenFilter, PageParams), responses((status = 200, description = "A page of tokens", body = TokenPage)))]
#[get("/tokens")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    filter: Query<TokenFilter>,
    page: Query<PageParams>,
) -> Result<web::Json<TokenPage>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        tokens::list(
            &mut conn,
            &filter,
            *page,
            auth.principal(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// Create a token
///
/// The secret is in this answer only; it is stored hashed.
#[utoipa::path(
    operation_id = "create_token",
    tag = "tokens", request_body = CreateToken, responses((status = 201, description = "Created; keep the secret", body = CreatedToken)))]
#[post("/tokens")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<CreateToken>,
) -> Result<HttpResponse, ApiError> {
    // The use case's first step, before the body's problems are told.
    tokens::authorize_change(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    let token = tokens::create(
        &mut conn,
        &body,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(created(
        format!("/api/v1/tokens/{}", token.token.id),
        &token,
    ))
}

/// Get a token
#[utoipa::path(
    operation_id = "get_token",
    tag = "tokens", responses((status = 200, description = "The token", body = Token)))]
#[get("/tokens/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Token>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        tokens::get(&mut conn, *id, auth.principal(), state.clock.now()).await?,
    ))
}

/// Revoke a token
///
/// The token stops working at once. Revoking twice is harmless.
#[utoipa::path(
    operation_id = "revoke_token",
    tag = "tokens", responses((status = 200, description = "The revoked token", body = Token)))]
#[delete("/tokens/{id}")]
pub async fn revoke(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Token>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        tokens::revoke(
            &mut conn,
            &state.tokens,
            *id,
            auth.principal(),
            &auth.actor(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// Rotate an integration's signing secret
///
/// For `integration` tokens: a new HMAC signing secret replaces the old one at once (events
/// signed with the old one are refused from now on). The secret is in this answer only; the
/// audit trail records that it changed, never the secret.
#[utoipa::path(
    operation_id = "rotate_signing_secret",
    tag = "tokens",
    responses(
        (status = 200, description = "The new signing secret; keep it", body = cchc_domain::model::document::SigningSecret),
        (status = 409, description = "Not an integration token (`not_an_integration`) or revoked/expired (`token_inactive`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tokens/{id}/signing-secret")]
pub async fn rotate_signing_secret(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<cchc_domain::model::document::SigningSecret>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        tokens::rotate_signing_secret(
            &mut conn,
            *id,
            auth.principal(),
            &auth.actor(),
            state.clock.now(),
        )
        .await?,
    ))
}
