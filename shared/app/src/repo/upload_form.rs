//! A multipart upload as the API hands it over, and the checks every upload form shares (a
//! submission's file and a document's file alike): parts sent twice, the file part present as
//! a file with a usable name and not empty, and a file of a type its purpose does not take
//! refused as the 415 (422 when empty) naming the field. Each form adds its own fields.

use bytes::Bytes;
use cchc_domain::error::{Error, FieldError};
use cchc_domain::rules::attachments::{sanitize_filename, FileProblem};
use cchc_domain::validation::Checker;

/// An upload as the form carried it, before any check.
#[derive(Debug, Clone, Default)]
pub struct UploadForm {
    /// The text fields the form has (each once), as sent.
    pub fields: Vec<(String, String)>,
    pub file: Option<UploadedFile>,
    /// Parts this form does not have.
    pub unknown_fields: Vec<String>,
    /// Parts sent more than once.
    pub repeated_fields: Vec<String>,
}

impl UploadForm {
    /// Text field `name`, if the form carried it.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
    }
}

#[derive(Debug, Clone)]
pub struct UploadedFile {
    /// The name in the part's `Content-Disposition`; `None` when the part was sent as a plain
    /// field rather than a file.
    pub filename: Option<String>,
    pub bytes: Bytes,
}

/// Every part the form carried more than once.
pub(crate) fn check_repeated(check: &mut Checker, form: &UploadForm) {
    for name in &form.repeated_fields {
        check.push(name.as_str(), "repeated", "send this field once");
    }
}

/// The `file` part: present, sent as a file with a name that is not empty once cleaned, not
/// empty. Gives the clean name when all holds.
pub(crate) fn check_file_part(check: &mut Checker, form: &UploadForm) -> Option<String> {
    let Some(file) = &form.file else {
        check.push(
            "file",
            "required",
            "send the file as a form part named file, with its file name",
        );
        return None;
    };
    let filename = match file.filename.as_deref().map(sanitize_filename) {
        None => {
            check.push(
                "file",
                "not_a_file",
                "send file as a file part, with a file name in its Content-Disposition",
            );
            None
        }
        Some(None) => {
            check.push(
                "file",
                "invalid_filename",
                "the file name is empty once folders and control characters are removed",
            );
            None
        }
        Some(Some(clean)) => Some(clean),
    };
    if file.bytes.is_empty() {
        check.push("file", FileProblem::Empty.code(), "the file is empty");
    }
    filename
}

/// The answer to a file whose content its purpose does not take: 422 for an empty file, 415
/// for a type not allowed, both naming `field`; `message` is the purpose's own wording.
pub(crate) fn refused_file(field: &str, problem: FileProblem, message: String) -> Error {
    match problem {
        FileProblem::Empty => Error::invalid(field, problem.code(), message),
        FileProblem::Unsupported { .. } => Error::UnsupportedFileType {
            detail: format!("{field}: {message}"),
            errors: vec![FieldError::new(field, problem.code(), message)],
        },
    }
}
