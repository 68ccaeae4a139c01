use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use cchc_app::repo::attachments;
use cchc_domain::model::attachment::{Attachment, AttachmentPage, AttachmentUpload};
use cchc_domain::model::PageParams;
use cchc_domain::rules::attachments::ascii_filename;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::extract::Query;
use crate::routes::{created, file_download};
use crate::state::AppState;
use crate::upload::read_upload_form;

/// Any file's bytes, in the OpenAPI document.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct FileBytes(#[allow(dead_code)] Vec<u8>);

/// Attach a file to a submission
///
/// `multipart/form-data` with `file` (a file part with its name), `purpose` (`narrative`:
/// DOCX, DOC or PDF; `statistics`: XLSX or XLS; `evidence`: PDF, DOCX, XLSX, PNG or JPEG) and
/// optionally `indicator_code`. The type is decided from the content, not the name or the
/// declared Content-Type. Same rights as changing the submission (its unit's reporter or the
/// Office, a draft or returned report, while the unit may file); no `If-Match` is needed, but
/// the submission gets a new revision and so a new ETag.
#[utoipa::path(
    operation_id = "upload_attachment",
    tag = "attachments",
    request_body(content = AttachmentUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "The file, recorded", body = Attachment, headers(("Location" = String, description = "The attachment"))),
        (status = 409, description = "The report cannot change now (`submission_not_editable`, `period_closed`, `period_not_open`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is over `CCHC_MAX_UPLOAD_BYTES` (`payload_too_large`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "The content is not a type the purpose takes (`unsupported_file_type`, naming `file`, what was detected and what is allowed), or the body is not multipart/form-data (`unsupported_media_type`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A missing or unknown field: `file` (missing, empty, sent without a file name), `purpose`, `indicator_code`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The file store or the database is unavailable (`storage_unavailable`, `database_unavailable`); nothing was recorded", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/submissions/{id}/attachments")]
pub async fn upload(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    multipart: Multipart,
) -> Result<HttpResponse, ApiError> {
    // The use case's first step, so a caller who may not upload is told before sending
    // megabytes; the connection goes back to the pool while the body arrives.
    {
        let mut conn = state.conn().await?;
        attachments::authorize_upload(&mut conn, *id, auth.principal()).await?;
    }
    let form = read_upload_form(
        &req,
        multipart,
        state.config.max_upload_bytes,
        &["purpose", "indicator_code"],
    )
    .await?;
    let mut conn = state.conn().await?;
    let attachment = attachments::upload(
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
        format!("/api/v1/attachments/{}", attachment.id),
        &attachment,
    ))
}

/// List a submission's files
///
/// Oldest first. Reporters see only their own unit's.
#[utoipa::path(
    operation_id = "list_attachments",
    tag = "attachments",
    params(PageParams),
    responses((status = 200, description = "A page of files", body = AttachmentPage))
)]
#[get("/submissions/{id}/attachments")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    page: Query<PageParams>,
) -> Result<web::Json<AttachmentPage>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        attachments::list(&mut conn, *id, *page, auth.principal()).await?,
    ))
}

/// Get a file's description
#[utoipa::path(
    operation_id = "get_attachment",
    tag = "attachments",
    responses((status = 200, description = "The file's description", body = Attachment))
)]
#[get("/attachments/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Attachment>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        attachments::get(&mut conn, *id, auth.principal()).await?,
    ))
}

pub(crate) fn quoted_etag(sha256: &str) -> String {
    format!("\"{sha256}\"")
}

/// 304 with the entity tag when `If-None-Match` names the stored file's SHA-256.
pub(crate) fn unchanged(req: &HttpRequest, sha256: &str) -> Option<HttpResponse> {
    let etag = quoted_etag(sha256);
    not_modified(req, &etag).then(|| {
        HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .finish()
    })
}

/// A stored file's bytes as a download: its type, its name (UTF-8 and ASCII), an entity tag
/// from its SHA-256, revalidated on every use.
pub(crate) fn stored_file(
    content_type: &str,
    filename: &str,
    sha256: &str,
    bytes: bytes::Bytes,
) -> HttpResponse {
    file_download(content_type, ascii_filename(filename), filename)
        .insert_header((header::ETAG, quoted_etag(sha256)))
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .body(bytes)
}

/// Whether `If-None-Match` names this entity tag (or `*`).
pub(crate) fn not_modified(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|value| {
            value
                .split(',')
                .map(|tag| tag.trim().trim_start_matches("W/"))
                .any(|tag| tag == "*" || tag == etag)
        })
}

/// Download a file
///
/// The bytes as uploaded, with the type decided at upload, `Content-Disposition: attachment`
/// with the original name (`filename*` in UTF-8, `filename` as an ASCII fallback), an `ETag`
/// from the SHA-256 (send it as `If-None-Match` to get 304) and `X-Content-Type-Options:
/// nosniff`.
#[utoipa::path(
    operation_id = "download_attachment",
    tag = "attachments",
    params(("If-None-Match" = Option<String>, Header, description = "An ETag from an earlier download")),
    responses(
        (status = 200, description = "The file's bytes, served with the type decided from the content at upload", content(
            (FileBytes = "application/pdf"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (FileBytes = "application/msword"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (FileBytes = "application/vnd.ms-excel"),
            (FileBytes = "image/png"),
            (FileBytes = "image/jpeg"),
        ), headers(
            ("Content-Type" = String, description = "The type decided from the content at upload"),
            ("Content-Disposition" = String, description = "`attachment` with the file's name"),
            ("ETag" = String, description = "The SHA-256 of the bytes, quoted"),
        )),
        (status = 304, description = "Unchanged since the download whose ETag was sent"),
        (status = 503, description = "The file store is unavailable (`storage_unavailable`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/attachments/{id}/content")]
pub async fn content(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.conn().await?;
    let attachment = attachments::get(&mut conn, *id, auth.principal()).await?;
    if let Some(unchanged) = unchanged(&req, &attachment.sha256) {
        return Ok(unchanged);
    }
    let download = attachments::download(&mut conn, &state.storage, *id, auth.principal()).await?;
    drop(conn);
    let attachment = download.attachment;
    Ok(stored_file(
        &attachment.content_type,
        &attachment.filename,
        &attachment.sha256,
        download.bytes,
    ))
}

/// Remove a file
///
/// While the submission may change (as for uploads). Also removes the stored bytes and gives
/// the submission a new revision. A file an evidence citation links to is refused with 409
/// `attachment_cited` (the citations are listed in `errors`): remove the link first.
#[utoipa::path(
    operation_id = "delete_attachment",
    tag = "attachments",
    responses(
        (status = 204, description = "Removed"),
        (status = 409, description = "The report cannot change now (`submission_not_editable`, `period_closed`), or a citation links to the file (`attachment_cited`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/attachments/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.conn().await?;
    attachments::delete(
        &mut conn,
        &state.storage,
        *id,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
