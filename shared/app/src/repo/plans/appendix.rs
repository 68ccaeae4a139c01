//! A plan's appendix (phụ lục) as a workbook: exported with every task and its status, and
//! imported back (or typed by an office), creating the tasks whose code is new and rewriting
//! those the plan has, all or nothing, through the same use cases as the API's.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use crate::authz::{self, Principal};
use crate::repo::local;
use crate::repo::tasks;
use cchc_db::units;
use cchc_domain::error::{Error, FieldError, Result};
use cchc_domain::model::audit::Actor;
use cchc_domain::model::plan::AppendixImport;
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::model::task::{CreateTask, Task, TaskFilter, UpdateTask};
use cchc_domain::model::{PageParams, MAX_PER_PAGE};
use cchc_excel::guard::WorkbookRefusal;
use cchc_excel::import::FormError;
use cchc_excel::plan_appendix::{build_appendix, fold, read_appendix, AppendixRow, AppendixRows};

/// The plan's code and its appendix workbook: for those who read the plan's board.
pub async fn export(
    conn: &mut AsyncPgConnection,
    plan_id: i64,
    policy: &ReminderPolicy,
    principal: &Principal,
    now: DateTime<Utc>,
) -> Result<(String, Vec<u8>)> {
    authz::read_plans(principal)?;
    authz::refuse_reporters(principal, "the plan's appendix")?;
    let plan = super::load(conn, plan_id).await?;
    let mut all: Vec<Task> = Vec::new();
    for page in 1.. {
        let params = PageParams {
            page: Some(page),
            per_page: Some(MAX_PER_PAGE),
        };
        let filter = TaskFilter::default();
        let found =
            tasks::list_of_plan(conn, plan_id, &filter, params, policy, principal, now).await?;
        let done = found.items.len() < usize::try_from(MAX_PER_PAGE).unwrap_or(usize::MAX);
        all.extend(found.items);
        if done {
            break;
        }
    }
    let bytes = build_appendix(&plan, &all, local(now))?;
    Ok((plan.code, bytes))
}

/// How long reading a workbook may take, past the guard's own limit.
const READ_TIMEOUT: Duration = Duration::from_secs(15);

async fn read_off_thread(workbook: bytes::Bytes) -> std::result::Result<AppendixRows, FormError> {
    let task = tokio::task::spawn_blocking(move || read_appendix(&workbook));
    match tokio::time::timeout(READ_TIMEOUT, task).await {
        Ok(Ok(read)) => read,
        Ok(Err(error)) => {
            tracing::error!(%error, "reading an appendix failed");
            Err(FormError::from(WorkbookRefusal::Unreadable))
        }
        Err(_) => Err(FormError::from(WorkbookRefusal::TimedOut {
            limit: READ_TIMEOUT,
        })),
    }
}

const APPENDIX: &str = "phụ lục kế hoạch";

/// 422 `validation_failed` naming every bad cell.
fn invalid_cells(errors: Vec<FieldError>) -> Error {
    crate::repo::excel::invalid_cells(APPENDIX, errors)
}

fn form_error(error: FormError) -> Error {
    crate::repo::excel::workbook_problem(
        error,
        &crate::repo::excel::ImportedWorkbook {
            name: APPENDIX,
            mismatch_code: "not_an_appendix",
            mismatch_hint: "tệp không phải phụ lục danh mục nhiệm vụ của kế hoạch; hãy tải \
                            phụ lục của kế hoạch và điền vào"
                .into(),
        },
    )
}

/// Unit codes by the way an office may write a unit: its code, or its name (folded).
fn unit_codes(units: &[(i64, String, String)]) -> HashMap<String, String> {
    let mut by_label = HashMap::new();
    for (_, code, name) in units {
        by_label.insert(fold(code), code.clone());
        by_label.insert(fold(name), code.clone());
    }
    by_label
}

