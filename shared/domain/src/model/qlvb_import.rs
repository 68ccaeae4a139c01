//! What a unit's report received through QLVB did to the unit's report in this service: the
//! statistics form's figures imported, the cells with problems, the files attached and, when
//! the period says arrival through QLVB is the submission, whether it was submitted.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::rules::timeliness::Timeliness;

/// One problem of an imported form or of a report that could not be submitted: the cell of
/// the form (or the report's field) and the message, in Vietnamese as the import gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImportProblem {
    /// The cell (`G12`) or, where the form has none, the report's field (`values.SL-VANBAN`).
    #[schema(example = "G12")]
    pub field: String,
    #[schema(example = "negative")]
    pub code: String,
    #[schema(example = "không được là số âm")]
    pub message: String,
}

/// A file of the received document attached to the unit's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImportedAttachment {
    /// The attachment of the report.
    pub id: i64,
    #[schema(example = "Báo cáo CCHC Quý IV-2026.docx")]
    pub filename: String,
    /// `narrative` for a Word or PDF file.
    #[schema(example = "narrative")]
    pub purpose: String,
}

/// What a received document's files did to the unit's report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct QlvbImport {
    /// The file read as this service's statistics form for the unit and period, if the
    /// document carried one (another workbook is only filed with the document).
    #[schema(example = "Bieu-mau-2026-Q4-QLCN.xlsx")]
    pub form_filename: Option<String>,
    /// The indicators whose figures were taken from the form, by code; empty when the form
    /// had problems (then nothing of it was imported).
    pub indicators_imported: Vec<String>,
    /// The form's problems, each cell named; the focal persons are mailed them.
    pub problems: Vec<ImportProblem>,
    /// Remarks that did not stop the import (e.g. a row deleted from the form), in Vietnamese.
    pub warnings: Vec<String>,
    /// The document's Word or PDF files, now the report's narrative attachments.
    pub attachments: Vec<ImportedAttachment>,
    /// Why the report was left as it was (e.g. it is already submitted), in Vietnamese.
    #[schema(
        example = "báo cáo đã được gửi (trạng thái submitted); chỉ báo cáo nháp hoặc bị trả lại mới được cập nhật"
    )]
    pub not_changed: Option<String>,
    /// The report was submitted by this arrival (the period says arrival through QLVB is the
    /// submission, and the report was complete).
    pub submitted: bool,
    /// The submission time: when QLVB received the document (the event's `occurred_at`,
    /// never later than its arrival here).
    pub submitted_at: Option<DateTime<FixedOffset>>,
    pub timeliness: Option<Timeliness>,
    /// Why the report, with the period saying arrival is the submission, stays a draft: what
    /// is still missing (Vietnamese); the focal persons are mailed it.
    pub missing: Vec<ImportProblem>,
}

impl QlvbImport {
    /// Something is wrong that the unit should hear of.
    pub fn needs_mail(&self) -> bool {
        !self.problems.is_empty() || !self.missing.is_empty()
    }
}
