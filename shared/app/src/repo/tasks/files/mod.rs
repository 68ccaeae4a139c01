//! A task's files of evidence: a unit of the task uploads its own file (a scanned minute, a
//! photo, a spreadsheet of results), then cites it in a progress report or a declaration with
//! `evidence[].file_id`. Whoever reads the task reads its files; the uploading unit's reporter
//! or the Office removes a file nobody cites.
//!
//! As for a report's files: an upload writes the object under a new unique key first, then the
//! row in one transaction (the object is deleted again if that fails); a removal deletes the
//! row, then the object.

mod delete;
mod read;
mod upload;

use diesel_async::AsyncPgConnection;

use super::{find, involved};
use crate::authz::{self, Principal};
use cchc_db::refs;
use cchc_db::tasks::TaskFileRow;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::task_file::{download_url, TaskFile};

pub use delete::delete_file;
pub use read::{download_file, get_file, list_files, TaskFileDownload};
pub use upload::{authorize_file_upload, upload_file, FORM_FIELDS};

/// File `id` of task `task_id` and the task's units, if `principal` may read the task.
async fn find_readable(
    conn: &mut AsyncPgConnection,
    task_id: i64,
    id: i64,
    principal: &Principal,
) -> Result<(TaskFileRow, Vec<i64>)> {
    authz::read_plans(principal)?;
    let (task, coordinating) = find(conn, task_id, false).await?;
    let involved = involved(&task, &coordinating);
    authz::may_read_task(principal, &involved)?;
    let row = cchc_db::tasks::find_file(conn, task_id, id)
        .await?
        .ok_or(Error::not_found("task file"))?;
    Ok((row, involved))
}

/// Rows as the API shows them, with their units and whether a citation names them.
async fn assemble(conn: &mut AsyncPgConnection, rows: Vec<TaskFileRow>) -> Result<Vec<TaskFile>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let cited = cchc_db::tasks::cited_files(conn, &ids).await?;
    let mut unit_ids: Vec<i64> = rows.iter().map(|r| r.unit_id).collect();
    unit_ids.sort_unstable();
    unit_ids.dedup();
    let units = refs::unit_refs(conn, &unit_ids).await?;
    rows.into_iter()
        .map(|row| {
            let unit = units
                .get(&row.unit_id)
                .cloned()
                .ok_or_else(|| Error::Internal(format!("unit {} of a task file", row.unit_id)))?;
            Ok(TaskFile {
                download_url: download_url(row.task_id, row.id),
                cited: cited.contains(&row.id),
                uploaded_at: crate::repo::local(row.uploaded_at),
                id: row.id,
                task_id: row.task_id,
                unit,
                filename: row.filename,
                content_type: row.content_type,
                size_bytes: row.size_bytes,
                sha256: row.sha256,
                uploaded_by: row.uploaded_by,
            })
        })
        .collect()
}
