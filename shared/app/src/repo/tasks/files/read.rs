//! A task's files: one, a page of them, or one's bytes, for whoever may read the task.

use bytes::Bytes;
use diesel_async::AsyncPgConnection;

use super::super::{find, involved};
use super::{assemble, find_readable};
use crate::authz::{self, Principal};
use crate::storage::Storage;
use cchc_db::{tasks, units};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::task_file::{TaskFile, TaskFilePage};
use cchc_domain::model::PageParams;

pub async fn get_file(
    conn: &mut AsyncPgConnection,
    task_id: i64,
    id: i64,
    principal: &Principal,
) -> Result<TaskFile> {
    let (row, _) = find_readable(conn, task_id, id, principal).await?;
    assemble(conn, vec![row])
        .await?
        .pop()
        .ok_or(Error::not_found("task file"))
}

/// The files of task `task_id`, oldest first; only unit `unit_code`'s when given.
pub async fn list_files(
    conn: &mut AsyncPgConnection,
    task_id: i64,
    unit_code: Option<&str>,
    page: PageParams,
    principal: &Principal,
) -> Result<TaskFilePage> {
    authz::read_plans(principal)?;
    let (page, per_page) = page.validate()?;
    let (task, coordinating) = find(conn, task_id, false).await?;
    authz::may_read_task(principal, &involved(&task, &coordinating))?;
    let unit_id = match unit_code.map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(code) => Some(units::find_id_by_code(conn, code).await?.ok_or_else(|| {
            Error::invalid(
                "unit_code",
                "unknown_unit",
                format!("no unit has the code {code:?}"),
            )
        })?),
    };
    let offset = PageParams::offset(page, per_page);
    let (rows, total) = tasks::files_of_task(conn, task_id, unit_id, per_page, offset).await?;
    Ok(TaskFilePage {
        items: assemble(conn, rows).await?,
        page,
        per_page,
        total,
    })
}

/// A file's description and bytes.
pub struct TaskFileDownload {
    pub file: TaskFile,
    pub bytes: Bytes,
}

pub async fn download_file(
    conn: &mut AsyncPgConnection,
    storage: &Storage,
    task_id: i64,
    id: i64,
    principal: &Principal,
) -> Result<TaskFileDownload> {
    let (row, _) = find_readable(conn, task_id, id, principal).await?;
    let bytes = storage.get(&row.storage_key).await?;
    let file = assemble(conn, vec![row])
        .await?
        .pop()
        .ok_or(Error::not_found("task file"))?;
    Ok(TaskFileDownload { file, bytes })
}
