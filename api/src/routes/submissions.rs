use actix_web::http::{header, StatusCode};
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use cchc_app::repo::submissions;
use cchc_domain::model::submission::{
    ComplianceBoard, ComplianceQuery, Consolidation, ConsolidationDetail, ConsolidationQuery,
    CreateSubmission, Extension, ExtensionPage, GrantExtension, IfMatch, ReturnSubmission,
    Submission, SubmissionFilter, SubmissionPage, SubmissionVersionPage, UpdateSubmission,
};
use cchc_domain::model::PageParams;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::state::AppState;

/// What the request's `If-Match` header says (checked later, once access is known).
pub(crate) fn if_match(req: &HttpRequest) -> IfMatch {
    IfMatch::parse(
        req.headers()
            .get(header::IF_MATCH)
            .and_then(|v| v.to_str().ok()),
    )
}

/// Strong entity tag of a submission's current revision.
fn etag(submission: &Submission) -> String {
    format!("\"{}.{}\"", submission.id, submission.revision)
}

pub(crate) fn respond(status: StatusCode, submission: &Submission) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    response.insert_header((header::ETAG, etag(submission)));
    if status == StatusCode::CREATED {
        response.insert_header((
            header::LOCATION,
            format!("/api/v1/submissions/{}", submission.id),
        ));
    }
    // Sized for the report up front: growing a 16 KB body from serde_json's default 128 bytes
    // copied it seven times.
    let mut body = Vec::with_capacity(1024 + 512 * submission.values.len());
    match serde_json::to_writer(&mut body, submission) {
        Ok(()) => response
            .content_type(actix_web::http::header::ContentType::json())
            .body(body),
        // Cannot happen for this type; actix answers as for any serialization error.
        Err(_) => response.json(submission),
    }
}

/// Start a unit's report
///
/// Creates the unit's draft for an open period (or a closed one, with an extension). A
/// reporter files for its own unit; an admin names `unit_code`.
#[utoipa::path(
    operation_id = "create_submission",
    tag = "submissions",
    request_body = CreateSubmission,
    responses(
        (status = 201, description = "The new draft", body = Submission, headers(("ETag" = String, description = "Entity tag for If-Match"))),
        (status = 409, description = "The unit already has one (`submission_exists`) or the period is not open (`period_not_open`, `period_closed`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/periods/{id}/submissions")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<CreateSubmission>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    let submission = submissions::create(
        &mut conn,
        &state.versions,
        *id,
        &body,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(respond(StatusCode::CREATED, &submission))
}

/// List a period's submissions
///
/// In unit-code order. Reporters see only their own unit's.
#[utoipa::path(
    operation_id = "list_submissions",
    tag = "submissions",
    params(SubmissionFilter, PageParams),
    responses((status = 200, description = "A page of submissions", body = SubmissionPage))
)]
#[get("/periods/{id}/submissions")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    filter: Query<SubmissionFilter>,
    page: Query<PageParams>,
) -> Result<web::Json<SubmissionPage>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        submissions::list(&mut conn, *id, &filter, *page, auth.principal()).await?,
    ))
}

/// Get a submission
///
/// Every indicator of the period with its value, derived percentage, discrepancy from the
/// system-of-record figure and whether an explanation is needed. Another unit's submission
/// is 404 to a reporter.
#[utoipa::path(
    operation_id = "get_submission",
    tag = "submissions",
    responses((status = 200, description = "The submission", body = Submission, headers(("ETag" = String, description = "Send as If-Match when changing it"))))
)]
#[get("/submissions/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.conn().await?;
    let submission = submissions::get(&mut conn, &state.versions, *id, auth.principal()).await?;
    Ok(respond(StatusCode::OK, &submission))
}

