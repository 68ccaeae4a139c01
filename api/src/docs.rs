//! The docs page's sign-in with the province's identity provider.
//!
//! The OpenAPI document declares people's tokens as an `openIdConnect` scheme whose
//! `openIdConnectUrl` is the relative `/.well-known/openid-configuration`: the committed
//! document cannot know a deployment's issuer, and a relative URL is resolved against the
//! document's own address (OpenAPI 3.1; Swagger UI fetches it from the page's origin, which
//! serves both). That path answers the configured provider's discovery document, as read
//! (and kept) by the token verifier through the guarded outbound client, or 404 when no
//! provider is configured.
//!
//! With `CCHC_OIDC_DOCS_CLIENT_ID`, Swagger UI at `/docs` signs a person in with that public
//! client by the authorization-code flow with PKCE (`initOAuth`), the provider redirecting
//! back to `/docs/oauth2-redirect.html` (Swagger UI's own page, served with the rest of it),
//! and then calls the API with the person's access token.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use cchc_app::oidc::{OidcSettings, VerifyError};
use cchc_domain::error::Error as CoreError;
use utoipa_swagger_ui::{oauth, SwaggerUi};

use crate::error::ApiError;
use crate::state::AppState;

/// Where the API serves the provider's discovery document; the `openIdConnectUrl`.
pub const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";

/// The Swagger UI at `/docs`, with the provider's sign-in when a docs client is configured.
pub fn swagger_ui(spec: utoipa::openapi::OpenApi, oidc: Option<&OidcSettings>) -> SwaggerUi {
    let ui = SwaggerUi::new("/docs/{_:.*}").url("/api-docs/openapi.json", spec);
    let Some((settings, client_id)) =
        oidc.and_then(|s| s.docs_client_id.as_deref().map(|id| (s, id)))
    else {
        return ui;
    };
    // The redirect URI is Swagger UI's default, `<the page's origin>/docs/oauth2-redirect.html`:
    // register `{CCHC_PUBLIC_BASE_URL}/docs/oauth2-redirect.html` at the provider.
    ui.oauth(
        oauth::Config::new()
            .client_id(client_id)
            .app_name("cchc")
            .scopes(settings.docs_scopes.clone())
            .use_pkce_with_authorization_code_grant(true),
    )
}

/// `GET /.well-known/openid-configuration`: the configured provider's discovery document.
pub async fn openid_configuration(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let Some(verifier) = state.oidc.as_deref() else {
        return Err(ApiError::Core(CoreError::not_found(
            "OpenID Connect configuration (CCHC_OIDC_ISSUER is not set: this service takes API tokens only)",
        )));
    };
    let document: Arc<serde_json::Value> = verifier.discovery().await.map_err(|e| match e {
        VerifyError::Unavailable(reason) | VerifyError::Invalid(reason) => {
            ApiError::NotReady(reason)
        }
    })?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .json(document.as_ref()))
}
