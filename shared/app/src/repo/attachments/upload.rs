//! Adding a file to a report: the form checked, the bytes stored, then the row.

use bytes::Bytes;
use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use rand::Rng;
use serde_json::json;

use super::read::get;
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::submissions::{editable, touch, EditableSubmission};
use crate::repo::upload_form::{self, UploadForm};
use crate::storage::Storage;
use cchc_db::attachments::{self, NewAttachment};
use cchc_db::periods;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::attachment::{Attachment, AttachmentPurpose};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::rules::attachments::sha256_hex;
use cchc_domain::validation::Checker;
use cchc_excel::files::check_file;

/// What a checked upload will record.
struct CheckedUpload {
    purpose: AttachmentPurpose,
    indicator_id: Option<i64>,
    filename: String,
    content_type: &'static str,
    bytes: Bytes,
}

/// The form checked field by field, the indicator resolved and the file sniffed.
async fn check_form(
    conn: &mut AsyncPgConnection,
    submission: &EditableSubmission,
    form: UploadForm,
) -> Result<CheckedUpload> {
    let mut check = Checker::new();
    for name in &form.unknown_fields {
        check.push(
            name.as_str(),
            "unknown_field",
            "not a field of this form; send file, purpose and optionally indicator_code",
        );
    }
    upload_form::check_repeated(&mut check, &form);
    let purpose = match form.text("purpose").map(str::trim) {
        None | Some("") => {
            check.push(
                "purpose",
                "required",
                "say what the file is: narrative, statistics or evidence",
            );
            None
        }
        Some(text) => match text.parse::<AttachmentPurpose>() {
            Ok(purpose) => Some(purpose),
            Err(_) => {
                check.push(
                    "purpose",
                    "invalid_value",
                    format!(
                        "{text:?} is not a purpose; expected narrative, statistics or evidence"
                    ),
                );
                None
            }
        },
    };
    let indicator_id = match form.text("indicator_code").map(str::trim) {
        None | Some("") => None,
        Some(code) => {
            let id = periods::indicator_id_by_code(conn, submission.period_id, code).await?;
            if id.is_none() {
                check.push(
                    "indicator_code",
                    "unknown_indicator",
                    format!("{code} is not an indicator of this period"),
                );
            }
            id
        }
    };
    let filename = upload_form::check_file_part(&mut check, &form);
    check.finish()?;
    let (Some(purpose), Some(file), Some(filename)) = (purpose, form.file, filename) else {
        return Err(Error::Internal("upload checked without its parts".into()));
    };
    let file_type = check_file(purpose, &file.bytes).map_err(|problem| {
        let message = problem.message(purpose);
        upload_form::refused_file("file", problem, message)
    })?;
    Ok(CheckedUpload {
        purpose,
        indicator_id,
        filename,
        content_type: file_type.content_type(),
        bytes: file.bytes,
    })
}

/// A fresh, unguessable key; never reused, so a failed upload cannot clobber another's bytes.
fn new_key(submission_id: i64) -> String {
    let random: u128 = rand::rng().random();
    format!("submissions/{submission_id}/{random:032x}")
}

/// Adds a file to submission `id`. See the module comment for the order of writes.
pub async fn upload(
    conn: &mut AsyncPgConnection,
    storage: &Storage,
    id: i64,
    form: UploadForm,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Attachment> {
    let submission = editable(conn, id, principal, false).await?;
    let upload = check_form(conn, &submission, form).await?;
    let sha256 = sha256_hex(&upload.bytes);
    let size_bytes = i64::try_from(upload.bytes.len())
        .map_err(|_| Error::Internal("file size overflows i64".into()))?;
    let key = new_key(id);
    // 1. The bytes: if the store fails, nothing has been recorded yet.
    storage.put(&key, upload.bytes.clone()).await?;
    // 2. The row, with the submission's new revision, in one transaction.
    let recorded = conn
        .transaction(async |conn| -> Result<i64> {
            let submission = editable(conn, id, principal, true).await?;
            let row = NewAttachment {
                submission_id: id,
                purpose: upload.purpose,
                filename: &upload.filename,
                content_type: upload.content_type,
                size_bytes,
                sha256: &sha256,
                storage_key: &key,
                indicator_id: upload.indicator_id,
                uploaded_at: now,
                uploaded_by: &principal.name,
            };
            let attachment_id = attachments::insert(conn, &row).await?;
            touch(conn, &submission, now).await?;
            let recorded = json!({
                "submission_id": id,
                "purpose": upload.purpose,
                "filename": upload.filename,
                "content_type": upload.content_type,
                "size_bytes": size_bytes,
                "sha256": sha256,
            });
            let entry = Entry::created(EntityType::Attachment, attachment_id, &recorded)?;
            audit::record(conn, actor, now, entry).await?;
            Ok(attachment_id)
        })
        .await;
    let attachment_id = match recorded {
        Ok(attachment_id) => attachment_id,
        Err(error) => {
            // 3. No row, so the bytes must go too.
            if let Err(cleanup) = storage.delete(&key).await {
                tracing::warn!(%key, error = %cleanup, "could not remove the object of a failed upload");
            }
            return Err(error);
        }
    };
    get(conn, attachment_id, principal).await
}
