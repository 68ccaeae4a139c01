//! A criteria set as an Excel workbook, both ways.

use actix_web::{get, post, put, web, HttpResponse};
use cchc_app::repo::criteria::{self, workbook, Replaced};
use cchc_domain::model::criteria::{CriteriaSet, ImportCriteriaSet};
use cchc_excel::XLSX_MIME;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::extract::{Query, XlsxBody};
use crate::routes::created;
use crate::routes::excel::{attachment, XlsxWorkbook};
use crate::state::AppState;

/// The criteria set as Excel
///
/// Title rows ("BỘ TIÊU CHÍ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH", the set's title, "(Kèm theo
/// Quyết định số … ngày … của …)"), then one row per area, criterion and sub-criterion: STT
/// (the code), Lĩnh vực, tiêu chí, tiêu chí thành phần, Điểm tối đa, Cách chấm điểm (`Tự
/// chấm`, `Chọn mức`, `Chỉ tiêu <indicator code>, kỳ <period code>`, `Tỷ lệ nhiệm vụ đúng hạn,
/// kế hoạch <plan code>`, `Tỷ lệ báo cáo đúng hạn, năm <year>`, `Điều tra xã hội học`),
/// Thang điểm (levels `label: points` or thresholds `Từ 50 trở lên: 1`, one a line, points with
/// a decimal comma), Nội dung cải cách hành chính and Tài liệu kiểm chứng; a "Thuộc mục"
/// column (the parent's code) only when a parent cannot be told from the codes. Areas in bold,
/// "TỔNG ĐIỂM" last. Sheet "Bộ tiêu chí", A4 landscape, Times New Roman, the header repeated on
/// every printed page. Everyone who reads sets.
#[utoipa::path(
    operation_id = "get_criteria_set_workbook",
    tag = "par-index",
    responses(
        (status = 200, description = "The set", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = XlsxWorkbook,
            headers(("Content-Disposition" = String, description = "`attachment` with an ASCII `filename` and a UTF-8 `filename*`"))),
        (status = 404, description = "No such set", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/criteria-sets/{id}/criteria.xlsx")]
pub async fn export(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.conn().await?;
    let (code, version, bytes) = workbook::export(&mut conn, *id, auth.principal()).await?;
    Ok(attachment(
        bytes,
        XLSX_MIME,
        &format!("bo-tieu-chi-{code}-v{version}.xlsx"),
        &format!("Bộ tiêu chí {code} v{version}.xlsx"),
    ))
}

/// Create a criteria set (a draft) from Excel
///
/// The set's own values come as query parameters; its criteria from the workbook, read as
/// `replace_criteria_set_workbook` describes. The Office only.
#[utoipa::path(
    operation_id = "import_criteria_set_workbook",
    tag = "par-index",
    params(ImportCriteriaSet),
    request_body(content = XlsxWorkbook, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "The criteria set"),
    responses(
        (status = 201, description = "Created", body = CriteriaSet, headers(("Location" = String, description = "The set"))),
        (status = 409, description = "The code is taken (`duplicate_code`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is over the request body limit (`payload_too_large`), or the workbook is past what the service reads (`workbook_too_large`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not `application/vnd.openxmlformats-officedocument.spreadsheetml.sheet` (`unsupported_media_type`). A workbook sent as `application/vnd.oasis.opendocument.spreadsheet` (.ods) or `application/vnd.ms-excel` (.xls) is not 415 but 422 `not_xlsx`, saying in Vietnamese how to save it as .xlsx", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A query parameter (`ranking_classes`: `invalid_classes`), not a readable workbook (`invalid_workbook`), a spreadsheet saved as .ods or .xls (`not_xlsx`; `detail` says how to save it as .xlsx), no criteria set header or no criterion under it (`not_a_criteria_set`), a sheet past 5000 rows × 64 columns (`sheet_too_large`), too slow to read (`workbook_timeout`), or invalid cells (`validation_failed`): `errors` names each cell, e.g. `{\"field\": \"C7\", \"code\": \"sum_mismatch\", \"message\": \"…\"}`", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/criteria-sets/import.xlsx")]
pub async fn import_new(
    state: web::Data<AppState>,
    auth: Auth,
    params: Query<ImportCriteriaSet>,
    body: XlsxBody,
) -> Result<HttpResponse, ApiError> {
    criteria::authorize_change(auth.principal())?;
    let Query(params) = params;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    let set = workbook::import_new(
        &mut conn,
        params,
        body,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(created(format!("/api/v1/criteria-sets/{}", set.id), &set))
}

/// Replace a criteria set's criteria from Excel
///
/// The set keeps its own values (code, year, title, decision, share, classes); its criteria
/// become the workbook's, as `replace_criteria_set` does: a draft, or a published set no round
/// was sent against, is rewritten (`200`); a published set a round was sent against gets its
/// next version (`201`, `Location`). The Office only.
///
/// The body is a criteria set workbook: the one `criteria.xlsx` gives, edited, or a province's
/// set typed with the same header row (found by its labels, with or without diacritics, in the
/// first 30 rows; "Cách chấm điểm", "Thang điểm", "Nội dung cải cách hành chính", "Tài liệu
/// kiểm chứng" and "Thuộc mục" may be left out). Without "Thuộc mục", a criterion's parent is
/// the longest code above that its own extends (`1.2.3` under `1.2`), and an area written with
/// a Roman numeral (I, II, …) takes its number as code, the criteria under it numbered inside
/// it (`1` under `II` is `2.1`, unless the
/// area's first criterion already carries it: `2.1`). A leaf without a method is self-scored; a "TỔNG ĐIỂM" row is
/// skipped. All or nothing: every problem is answered at once, each naming its cell (the
/// tree's own faults too: `sum_mismatch` on the parent's points, `unknown_indicator` on the
/// method), and nothing is written.
#[utoipa::path(
    operation_id = "replace_criteria_set_workbook",
    tag = "par-index",
    request_body(content = XlsxWorkbook, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "The criteria set"),
    responses(
        (status = 200, description = "The set as rewritten", body = CriteriaSet),
        (status = 201, description = "The set's next version", body = CriteriaSet, headers(("Location" = String, description = "The new version"))),
        (status = 404, description = "No such set", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "A newer version replaced the set (`criteria_set_superseded`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 413, description = "As for importing a new set", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "As for importing a new set", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "As for importing a new set", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[put("/criteria-sets/{id}/criteria.xlsx")]
pub async fn import_into(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: XlsxBody,
) -> Result<HttpResponse, ApiError> {
    criteria::authorize_change(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    let replaced = workbook::import_into(
        &mut conn,
        *id,
        body,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(match replaced {
        Replaced::Rewritten(set) => HttpResponse::Ok().json(set),
        Replaced::NewVersion(set) => created(format!("/api/v1/criteria-sets/{}", set.id), &set),
    })
}
