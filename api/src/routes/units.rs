use actix_web::{get, patch, post, web, HttpResponse};
use cchc_app::repo::units;
use cchc_domain::model::unit::{CreateUnit, Unit, UnitFilter, UnitPage, UpdateUnit};
use cchc_domain::model::PageParams;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::routes::created;
use crate::state::AppState;

/// List units
///
/// Units in code order, with their head and focal persons. Filter by parent, subtree, kind,
/// active flag or a search text.
#[utoipa::path(
    operation_id = "list_units",
    tag = "units", params(UnitFilter, PageParams), responses((status = 200, description = "A page of units", body = UnitPage)))]
#[get("/units")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    filter: Query<UnitFilter>,
    page: Query<PageParams>,
) -> Result<web::Json<UnitPage>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        units::list(&mut conn, &filter, *page, auth.principal()).await?,
    ))
}

/// Create a unit
#[utoipa::path(
    operation_id = "create_unit",
    tag = "units",
    request_body = CreateUnit,
    responses(
        (status = 201, description = "Created", body = Unit),
        (status = 409, description = "A unit with this code exists (`duplicate_code`), or another unit has this `qlvb_code` (`duplicate_qlvb_code`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/units")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<CreateUnit>,
) -> Result<HttpResponse, ApiError> {
    // The use case's first step, before the body's problems are told.
    units::authorize_change(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    let unit = units::create(
        &mut conn,
        &body,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(created(format!("/api/v1/units/{}", unit.id), &unit))
}

/// Get a unit
#[utoipa::path(
    operation_id = "get_unit",
    tag = "units", responses((status = 200, description = "The unit", body = Unit)))]
#[get("/units/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Unit>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        units::get(&mut conn, *id, auth.principal()).await?,
    ))
}

/// Change a unit
///
/// Absent fields stay; `parent_code: null` makes the unit a root; `focal_persons` replaces the
/// list. A unit cannot move under itself or one of its sub-units.
#[utoipa::path(
    operation_id = "update_unit",
    tag = "units",
    request_body = UpdateUnit,
    responses(
        (status = 200, description = "The changed unit", body = Unit),
        (status = 409, description = "Another unit has this `qlvb_code` (`duplicate_qlvb_code`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/units/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<UpdateUnit>,
) -> Result<web::Json<Unit>, ApiError> {
    // The use case's first step, before the body's problems are told.
    units::authorize_change(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    Ok(web::Json(
        units::update(
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
