//! A plan's appendix of tasks as an Excel workbook, both ways.

use actix_web::{get, post, web, HttpResponse};
use cchc_app::repo::plans::{self, appendix};
use cchc_domain::model::plan::AppendixImport;
use cchc_excel::XLSX_MIME;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::extract::XlsxBody;
use crate::routes::excel::{attachment, XlsxWorkbook};
use crate::state::AppState;

/// The plan's appendix as Excel
///
/// The task list as offices write a plan's appendix (phụ lục): title rows ("PHỤ LỤC",
/// "DANH MỤC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM …", "(Kèm theo Kế hoạch số … ngày … của …)"),
/// then STT, Nội dung nhiệm vụ, Đơn vị chủ trì, Đơn vị phối hợp, Thời gian hoàn thành (an
/// extension on its own line), Sản phẩm and Tình trạng (the status today), grouped by content
/// area (I, II, …; tasks without one last under "Nhiệm vụ khác"). Sheet "Phụ lục", A4
/// landscape, Times New Roman, the header repeated on every printed page. The Office and the
/// leadership read it, as the plan's board.
#[utoipa::path(
    operation_id = "get_plan_appendix",
    tag = "plans",
    responses(
        (status = 200, description = "The appendix", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = XlsxWorkbook,
            headers(("Content-Disposition" = String, description = "`attachment` with an ASCII `filename` and a UTF-8 `filename*`"))),
    )
)]
#[get("/plans/{id}/appendix.xlsx")]
pub async fn export(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.conn().await?;
    let (code, bytes) = appendix::export(
        &mut conn,
        *id,
        &state.config.default_policy,
        auth.principal(),
        state.clock.now(),
    )
    .await?;
    Ok(attachment(
        bytes,
        XLSX_MIME,
        &format!("phu-luc-{code}.xlsx"),
        &format!("Phụ lục {code}.xlsx"),
    ))
}

/// Import the plan's tasks from an appendix
///
/// The body is an appendix workbook: the one `appendix.xlsx` gives, edited, or one an office
/// typed with the same header row (found by its labels, with or without diacritics, in the
/// first 30 rows; "Đơn vị phối hợp" and "Sản phẩm" may be left out). A row whose STT is a Roman
/// numeral starts a content area, named as in the plan (e.g. "Cải cách thủ tục hành chính");
/// the tasks under it take that area, and a plain-number STT becomes `<area>.<n>` (`2.1`).
/// Units are matched by code or by name (case and diacritics aside); several coordinating units
/// are separated by `,`, `;` or new lines. "Thời gian hoàn thành" is read as staff write it
/// ("Tháng 5/2022", "Quý II/2022", "trước ngày 10/11/2022", "Thường xuyên"). "Tình trạng" is
/// ignored: it is derived. A code the plan has rewrites that task; a new code adds one. All or
/// nothing: every problem is answered at once, naming its cell, and nothing is written. The
/// Office only.
#[utoipa::path(
    operation_id = "import_plan_appendix",
    tag = "plans",
    request_body(content = XlsxWorkbook, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "The appendix"),
    responses(
        (status = 200, description = "What the import did", body = AppendixImport),
        (status = 409, description = "The plan is closed (`plan_closed`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is over the request body limit (`payload_too_large`), or the workbook is past what the service reads (`workbook_too_large`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not `application/vnd.openxmlformats-officedocument.spreadsheetml.sheet` (`unsupported_media_type`). A workbook sent as `application/vnd.oasis.opendocument.spreadsheet` (.ods) or `application/vnd.ms-excel` (.xls) is not 415 but 422 `not_xlsx`, saying in Vietnamese how to save it as .xlsx", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a readable workbook (`invalid_workbook`), a spreadsheet saved as .ods or .xls (`not_xlsx`; `detail` says how to save it as .xlsx), no appendix header found or no task under it (`not_an_appendix`), a sheet past 5000 rows × 64 columns (`sheet_too_large`), too slow to read (`workbook_timeout`), or invalid cells (`validation_failed`): `errors` names each cell, e.g. `{\"field\": \"C7\", \"code\": \"unknown_unit\", \"message\": \"không có đơn vị nào có mã hoặc tên …\"}`", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/plans/{id}/tasks/import.xlsx")]
pub async fn import(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: XlsxBody,
) -> Result<web::Json<AppendixImport>, ApiError> {
    plans::authorize_change(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    Ok(web::Json(
        appendix::import(
            &mut conn,
            *id,
            body,
            &state.config.default_policy,
            auth.principal(),
            &auth.actor(),
            state.clock.now(),
        )
        .await?,
    ))
}
