use actix_web::{delete, get, patch, post, web, HttpResponse};
use cchc_app::repo::{plans, tasks};
use cchc_domain::model::plan::{CreatePlan, Plan, PlanFilter, PlanPage, UpdatePlan};
use cchc_domain::model::task::{CreateTask, PlanBoard, TaskDetail, TaskFilter, TaskPage};
use cchc_domain::model::PageParams;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::routes::created;
use crate::state::AppState;

/// List plans
///
/// The department's CCHC plans, newest year first. Every person's token reads them.
#[utoipa::path(
    operation_id = "list_plans",
    tag = "plans", params(PlanFilter, PageParams), responses((status = 200, description = "A page of plans", body = PlanPage)))]
#[get("/plans")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    filter: Query<PlanFilter>,
    page: Query<PageParams>,
) -> Result<web::Json<PlanPage>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        plans::list(&mut conn, &filter, *page, auth.principal()).await?,
    ))
}

/// Create a plan (a draft)
///
/// With its document (the plan as registered, e.g. `383/KH-SCT`), legal basis (e.g.
/// `4289/KH-UBND`), content areas with their lead and coordinating units, and targets measured
/// by indicators. Documents are the registry's (`POST /api/v1/documents`).
#[utoipa::path(
    operation_id = "create_plan",
    tag = "plans",
    request_body = CreatePlan,
    responses(
        (status = 201, description = "Created", body = Plan),
        (status = 409, description = "The code is taken (`duplicate_code`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/plans")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<CreatePlan>,
) -> Result<HttpResponse, ApiError> {
    plans::authorize_change(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    let plan = plans::create(
        &mut conn,
        &body,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(created(format!("/api/v1/plans/{}", plan.id), &plan))
}

/// Get a plan
#[utoipa::path(
    operation_id = "get_plan",
    tag = "plans", responses((status = 200, description = "The plan", body = Plan)))]
#[get("/plans/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Plan>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        plans::get(&mut conn, *id, auth.principal()).await?,
    ))
}

/// Change a plan
///
/// A draft takes every field; an issued plan all but `year` (422 `locked_when_issued`); a
/// closed plan nothing (409 `plan_closed`). A list given replaces the plan's list.
#[utoipa::path(
    operation_id = "update_plan",
    tag = "plans",
    request_body = UpdatePlan,
    responses(
        (status = 200, description = "The changed plan", body = Plan),
        (status = 409, description = "The plan is closed (`plan_closed`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/plans/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<UpdatePlan>,
) -> Result<web::Json<Plan>, ApiError> {
    plans::authorize_change(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    Ok(web::Json(
        plans::update(
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

/// Delete a draft plan
///
/// With its tasks; an issued or closed plan stays on record (409 `plan_not_draft`).
#[utoipa::path(
    operation_id = "delete_plan",
    tag = "plans",
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "Not a draft (`plan_not_draft`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/plans/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.conn().await?;
    plans::delete(
        &mut conn,
        *id,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Issue a plan (draft → issued)
///
/// The plan must name its document (422 `required` on `document_id`). Units then report
/// progress on its tasks.
#[utoipa::path(
    operation_id = "issue_plan",
    tag = "plans",
    responses(
        (status = 200, description = "The issued plan", body = Plan),
        (status = 409, description = "Not a draft (`invalid_transition`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/plans/{id}/issue")]
pub async fn issue(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Plan>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        plans::issue(
            &mut conn,
            *id,
            auth.principal(),
            &auth.actor(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// Close a plan (issued → closed)
///
/// Its tasks take no more reports or changes.
#[utoipa::path(
    operation_id = "close_plan",
    tag = "plans",
    responses(
        (status = 200, description = "The closed plan", body = Plan),
        (status = 409, description = "Not issued (`invalid_transition`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/plans/{id}/close")]
pub async fn close(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Plan>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        plans::close(
            &mut conn,
            *id,
            auth.principal(),
            &auth.actor(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// The plan's board
///
/// Its tasks by derived status, per lead unit and per content area, with the on-time rate
/// (done on time among tasks done or overdue). For the Office and the leadership.
#[utoipa::path(
    operation_id = "plan_board",
    tag = "plans", responses((status = 200, description = "The board", body = PlanBoard)))]
#[get("/plans/{id}/board")]
pub async fn board(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<PlanBoard>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        tasks::board(
            &mut conn,
            &state.boards,
            *id,
            &state.config.default_policy,
            auth.principal(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// List a plan's tasks
///
/// In the plan's order. A reporter's list holds the tasks its unit leads or coordinates.
/// `plan_id` in the query is ignored here.
#[utoipa::path(
    operation_id = "list_plan_tasks",
    tag = "tasks", params(TaskFilter, PageParams), responses((status = 200, description = "A page of tasks", body = TaskPage)))]
#[get("/plans/{id}/tasks")]
pub async fn tasks_of(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    filter: Query<TaskFilter>,
    page: Query<PageParams>,
) -> Result<web::Json<TaskPage>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        tasks::list_of_plan(
            &mut conn,
            *id,
            &filter,
            *page,
            &state.config.default_policy,
            auth.principal(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// Add a task to a plan
///
/// A draft or an issued plan (a closed one: 409 `plan_closed`). The deadline follows from
/// `due` and the working-day calendar.
#[utoipa::path(
    operation_id = "create_plan_task",
    tag = "tasks",
    request_body = CreateTask,
    responses(
        (status = 201, description = "Created", body = TaskDetail),
        (status = 409, description = "The code is taken in the plan (`duplicate_code`) or the plan is closed (`plan_closed`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/plans/{id}/tasks")]
pub async fn add_task(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<CreateTask>,
) -> Result<HttpResponse, ApiError> {
    plans::authorize_change(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    let task = tasks::create_in_plan(
        &mut conn,
        *id,
        &body,
        &state.config.default_policy,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(created(format!("/api/v1/tasks/{}", task.task.id), &task))
}
