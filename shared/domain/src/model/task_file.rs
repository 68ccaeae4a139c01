//! A unit's own files of evidence on a task (a scanned minute, a photo of a notice board, a
//! spreadsheet of results): uploaded to the task, then cited by a progress report or a
//! declaration with `evidence[].file_id`, as registry documents are with `document_id`.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use crate::model::page_of;
use crate::model::plan::UnitRef;

/// A file of evidence on a task.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskFile {
    pub id: i64,
    pub task_id: i64,
    /// The unit whose evidence it is: the task's lead unit or a coordinating unit.
    pub unit: UnitRef,
    /// The name it was uploaded under, without any folder; downloads use it.
    #[schema(example = "Biên bản rà soát TTHC.pdf")]
    pub filename: String,
    /// The type decided from the file's content: PDF, DOCX, XLSX, PNG or JPEG.
    #[schema(example = "application/pdf")]
    pub content_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the bytes, lowercase hex.
    #[schema(example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    pub sha256: String,
    /// Whether a report or declaration of the task's history cites it; a cited file stays.
    pub cited: bool,
    pub uploaded_at: DateTime<FixedOffset>,
    /// Name of the token that uploaded it.
    pub uploaded_by: String,
    /// Where to download the bytes.
    #[schema(example = "/api/v1/tasks/7/files/3/content")]
    pub download_url: String,
}

/// A file as a citation names it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskFileRef {
    pub id: i64,
    #[schema(example = "Biên bản rà soát TTHC.pdf")]
    pub filename: String,
    #[schema(example = "/api/v1/tasks/7/files/3/content")]
    pub download_url: String,
}

page_of!(
    TaskFilePage,
    TaskFile,
    "A page of a task's files, oldest first."
);

/// The `multipart/form-data` body of an upload. Only documents the form: the handler reads the
/// parts as a stream, so the size limit holds while reading.
#[derive(Debug, ToSchema)]
pub struct TaskFileUpload {
    /// The file, sent as a file part with its name: PDF, DOCX, XLSX, PNG or JPEG, decided from
    /// its content.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// The unit whose evidence it is. A reporter uploads for its own unit (it may name it);
    /// the Office names the unit, or uploads for the lead unit.
    #[schema(example = "VP")]
    pub unit_code: Option<String>,
}

/// The path a task's file is downloaded from.
pub fn download_url(task_id: i64, id: i64) -> String {
    format!("/api/v1/tasks/{task_id}/files/{id}/content")
}
