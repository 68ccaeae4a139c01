//! A self-assessment round's files of evidence: upload, list, describe, download, remove.

use actix_multipart::Multipart;
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use cchc_app::repo::assessments::files;
use cchc_domain::model::assessment_file::{
    AssessmentFile, AssessmentFilePage, AssessmentFileUpload,
};
use cchc_domain::model::PageParams;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::extract::Query;
use crate::routes::attachments::{stored_file, unchanged, FileBytes};
use crate::routes::created;
use crate::state::AppState;
use crate::upload::read_upload_form;

/// Upload a file of evidence to a self-assessment round
///
/// `multipart/form-data` with `file` (a file part with its name: PDF, DOCX, XLSX, PNG or
/// JPEG, decided from the content, not the name or the declared Content-Type) and optionally
/// `unit_code`: a reporter uploads for its own unit, which must have parts in the round; the
/// Office names a unit with parts in the round, or none for its own file (for survey criteria,
/// say). While the round is open. Cite the file in a part's score with `evidence[].file_id`
/// (a part cites its own unit's files and the Office's). A round holds at most 500 files.
#[utoipa::path(
    operation_id = "upload_assessment_file",
    tag = "par-index",
    request_body(content = AssessmentFileUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "The file, recorded", body = AssessmentFile, headers(("Location" = String, description = "The file"))),
        (status = 403, description = "The role cannot add evidence (leadership, viewer)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such round (or the reporter's unit has no part in it)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The round was sent (`assessment_sent`), or it holds 500 files (`too_many_files`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is over `CCHC_MAX_UPLOAD_BYTES` (`payload_too_large`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "The content is not PDF, DOCX, XLSX, PNG or JPEG (`unsupported_file_type`, naming `file`), or the body is not multipart/form-data (`unsupported_media_type`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A missing, repeated or unknown field: `file` (missing, empty, sent without a file name), `unit_code` (`unknown_unit`, `not_your_unit`, `not_involved`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The file store or the database is unavailable (`storage_unavailable`, `database_unavailable`); nothing was recorded", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/assessments/{id}/files")]
pub async fn upload(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    multipart: Multipart,
) -> Result<HttpResponse, ApiError> {
    // Refuse a caller before it sends megabytes; the connection goes back to the pool while
    // the body arrives.
    {
        let mut conn = state.conn().await?;
        files::authorize_file_upload(&mut conn, *id, auth.principal()).await?;
    }
    let form = read_upload_form(
        &req,
        multipart,
        state.config.max_upload_bytes,
        files::FORM_FIELDS,
    )
    .await?;
    let mut conn = state.conn().await?;
    let file = files::upload_file(
        &mut conn,
        &state.storage,
        *id,
        form,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(created(
        format!("/api/v1/assessments/{}/files/{}", *id, file.id),
        &file,
    ))
}

/// Which files of a round to list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssessmentFileFilter {
    /// Only this unit's files (a reporter reads its own unit's only).
    #[param(example = "VP")]
    pub unit_code: Option<String>,
}

/// List a self-assessment round's files
///
/// Oldest first. The Office and the leadership read every file; a reporter its own unit's.
#[utoipa::path(
    operation_id = "list_assessment_files",
    tag = "par-index",
    params(AssessmentFileFilter, PageParams),
    responses(
        (status = 200, description = "A page of files", body = AssessmentFilePage),
        (status = 404, description = "No such round (or the reporter's unit has no part in it)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`unit_code` names no unit (`unknown_unit`) or, for a reporter, another unit (`not_your_unit`); or the page is out of range", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/assessments/{id}/files")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    filter: Query<AssessmentFileFilter>,
    page: Query<PageParams>,
) -> Result<web::Json<AssessmentFilePage>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        files::list_files(
            &mut conn,
            *id,
            filter.unit_code.as_deref(),
            *page,
            auth.principal(),
        )
        .await?,
    ))
}

/// Get a self-assessment file's description
#[utoipa::path(
    operation_id = "get_assessment_file",
    tag = "par-index",
    responses(
        (status = 200, description = "The file's description", body = AssessmentFile),
        (status = 404, description = "No such round or file (or not the reporter's unit's)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/assessments/{id}/files/{file_id}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> Result<web::Json<AssessmentFile>, ApiError> {
    let (id, file_id) = *path;
    let mut conn = state.conn().await?;
    Ok(web::Json(
        files::get_file(&mut conn, id, file_id, auth.principal()).await?,
    ))
}

/// Download a self-assessment file
///
/// The bytes as uploaded, with the type decided at upload, `Content-Disposition: attachment`
/// with the original name (`filename*` in UTF-8, `filename` as an ASCII fallback), an `ETag`
/// from the SHA-256 (send it as `If-None-Match` to get 304) and `X-Content-Type-Options:
/// nosniff`.
#[utoipa::path(
    operation_id = "download_assessment_file",
    tag = "par-index",
    params(("If-None-Match" = Option<String>, Header, description = "An ETag from an earlier download")),
    responses(
        (status = 200, description = "The file's bytes, served with the type decided from the content at upload", content(
            (FileBytes = "application/pdf"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (FileBytes = "image/png"),
            (FileBytes = "image/jpeg"),
        ), headers(
            ("Content-Type" = String, description = "The type decided from the content at upload"),
            ("Content-Disposition" = String, description = "`attachment` with the file's name"),
            ("ETag" = String, description = "The SHA-256 of the bytes, quoted"),
        )),
        (status = 304, description = "Unchanged since the download whose ETag was sent"),
        (status = 404, description = "No such round or file (or not the reporter's unit's)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The file store is unavailable (`storage_unavailable`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/assessments/{id}/files/{file_id}/content")]
pub async fn content(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, file_id) = *path;
    let mut conn = state.conn().await?;
    let file = files::get_file(&mut conn, id, file_id, auth.principal()).await?;
    if let Some(unchanged) = unchanged(&req, &file.sha256) {
        return Ok(unchanged);
    }
    let download =
        files::download_file(&mut conn, &state.storage, id, file_id, auth.principal()).await?;
    drop(conn);
    let file = download.file;
    Ok(stored_file(
        &file.content_type,
        &file.filename,
        &file.sha256,
        download.bytes,
    ))
}

/// Remove a self-assessment file
///
/// The Office, or a reporter of the unit whose file it is, while the round is open. A file a
/// part cites stays: 409 `assessment_file_cited`.
#[utoipa::path(
    operation_id = "delete_assessment_file",
    tag = "par-index",
    responses(
        (status = 204, description = "Removed, with its stored bytes"),
        (status = 403, description = "A role that cannot add evidence (leadership, viewer)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such round or file (or not the reporter's unit's)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "A part cites the file (`assessment_file_cited`), or the round was sent (`assessment_sent`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/assessments/{id}/files/{file_id}")]
pub async fn delete(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, file_id) = *path;
    let mut conn = state.conn().await?;
    files::delete_file(
        &mut conn,
        &state.storage,
        id,
        file_id,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
