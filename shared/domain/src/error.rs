//! The errors of the domain: one problem with one input field, and every such problem of an
//! input at once. Callers' error types convert from these (`cchc_shared::Error` does).

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
