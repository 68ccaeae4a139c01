use actix_web::{get, web, HttpResponse};
use cchc_db::{readiness, Readiness};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: String,
}

/// Liveness: the process is up.
#[utoipa::path(tag = "health", responses((status = 200, description = "The process is up", body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".into(),
    })
}

/// Readiness: the database answers and every migration is applied.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Ready to serve", body = Health),
        (status = 503, description = "Database unreachable or migrations pending", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let mut conn = state.conn().await?;
    match readiness(&mut conn)
        .await
        .map_err(|e| ApiError::DatabaseUnavailable(e.to_string()))?
    {
        Readiness::Ready => Ok(HttpResponse::Ok().json(Health {
            status: "ready".into(),
        })),
        Readiness::PendingMigrations(pending) => Err(ApiError::NotReady(format!(
            "pending migrations: {}; run `cchc-api migrate`",
            pending.join(", ")
        ))),
    }
}
