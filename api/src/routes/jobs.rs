use actix_web::{get, post, web};
use cchc_app::repo::{jobs, schedule};
use cchc_domain::model::job::{EscalationPage, Job, JobFilter, JobPage, JobStats};
use cchc_domain::model::PageParams;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::extract::Query;
use crate::state::AppState;

/// List the worker's jobs (admin)
///
/// Newest first. `status=failed` shows what the worker gave up on, with the last error.
#[utoipa::path(
    operation_id = "list_jobs",
    tag = "jobs",
    params(JobFilter, PageParams),
    responses((status = 200, description = "A page of jobs", body = JobPage))
)]
#[get("/jobs")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    filter: Query<JobFilter>,
    page: Query<PageParams>,
) -> Result<web::Json<JobPage>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        jobs::list(&mut conn, &filter, *page, auth.principal()).await?,
    ))
}

/// Queue counts (admin)
///
/// Queued, done (sent), failed and retried jobs, in all and by kind, and the backlog of jobs
/// already due.
#[utoipa::path(
    operation_id = "job_stats",
    tag = "jobs",
    responses((status = 200, description = "The counts", body = JobStats))
)]
#[get("/jobs/stats")]
pub async fn stats(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<JobStats>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        jobs::stats(&mut conn, auth.principal(), state.clock.now()).await?,
    ))
}

/// Get a job (admin)
#[utoipa::path(
    operation_id = "get_job",
    tag = "jobs",
    responses((status = 200, description = "The job", body = Job))
)]
#[get("/jobs/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Job>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        jobs::get(&mut conn, *id, auth.principal()).await?,
    ))
}

/// Retry a failed job (admin)
///
/// Requeues it now with a fresh set of attempts. Only failed jobs can be retried.
#[utoipa::path(
    operation_id = "retry_job",
    tag = "jobs",
    responses(
        (status = 200, description = "The requeued job", body = Job),
        (status = 409, description = "The job has not failed (`job_not_failed`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/jobs/{id}/retry")]
pub async fn retry(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Job>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        jobs::retry(&mut conn, *id, auth.principal(), state.clock.now()).await?,
    ))
}

/// A period's escalations
///
/// Units still missing after the deadline, in the order the worker escalated them: to the unit
/// head an hour after (by default), to the leadership two working days after. For the Office
/// and the leadership; reporters are refused.
#[utoipa::path(
    operation_id = "list_escalations",
    tag = "periods",
    params(PageParams),
    responses((status = 200, description = "A page of escalations", body = EscalationPage))
)]
#[get("/periods/{id}/escalations")]
pub async fn escalations(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    page: Query<PageParams>,
) -> Result<web::Json<EscalationPage>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        schedule::escalations_of(&mut conn, *id, *page, auth.principal()).await?,
    ))
}
