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
            filter.superseded,
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
/// its children's; each leaf says how it is scored: `entered` (points typed), `levels` (a
/// level chosen), computed through thresholds from the system's own data (`indicator`: an
/// indicator's consolidated value in a period; `plan_on_time`: the share of a plan's tasks done
/// on time; `report_timeliness`: the share of a year's reports submitted on time), or `survey`
/// (the Office enters the province's survey points). Every problem is answered at once, each naming its `criteria[i]` field. The
/// Office only.
#[utoipa::path(
    operation_id = "create_criteria_set",
    tag = "par-index",
    request_body = CreateCriteriaSet,
    responses(
        (status = 201, description = "Created", body = CriteriaSet, headers(("Location" = String, description = "The set"))),
        (status = 409, description = "The code is taken (`duplicate_code`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field, the tree (`sum_mismatch`, `unknown_parent`, `not_a_leaf`, `duplicate`, `above_max`, `not_ascending`) or what it names (`unknown_document`, `unknown_indicator`, `unknown_period`, `unknown_plan`)", body = crate::error::Problem, content_type = "application/problem+json"),
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

/// Replace a criteria set
///
/// The whole set as for creating it. A draft is rewritten. A published set is rewritten too
/// while no round was sent against it; once one was, the sent round keeps the set it was scored
/// against and the edit becomes the set's **next version**: a new set (`201`, `Location`) with
/// the same code, `version` one higher and `previous_version_id`, and this one is marked
/// superseded. Either way the open rounds follow the edit by criterion code: a part whose
/// criterion is still a leaf keeps its unit, score and evidence (its score is cleared when the
/// criterion's points or scoring changed), a part whose criterion left is removed, and a new
/// leaf gets a pending part; each such round records `criteria_changed` in the audit trail. A
/// published set keeps its code (`code_fixed`); a superseded version is not edited
/// (`criteria_set_superseded`: edit the newer one).
#[utoipa::path(
    operation_id = "replace_criteria_set",
    tag = "par-index",
    request_body = CreateCriteriaSet,
    responses(
        (status = 200, description = "The set as rewritten", body = CriteriaSet),
        (status = 201, description = "The set's next version", body = CriteriaSet, headers(("Location" = String, description = "The new version"))),
        (status = 409, description = "A newer version replaced the set (`criteria_set_superseded`) or the code is taken (`duplicate_code`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "As for creating; a published set's code changed (`code_fixed`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[put("/criteria-sets/{id}")]
pub async fn replace(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<CreateCriteriaSet>,
) -> Result<HttpResponse, ApiError> {
    criteria::authorize_change(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    let replaced = criteria::replace(
        &mut conn,
        *id,
        &body,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(match replaced {
        criteria::Replaced::Rewritten(set) => HttpResponse::Ok().json(set),
        criteria::Replaced::NewVersion(set) => {
            created(format!("/api/v1/criteria-sets/{}", set.id), &set)
        }
    })
}

/// Publish a criteria set
///
/// From now on assessments score against it; editing it afterwards follows the rules of
/// `replace_criteria_set`.
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
///
/// A published set stays (`criteria_set_published`): rounds score against it.
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
