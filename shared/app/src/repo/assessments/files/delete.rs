//! Removing a file no part cites: the row, then the object.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::json;

use super::super::{find, refuse_sent};
use super::find_readable;
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::storage::Storage;
use cchc_db::assessment_files as db;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::token::Role;

/// Removes file `file_id` of round `id`: the Office, or a reporter of the unit whose file it
/// is, while the round is open. A file a part cites stays (409 `assessment_file_cited`).
pub async fn delete_file(
    conn: &mut AsyncPgConnection,
    storage: &Storage,
    id: i64,
    file_id: i64,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    let key = conn
        .transaction(async |conn| -> Result<String> {
            let row = find_readable(conn, id, file_id, principal).await?;
            match principal.role {
                Role::Admin | Role::Reporter => {}
                role => {
                    return Err(Error::Forbidden(format!(
                        "the {role} role cannot remove files"
                    )))
                }
            }
            refuse_sent(&find(conn, id, true).await?)?;
            if !db::cited(conn, &[file_id]).await?.is_empty() {
                return Err(Error::conflict(
                    "assessment_file_cited",
                    "a part of the round cites this file; change the part's evidence first",
                ));
            }
            db::delete(conn, file_id).await?;
            let removed = json!({
                "assessment_id": id,
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
                Entry::deleted(EntityType::AssessmentFile, file_id, &removed)?,
            )
            .await?;
            Ok(row.storage_key)
        })
        .await?;
    // The row is gone; an object left behind by a failing store is only wasted space.
    if let Err(error) = storage.delete(&key).await {
        tracing::warn!(%key, %error, "could not remove the object of a deleted assessment file");
    }
    Ok(())
}
