//! Files attached to a unit's submission: the Word narrative, the Excel statistics and the
//! evidence documents (tài liệu kiểm chứng).

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use crate::model::page_of;
use crate::text_enum;

text_enum! {
    /// What a file is for; each purpose takes its own file types.
    pub enum AttachmentPurpose {
        /// The narrative report (báo cáo thuyết minh): DOCX, DOC or PDF.
        Narrative => "narrative",
        /// The statistics tables (biểu số liệu): XLSX or XLS.
        Statistics => "statistics",
        /// An evidence document (tài liệu kiểm chứng): PDF, DOCX, XLSX, PNG or JPEG.
        Evidence => "evidence",
    }
}

/// A file of a submission.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Attachment {
    pub id: i64,
    pub submission_id: i64,
    pub purpose: AttachmentPurpose,
    /// The name it was uploaded under, without any folder; downloads use it.
    #[schema(example = "Báo cáo CCHC Quý IV-2026.docx")]
    pub filename: String,
    /// The type decided from the file's content, not from its name or the declared type.
    #[schema(example = "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    pub content_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the bytes, lowercase hex.
    #[schema(example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    pub sha256: String,
    /// The indicator the file supports, if any.
    #[schema(example = "TTHC-CONGKHAI")]
    pub indicator_code: Option<String>,
    pub uploaded_at: DateTime<FixedOffset>,
    /// Name of the token that uploaded it.
    pub uploaded_by: String,
    /// Where to download the bytes.
    #[schema(example = "/api/v1/attachments/42/content")]
    pub download_url: String,
}

page_of!(
    AttachmentPage,
    Attachment,
    "A page of a submission's files, oldest first."
);

/// The `multipart/form-data` body of an upload. Only documents the form: the handler reads the
/// parts as a stream, so the size limit holds while reading.
#[derive(Debug, ToSchema)]
pub struct AttachmentUpload {
    /// The file, sent as a file part with its name. Its type is decided from its content.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    pub purpose: AttachmentPurpose,
    /// The indicator (of the submission's period) the file supports.
    #[schema(example = "TTHC-CONGKHAI")]
    pub indicator_code: Option<String>,
}

/// The path a file of a report is downloaded from.
pub fn download_url(id: i64) -> String {
    format!("/api/v1/attachments/{id}/content")
}
