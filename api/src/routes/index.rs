//! What answers at `/` and `/api/v1`: a small index for whoever opens the printed address first
//! (a person in a browser, `curl`): the service, its version and where to go next. No token.

use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;

/// The service and where to start.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceIndex {
    #[schema(example = "cchc")]
    pub service: &'static str,
    #[schema(
        example = "Hệ thống báo cáo cải cách hành chính (CCHC) – administrative-reform reporting"
    )]
    pub title: &'static str,
    #[schema(example = "0.1.0")]
    pub version: &'static str,
    pub links: IndexLinks,
    /// How the rest of the API is called.
    #[schema(
        example = "Every other endpoint under /api/v1 takes `Authorization: Bearer <token>`; create one with `cchc-api token create` (quickstart prints one)."
    )]
    pub authentication: &'static str,
}

/// Absolute links, from the public base URL (`CCHC_PUBLIC_BASE_URL`).
#[derive(Debug, Serialize, ToSchema)]
pub struct IndexLinks {
    /// The interactive API documentation (Swagger UI).
    #[schema(example = "http://127.0.0.1:8080/docs/")]
    pub docs: String,
    /// The OpenAPI 3.1 document.
    #[schema(example = "http://127.0.0.1:8080/api-docs/openapi.json")]
    pub openapi: String,
    /// Liveness.
    #[schema(example = "http://127.0.0.1:8080/healthz")]
    pub health: String,
    /// Readiness: the database answers and the migrations are applied.
    #[schema(example = "http://127.0.0.1:8080/readyz")]
    pub readiness: String,
    /// The API's base; its other endpoints need a token.
    #[schema(example = "http://127.0.0.1:8080/api/v1")]
    pub api: String,
}

fn index(state: &AppState) -> ServiceIndex {
    let base = state.config.public_base_url.trim_end_matches('/');
    ServiceIndex {
        service: "cchc",
        title: "Hệ thống báo cáo cải cách hành chính (CCHC) – administrative-reform reporting",
        version: env!("CARGO_PKG_VERSION"),
        links: IndexLinks {
            docs: format!("{base}/docs/"),
            openapi: format!("{base}/api-docs/openapi.json"),
            health: format!("{base}/healthz"),
            readiness: format!("{base}/readyz"),
            api: format!("{base}/api/v1"),
        },
        authentication:
            "Every other endpoint under /api/v1 takes `Authorization: Bearer <token>`; \
                         create one with `cchc-api token create` (quickstart prints one).",
    }
}

/// The index of the service: name, version, links to the docs, the OpenAPI document, health
/// and the API. No token needed.
#[utoipa::path(
    tag = "index",
    operation_id = "get_root",
    responses((status = 200, description = "The service and where to start", body = ServiceIndex))
)]
#[get("/")]
pub async fn root(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(index(&state))
}

/// The same index at the API's base (`/api/v1`, and `/api/v1/`). No token needed.
#[utoipa::path(
    tag = "index",
    operation_id = "get_api_index",
    responses((status = 200, description = "The service and where to start", body = ServiceIndex))
)]
#[get("")]
pub async fn api_index(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(index(&state))
}

/// `/api/v1/`: the same answer, outside the document (one path per operation there).
pub async fn api_index_slash(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(index(&state))
}
