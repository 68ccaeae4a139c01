use actix_web::{delete, get, patch, post, web, HttpResponse};
use cchc_app::repo::holidays;
use cchc_domain::model::holiday::{
    CreateHoliday, Holiday, HolidayFilter, HolidayPage, UpdateHoliday,
};
use cchc_domain::model::PageParams;
use chrono::NaiveDate;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::routes::created;
use crate::state::AppState;

/// List calendar days
///
/// Holidays, days off and make-up working days, in date order. Pre-filled for 2025–2027 from
/// the Labour Code and the Government's published Tết and bridge-day decisions.
#[utoipa::path(
    operation_id = "list_holidays",
    tag = "holidays", params(HolidayFilter, PageParams), responses((status = 200, description = "A page of calendar days", body = HolidayPage)))]
#[get("/holidays")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    filter: Query<HolidayFilter>,
    page: Query<PageParams>,
) -> Result<web::Json<HolidayPage>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        holidays::list(&mut conn, &filter, *page, auth.principal()).await?,
    ))
}

/// Add a calendar day
///
/// `working_day` is for a weekend day declared a working day; `day_off` for a weekday off.
/// Every change to the calendar re-derives the effective deadlines of periods not yet closed,
/// so a holiday announced late still moves a deadline that falls on it.
#[utoipa::path(
    operation_id = "create_holiday",
    tag = "holidays",
    request_body = CreateHoliday,
    responses(
        (status = 201, description = "Added", body = Holiday),
        (status = 409, description = "The date is already in the calendar", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/holidays")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<CreateHoliday>,
) -> Result<HttpResponse, ApiError> {
    // The use case's first step, before the body's problems are told.
    holidays::authorize_change(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    let holiday = holidays::create(
        &mut conn,
        &body,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(created(
        format!("/api/v1/holidays/{}", holiday.date),
        &holiday,
    ))
}

/// Get a calendar day
#[utoipa::path(
    operation_id = "get_holiday",
    tag = "holidays", params(("date" = NaiveDate, Path, description = "The day, YYYY-MM-DD")), responses((status = 200, description = "The day", body = Holiday)))]
#[get("/holidays/{date}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    date: web::Path<NaiveDate>,
) -> Result<web::Json<Holiday>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        holidays::get(&mut conn, *date, auth.principal()).await?,
    ))
}

/// Change a calendar day
#[utoipa::path(
    operation_id = "update_holiday",
    tag = "holidays", params(("date" = NaiveDate, Path, description = "The day, YYYY-MM-DD")), request_body = UpdateHoliday, responses((status = 200, description = "The changed day", body = Holiday)))]
#[patch("/holidays/{date}")]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    date: web::Path<NaiveDate>,
    body: Json<UpdateHoliday>,
) -> Result<web::Json<Holiday>, ApiError> {
    // The use case's first step, before the body's problems are told.
    holidays::authorize_change(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    Ok(web::Json(
        holidays::update(
            &mut conn,
            *date,
            &body,
            auth.principal(),
            &auth.actor(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// Remove a calendar day
///
/// The day goes back to the Monday–Friday rule; deadlines of periods not yet closed are
/// re-derived.
#[utoipa::path(
    operation_id = "delete_holiday",
    tag = "holidays", params(("date" = NaiveDate, Path, description = "The day, YYYY-MM-DD")), responses((status = 204, description = "Removed")))]
#[delete("/holidays/{date}")]
pub async fn delete(
    state: web::Data<AppState>,
    auth: Auth,
    date: web::Path<NaiveDate>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.conn().await?;
    holidays::delete(
        &mut conn,
        *date,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
