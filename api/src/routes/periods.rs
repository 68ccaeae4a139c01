use actix_web::{delete, get, patch, post, web, HttpResponse};
use cchc_app::repo::periods;
use cchc_domain::model::period::{CreatePeriod, Period, PeriodFilter, PeriodPage, UpdatePeriod};
use cchc_domain::model::PageParams;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::routes::created;
use crate::state::AppState;

/// List periods
///
/// Latest deadline first; filter by status, frequency, report type, year or a search text.
#[utoipa::path(
    operation_id = "list_periods",
    tag = "periods", params(PeriodFilter, PageParams), responses((status = 200, description = "A page of periods", body = PeriodPage)))]
#[get("/periods")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    filter: Query<PeriodFilter>,
    page: Query<PageParams>,
) -> Result<web::Json<PeriodPage>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        periods::list(&mut conn, &filter, *page, auth.principal()).await?,
    ))
}

/// Create a period
///
/// Created as a draft. Without `data_from`/`data_to` the cut-off window is the Decree 09
/// default of the frequency. A deadline on a non-working day moves to the end of the next
/// working day (unless `shift_deadline_off_non_working_day` is false). A deadline that leaves
/// no working day after the cut-off is accepted with a warning in `warnings`
/// (`deadline_too_close_to_cutoff`), or rejected with 422 when `strict_deadline_check` is true.
#[utoipa::path(
    operation_id = "create_period",
    tag = "periods",
    request_body = CreatePeriod,
    responses(
        (status = 201, description = "Created as a draft", body = Period),
        (status = 409, description = "A period with this code exists", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/periods")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<CreatePeriod>,
) -> Result<HttpResponse, ApiError> {
    // The use case's first step, before the body's problems are told.
    periods::authorize_change(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    let period = periods::create(
        &mut conn,
        &body,
        &state.config.default_policy,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(created(format!("/api/v1/periods/{}", period.id), &period))
}

/// Get a period
///
/// With its legal basis, indicator set (in the versions the period uses), participating
/// units and reminder policy.
#[utoipa::path(
    operation_id = "get_period",
    tag = "periods", responses((status = 200, description = "The period", body = Period)))]
#[get("/periods/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Period>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        periods::get(&mut conn, *id, auth.principal()).await?,
    ))
}

/// Change a period
///
/// A draft takes any field; an open period only title, description, deadline and its options,
/// legal basis and policy (others: 409 `period_open`); a closed period nothing (409
/// `period_closed`).
#[utoipa::path(
    operation_id = "update_period",
    tag = "periods",
    request_body = UpdatePeriod,
    responses(
        (status = 200, description = "The changed period", body = Period),
        (status = 409, description = "The period's status does not allow this change", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/periods/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<UpdatePeriod>,
) -> Result<web::Json<Period>, ApiError> {
    // The use case's first step, before the body's problems are told.
    periods::authorize_change(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    Ok(web::Json(
        periods::update(
            &mut conn,
            *id,
            &body,
            auth.principal(),
            &auth.actor(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// Delete a draft period
#[utoipa::path(
    operation_id = "delete_period",
    tag = "periods",
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "Only drafts can be deleted", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/periods/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.conn().await?;
    periods::delete(
        &mut conn,
        *id,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Open a period (draft → open)
///
/// Needs at least one indicator and one unit (409 `period_incomplete` lists what is missing).
/// Pins the indicator versions and re-derives the deadline against the current calendar.
#[utoipa::path(
    operation_id = "open_period",
    tag = "periods",
    responses(
        (status = 200, description = "The open period", body = Period),
        (status = 409, description = "Not a draft (`invalid_transition`) or incomplete (`period_incomplete`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/periods/{id}/open")]
pub async fn open(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Period>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        periods::open(
            &mut conn,
            *id,
            auth.principal(),
            &auth.actor(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// Close a period (open → closed)
#[utoipa::path(
    operation_id = "close_period",
    tag = "periods",
    responses(
        (status = 200, description = "The closed period", body = Period),
        (status = 409, description = "Not open (`invalid_transition`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/periods/{id}/close")]
pub async fn close(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Period>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        periods::close(
            &mut conn,
            *id,
            auth.principal(),
            &auth.actor(),
            state.clock.now(),
        )
        .await?,
    ))
}
