//! Tasks in reports: a unit's tasks at its period's cut-off, and task completion per unit.

use actix_web::{get, web};
use cchc_app::repo::tasks;
use cchc_domain::model::task_cutoff::{PeriodTaskCompletion, UnitTasks};

use crate::auth::Auth;
use crate::error::ApiError;
use crate::state::AppState;

/// The tasks of a report's unit at the cut-off
///
/// The tasks the report's unit leads or coordinates (from issued or closed plans and from
/// directive documents) as they stood at the end of the period's data window (or now, while
/// that is ahead): the deadline that applied then, the progress reported by then, and the
/// status derived at that instant. Whoever may read the report may read them.
#[utoipa::path(
    operation_id = "get_submission_tasks",
    tag = "tasks",
    responses((status = 200, description = "The unit's tasks at the cut-off", body = UnitTasks)))]
#[get("/submissions/{id}/tasks")]
pub async fn of_submission(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<UnitTasks>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        tasks::of_submission(
            &mut conn,
            *id,
            &state.config.default_policy,
            auth.principal(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// Task completion per unit of a period
///
/// For each unit taking part in the period: the tasks it leads by status at the cut-off (the
/// end of the data window, or now while that is ahead), with the on-time rate, and how many it
/// coordinates. The Office and the leadership read it, as they read the consolidation; the
/// consolidated workbook (`consolidation.xlsx`) has it as its sheet "Tiến độ nhiệm vụ".
#[utoipa::path(
    operation_id = "get_period_task_completion",
    tag = "tasks",
    responses((status = 200, description = "Task completion per unit", body = PeriodTaskCompletion)))]
#[get("/periods/{id}/tasks")]
pub async fn of_period(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<PeriodTaskCompletion>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        tasks::of_period(
            &mut conn,
            *id,
            &state.config.default_policy,
            auth.principal(),
            state.clock.now(),
        )
        .await?,
    ))
}
