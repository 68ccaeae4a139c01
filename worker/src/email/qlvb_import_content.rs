//! What the mail about a report received through QLVB says when it could not be taken as it
//! came: the statistics form's cells with problems, or what the report still misses when the
//! period says arrival through QLVB is the submission. Plain data, like the other contexts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::refs::UnitRef;
use cchc_domain::model::qlvb_import::ImportProblem;

/// The period as the mail names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodLabel {
    pub id: i64,
    /// E.g. `2026-Q4`.
    pub code: String,
    /// E.g. `Báo cáo CCHC Quý IV/2026`.
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QlvbImportProblemsContext {
    pub period: PeriodLabel,
    pub unit: UnitRef,
    /// The unit's deadline (an extension's, or the period's).
    pub deadline: DateTime<Utc>,
    pub submission_id: i64,
    /// The received document, e.g. `12/BC-QLCN`.
    pub document_number: String,
    /// The statistics form's file, when the problems are its cells'.
    pub form_filename: Option<String>,
    /// The form's problems, each naming its cell (nothing of the form was imported).
    pub problems: Vec<ImportProblem>,
    /// What the report still misses (it stays a draft).
    pub missing: Vec<ImportProblem>,
}
