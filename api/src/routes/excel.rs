//! Excel files: a unit's statistics form, importing it filled in, and the consolidated report.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use cchc_app::repo::filing::{self, FilingQuery};
use cchc_app::repo::{excel, report_workbook};
use cchc_domain::model::submission::{ConsolidationQuery, Submission};
use cchc_excel::form::build_form;
use cchc_excel::XLSX_MIME;
use serde::Deserialize;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::RefOr;
use utoipa::{IntoParams, PartialSchema, ToSchema};

use crate::auth::Auth;
use crate::error::ApiError;
use crate::extract::{Query, XlsxBody};
use crate::routes::file_download;
use crate::state::AppState;

/// An Excel workbook (`.xlsx`): describes the binary bodies in the OpenAPI document.
pub struct XlsxWorkbook;

/// A binary body of `media_type`, as the OpenAPI document describes it.
pub(crate) fn binary_schema(media_type: &str, description: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
        .content_media_type(media_type)
        .description(Some(description))
        .into()
}

impl PartialSchema for XlsxWorkbook {
    fn schema() -> RefOr<Schema> {
        binary_schema(XLSX_MIME, "An Excel workbook (.xlsx)")
    }
}

impl ToSchema for XlsxWorkbook {}

/// Whose form.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormQuery {
    /// The unit's code. A reporter gets its own unit's form and may omit it; other roles
    /// name a unit taking part in the period.
    #[param(example = "KHTC")]
    pub unit: Option<String>,
}

