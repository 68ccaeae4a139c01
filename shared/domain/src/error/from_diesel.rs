//! Diesel's errors as the service's: the one place a database conflict becomes a 409.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::{DatabaseFailure, Error, FieldError};

/// The one place a database conflict becomes a 409: a unique violation that slipped past a
/// use case's own pre-check (two concurrent creates), or a transaction PostgreSQL could not
/// serialize. Known constraints get the code and field their pre-check uses.
impl From<diesel::result::Error> for Error {
    fn from(error: diesel::result::Error) -> Self {
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
            DieselError::DatabaseError(_, info) => Self::Database(DatabaseFailure::new(
                error.to_string(),
                info.message().contains("statement timeout"),
            )),
            // A stored value this build cannot read, such as an unknown vocabulary value: the
            // code's fault, not the database's. Diesel's message names only the field; the
            // causes below it name the type and the value, so the log keeps them.
            DieselError::DeserializationError(cause) => {
                let mut message = error.to_string();
                let mut source = cause.source();
                while let Some(cause) = source {
                    message = format!("{message}: {cause}");
                    source = cause.source();
                }
                Self::Internal(message)
            }
            _ => Self::Database(DatabaseFailure::new(error.to_string(), false)),
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
        "documents_number_symbol_idx" => (
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

#[cfg(test)]
mod tests {
    use diesel::result::DatabaseErrorInformation;

    use super::*;

    /// What PostgreSQL said: its message and the constraint it names, if any.
    struct Said {
        message: &'static str,
        constraint: Option<&'static str>,
    }

    impl DatabaseErrorInformation for Said {
        fn message(&self) -> &str {
            self.message
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
            self.constraint
        }
        fn statement_position(&self) -> Option<i32> {
            None
        }
    }

    fn database_error(kind: DatabaseErrorKind, constraint: Option<&'static str>) -> Error {
        Error::from(DieselError::DatabaseError(
            kind,
            Box::new(Said {
                message: "duplicate key value violates unique constraint",
                constraint,
            }),
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
        let Error::Database(failure) = Error::from(DieselError::NotFound) else {
            panic!("a missing row is a database failure here");
        };
        assert!(!failure.is_statement_timeout());
    }

    /// A field that could not be read, with what was wrong with it (as diesel reports it).
    #[derive(Debug)]
    struct Field(crate::model::UnknownVariant);

    impl std::fmt::Display for Field {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("Error deserializing field 'status'")
        }
    }

    impl std::error::Error for Field {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn an_unreadable_stored_value_is_internal_and_names_its_cause() {
        let unknown = crate::model::UnknownVariant {
            kind: "PeriodStatus",
            value: "reopened".into(),
        };
        let error = Error::from(DieselError::DeserializationError(Box::new(Field(unknown))));
        let Error::Internal(message) = error else {
            panic!("expected an internal error, got {error:?}");
        };
        assert_eq!(
            message,
            r#"Error deserializing field 'status': unknown PeriodStatus value "reopened""#
        );
    }

    #[test]
    fn a_statement_cancelled_by_the_timeout_says_so() {
        let error = Error::from(DieselError::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new(Said {
                message: "canceling statement due to statement timeout",
                constraint: None,
            }),
        ));
        let Error::Database(failure) = error else {
            panic!("expected a database failure, got {error:?}");
        };
        assert!(failure.is_statement_timeout());
        assert!(failure.to_string().contains("statement timeout"));
    }
}
