//! A task's files of evidence: upload, list, describe, download, remove.

use actix_multipart::Multipart;
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use cchc_app::repo::tasks;
use cchc_domain::model::task_file::{TaskFile, TaskFilePage, TaskFileUpload};
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

/// Upload a file of evidence to a task
///
/// `multipart/form-data` with `file` (a file part with its name: PDF, DOCX, XLSX, PNG or
/// JPEG, decided from the content, not the name or the declared Content-Type) and optionally
/// `unit_code` (the unit whose evidence it is: a reporter's own unit; the Office names one of
/// the task's units, the lead unit when it names none). Same rights as reporting progress: a
/// reporter of the task's lead or coordinating unit, or the Office, while the task takes
/// reports. Cite the file in a progress report or a declaration with `evidence[].file_id`. A
/// task holds at most 200 files.
#[utoipa::path(
    operation_id = "upload_task_file",
    tag = "tasks",
    request_body(content = TaskFileUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "The file, recorded", body = TaskFile, headers(("Location" = String, description = "The file"))),
        (status = 403, description = "The role cannot report on tasks", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such task (or not one of the reporter's unit)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The task takes no reports now (`plan_not_issued`, `plan_closed`, `awaiting_confirmation`, `task_done`), or it holds 200 files (`too_many_files`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is over `CCHC_MAX_UPLOAD_BYTES` (`payload_too_large`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "The content is not PDF, DOCX, XLSX, PNG or JPEG (`unsupported_file_type`, naming `file`), or the body is not multipart/form-data (`unsupported_media_type`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A missing, repeated or unknown field: `file` (missing, empty, sent without a file name), `unit_code` (`unknown_unit`, `not_your_unit`, `not_involved`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The file store or the database is unavailable (`storage_unavailable`, `database_unavailable`); nothing was recorded", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tasks/{id}/files")]
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
        tasks::authorize_file_upload(&mut conn, *id, auth.principal()).await?;
    }
    let form = read_upload_form(
        &req,
        multipart,
        state.config.max_upload_bytes,
        tasks::TASK_FILE_FORM_FIELDS,
    )
    .await?;
    let mut conn = state.conn().await?;
    let file = tasks::upload_file(
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
        format!("/api/v1/tasks/{}/files/{}", *id, file.id),
        &file,
    ))
}

/// Which files of a task to list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskFileFilter {
    /// Only this unit's files.
    #[param(example = "VP")]
    pub unit_code: Option<String>,
}

/// List a task's files
///
/// Oldest first, for whoever may read the task (every unit of the task sees all its files).
#[utoipa::path(
    operation_id = "list_task_files",
    tag = "tasks",
    params(TaskFileFilter, PageParams),
    responses(
        (status = 200, description = "A page of files", body = TaskFilePage),
        (status = 404, description = "No such task (or not one of the reporter's unit)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`unit_code` names no unit (`unknown_unit`), or the page is out of range", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tasks/{id}/files")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    filter: Query<TaskFileFilter>,
    page: Query<PageParams>,
) -> Result<web::Json<TaskFilePage>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        tasks::list_files(
            &mut conn,
            *id,
            filter.unit_code.as_deref(),
            *page,
            auth.principal(),
        )
        .await?,
    ))
}

/// Get a task file's description
#[utoipa::path(
    operation_id = "get_task_file",
    tag = "tasks",
    responses(
        (status = 200, description = "The file's description", body = TaskFile),
        (status = 404, description = "No such task or file", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tasks/{id}/files/{file_id}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> Result<web::Json<TaskFile>, ApiError> {
    let (id, file_id) = *path;
    let mut conn = state.conn().await?;
    Ok(web::Json(
        tasks::get_file(&mut conn, id, file_id, auth.principal()).await?,
    ))
}

/// Download a task file
///
/// The bytes as uploaded, with the type decided at upload, `Content-Disposition: attachment`
/// with the original name (`filename*` in UTF-8, `filename` as an ASCII fallback), an `ETag`
/// from the SHA-256 (send it as `If-None-Match` to get 304) and `X-Content-Type-Options:
/// nosniff`.
#[utoipa::path(
    operation_id = "download_task_file",
    tag = "tasks",
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
        (status = 404, description = "No such task or file", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The file store is unavailable (`storage_unavailable`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tasks/{id}/files/{file_id}/content")]
pub async fn content(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, file_id) = *path;
    let mut conn = state.conn().await?;
    let file = tasks::get_file(&mut conn, id, file_id, auth.principal()).await?;
    if let Some(unchanged) = unchanged(&req, &file.sha256) {
        return Ok(unchanged);
    }
    let download =
        tasks::download_file(&mut conn, &state.storage, id, file_id, auth.principal()).await?;
    drop(conn);
    let file = download.file;
    Ok(stored_file(
        &file.content_type,
        &file.filename,
        &file.sha256,
        download.bytes,
    ))
}

/// Remove a task file
///
/// The Office, or a reporter of the unit whose file it is, while the task's plan is open. A
/// file that an entry of the task's history cites stays on record: 409 `task_file_cited`.
#[utoipa::path(
    operation_id = "delete_task_file",
    tag = "tasks",
    responses(
        (status = 204, description = "Removed, with its stored bytes"),
        (status = 403, description = "Another unit's file, or a role that cannot report on tasks", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such task or file", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "A report or declaration cites the file (`task_file_cited`), or the plan is closed (`plan_closed`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/tasks/{id}/files/{file_id}")]
pub async fn delete(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, file_id) = *path;
    let mut conn = state.conn().await?;
    tasks::delete_file(
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
