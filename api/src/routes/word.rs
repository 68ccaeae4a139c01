//! Word documents: the consolidated report (báo cáo) as a draft in Decree 30/2020/NĐ-CP layout.

use actix_web::{get, web, HttpResponse};
use cchc_app::repo::consolidation_report as report_use_case;
use cchc_app::repo::filing::FilingQuery;
use cchc_word::DOCX_MIME;
use utoipa::openapi::schema::Schema;
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

use crate::auth::Auth;
use crate::error::ApiError;
use crate::extract::Query;
use crate::routes::excel::attachment;
use crate::state::AppState;

/// A Word document (`.docx`): describes the binary bodies in the OpenAPI document.
pub struct DocxDocument;

impl PartialSchema for DocxDocument {
    fn schema() -> RefOr<Schema> {
        crate::routes::excel::binary_schema(DOCX_MIME, "A Word document (.docx)")
    }
}

impl ToSchema for DocxDocument {}

/// The consolidated report as a Word draft
///
/// The department's report (báo cáo) on the period, drafted for the Office to finish in Word
/// and file in QLVB, laid out per Decree 30/2020/NĐ-CP, Appendix I: A4 portrait, margins 20
/// (top, bottom), 30 (left) and 15 mm (right), Times New Roman 13–14 pt, page numbers from the
/// second page. The header block (`CCHC_GOVERNING_BODY` above the issuing unit's name; the
/// national title and motto; `Số: ……/BC-<issuer>` and the date line with blanks, since the
/// number and date are given at issue, with `CCHC_PLACE_NAME`), "BÁO CÁO" and the trích yếu
/// (the filing manifest's `document.subject`), "Kính gửi: <recipient>.", the letters it
/// answers and its legal basis ("Thực hiện Công văn số …", "Căn cứ …"), then: I. the counted
/// units' narratives under the eight content areas when every narrative marks them with
/// headings, otherwise each as filed under its unit, and the key figures against their targets
/// in a table (STT, Chỉ tiêu, Chỉ tiêu/Mục tiêu, Kết quả, Đánh giá) whose header row repeats
/// on every page; II. the reporting record (expected, reported on time and late, accepted,
/// returned, not reporting, by name; "Không có" for an empty list); III. "Kiến nghị, đề xuất"
/// with lines to write on; "Nơi nhận" and the signer's block. Takes the parameters of
/// `filing.zip`, which holds the same document. For the Office and viewers; a draft period
/// has nothing to report (409 `period_not_open`).
#[utoipa::path(
    operation_id = "get_consolidation_report_docx",
    tag = "submissions",
    params(FilingQuery),
    responses(
        (status = 200, description = "The report's draft", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body = DocxDocument,
            headers(("Content-Disposition" = String, description = "`attachment` with an ASCII `filename` and a UTF-8 `filename*`"))),
        (status = 403, description = "Reporters may not draft the consolidated report (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such period (`not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The period is a draft (`period_not_open`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`issuer` or `under` names no unit (`unknown_code`); `recipient`, `signer_title` or `signer_name` blank (`required`), too long (`too_long`), on several lines or with control or invisible characters (`invalid_character`), or `signer_title` with an empty line (`invalid_value`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/periods/{id}/consolidation.docx")]
pub async fn consolidation_report(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    query: Query<FilingQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.conn().await?;
    let report = report_use_case::consolidation_report(
        &mut conn,
        *id,
        &query,
        &state.config,
        auth.principal(),
        state.clock.now(),
    )
    .await?;
    let period = &report.period_code;
    Ok(attachment(
        report.bytes,
        DOCX_MIME,
        &report_use_case::file_name(period),
        &format!("Báo cáo tổng hợp {period}.docx"),
    ))
}