/// The rows with their units resolved to codes; every unknown unit named by its cell.
fn resolve(
    rows: &[AppendixRow],
    units: &HashMap<String, String>,
) -> std::result::Result<Vec<(CreateTask, String)>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut unknown = |cell: &str, written: &str| {
        errors.push(FieldError::new(
            cell,
            "unknown_unit",
            format!("không có đơn vị nào có mã hoặc tên \"{written}\""),
        ));
    };
    let mut resolved = Vec::new();
    for row in rows {
        let lead = units.get(&fold(&row.lead_unit)).cloned();
        if lead.is_none() {
            unknown(&row.lead_cell, &row.lead_unit);
        }
        let mut coordinating = Vec::new();
        for written in &row.coordinating_units {
            match units.get(&fold(written)) {
                Some(code) if Some(code) != lead.as_ref() && !coordinating.contains(code) => {
                    coordinating.push(code.clone())
                }
                Some(_) => {}
                None => unknown(&row.coordinating_cell, written),
            }
        }
        if let Some(lead) = lead {
            let input = CreateTask {
                code: row.code.clone(),
                title: row.title.clone(),
                source_document_id: None,
                content_area: row.content_area,
                lead_unit_code: lead,
                coordinating_unit_codes: coordinating,
                expected_output: row.expected_output.clone(),
                start_date: None,
                due: row.due,
            };
            resolved.push((input, row.code_cell.clone()));
        }
    }
    if errors.is_empty() {
        Ok(resolved)
    } else {
        Err(errors)
    }
}

/// A problem the task rules found in one row, named by the row's STT cell.
fn in_row(error: Error, cell: &str) -> Error {
    match error {
        Error::Validation { errors } => {
            let errors: Vec<FieldError> = errors
                .into_iter()
                .map(|e| {
                    FieldError::new(cell, e.code.clone(), format!("{}: {}", e.field, e.message))
                })
                .collect();
            invalid_cells(errors)
        }
        other => other,
    }
}

/// Imports the appendix in `workbook` into plan `plan_id`: the Office only; all or nothing.
pub async fn import(
    conn: &mut AsyncPgConnection,
    plan_id: i64,
    workbook: bytes::Bytes,
    policy: &ReminderPolicy,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<AppendixImport> {
    authz::require_office_for_plans(principal, "import a plan's tasks")?;
    super::load(conn, plan_id).await?;
    let read = read_off_thread(workbook).await.map_err(form_error)?;
    let units = units::active_names(conn).await?;
    let rows = resolve(&read.rows, &unit_codes(&units)).map_err(invalid_cells)?;
    conn.transaction(async |conn| -> Result<AppendixImport> {
        let filter = cchc_db::tasks::ListFilter {
            plan_id: Some(plan_id),
            ..Default::default()
        };
        let existing: HashMap<String, i64> = cchc_db::tasks::matching(conn, &filter)
            .await?
            .into_iter()
            .map(|row| (row.code, row.id))
            .collect();
        let (mut created, mut updated) = (0, 0);
        for (input, cell) in &rows {
            match existing.get(&input.code) {
                Some(id) => {
                    let changes = UpdateTask {
                        title: Some(input.title.clone()),
                        content_area: Some(input.content_area),
                        lead_unit_code: Some(input.lead_unit_code.clone()),
                        coordinating_unit_codes: Some(input.coordinating_unit_codes.clone()),
                        expected_output: Some(input.expected_output.clone()),
                        start_date: None,
                        due: Some(input.due),
                    };
                    tasks::update(conn, *id, &changes, policy, principal, actor, now)
                        .await
                        .map_err(|e| in_row(e, cell))?;
                    updated += 1;
                }
                None => {
                    tasks::create_in_plan(conn, plan_id, input, policy, principal, actor, now)
                        .await
                        .map_err(|e| in_row(e, cell))?;
                    created += 1;
                }
            }
        }
        Ok(AppendixImport {
            created,
            updated,
            codes: rows.iter().map(|(input, _)| input.code.clone()).collect(),
        })
    })
    .await
}
