//! Removing a file nobody cites: the row, then the object.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::json;

use super::super::refuse_when_closed;
use super::find_readable;
use crate::authz::{self, Principal};
use crate::repo::audit::{self, Entry};
use crate::storage::Storage;
use cchc_db::tasks;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::token::Role;

/// Removes file `id` of task `task_id`: the Office, or a reporter of the unit whose file it
/// is, while the task's plan is not closed. A file a report or declaration cites stays on
/// record (409 `task_file_cited`): the history shows what the units showed.
pub async fn delete_file(
    conn: &mut AsyncPgConnection,
    storage: &Storage,
    task_id: i64,
    id: i64,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    let key = conn
        .transaction(async |conn| -> Result<String> {
            let (row, involved) = find_readable(conn, task_id, id, principal).await?;
            authz::may_report_on_task(principal, &involved)?;
            if principal.role == Role::Reporter && principal.unit_id != Some(row.unit_id) {
                return Err(Error::Forbidden(
                    "a reporter removes only its own unit's files".into(),
                ));
            }
            let task = tasks::find(conn, task_id, true)
                .await?
                .ok_or(Error::not_found("task"))?;
            refuse_when_closed(conn, task.plan_id).await?;
            if !tasks::cited_files(conn, &[id]).await?.is_empty() {
                return Err(Error::conflict(
                    "task_file_cited",
                    "a report or declaration in the task's history cites this file; it stays on record",
                ));
            }
            tasks::delete_file(conn, id).await?;
            let removed = json!({
                "task_id": task_id,
                "unit_id": row.unit_id,
                "filename": row.filename,
                "content_type": row.content_type,
                "size_bytes": row.size_bytes,
                "sha256": row.sha256,
            });
            audit::record(
                conn,
                actor,
                now,
                Entry::deleted(EntityType::TaskFile, id, &removed)?,
            )
            .await?;
            Ok(row.storage_key)
        })
        .await?;
    // The row is gone; an object left behind by a failing store is only wasted space.
    if let Err(error) = storage.delete(&key).await {
        tracing::warn!(%key, %error, "could not remove the object of a deleted task file");
    }
    Ok(())
}
