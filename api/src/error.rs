//! Every error leaves as RFC 9457 `application/problem+json` with a stable `code`.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use cchc_domain::error::{Error as CoreError, FieldError};
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// URI naming the kind of problem: `urn:cchc:problem:<code>`.
    #[serde(rename = "type")]
    #[schema(example = "urn:cchc:problem:validation_failed")]
    pub problem_type: String,
    /// Short summary of the kind of problem (the HTTP reason phrase).
    #[schema(example = "Unprocessable Entity")]
    pub title: String,
    #[schema(example = 422)]
    pub status: u16,
    /// What went wrong this time, for a person.
    #[schema(example = "the request has invalid fields")]
    pub detail: String,
    /// Stable machine-readable code; clients branch on this.
    #[schema(example = "validation_failed")]
    pub code: String,
    /// Per-field problems, when the problem is with specific fields.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Core(#[from] CoreError),
    #[error("{detail}")]
    BadRequest {
        code: &'static str,
        detail: String,
        errors: Vec<FieldError>,
    },
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    /// Refused (403) with its own code, e.g. `unknown_person`.
    #[error("{detail}")]
    Refused { code: &'static str, detail: String },
    #[error("no such resource")]
    RouteNotFound,
    #[error("{method} is not allowed here; allowed: {}", allowed.join(", "))]
    MethodNotAllowed {
        method: String,
        allowed: Vec<String>,
    },
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("the file is larger than the limit of {limit} bytes")]
    FileTooLarge { limit: usize },
    #[error("the request body must be {expected}")]
    UnsupportedMediaType { expected: &'static str },
    #[error("the database is unavailable")]
    DatabaseUnavailable(String),
    #[error("{0}")]
    NotReady(String),
    #[error("too many requests from this caller; try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("the request took longer than {secs} s, so it was cancelled and nothing was changed")]
    RequestTimeout { secs: u64 },
}

impl ApiError {
    pub fn bad_request(
        code: &'static str,
        detail: impl Into<String>,
        errors: Vec<FieldError>,
    ) -> Self {
        Self::BadRequest {
            code,
            detail: detail.into(),
            errors,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Core(CoreError::NotFound { .. }) | Self::RouteNotFound => "not_found",
            Self::Core(CoreError::Conflict { code, .. }) => code,
            Self::Core(CoreError::Validation { .. }) => "validation_failed",
            Self::Core(CoreError::Unprocessable { code, .. }) => code,
            Self::Core(CoreError::Forbidden(_)) => "forbidden",
            Self::Core(CoreError::PreconditionFailed(_)) => "precondition_failed",
            Self::Core(CoreError::PreconditionRequired) => "precondition_required",
            Self::Core(CoreError::UnsupportedFileType { .. }) => "unsupported_file_type",
            Self::Core(CoreError::StorageUnavailable(_)) => "storage_unavailable",
            Self::Core(
                CoreError::Unauthorized { code, .. }
                | CoreError::TooLarge { code, .. }
                | CoreError::Upstream { code, .. },
            ) => code,
            Self::Core(CoreError::Database(e)) if e.is_statement_timeout() => "database_timeout",
            Self::Core(CoreError::Database(_) | CoreError::Internal(_)) => "internal_error",
            Self::BadRequest { code, .. } => code,
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::Unauthenticated(_) => "unauthenticated",
            Self::Forbidden(_) => "forbidden",
            Self::Refused { code, .. } => code,
            Self::PayloadTooLarge { .. } | Self::FileTooLarge { .. } => "payload_too_large",
            Self::UnsupportedMediaType { .. } => "unsupported_media_type",
            Self::DatabaseUnavailable(_) => "database_unavailable",
            Self::NotReady(_) => "not_ready",
            Self::RateLimited { .. } => "rate_limited",
            Self::RequestTimeout { .. } => "request_timeout",
        }
    }

    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        let (detail, errors) = match self {
            Self::Core(CoreError::Conflict { detail, errors, .. }) => {
                (detail.clone(), errors.clone())
            }
            Self::Core(CoreError::Validation { errors }) => (self.to_string(), errors.clone()),
            Self::Core(CoreError::UnsupportedFileType { detail, errors }) => {
                (detail.clone(), errors.clone())
            }
            // The store's own message may name directories or buckets; the log has it.
            Self::Core(CoreError::StorageUnavailable(_)) => (
                "the file store is unavailable, so nothing was saved; try again later".to_owned(),
                Vec::new(),
            ),
            Self::FileTooLarge { limit } => (
                self.to_string(),
                vec![FieldError::new(
                    "file",
                    "too_large",
                    format!("must be at most {limit} bytes"),
                )],
            ),
            Self::Core(
                CoreError::Unprocessable { detail, errors, .. }
                | CoreError::TooLarge { detail, errors, .. }
                | CoreError::Upstream { detail, errors, .. },
            ) => (detail.clone(), errors.clone()),
            Self::Core(CoreError::Database(e)) if e.is_statement_timeout() => (
                "the database took too long to answer, so the request was cancelled and nothing \
                 was changed; try again later"
                    .to_owned(),
                Vec::new(),
            ),
            // Never leak internals; the log has them.
            Self::Core(CoreError::Database(_) | CoreError::Internal(_)) => (
                "an unexpected error occurred; it has been logged".to_owned(),
                Vec::new(),
            ),
            Self::BadRequest { detail, errors, .. } => (detail.clone(), errors.clone()),
            other => (other.to_string(), Vec::new()),
        };
        Problem {
            problem_type: format!("urn:cchc:problem:{}", self.code()),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            code: self.code().to_owned(),
            errors,
        }
    }
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for ApiError {
    fn from(error: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        Self::DatabaseUnavailable(error.to_string())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Core(CoreError::NotFound { .. }) | Self::RouteNotFound => StatusCode::NOT_FOUND,
            Self::Core(CoreError::Conflict { .. }) => StatusCode::CONFLICT,
            Self::Core(CoreError::Validation { .. } | CoreError::Unprocessable { .. }) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Self::Core(CoreError::Forbidden(_)) => StatusCode::FORBIDDEN,
            Self::Core(CoreError::PreconditionFailed(_)) => StatusCode::PRECONDITION_FAILED,
            Self::Core(CoreError::PreconditionRequired) => StatusCode::PRECONDITION_REQUIRED,
            Self::Core(CoreError::UnsupportedFileType { .. }) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Core(CoreError::StorageUnavailable(_)) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Core(CoreError::Unauthorized { .. }) => StatusCode::UNAUTHORIZED,
            Self::Core(CoreError::TooLarge { .. }) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Core(CoreError::Upstream { .. }) => StatusCode::BAD_GATEWAY,
            Self::Core(CoreError::Database(e)) if e.is_statement_timeout() => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::Core(CoreError::Database(_) | CoreError::Internal(_)) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) | Self::Refused { .. } => StatusCode::FORBIDDEN,
            Self::PayloadTooLarge { .. } | Self::FileTooLarge { .. } => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            Self::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::DatabaseUnavailable(_) | Self::NotReady(_) | Self::RequestTimeout { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if status.is_server_error() {
            tracing::error!(error = %self, debug = ?self, "request failed");
        }
        let mut response = HttpResponse::build(status);
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        if let Self::MethodNotAllowed { allowed, .. } = self {
            response.insert_header((header::ALLOW, allowed.join(", ")));
        }
        if let Self::RateLimited { retry_after_secs } = self {
            response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
        }
        if matches!(self, Self::Unauthenticated(_)) {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"cchc\""));
        }
        response.body(serde_json::to_string(&self.problem()).unwrap_or_else(|_| "{}".to_owned()))
    }
}
