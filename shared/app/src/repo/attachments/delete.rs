//! Removing a file from a report that may still change: the row, then the object.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::json;

use super::read::find_readable;
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::submissions::{editable, touch};
use crate::storage::Storage;
use cchc_db::{attachments, submissions};
use cchc_domain::error::{Error, FieldError, Result};
use cchc_domain::model::audit::{Actor, EntityType};

/// Removes a file while its submission may change. A file that an evidence citation links to
/// is refused (409 `attachment_cited`) rather than unlinked: the citation would silently lose
/// its document. Remove the link (PATCH the evidence) first.
pub async fn delete(
    conn: &mut AsyncPgConnection,
    storage: &Storage,
    id: i64,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    let key = conn
        .transaction(async |conn| -> Result<String> {
            let (row, _) = find_readable(conn, id, principal).await?;
            let submission = editable(conn, row.submission_id, principal, true).await?;
            let citing = submissions::citations_of_attachment(conn, row.submission_id, id).await?;
            if !citing.is_empty() {
                return Err(Error::Conflict {
                    code: "attachment_cited",
                    detail: format!(
                        "{} evidence citation(s) link to this file; remove the link first",
                        citing.len()
                    ),
                    errors: citing
                        .into_iter()
                        .map(|(index, title)| {
                            FieldError::new(
                                format!("evidence[{index}].attachment_id"),
                                "attachment_cited",
                                format!("the citation {title:?} links to this file"),
                            )
                        })
                        .collect(),
                });
            }
            attachments::delete(conn, id).await?;
            touch(conn, &submission, now).await?;
            let removed = json!({
                "submission_id": row.submission_id,
                "purpose": row.purpose,
                "filename": row.filename,
                "content_type": row.content_type,
                "size_bytes": row.size_bytes,
                "sha256": row.sha256,
            });
            audit::record(
                conn,
                actor,
                now,
                Entry::deleted(EntityType::Attachment, id, &removed)?,
            )
            .await?;
            Ok(row.storage_key)
        })
        .await?;
    // The row is gone; an object left behind by a failing store is only wasted space.
    if let Err(error) = storage.delete(&key).await {
        tracing::warn!(%key, %error, "could not remove the object of a deleted attachment");
    }
    Ok(())
}
