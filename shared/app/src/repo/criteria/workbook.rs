//! A criteria set as a workbook: exported for everyone who reads sets, and imported (a
//! province's set typed in Excel, or an exported one edited) as a new draft or in place of a
//! set's criteria, through the same use cases as the JSON API, so every rule, the versioning
//! and the audit apply unchanged. A fault in the tree is answered naming its cell.

use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

use super::input::Replaced;
use super::write::{create, replace};
use super::{authorize_change, load};
use crate::authz::{self, Principal};
use cchc_domain::error::{Error, FieldError, Result};
use cchc_domain::model::audit::Actor;
use cchc_domain::model::criteria::{CreateCriteriaSet, CriteriaSet, ImportCriteriaSet};
use cchc_domain::rules::par_index::parse_classes;
use cchc_excel::criteria_set::{build_criteria_set, read_criteria_set, CriteriaRows};
use cchc_excel::guard::WorkbookRefusal;
use cchc_excel::import::FormError;

/// The set's code, version and workbook.
pub async fn export(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
) -> Result<(String, i32, Vec<u8>)> {
    authz::read_plans(principal)?;
    let set = load(conn, id).await?;
    let bytes = build_criteria_set(&set)?;
    Ok((set.code, set.version, bytes))
}

/// How long reading a workbook may take, past the guard's own limit.
const READ_TIMEOUT: Duration = Duration::from_secs(15);

async fn read_off_thread(workbook: bytes::Bytes) -> std::result::Result<CriteriaRows, FormError> {
    let task = tokio::task::spawn_blocking(move || read_criteria_set(&workbook));
    match tokio::time::timeout(READ_TIMEOUT, task).await {
        Ok(Ok(read)) => read,
        Ok(Err(error)) => {
            tracing::error!(%error, "reading a criteria set failed");
            Err(FormError::from(WorkbookRefusal::Unreadable))
        }
        Err(_) => Err(FormError::from(WorkbookRefusal::TimedOut {
            limit: READ_TIMEOUT,
        })),
    }
}

const CRITERIA_SET: &str = "bộ tiêu chí";

fn invalid_cells(errors: Vec<FieldError>) -> Error {
    crate::repo::excel::invalid_cells(CRITERIA_SET, errors)
}

fn form_error(error: FormError) -> Error {
    crate::repo::excel::workbook_problem(
        error,
        &crate::repo::excel::ImportedWorkbook {
            name: CRITERIA_SET,
            mismatch_code: "not_a_criteria_set",
            mismatch_hint: "tệp không phải bộ tiêu chí; hãy tải bộ tiêu chí dạng Excel và \
                            sửa trên đó"
                .into(),
        },
    )
}

/// The use case's faults in the tree, named by their cells (the set's own fields stay as
/// they are); other errors unchanged.
fn by_cell(error: Error, rows: &CriteriaRows) -> Error {
    match error {
        Error::Validation { errors } if errors.iter().any(|e| rows.cell_of(&e.field).is_some()) => {
            let errors = errors
                .into_iter()
                .map(|mut e| {
                    if let Some(cell) = rows.cell_of(&e.field) {
                        e.field = cell;
                    }
                    e
                })
                .collect();
            invalid_cells(errors)
        }
        other => other,
    }
}

/// A new draft set with `params` and the criteria of `workbook`.
pub async fn import_new(
    conn: &mut AsyncPgConnection,
    params: ImportCriteriaSet,
    workbook: bytes::Bytes,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<CriteriaSet> {
    authorize_change(principal)?;
    let ranking_classes = match params.ranking_classes.as_deref() {
        Some(text) => parse_classes(text)
            .map_err(|message| Error::invalid("ranking_classes", "invalid_classes", message))?,
        None => Vec::new(),
    };
    let rows = read_off_thread(workbook).await.map_err(form_error)?;
    let input = CreateCriteriaSet {
        code: params.code,
        year: params.year,
        title: params.title,
        document_id: params.document_id,
        restored_share_percent: params.restored_share_percent,
        ranking_classes,
        criteria: rows.criteria.clone(),
    };
    create(conn, &input, principal, actor, now)
        .await
        .map_err(|e| by_cell(e, &rows))
}

/// Set `id` with its criteria replaced by those of `workbook`, its own values kept: as
/// `replace`, rewritten or (a round was sent against it) its next version.
pub async fn import_into(
    conn: &mut AsyncPgConnection,
    id: i64,
    workbook: bytes::Bytes,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Replaced> {
    authorize_change(principal)?;
    let set = load(conn, id).await?;
    let rows = read_off_thread(workbook).await.map_err(form_error)?;
    let input = CreateCriteriaSet {
        code: set.code,
        year: set.year,
        title: set.title,
        document_id: set.document.map(|d| d.id),
        restored_share_percent: set.restored_share_percent,
        ranking_classes: set.ranking_classes,
        criteria: rows.criteria.clone(),
    };
    replace(conn, id, &input, principal, actor, now)
        .await
        .map_err(|e| by_cell(e, &rows))
}