/// Keeps what is safe in a plain `filename=`: ASCII letters, digits, `.`, `_`, `-`.
fn ascii_name(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// A workbook to save, named in ASCII for old clients and in Vietnamese (RFC 6266
/// `filename*`) for the rest.
pub(crate) fn attachment(
    bytes: Vec<u8>,
    content_type: &str,
    ascii: &str,
    vietnamese: &str,
) -> HttpResponse {
    file_download(content_type, ascii_name(ascii), vietnamese).body(bytes)
}

/// A unit's statistics form (biểu mẫu thống kê)
///
/// The `.xlsx` form a unit fills in for the period: title rows (period, unit, the deadline in
/// local time, instructions) and one row per indicator in the period's order, with the
/// indicator code visible. Each indicator kind has its own input cells (numerator and
/// denominator, number, Có/Không, text; not applicable, system-of-record figure, explanation,
/// note); the others are greyed and locked, the sheet is protected, numbers are validated
/// (≥ 0) and choices are drop-down lists. Prefilled with the unit's current submission, if
/// any. A reporter gets its own unit's form (another unit: 404); other roles name a unit.
#[utoipa::path(
    operation_id = "get_statistics_form",
    tag = "submissions",
    params(FormQuery),
    responses(
        (status = 200, description = "The form", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = XlsxWorkbook,
            headers(("Content-Disposition" = String, description = "`attachment` with an ASCII `filename` and a UTF-8 `filename*`"))),
        (status = 422, description = "`unit` missing (`required`), unknown (`unknown_code`) or not taking part in the period (`not_participating`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/periods/{id}/template.xlsx")]
pub async fn template(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    query: Query<FormQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.conn().await?;
    let form = excel::statistics_form(
        &mut conn,
        &state.versions,
        *id,
        query.unit.as_deref(),
        auth.principal(),
        &state.config.letterhead,
    )
    .await?;
    let bytes = build_form(&form)?;
    let (period, unit) = (&form.header.period_code, &form.header.unit_code);
    Ok(attachment(
        bytes,
        XLSX_MIME,
        &format!("bieu-mau-{period}-{unit}.xlsx"),
        &format!("Biểu mẫu thống kê {period} {unit}.xlsx"),
    ))
}

/// Import a filled statistics form
///
/// The body is the `.xlsx` form downloaded from `/periods/{id}/template.xlsx`, filled in.
/// It must be this submission's form (same period and unit). Every indicator row it lists
/// replaces that indicator's value, as `PATCH` with `values` would: an empty row clears the
/// indicator (the Office's system-of-record figure stays); indicators the form does not list
/// keep theirs. Numbers stored as text are read the Vietnamese way (`1.234` is 1234, `1,5` is
/// 1.5). Requires `If-Match` like `PATCH`. Problems are 422 listing every cell at once, e.g.
/// `{"field": "E8", "code": "not_a_number", "message": "phải là số"}`. The workbook is read
/// within fixed bounds (at most 5000 rows × 64 columns per sheet, 32 MB inflated, 10 s);
/// past them it is refused without being read further.
#[utoipa::path(
    operation_id = "import_statistics_form",
    tag = "submissions",
    params(("If-Match" = String, Header, description = "The ETag from your last read, or `*`")),
    request_body(content = XlsxWorkbook, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "The filled form"),
    responses(
        (status = 200, description = "The changed submission", body = Submission, headers(("ETag" = String, description = "The new entity tag"))),
        (status = 409, description = "Not a draft or returned report (`submission_not_editable`), or the period no longer takes reports", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since you read it (`precondition_failed`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is over the request body limit (`payload_too_large`), or the workbook is past what a form can be (`workbook_too_large`): it inflates past 32 MB, one part inflates more than 100 times its compressed size, or it has more than 2000 parts; `detail` says which, in Vietnamese", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not `application/vnd.openxmlformats-officedocument.spreadsheetml.sheet` (`unsupported_media_type`). A workbook sent as `application/vnd.oasis.opendocument.spreadsheet` (.ods) or `application/vnd.ms-excel` (.xls) is not 415 but 422 `not_xlsx`, saying in Vietnamese how to save it as .xlsx", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a readable workbook (`invalid_workbook`), a spreadsheet saved as .ods or .xls (`not_xlsx`; `detail` says how to save it as .xlsx), a sheet declaring or using cells beyond 5000 rows × 64 columns (`sheet_too_large`; `errors` names the cell), a workbook that takes more than 10 s to read (`workbook_timeout`), the form of another period or unit (`form_mismatch`), or invalid cells (`validation_failed`); `errors` names each cell", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` missing (`precondition_required`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/submissions/{id}/import.xlsx")]
pub async fn import(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: XlsxBody,
) -> Result<HttpResponse, ApiError> {
    let if_match = super::submissions::if_match(&req);
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    let submission = excel::import_form(
        &mut conn,
        &state.versions,
        *id,
        body,
        &if_match,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(super::submissions::respond(StatusCode::OK, &submission))
}

/// The consolidated report as Excel
///
/// The same report as `/periods/{id}/consolidation`, with the same parameters and roles, as
/// a workbook to file: sheet "Tổng hợp" (per indicator: units reporting, Σnumerator,
/// Σdenominator, result, target, met or not, lowest and highest unit), "Chi tiết theo đơn vị"
/// (each unit's figures) and "Giải trình chênh lệch" (figures that differ from the system of
/// record, with the units' explanations). Figures are numbers with number formats.
#[utoipa::path(
    operation_id = "get_consolidation_workbook",
    tag = "submissions",
    params(ConsolidationQuery),
    responses(
        (status = 200, description = "The consolidated report", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = XlsxWorkbook,
            headers(("Content-Disposition" = String, description = "`attachment` with an ASCII `filename` and a UTF-8 `filename*`"))),
    )
)]
#[get("/periods/{id}/consolidation.xlsx")]
pub async fn consolidation(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    query: Query<ConsolidationQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.conn().await?;
    let (period, bytes) = report_workbook::consolidation_workbook(
        &mut conn,
        *id,
        &query,
        &state.config.default_policy,
        auth.principal(),
        state.clock.now(),
    )
    .await?;
    Ok(attachment(
        bytes,
        XLSX_MIME,
        &format!("tong-hop-{period}.xlsx"),
        &format!("Báo cáo tổng hợp {period}.xlsx"),
    ))
}

/// A ZIP archive: describes the filing archive in the OpenAPI document.
pub struct ZipArchive;

impl PartialSchema for ZipArchive {
    fn schema() -> RefOr<Schema> {
        binary_schema(
            "application/zip",
            "A ZIP archive with `manifest.json` (schema `FilingManifest`), the consolidated workbook and the report's Word draft",
        )
    }
}

impl ToSchema for ZipArchive {}

/// The consolidated report, ready to file in QLVB
///
/// A ZIP with the consolidated workbook (as `consolidation.xlsx` gives it, role `main`), the
/// report as a Word draft (as `consolidation.docx` gives it with the same parameters, role
/// `draft`) and `manifest.json` (schema `FilingManifest`): the metadata a clerk registers in
/// QLVB (type `BC`, the symbol `BC-<issuer>` awaiting its number, issuing agency, trích yếu,
/// the request letter it answers, legal basis), the period, what was counted, the reporting
/// record per unit with the official documents each unit sent, and each file's size and
/// SHA-256. While the period is open `period.is_final` is false. For the Office and viewers;
/// a draft period has nothing to file (409 `period_not_open`).
#[utoipa::path(
    operation_id = "get_filing_archive",
    tag = "submissions",
    params(FilingQuery),
    responses(
        (status = 200, description = "The archive", content_type = "application/zip", body = ZipArchive,
            headers(("Content-Disposition" = String, description = "`attachment` with an ASCII `filename` and a UTF-8 `filename*`"))),
        (status = 403, description = "Reporters may not file the consolidated report (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The period is a draft (`period_not_open`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`issuer` or `under` names no unit (`unknown_code`); `recipient`, `signer_title` or `signer_name` blank (`required`), too long (`too_long`), on several lines or with control or invisible characters (`invalid_character`), or `signer_title` with an empty line (`invalid_value`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/periods/{id}/filing.zip")]
pub async fn filing_archive(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    query: Query<FilingQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.conn().await?;
    let filing = filing::filing(
        &mut conn,
        *id,
        &query,
        &state.config,
        auth.principal(),
        state.clock.now(),
    )
    .await?;
    let period = &filing.manifest.period.code;
    Ok(attachment(
        filing.bytes,
        "application/zip",
        &filing.name,
        &format!("Hồ sơ trình QLVB - báo cáo tổng hợp {period}.zip"),
    ))
}