/// Change a submission
///
/// Drafts and returned reports only. Requires `If-Match` with the ETag of the last read:
/// 428 without it, 412 when someone changed the report since.
#[utoipa::path(
    operation_id = "update_submission",
    tag = "submissions",
    params(("If-Match" = String, Header, description = "The ETag from your last read, or `*`")),
    request_body = UpdateSubmission,
    responses(
        (status = 200, description = "The changed submission", body = Submission, headers(("ETag" = String, description = "The new entity tag"))),
        (status = 409, description = "Not a draft or returned report (`submission_not_editable`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since you read it (`precondition_failed`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` missing (`precondition_required`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/submissions/{id}")]
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<UpdateSubmission>,
) -> Result<HttpResponse, ApiError> {
    let if_match = if_match(&req);
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    let submission = submissions::update(
        &mut conn,
        &state.versions,
        *id,
        &body,
        &if_match,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(respond(StatusCode::OK, &submission))
}

/// Submit a report
///
/// Checks completeness and answers 422 listing every problem at once: unanswered indicators,
/// numerator above denominator, zero denominators not marked not applicable, missing
/// explanations of discrepancies, missing evidence. Judges timeliness against the unit's
/// deadline (`early`, `on_time`, `late` with minutes) and records a version.
#[utoipa::path(
    operation_id = "submit_submission",
    tag = "submissions",
    responses(
        (status = 200, description = "Submitted", body = Submission, headers(("ETag" = String, description = "The new entity tag"))),
        (status = 409, description = "Already submitted or accepted (`invalid_transition`), or the period no longer takes reports (`period_closed`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Incomplete; `errors` lists every problem", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/submissions/{id}/submit")]
pub async fn submit(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.conn().await?;
    let submission = submissions::submit(
        &mut conn,
        &state.versions,
        *id,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(respond(StatusCode::OK, &submission))
}

/// Return a report to its unit (admin)
#[utoipa::path(
    operation_id = "return_submission",
    tag = "submissions",
    request_body = ReturnSubmission,
    responses(
        (status = 200, description = "Returned", body = Submission, headers(("ETag" = String, description = "The new entity tag"))),
        (status = 409, description = "Not submitted (`invalid_transition`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/submissions/{id}/return")]
pub async fn return_for_changes(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<ReturnSubmission>,
) -> Result<HttpResponse, ApiError> {
    // The use case's first step, before the body's problems are told.
    submissions::authorize_return(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    let submission = submissions::return_for_changes(
        &mut conn,
        &state.versions,
        *id,
        &body.reason,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(respond(StatusCode::OK, &submission))
}

/// Accept a report (admin)
#[utoipa::path(
    operation_id = "accept_submission",
    tag = "submissions",
    responses(
        (status = 200, description = "Accepted", body = Submission, headers(("ETag" = String, description = "The new entity tag"))),
        (status = 409, description = "Not submitted (`invalid_transition`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/submissions/{id}/accept")]
pub async fn accept(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.conn().await?;
    let submission = submissions::accept(
        &mut conn,
        &state.versions,
        *id,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(respond(StatusCode::OK, &submission))
}

/// List a submission's versions
///
/// One per submit, newest first: who, when, timeliness, the content and what changed.
#[utoipa::path(
    operation_id = "list_submission_versions",
    tag = "submissions",
    params(PageParams),
    responses((status = 200, description = "A page of versions", body = SubmissionVersionPage))
)]
#[get("/submissions/{id}/versions")]
pub async fn versions(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    page: Query<PageParams>,
) -> Result<web::Json<SubmissionVersionPage>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        submissions::versions(&mut conn, *id, *page, auth.principal()).await?,
    ))
}

/// Grant a unit an extension (admin)
///
/// The unit's own, later deadline; it also lets the unit file after the period closed.
/// Granting again replaces the extension.
#[utoipa::path(
    operation_id = "grant_extension",
    tag = "submissions",
    request_body = GrantExtension,
    responses(
        (status = 200, description = "The extension", body = Extension),
        (status = 409, description = "The period is still a draft (`period_not_open`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/periods/{id}/extensions")]
pub async fn grant_extension(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<GrantExtension>,
) -> Result<web::Json<Extension>, ApiError> {
    // The use case's first step, before the body's problems are told.
    submissions::authorize_grant_extension(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    Ok(web::Json(
        submissions::grant_extension(
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

/// List a period's extensions
#[utoipa::path(
    operation_id = "list_extensions",
    tag = "submissions",
    params(PageParams),
    responses((status = 200, description = "A page of extensions", body = ExtensionPage))
)]
#[get("/periods/{id}/extensions")]
pub async fn extensions(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    page: Query<PageParams>,
) -> Result<web::Json<ExtensionPage>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        submissions::extensions(&mut conn, *id, *page, auth.principal()).await?,
    ))
}

/// The compliance board
///
/// The period at an instant (`at`, default now): totals over every participating unit (the
/// reporting rate and the on-time rate), and a page of the units in unit-code order, each
/// reported early, on time or late, pending, or missing with minutes overdue, with its
/// versions and escalation level; `standing=missing` lists only the units to chase. A
/// submission made after `at` does not count yet. For the Office, the leadership and
/// integrations; reporters get 403.
#[utoipa::path(
    operation_id = "get_compliance",
    tag = "submissions",
    params(ComplianceQuery, PageParams),
    responses((status = 200, description = "The board", body = ComplianceBoard))
)]
#[get("/periods/{id}/compliance")]
pub async fn compliance(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    query: Query<ComplianceQuery>,
    page: Query<PageParams>,
) -> Result<web::Json<ComplianceBoard>, ApiError> {
    let as_of = query
        .at
        .map(|at| at.with_timezone(&chrono::Utc))
        .unwrap_or_else(|| state.clock.now());
    let mut conn = state.conn().await?;
    Ok(web::Json(
        submissions::compliance_cached(
            &mut conn,
            &state.boards,
            *id,
            as_of,
            &query,
            *page,
            auth.principal(),
        )
        .await?,
    ))
}

/// The consolidated report
///
/// Every indicator of the period rolled up over the units' reports (accepted ones, or with
/// `include=submitted` every submitted one; `under=CODE` for a subtree of units): ratios as
/// Σnumerator / Σdenominator (never an average of percentages), counts and decimals summed,
/// yes/no as the number of units answering yes; units reporting, lowest and highest unit,
/// target met and the discrepancies with their explanations; with `breakdown=true` also every
/// unit's contribution to every indicator.
#[utoipa::path(
    operation_id = "get_consolidation",
    tag = "submissions",
    params(ConsolidationQuery, ConsolidationDetail),
    responses((status = 200, description = "The consolidated report", body = Consolidation))
)]
#[get("/periods/{id}/consolidation")]
pub async fn consolidation(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    query: Query<ConsolidationQuery>,
    detail: Query<ConsolidationDetail>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.conn().await?;
    if detail.breakdown.unwrap_or(false) {
        let report =
            submissions::consolidation(&mut conn, *id, &query, true, auth.principal()).await?;
        return Ok(HttpResponse::Ok().json(report));
    }
    let report =
        submissions::consolidation_cached(&mut conn, &state.boards, *id, &query, auth.principal())
            .await?;
    Ok(HttpResponse::Ok().json(&*report))
}
