use actix_web::{delete, get, patch, post, web, HttpResponse};
use cchc_app::repo::{plans, tasks};
use cchc_domain::model::task::{
    CreateTask, DeclareDone, GrantTaskExtension, ReportProgress, ReturnTask, TaskDetail,
    TaskFilter, TaskPage, UpdateTask,
};
use cchc_domain::model::PageParams;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::routes::created;
use crate::state::AppState;

/// List tasks
///
/// Tasks of every plan and directive, plan by plan in the order they were written, with
/// their derived status. A reporter's list holds the tasks its unit leads or coordinates.
#[utoipa::path(
    operation_id = "list_tasks",
    tag = "tasks", params(TaskFilter, PageParams), responses((status = 200, description = "A page of tasks", body = TaskPage)))]
#[get("/tasks")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    filter: Query<TaskFilter>,
    page: Query<PageParams>,
) -> Result<web::Json<TaskPage>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        tasks::list(
            &mut conn,
            &filter,
            *page,
            &state.config.default_policy,
            auth.principal(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// Create a task of a directive document
///
/// A task from a document of the registry that is not a plan, e.g. a meeting conclusion
/// (`source_document_id` required). A plan's task is added with
/// `POST /api/v1/plans/{id}/tasks`.
#[utoipa::path(
    operation_id = "create_task",
    tag = "tasks",
    request_body(
        content = CreateTask,
        description = "A task of a directive document of the registry (`source_document_id`)",
        example = json!({
            "code": "3",
            "title": "Rà soát, đơn giản hóa thủ tục hành chính lĩnh vực lưu thông hàng hóa",
            "source_document_id": 1,
            "content_area": "administrative_procedure_reform",
            "lead_unit_code": "QLTM",
            "coordinating_unit_codes": ["VP"],
            "expected_output": "Báo cáo kết quả rà soát",
            "due": {"kind": "quarter", "year": 2027, "quarter": 2}
        })
    ),
    responses(
        (status = 201, description = "Created", body = TaskDetail),
        (status = 409, description = "The code is taken in the document (`duplicate_code`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tasks")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<CreateTask>,
) -> Result<HttpResponse, ApiError> {
    plans::authorize_change(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    let task = tasks::create(
        &mut conn,
        &body,
        &state.config.default_policy,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(created(format!("/api/v1/tasks/{}", task.task.id), &task))
}

/// Get a task
///
/// With its extensions and history (progress, contributions, declaration, confirmation or
/// return). Another unit's task does not exist for a reporter (404).
#[utoipa::path(
    operation_id = "get_task",
    tag = "tasks", responses((status = 200, description = "The task", body = TaskDetail)))]
#[get("/tasks/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<TaskDetail>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        tasks::get(
            &mut conn,
            *id,
            &state.config.default_policy,
            auth.principal(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// Change a task
///
/// The Office corrects a task; the deadline is derived again from `due`. Extensions are
/// granted with `POST /api/v1/tasks/{id}/extensions`.
#[utoipa::path(
    operation_id = "update_task",
    tag = "tasks",
    request_body = UpdateTask,
    responses(
        (status = 200, description = "The changed task", body = TaskDetail),
        (status = 409, description = "The plan is closed (`plan_closed`) or the task confirmed done (`task_done`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/tasks/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<UpdateTask>,
) -> Result<web::Json<TaskDetail>, ApiError> {
    plans::authorize_change(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    Ok(web::Json(
        tasks::update(
            &mut conn,
            *id,
            &body,
            &state.config.default_policy,
            auth.principal(),
            &auth.actor(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// Remove a task
///
/// Only while nothing was reported on it and it was never extended (409 `task_has_history`).
#[utoipa::path(
    operation_id = "delete_task",
    tag = "tasks",
    responses(
        (status = 204, description = "Removed"),
        (status = 409, description = "The task has history (`task_has_history`) or its plan is closed (`plan_closed`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/tasks/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.conn().await?;
    tasks::delete(
        &mut conn,
        *id,
        &state.config.default_policy,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Report progress on a task
///
/// The lead unit reports how far the task is (`percent` 0–99) with a note and evidence; a
/// coordinating unit reports its contribution (no `percent`). A plan's task takes reports
/// once the plan is issued (409 `plan_not_issued`); a task declared done waits for the
/// Office (409 `awaiting_confirmation`).
#[utoipa::path(
    operation_id = "report_task_progress",
    tag = "tasks",
    request_body = ReportProgress,
    responses(
        (status = 200, description = "The task with the report in its history", body = TaskDetail),
        (status = 409, description = "The task does not take reports now", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tasks/{id}/progress")]
pub async fn report_progress(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<ReportProgress>,
) -> Result<web::Json<TaskDetail>, ApiError> {
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    Ok(web::Json(
        tasks::report_progress(
            &mut conn,
            *id,
            &body,
            &state.config.default_policy,
            auth.principal(),
            &auth.actor(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// Declare a task done
///
/// The lead unit (or the Office for it) declares the task done, citing its output document.
/// The task counts as done from this moment once the Office confirms it. Ongoing work is not
/// declared done (409 `ongoing_task`).
#[utoipa::path(
    operation_id = "declare_task_done",
    tag = "tasks",
    request_body = DeclareDone,
    responses(
        (status = 200, description = "The task, declared done", body = TaskDetail),
        (status = 409, description = "The task does not take a declaration now", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tasks/{id}/completion")]
pub async fn declare_done(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<DeclareDone>,
) -> Result<web::Json<TaskDetail>, ApiError> {
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    Ok(web::Json(
        tasks::declare_done(
            &mut conn,
            *id,
            &body,
            &state.config.default_policy,
            auth.principal(),
            &auth.actor(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// Confirm a task done (the Office)
#[utoipa::path(
    operation_id = "confirm_task",
    tag = "tasks",
    responses(
        (status = 200, description = "The task, confirmed done", body = TaskDetail),
        (status = 409, description = "Not declared done (`not_declared`) or already confirmed (`task_done`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tasks/{id}/confirm")]
pub async fn confirm(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<TaskDetail>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        tasks::confirm(
            &mut conn,
            *id,
            &state.config.default_policy,
            auth.principal(),
            &auth.actor(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// Return a declaration (the Office)
///
/// The task is open again, at the lead unit's last reported progress, with the reason.
#[utoipa::path(
    operation_id = "return_task",
    tag = "tasks",
    request_body = ReturnTask,
    responses(
        (status = 200, description = "The task, open again", body = TaskDetail),
        (status = 409, description = "Not declared done (`not_declared`) or already confirmed (`task_done`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tasks/{id}/return")]
pub async fn return_declaration(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<ReturnTask>,
) -> Result<web::Json<TaskDetail>, ApiError> {
    plans::authorize_change(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    Ok(web::Json(
        tasks::return_declaration(
            &mut conn,
            *id,
            &body,
            &state.config.default_policy,
            auth.principal(),
            &auth.actor(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// Extend a task's deadline (the Office)
///
/// The new due must mean a later deadline than the one that applies (422 `not_later`); both
/// are kept.
#[utoipa::path(
    operation_id = "extend_task",
    tag = "tasks",
    request_body = GrantTaskExtension,
    responses(
        (status = 200, description = "The task with its new deadline", body = TaskDetail),
        (status = 409, description = "Confirmed done (`task_done`), ongoing (`ongoing_task`) or in a closed plan (`plan_closed`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tasks/{id}/extensions")]
pub async fn extend(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<GrantTaskExtension>,
) -> Result<web::Json<TaskDetail>, ApiError> {
    plans::authorize_change(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    Ok(web::Json(
        tasks::grant_extension(
            &mut conn,
            *id,
            &body,
            &state.config.default_policy,
            auth.principal(),
            &auth.actor(),
            state.clock.now(),
        )
        .await?,
    ))
}
