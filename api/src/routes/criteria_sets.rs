//! PAR Index criteria sets: the province's tree of areas, criteria and sub-criteria for a year.

use actix_web::{delete, get, post, put, web, HttpResponse};
use cchc_app::repo::criteria;
use cchc_domain::model::criteria::{
    CreateCriteriaSet, CriteriaSet, CriteriaSetFilter, CriteriaSetPage,
};
use cchc_domain::model::PageParams;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::routes::created;
use crate::state::AppState;

/// List criteria sets
///
/// Newest year first, without their criteria. Every person's token reads them.
#[utoipa::path(
    operation_id = "list_criteria_sets",
    tag = "par-index",
    params(CriteriaSetFilter, PageParams),
    responses((status = 200, description = "A page of criteria sets", body = CriteriaSetPage))
)]
#[get("/criteria-sets")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    filter: Query<CriteriaSetFilter>,
    page: Query<PageParams>,
) -> Result<web::Json<CriteriaSetPage>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        criteria::list(
            &mut conn,
            filter.year,
            filter.status,
            *page,
            auth.principal(),
        )
        .await?,
    ))
}

/// Create a criteria set (a draft)
///
/// The whole tree at once: areas (criteria without `parent_code`), their criteria and
/// sub-criteria, parents written before their children; a parent's `max_points` is the sum of
/// its children's; each leaf says how it is scored (`entered`, `levels`, `indicator`,
/// `survey`). Every problem is answered at once, each naming its `criteria[i]` field. The
/// Office only.
#[utoipa::path(
    operation_id = "create_criteria_set",
    tag = "par-index",
    request_body = CreateCriteriaSet,
    responses(
        (status = 201, description = "Created", body = CriteriaSet, headers(("Location" = String, description = "The set"))),
        (status = 409, description = "The code is taken (`duplicate_code`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field, the tree (`sum_mismatch`, `unknown_parent`, `not_a_leaf`, `duplicate`, `above_max`, `not_ascending`) or what it names (`unknown_document`, `unknown_indicator`, `unknown_period`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/criteria-sets")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<CreateCriteriaSet>,
) -> Result<HttpResponse, ApiError> {
    criteria::authorize_change(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    let set = criteria::create(
        &mut conn,
        &body,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(created(format!("/api/v1/criteria-sets/{}", set.id), &set))
}

/// Get a criteria set with its criteria
#[utoipa::path(
    operation_id = "get_criteria_set",
    tag = "par-index",
    responses(
        (status = 200, description = "The set", body = CriteriaSet),
        (status = 404, description = "No such set", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/criteria-sets/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<CriteriaSet>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        criteria::get(&mut conn, *id, auth.principal()).await?,
    ))
}

/// Replace a draft criteria set
///
/// The whole set as for creating it; a published set is refused (`criteria_set_published`).
#[utoipa::path(
    operation_id = "replace_criteria_set",
    tag = "par-index",
    request_body = CreateCriteriaSet,
    responses(
        (status = 200, description = "The set as replaced", body = CriteriaSet),
        (status = 409, description = "The set is published (`criteria_set_published`) or the code is taken (`duplicate_code`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "As for creating", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[put("/criteria-sets/{id}")]
pub async fn replace(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<CreateCriteriaSet>,
) -> Result<web::Json<CriteriaSet>, ApiError> {
    criteria::authorize_change(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    Ok(web::Json(
        criteria::replace(
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

/// Publish a criteria set
///
/// From now on it changes no more and assessments score against it.
#[utoipa::path(
    operation_id = "publish_criteria_set",
    tag = "par-index",
    responses(
        (status = 200, description = "The set, published", body = CriteriaSet),
        (status = 409, description = "Already published (`criteria_set_published`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/criteria-sets/{id}/publish")]
pub async fn publish(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<CriteriaSet>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        criteria::publish(
            &mut conn,
            *id,
            auth.principal(),
            &auth.actor(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// Remove a draft criteria set
#[utoipa::path(
    operation_id = "delete_criteria_set",
    tag = "par-index",
    responses(
        (status = 204, description = "Removed"),
        (status = 409, description = "The set is published (`criteria_set_published`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/criteria-sets/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.conn().await?;
    criteria::delete(
        &mut conn,
        *id,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
