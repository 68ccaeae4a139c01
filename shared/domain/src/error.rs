//! The errors of the service: one problem with one input field, every such problem of an
//! input at once, and [`Error`], what a use case answers when it cannot do what was asked.
//! The API turns an `Error` into `application/problem+json`; every variant but
//! `Database`/`Internal` is the caller's fault and maps to a 4xx.
//!
//! With the `diesel` feature (the database crate turns it on), a diesel error converts into
//! an `Error` in one place: unique violations and serialization failures become 409s.

#[cfg(feature = "diesel")]
mod from_diesel;

use serde::Serialize;
use utoipa::ToSchema;

/// One problem with one input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// Path of the field in the request, e.g. `focal_persons[0].email` or `deadline`.
    pub field: String,
    /// Stable machine-readable code, e.g. `required`, `too_long`, `invalid_email`, `unknown_code`.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
}

impl FieldError {
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

/// Semantically invalid input: every problem found, at once (what
/// [`Checker::finish`](crate::validation::Checker::finish) reports).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the request has invalid fields")]
pub struct Invalid {
    pub errors: Vec<FieldError>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{resource} not found")]
    NotFound { resource: &'static str },
    /// The request is well-formed but conflicts with the current state (duplicate code,
    /// illegal status transition…).
    #[error("{detail}")]
    Conflict {
        code: &'static str,
        detail: String,
        errors: Vec<FieldError>,
    },
    /// Semantically invalid input: every problem found, at once.
    #[error("the request has invalid fields")]
    Validation { errors: Vec<FieldError> },
    /// Input that cannot be processed, with its own code and detail (an uploaded workbook that
    /// is damaged, or the form of another unit…); `errors` may name the offending places.
    #[error("{detail}")]
    Unprocessable {
        code: &'static str,
        detail: String,
        errors: Vec<FieldError>,
    },
    /// The caller may not do this (a viewer writing, a reporter acting for another unit's
    /// report it can see…).
    #[error("{0}")]
    Forbidden(String),
    /// A conditional write came without `If-Match`.
    #[error("send If-Match with the ETag from your last read, so concurrent edits are not lost")]
    PreconditionRequired,
    /// The resource changed since the caller read it (`If-Match` no longer matches).
    #[error("{0}")]
    PreconditionFailed(String),
    /// An uploaded file's content is of a type its purpose does not take.
    #[error("{detail}")]
    UnsupportedFileType {
        detail: String,
        errors: Vec<FieldError>,
    },
    /// The file store failed (unreachable, full, not writable); nothing was recorded.
    #[error("{0}")]
    StorageUnavailable(String),
    /// A signed request whose signature does not hold (bad, missing, or too old): 401 with
    /// its own code (`invalid_signature`, `signature_expired`).
    #[error("{detail}")]
    Unauthorized { code: &'static str, detail: String },
    /// A part of the request is over its size limit: 413 naming the part.
    #[error("{detail}")]
    TooLarge {
        code: &'static str,
        detail: String,
        errors: Vec<FieldError>,
    },
    /// A service this one depends on failed (a file to download from QLVB): 502; nothing was
    /// recorded, so the caller may retry.
    #[error("{detail}")]
    Upstream {
        code: &'static str,
        detail: String,
        errors: Vec<FieldError>,
    },
    /// A database failure that is not the caller's fault. Unique violations and
    /// serialization failures never land here: `From<diesel::result::Error>` turns them into
    /// `Conflict`, so a race between two requests answers 409 wherever it happens.
    #[error("database error: {0}")]
    Database(DatabaseFailure),
    #[error("{0}")]
    Internal(String),
}

impl Error {
    pub fn not_found(resource: &'static str) -> Self {
        Self::NotFound { resource }
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    pub fn conflict_on(code: &'static str, field: &str, detail: impl Into<String>) -> Self {
        let detail = detail.into();
        Self::Conflict {
            code,
            errors: vec![FieldError::new(field, code, detail.clone())],
            detail,
        }
    }

    pub fn invalid(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::Validation {
            errors: vec![FieldError::new(field, code, message)],
        }
    }
}

/// Every problem a [`Checker`](crate::validation::Checker) found: 422 listing them.
impl From<Invalid> for Error {
    fn from(invalid: Invalid) -> Self {
        Self::Validation {
            errors: invalid.errors,
        }
    }
}

/// A database failure that is not the caller's fault, kept as text with the one fact callers
/// act on: whether the statement ran past the statement timeout (SQLSTATE 57014: a 503, not
/// a 500).
#[derive(Debug)]
pub struct DatabaseFailure {
    message: String,
    statement_timeout: bool,
}

impl DatabaseFailure {
    pub fn new(message: impl Into<String>, statement_timeout: bool) -> Self {
        Self {
            message: message.into(),
            statement_timeout,
        }
    }

    /// Whether the query was cancelled by the statement timeout.
    pub fn is_statement_timeout(&self) -> bool {
        self.statement_timeout
    }
}

impl std::fmt::Display for DatabaseFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
