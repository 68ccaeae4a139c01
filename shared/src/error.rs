//! The error type of the shared layer. The API turns it into `application/problem+json`;
//! every variant but `Database`/`Internal` is the caller's fault and maps to a 4xx.

pub type Result<T, E = Error> = std::result::Result<T, E>;

pub use cchc_domain::error::{FieldError, Invalid};

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
    Database(diesel::result::Error),
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

/// A stored text column this build does not know: the database holds something the code
/// does not understand, which is a server-side error.
impl From<crate::model::UnknownVariant> for Error {
    fn from(unknown: crate::model::UnknownVariant) -> Self {
        Self::Internal(unknown.to_string())
    }
}

/// The one place a database conflict becomes a 409: a unique violation that slipped past a
/// use case's own pre-check (two concurrent creates), or a transaction PostgreSQL could not
/// serialize. Known constraints get the code and field their pre-check uses.
impl From<diesel::result::Error> for Error {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error as DieselError};
        match &error {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                let (code, field, detail) = duplicate_key(info.constraint_name());
                Self::Conflict {
                    code,
                    detail: detail.to_owned(),
                    errors: field
                        .map(|field| vec![FieldError::new(field, code, detail)])
                        .unwrap_or_default(),
                }
            }
            DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                Self::conflict(
                    "concurrent_change",
                    "another request changed the same data at the same moment; nothing was \
                     saved, read it again and retry",
                )
            }
            _ => Self::Database(error),
        }
    }
}

/// Code, field and message of a duplicate key, by the constraint PostgreSQL names.
fn duplicate_key(constraint: Option<&str>) -> (&'static str, Option<&'static str>, &'static str) {
    match constraint.unwrap_or_default() {
        "submissions_period_id_unit_id_key" => (
            "submission_exists",
            Some("unit_code"),
            "this unit already has a submission for the period (created at the same moment); \
             read it instead of creating another",
        ),
        "units_code_key" => (
            "duplicate_code",
            Some("code"),
            "another unit already has this code",
        ),
        "units_qlvb_code_key" => (
            "duplicate_qlvb_code",
            Some("qlvb_code"),
            "another unit already has this QLVB code",
        ),
        "indicators_code_key" => (
            "duplicate_code",
            Some("code"),
            "another indicator already has this code",
        ),
        "periods_code_key" => (
            "duplicate_code",
            Some("code"),
            "another period already has this code",
        ),
        "unit_contacts_one_head_idx" => (
            "duplicate_head",
            Some("head"),
            "the unit already has a head",
        ),
        "documents_number_idx" => (
            "duplicate_document_number",
            Some("number"),
            "a document with this number was registered at the same moment; read it instead",
        ),
        "qlvb_events_token_id_event_id_key" => (
            "event_id_reused",
            Some("id"),
            "an event with this id was received at the same moment; send it again to get its \
             answer",
        ),
        _ => (
            "conflict",
            None,
            "the record was created or changed by another request at the same moment; read it \
             again and retry",
        ),
    }
}

impl From<crate::storage::StorageError> for Error {
    fn from(error: crate::storage::StorageError) -> Self {
        Self::StorageUnavailable(error.to_string())
    }
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for Error {
    fn from(error: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        Self::Internal(format!("database pool: {error}"))
    }
}

#[cfg(test)]
mod tests {
    use diesel::result::{DatabaseErrorInformation, DatabaseErrorKind, Error as DieselError};

    use super::*;

    struct Violated(Option<&'static str>);

    impl DatabaseErrorInformation for Violated {
        fn message(&self) -> &str {
            "duplicate key value violates unique constraint"
        }
        fn details(&self) -> Option<&str> {
            None
        }
        fn hint(&self) -> Option<&str> {
            None
        }
        fn table_name(&self) -> Option<&str> {
            None
        }
        fn column_name(&self) -> Option<&str> {
            None
        }
        fn constraint_name(&self) -> Option<&str> {
            self.0
        }
        fn statement_position(&self) -> Option<i32> {
            None
        }
    }

    fn database_error(kind: DatabaseErrorKind, constraint: Option<&'static str>) -> Error {
        Error::from(DieselError::DatabaseError(
            kind,
            Box::new(Violated(constraint)),
        ))
    }

    #[test]
    fn a_known_unique_violation_is_the_conflict_its_pre_check_gives() {
        let error = database_error(
            DatabaseErrorKind::UniqueViolation,
            Some("submissions_period_id_unit_id_key"),
        );
        let Error::Conflict { code, errors, .. } = error else {
            panic!("expected a conflict, got {error:?}");
        };
        assert_eq!(code, "submission_exists");
        assert_eq!(errors[0].field, "unit_code");
    }

    #[test]
    fn any_other_unique_violation_is_a_generic_conflict() {
        for constraint in [Some("some_future_key"), None] {
            let error = database_error(DatabaseErrorKind::UniqueViolation, constraint);
            assert!(
                matches!(
                    error,
                    Error::Conflict {
                        code: "conflict",
                        ..
                    }
                ),
                "{error:?}"
            );
        }
    }

    #[test]
    fn a_serialization_failure_is_a_conflict_to_retry() {
        let error = database_error(DatabaseErrorKind::SerializationFailure, None);
        assert!(matches!(
            error,
            Error::Conflict {
                code: "concurrent_change",
                ..
            }
        ));
    }

    #[test]
    fn other_database_errors_stay_internal() {
        let error = database_error(DatabaseErrorKind::ForeignKeyViolation, None);
        assert!(matches!(error, Error::Database(_)));
        assert!(matches!(
            Error::from(DieselError::NotFound),
            Error::Database(DieselError::NotFound)
        ));
    }
}
