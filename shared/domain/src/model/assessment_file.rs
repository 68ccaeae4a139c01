//! Files of evidence in a self-assessment round (a scanned minute, a photo of a notice board,
//! a spreadsheet of results): a unit uploads its own, or the Office its own (for survey
//! criteria, say), then a part cites them with `evidence[].file_id`, as registry documents are
//! cited with `document_id`.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use crate::model::page_of;
use crate::model::plan::UnitRef;

/// A file of evidence in a round.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssessmentFile {
    pub id: i64,
    pub assessment_id: i64,
    /// The unit whose evidence it is; none for the Office's own files.
    pub unit: Option<UnitRef>,
    /// The name it was uploaded under, without any folder; downloads use it.
    #[schema(example = "Biên bản kiểm tra CCHC 2026.pdf")]
    pub filename: String,
    /// The type decided from the file's content: PDF, DOCX, XLSX, PNG or JPEG.
    #[schema(example = "application/pdf")]
    pub content_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the bytes, lowercase hex.
    #[schema(example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    pub sha256: String,
    /// Whether a part cites it; a cited file stays.
    pub cited: bool,
    pub uploaded_at: DateTime<FixedOffset>,
    /// Name of the token that uploaded it.
    pub uploaded_by: String,
    /// Where to download the bytes.
    #[schema(example = "/api/v1/assessments/3/files/12/content")]
    pub download_url: String,
}

/// A file as a citation names it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssessmentFileRef {
    pub id: i64,
    #[schema(example = "Biên bản kiểm tra CCHC 2026.pdf")]
    pub filename: String,
    #[schema(example = "/api/v1/assessments/3/files/12/content")]
    pub download_url: String,
}

page_of!(
    AssessmentFilePage,
    AssessmentFile,
    "A page of a round's files, oldest first."
);

/// The `multipart/form-data` body of an upload. Only documents the form: the handler reads the
/// parts as a stream, so the size limit holds while reading.
#[derive(Debug, ToSchema)]
pub struct AssessmentFileUpload {
    /// The file, sent as a file part with its name: PDF, DOCX, XLSX, PNG or JPEG, decided from
    /// its content.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// The unit whose evidence it is. A reporter uploads for its own unit (it may name it);
    /// the Office names a unit with parts in the round, or none for its own file.
    #[schema(example = "VP")]
    pub unit_code: Option<String>,
}

/// The path a round's file is downloaded from.
pub fn download_url(assessment_id: i64, id: i64) -> String {
    format!("/api/v1/assessments/{assessment_id}/files/{id}/content")
}
