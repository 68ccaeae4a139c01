//! PAR Index self-assessment rounds: parts given to units, scores with evidence, the Office's
//! judgement, the readiness board and the sending to the province.

use actix_web::{get, patch, post, put, web, HttpResponse};
use cchc_app::repo::assessments;
use cchc_domain::model::assessment::{
    Assessment, AssessmentPage, AssessmentResults, AssignItem, CreateAssessment, LostCriterionTask,
    ProposeScore, Readiness, RecordAppraisal, ReturnItem, SendAssessment,
};
use cchc_domain::model::task::TaskDetail;
use cchc_domain::model::PageParams;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::routes::created;
use crate::state::AppState;

/// List self-assessment rounds
#[utoipa::path(
    operation_id = "list_assessments",
    tag = "par-index",
    params(PageParams),
    responses((status = 200, description = "A page of rounds", body = AssessmentPage))
)]
#[get("/assessments")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    page: Query<PageParams>,
) -> Result<web::Json<AssessmentPage>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        assessments::list(&mut conn, *page, auth.principal()).await?,
    ))
}

/// Open a self-assessment round
///
/// Against a published criteria set: a pending part for each leaf criterion. A criterion a
/// unit scores (`entered`, `levels`) goes by default to the lead unit of its content area in
/// the year's issued plan; `indicator` criteria are computed, `survey` ones the Office's. The
/// Office only.
#[utoipa::path(
    operation_id = "create_assessment",
    tag = "par-index",
    request_body = CreateAssessment,
    responses(
        (status = 201, description = "Opened", body = Assessment, headers(("Location" = String, description = "The round"))),
        (status = 409, description = "The code is taken (`duplicate_code`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field, an unknown or unpublished set (`unknown_criteria_set`, `criteria_set_not_published`), or `send_due_at` before `units_due_at`", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/assessments")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<CreateAssessment>,
) -> Result<HttpResponse, ApiError> {
    assessments::authorize_office(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    let round = assessments::create(
        &mut conn,
        &state.boards,
        &body,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(created(format!("/api/v1/assessments/{}", round.id), &round))
}

/// Get a round with its parts
///
/// In the criteria set's order; a reporter sees the parts its unit is responsible for.
#[utoipa::path(
    operation_id = "get_assessment",
    tag = "par-index",
    responses(
        (status = 200, description = "The round", body = Assessment),
        (status = 404, description = "No such round", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/assessments/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Assessment>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        assessments::get(&mut conn, &state.boards, *id, auth.principal()).await?,
    ))
}

/// Give a criterion to a unit
#[utoipa::path(
    operation_id = "assign_assessment_item",
    tag = "par-index",
    request_body = AssignItem,
    params(("code" = String, Path, description = "The criterion's code, e.g. `1.1`")),
    responses(
        (status = 200, description = "The round", body = Assessment),
        (status = 404, description = "No such round or scored criterion", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The round was sent (`assessment_sent`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`unit_code` names no unit (`unknown_unit`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/assessments/{id}/items/{code}")]
pub async fn assign(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, String)>,
    body: Json<AssignItem>,
) -> Result<web::Json<Assessment>, ApiError> {
    assessments::authorize_office(auth.principal())?;
    let body = body.into_inner()?;
    let (id, code) = path.into_inner();
    let mut conn = state.conn().await?;
    Ok(web::Json(
        assessments::assign_item(
            &mut conn,
            &state.boards,
            assessments::ItemRef {
                assessment_id: id,
                code: &code,
            },
            &body,
            auth.principal(),
            &auth.actor(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// Propose a criterion's score
///
/// The responsible unit's reporter (or the Office): `points` for an `entered` criterion (the
/// Office's for `survey`), `level` for a `levels` one; the registry documents that show it,
/// each with section and page, or an `explanation` where evidence is missing. Replaces an
/// earlier proposal; an accepted part is returned first (`item_accepted`). A computed criterion
/// is not typed (`computed_criterion`).
#[utoipa::path(
    operation_id = "propose_assessment_score",
    tag = "par-index",
    request_body = ProposeScore,
    params(("code" = String, Path, description = "The criterion's code, e.g. `1.1`")),
    responses(
        (status = 200, description = "The round as the caller sees it", body = Assessment),
        (status = 403, description = "A survey criterion (the Office's) or a role that does not score", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such round or criterion (or not the reporter's unit's)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`assessment_sent`, `item_accepted`, `computed_criterion`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`points`, `level`, `evidence[i]`, `explanation`", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[put("/assessments/{id}/items/{code}/score")]
pub async fn propose(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, String)>,
    body: Json<ProposeScore>,
) -> Result<web::Json<Assessment>, ApiError> {
    let body = body.into_inner()?;
    let (id, code) = path.into_inner();
    let mut conn = state.conn().await?;
    Ok(web::Json(
        assessments::propose_score(
            &mut conn,
            &state.boards,
            assessments::ItemRef {
                assessment_id: id,
                code: &code,
            },
            &body,
            auth.principal(),
            &auth.actor(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// Accept a criterion's proposed score
#[utoipa::path(
    operation_id = "accept_assessment_item",
    tag = "par-index",
    params(("code" = String, Path, description = "The criterion's code")),
    responses(
        (status = 200, description = "The round", body = Assessment),
        (status = 409, description = "`assessment_sent`, or nothing proposed yet (`item_not_proposed`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/assessments/{id}/items/{code}/accept")]
pub async fn accept(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, String)>,
) -> Result<web::Json<Assessment>, ApiError> {
    let (id, code) = path.into_inner();
    let mut conn = state.conn().await?;
    Ok(web::Json(
        assessments::accept_item(
            &mut conn,
            &state.boards,
            assessments::ItemRef {
                assessment_id: id,
                code: &code,
            },
            auth.principal(),
            &auth.actor(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// Return a criterion's proposed score
#[utoipa::path(
    operation_id = "return_assessment_item",
    tag = "par-index",
    request_body = ReturnItem,
    params(("code" = String, Path, description = "The criterion's code")),
    responses(
        (status = 200, description = "The round", body = Assessment),
        (status = 409, description = "`assessment_sent`, or nothing proposed yet (`item_not_proposed`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`reason` is blank", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/assessments/{id}/items/{code}/return")]
pub async fn return_item(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, String)>,
    body: Json<ReturnItem>,
) -> Result<web::Json<Assessment>, ApiError> {
    assessments::authorize_office(auth.principal())?;
    let body = body.into_inner()?;
    let (id, code) = path.into_inner();
    let mut conn = state.conn().await?;
    Ok(web::Json(
        assessments::return_item(
            &mut conn,
            &state.boards,
            assessments::ItemRef {
                assessment_id: id,
                code: &code,
            },
            &body,
            auth.principal(),
            &auth.actor(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// The readiness board
///
/// Before sending: every criterion that is unresolved and why (`unassigned`, `not_scored`,
/// `no_evidence`, `evidence_unlocated`, `not_accepted`, `no_data`), and the points at risk —
/// proposed points no evidence backs — in total, per area and per unit. The Office and the
/// leadership.
#[utoipa::path(
    operation_id = "assessment_readiness",
    tag = "par-index",
    responses(
        (status = 200, description = "The board", body = Readiness),
        (status = 403, description = "A reporter (the board is for the Office and the leadership)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/assessments/{id}/readiness")]
pub async fn readiness(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Readiness>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        assessments::readiness(&mut conn, &state.boards, *id, auth.principal()).await?,
    ))
}

/// Send the self-assessment to the province
///
/// Refused while any criterion is unresolved (409 `assessment_not_ready`, each unresolved
/// criterion and problem in `errors`), unless `override_reason` says why it goes anyway
/// (recorded in the audit trail). Once sent, the round changes no more.
#[utoipa::path(
    operation_id = "send_assessment",
    tag = "par-index",
    request_body = SendAssessment,
    responses(
        (status = 200, description = "Sent", body = Assessment),
        (status = 409, description = "`assessment_not_ready` or `assessment_sent`", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/assessments/{id}/send")]
pub async fn send(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<SendAssessment>,
) -> Result<web::Json<Assessment>, ApiError> {
    assessments::authorize_office(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    Ok(web::Json(
        assessments::send(
            &mut conn,
            &state.boards,
            *id,
            &body,
            auth.principal(),
            &auth.actor(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// Record the province's appraisal
///
/// From the province's decision, after the round is sent: per criterion the appraisal
/// council's points and comment, and the points it gave back after the department's
/// explanation (giải trình); the rank among peers when published. Recording again replaces
/// the criteria named. Answers the results. The Office only.
#[utoipa::path(
    operation_id = "record_assessment_appraisal",
    tag = "par-index",
    request_body = RecordAppraisal,
    responses(
        (status = 200, description = "The results with the appraisal", body = AssessmentResults),
        (status = 409, description = "Not sent yet (`assessment_not_sent`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`items[i].code` (`unknown_criterion`, `duplicate`), points out of range, `rank_position`", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[put("/assessments/{id}/appraisal")]
pub async fn appraisal(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<RecordAppraisal>,
) -> Result<web::Json<AssessmentResults>, ApiError> {
    assessments::authorize_office(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    Ok(web::Json(
        assessments::record_appraisal(
            &mut conn,
            &state.boards,
            *id,
            &body,
            auth.principal(),
            &auth.actor(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// Where the points went
///
/// Every criterion of the set with its self-assessed, appraised, restored and final points and
/// the points lost; areas sum their criteria; the total, the ranking class by the set's
/// thresholds, the rank, and earlier years' appraised totals. The Office and the leadership.
#[utoipa::path(
    operation_id = "assessment_results",
    tag = "par-index",
    responses(
        (status = 200, description = "The results", body = AssessmentResults),
        (status = 403, description = "A reporter", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/assessments/{id}/results")]
pub async fn results(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<AssessmentResults>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        assessments::results(&mut conn, &state.boards, *id, auth.principal()).await?,
    ))
}

/// The self-assessment as the province's workbook
///
/// Sheet "Tự đánh giá": title ("BIỂU TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM
/// …"), then every criterion of the set with STT, the criterion, điểm tối đa, điểm tự đánh giá
/// (areas and criteria with sub-criteria carry their sums; computed criteria their
/// computation), tài liệu kiểm chứng (number, date, issuer, section, page) and giải trình; the
/// total; the head of agency's signature block. A4 landscape, Times New Roman, the header
/// repeated on every printed page. The Office and the leadership.
#[utoipa::path(
    operation_id = "get_self_assessment_workbook",
    tag = "par-index",
    responses(
        (status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = crate::routes::excel::XlsxWorkbook,
            headers(("Content-Disposition" = String, description = "`attachment` with an ASCII `filename` and a UTF-8 `filename*`"))),
        (status = 403, description = "A reporter", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/assessments/{id}/self-assessment.xlsx")]
pub async fn workbook(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.conn().await?;
    let (bytes, name) =
        assessments::workbook(&mut conn, &state.boards, *id, auth.principal()).await?;
    Ok(crate::routes::excel::attachment(
        bytes,
        cchc_excel::XLSX_MIME,
        &name,
        &name,
    ))
}

/// Turn a lost criterion into a task
///
/// After the appraisal, a criterion whose self-assessed points were not all kept becomes a task
/// in a plan (typically next year's): "Khắc phục tiêu chí …", led by the unit responsible for
/// it (or `lead_unit_code`), in the criterion's content area, due as given. The Office only.
#[utoipa::path(
    operation_id = "create_task_for_lost_criterion",
    tag = "par-index",
    request_body = LostCriterionTask,
    params(("code" = String, Path, description = "The criterion's code")),
    responses(
        (status = 201, description = "The task", body = TaskDetail, headers(("Location" = String, description = "The task"))),
        (status = 404, description = "No such round, criterion or plan", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing was lost on the criterion (`criterion_not_lost`), the plan is closed (`plan_closed`) or the task code is taken (`duplicate_code`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`lead_unit_code` (required when no unit is responsible, or unknown), `due`", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/assessments/{id}/items/{code}/task")]
pub async fn lost_criterion_task(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, String)>,
    body: Json<LostCriterionTask>,
) -> Result<HttpResponse, ApiError> {
    assessments::authorize_office(auth.principal())?;
    let body = body.into_inner()?;
    let (id, code) = path.into_inner();
    let mut conn = state.conn().await?;
    let task = assessments::task_for_lost_criterion(
        &mut conn,
        &state.boards,
        assessments::ItemRef {
            assessment_id: id,
            code: &code,
        },
        &body,
        &state.config.default_policy,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(created(format!("/api/v1/tasks/{}", task.task.id), &task))
}
