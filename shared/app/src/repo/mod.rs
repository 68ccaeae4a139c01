//! The use cases, one module per area and, where an area has several, one file per action
//! (`units/create.rs`, `periods/status.rs`…). Each one asks `crate::authz` first whether its
//! caller may run it, then validates, reads and writes through `cchc_db`, records the audit
//! entry and the outbox event. Every write runs in one transaction so nothing is half-written.

pub mod assessments;
pub mod attachments;
pub mod audit;
pub mod campaigns;
pub mod consolidation_report;
pub mod criteria;
pub mod documents;
mod drafts;
pub mod events;
pub mod excel;
pub mod filing;
pub mod holidays;
pub mod idempotency;
pub mod indicators;
pub mod jobs;
pub mod notifications;
pub mod periods;
pub mod pinned_versions;
pub mod plans;
pub mod qlvb;
pub mod report_facts;
pub mod report_workbook;
pub mod schedule;
pub mod submissions;
pub mod task_notifications;
pub mod tasks;
pub mod tokens;
pub mod units;
pub mod upload_form;
pub mod webhooks;

use chrono::{DateTime, FixedOffset, Utc};
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use cchc_domain::error::Error;
use cchc_domain::rules::local_time::to_local;

pub(crate) fn local(instant: DateTime<Utc>) -> DateTime<FixedOffset> {
    to_local(instant)
}

pub(crate) fn local_opt(instant: Option<DateTime<Utc>>) -> Option<DateTime<FixedOffset>> {
    instant.map(to_local)
}

/// `ILIKE` pattern matching `text` anywhere, with the pattern characters escaped.
pub(crate) fn contains_pattern(text: &str) -> String {
    let escaped = text
        .trim()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Turns a unique violation that slipped past the pre-check (two concurrent creates) into the
/// same 409 the pre-check gives.
pub(crate) fn map_unique(
    error: DieselError,
    code: &'static str,
    field: &str,
    detail: String,
) -> Error {
    match error {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
            Error::conflict_on(code, field, detail)
        }
        other => Error::from(other),
    }
}
