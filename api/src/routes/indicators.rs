use actix_web::{get, patch, post, web, HttpResponse};
use cchc_app::repo::indicators;
use cchc_domain::model::indicator::{
    CreateIndicator, Indicator, IndicatorFilter, IndicatorPage, IndicatorVersionPage,
    UpdateIndicator,
};
use cchc_domain::model::PageParams;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::routes::created;
use crate::state::AppState;

/// List indicators
///
/// In code order; filter by content area, kind, active flag or a search text.
#[utoipa::path(
    operation_id = "list_indicators",
    tag = "indicators", params(IndicatorFilter, PageParams), responses((status = 200, description = "A page of indicators", body = IndicatorPage)))]
#[get("/indicators")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    filter: Query<IndicatorFilter>,
    page: Query<PageParams>,
) -> Result<web::Json<IndicatorPage>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        indicators::list(&mut conn, &filter, *page, auth.principal()).await?,
    ))
}

/// Create an indicator
///
/// Without `aggregation` the indicator gets the default rule of its kind and unit of measure
/// (`pooled` for a ratio, `mean` for a decimal in percent, `none` for text, `sum` otherwise).
#[utoipa::path(
    operation_id = "create_indicator",
    tag = "indicators",
    request_body = CreateIndicator,
    responses(
        (status = 201, description = "Created (version 1)", body = Indicator),
        (status = 409, description = "An indicator with this code exists", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid definition; among the errors: `aggregation` `percentage_not_summable` (a decimal in percent summed) or `aggregation_not_allowed` (a rule the kind does not take); `aggregation_weight` `required`, `not_allowed`, `unknown_indicator`, `self_weight` or `weight_not_numeric`", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/indicators")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<CreateIndicator>,
) -> Result<HttpResponse, ApiError> {
    // The use case's first step, before the body's problems are told.
    indicators::authorize_change(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    let indicator = indicators::create(
        &mut conn,
        &body,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(created(
        format!("/api/v1/indicators/{}", indicator.id),
        &indicator,
    ))
}

/// Get an indicator
#[utoipa::path(
    operation_id = "get_indicator",
    tag = "indicators", responses((status = 200, description = "The indicator in its current version", body = Indicator)))]
#[get("/indicators/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Indicator>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        indicators::get(&mut conn, *id, auth.principal()).await?,
    ))
}

/// Change an indicator
///
/// A change to the definition adds a version. Draft periods follow it; open and closed
/// periods keep the version they opened with (and the aggregation rule it holds). Changing
/// only `active` adds no version.
#[utoipa::path(
    operation_id = "update_indicator",
    tag = "indicators", request_body = UpdateIndicator, responses(
        (status = 200, description = "The indicator in its new current version", body = Indicator),
        (status = 422, description = "Invalid definition: as on create, and `kind` `used_as_weight` when an indicator weighing others would stop being a count or a decimal", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
#[patch("/indicators/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<UpdateIndicator>,
) -> Result<web::Json<Indicator>, ApiError> {
    // The use case's first step, before the body's problems are told.
    indicators::authorize_change(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    Ok(web::Json(
        indicators::update(
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

/// List an indicator's versions
///
/// Newest first.
#[utoipa::path(
    operation_id = "list_indicator_versions",
    tag = "indicators", params(PageParams), responses((status = 200, description = "A page of versions", body = IndicatorVersionPage)))]
#[get("/indicators/{id}/versions")]
pub async fn versions(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    page: Query<PageParams>,
) -> Result<web::Json<IndicatorVersionPage>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        indicators::versions(&mut conn, *id, *page, auth.principal()).await?,
    ))
}
