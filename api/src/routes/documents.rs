use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use cchc_app::repo::documents;
use cchc_domain::model::document::{
    CreateDocument, Document, DocumentFile, DocumentFilter, DocumentPage, LinkDocument,
};
use cchc_domain::model::PageParams;
use cchc_domain::rules::attachments::ascii_filename;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::routes::attachments::FileBytes;
use crate::routes::{created, file_download};
use crate::state::AppState;
use crate::upload::read_upload_form;

/// The `multipart/form-data` body of a document file upload.
#[derive(Debug, utoipa::ToSchema)]
pub struct DocumentFileUpload {
    /// The file, sent as a file part with its name: PDF, DOCX, DOC, XLSX or XLS, decided from
    /// the content.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// Register a document
///
/// The Office records an official document by hand. `number` is the number and symbol per
/// Decree 30/2020/NĐ-CP (`383/KH-SCT`, `3394/SCT-VP`, `09/2019/NĐ-CP`); an invalid one is
/// refused with 422 naming `number` (code `invalid_document_number`) and the reason. A number
/// is unique per issuer and year (legal normative documents are numbered apart): a second
/// registration is 409 `duplicate_document_number`, naming the existing document.
#[utoipa::path(
    operation_id = "create_document",
    tag = "documents",
    request_body = CreateDocument,
    responses(
        (status = 201, description = "Registered", body = Document, headers(("Location" = String, description = "The document"))),
        (status = 409, description = "The number is already registered for this issuer and year (`duplicate_document_number`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: `number` (`invalid_document_number`, with the reason), `issuing_agency`, `subject`, `signer`", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/documents")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<CreateDocument>,
) -> Result<HttpResponse, ApiError> {
    // The use case's first step, before the body's problems are told.
    documents::authorize_change(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    let document = documents::create(
        &mut conn,
        &body,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(created(documents::document_url(document.id), &document))
}

/// List documents
///
/// Newest first. `status=unmatched` is the Office's inbox: documents received from QLVB that
/// could not be matched to a unit's report. Reporters see only documents linked to their own
/// unit's submissions; integration tokens have no access.
#[utoipa::path(
    operation_id = "list_documents",
    tag = "documents",
    params(DocumentFilter, PageParams),
    responses((status = 200, description = "A page of documents", body = DocumentPage))
)]
#[get("/documents")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    filter: Query<DocumentFilter>,
    page: Query<PageParams>,
) -> Result<web::Json<DocumentPage>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        documents::list(&mut conn, &filter, *page, auth.principal()).await?,
    ))
}

/// Get a document
///
/// With its files and links. Reporters see only documents linked to their own unit's
/// submissions.
#[utoipa::path(
    operation_id = "get_document",
    tag = "documents",
    responses((status = 200, description = "The document", body = Document))
)]
#[get("/documents/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Document>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        documents::get(&mut conn, *id, auth.principal()).await?,
    ))
}

/// Link a document
///
/// The Office links a document to exactly one of:
/// - a period, as its `legal_basis` or `request_letter`: `{"period_id": 3, "role": "request_letter"}`
///   (a document received in reply to a request letter is matched to its period);
/// - a unit's submission, as its report: `{"submission_id": 12}`;
/// - a unit's report for a period by codes: `{"unit_code": "QLCN", "period_code": "2026-Q4"}`;
///   the unit's submission is created as a draft if it has none.
///
/// The document becomes `linked` (this is how the inbox is emptied). Linking again to the same
/// target changes nothing.
#[utoipa::path(
    operation_id = "link_document",
    tag = "documents",
    request_body = LinkDocument,
    responses(
        (status = 200, description = "The document with its links", body = Document),
        (status = 409, description = "Already linked to the period in another role (`document_already_linked`), or the period is not open yet (`period_not_open`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not exactly one target (`one_target`), `role` missing or wrong, unknown `period_id`, `submission_id`, `unit_code` or `period_code`, or the unit does not take part (`not_participating`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/documents/{id}/link")]
pub async fn link(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<LinkDocument>,
) -> Result<web::Json<Document>, ApiError> {
    // The use case's first step, before the body's problems are told.
    documents::authorize_change(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    Ok(web::Json(
        documents::link(
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

/// Add a file to a document
///
/// `multipart/form-data` with one part, `file` (with its file name): PDF, DOCX, DOC, XLSX or
/// XLS, decided from the content; at most `CCHC_MAX_UPLOAD_BYTES`. The Office only.
#[utoipa::path(
    operation_id = "add_document_file",
    tag = "documents",
    request_body(content = DocumentFileUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "The file, recorded", body = DocumentFile, headers(("Location" = String, description = "The file's content"))),
        (status = 413, description = "The file is over `CCHC_MAX_UPLOAD_BYTES` (`payload_too_large`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "The content is not PDF, DOCX, DOC, XLSX or XLS (`unsupported_file_type`), or the body is not multipart/form-data (`unsupported_media_type`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`file` missing, empty or without a file name, or an unknown part", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The file store or the database is unavailable (`storage_unavailable`, `database_unavailable`); nothing was recorded", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/documents/{id}/files")]
pub async fn add_file(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    multipart: Multipart,
) -> Result<HttpResponse, ApiError> {
    // The use case's first step, before the body is read; the connection goes back to the
    // pool while the body arrives.
    {
        let mut conn = state.conn().await?;
        documents::authorize_add_file(&mut conn, *id, auth.principal()).await?;
    }
    let form = read_upload_form(&req, multipart, state.config.max_upload_bytes, &[]).await?;
    let mut conn = state.conn().await?;
    let file = documents::add_file(
        &mut conn,
        &state.storage,
        *id,
        form,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(created(file.download_url.clone(), &file))
}

/// Download a document's file
///
/// The bytes as stored, with the type decided from the content, `Content-Disposition:
/// attachment` with the file's name and an `ETag` from the SHA-256.
#[utoipa::path(
    operation_id = "download_document_file",
    tag = "documents",
    responses(
        (status = 200, description = "The file's bytes, served with the type decided from the content", content(
            (FileBytes = "application/pdf"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (FileBytes = "application/msword"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (FileBytes = "application/vnd.ms-excel"),
        ), headers(
            ("Content-Type" = String, description = "The type decided from the content"),
            ("Content-Disposition" = String, description = "`attachment` with the file's name"),
            ("ETag" = String, description = "The SHA-256 of the bytes, quoted"),
        )),
        (status = 503, description = "The file store is unavailable (`storage_unavailable`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/documents/{id}/files/{file_id}/content")]
pub async fn file_content(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, file_id) = *path;
    let mut conn = state.conn().await?;
    let (file, bytes) =
        documents::download(&mut conn, &state.storage, id, file_id, auth.principal()).await?;
    drop(conn);
    Ok(file_download(
        &file.content_type,
        ascii_filename(&file.filename),
        &file.filename,
    )
    .insert_header((header::ETAG, format!("\"{}\"", file.sha256)))
    .insert_header((header::CACHE_CONTROL, "private, no-cache"))
    .body(bytes))
}
