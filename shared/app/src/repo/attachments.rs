//! Files of a submission: upload, list, read, download and delete, with the same access rules
//! as the submission itself.
//!
//! An upload writes the object first, under a new unique key, and then the row in one
//! transaction (which also bumps the submission's revision). If the store fails, nothing is
//! recorded and the caller gets `storage_unavailable`; if the transaction fails, the object is
//! deleted again (best effort: an orphaned object is harmless, a row without its bytes is not).
//! A delete goes the other way: the row first, then the object.

use bytes::Bytes;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use rand::Rng;

use serde_json::json;

use crate::authz::Principal;
use crate::authz::{self, PeopleOnly};
use crate::repo::audit::{self, Entry};
use crate::repo::submissions::{editable, readable, touch, EditableSubmission};
use crate::repo::upload_form;
use crate::storage::Storage;
use cchc_db::schema::{
    indicators, period_indicators, submission_attachments, submission_evidence, submissions,
};
use cchc_domain::error::{Error, FieldError, Result};
use cchc_domain::model::attachment::{Attachment, AttachmentPage, AttachmentPurpose};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::PageParams;
use cchc_domain::rules::attachments::sha256_hex;
use cchc_domain::validation::Checker;
use cchc_excel::files::check_file;

pub use crate::repo::upload_form::{UploadForm, UploadedFile};

use cchc_db::attachments::AttachmentRow;

/// The first step of [`upload`]: whether `principal` may add files to submission `id` now
/// (`authz::may_file_for`, on a report that is editable while its unit may file). Exposed so
/// a handler refuses a caller before it reads the body; [`upload`] starts with the same step
/// and repeats it under the row lock.
pub async fn authorize_upload(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
) -> Result<()> {
    editable(conn, id, principal, false).await.map(|_| ())
}

/// What a checked upload will record.
struct CheckedUpload {
    purpose: AttachmentPurpose,
    indicator_id: Option<i64>,
    filename: String,
    content_type: &'static str,
    bytes: Bytes,
}

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
    let purpose = match form.purpose.as_deref().map(str::trim) {
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
    let indicator_id = match form.indicator_code.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => {
            let id: Option<i64> = period_indicators::table
                .inner_join(indicators::table)
                .filter(period_indicators::period_id.eq(submission.period_id))
                .filter(indicators::code.eq(code))
                .select(indicators::id)
                .first(conn)
                .await
                .optional()?;
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
            let attachment_id = diesel::insert_into(submission_attachments::table)
                .values((
                    submission_attachments::submission_id.eq(id),
                    submission_attachments::purpose.eq(upload.purpose),
                    submission_attachments::filename.eq(&upload.filename),
                    submission_attachments::content_type.eq(upload.content_type),
                    submission_attachments::size_bytes.eq(size_bytes),
                    submission_attachments::sha256.eq(&sha256),
                    submission_attachments::storage_key.eq(&key),
                    submission_attachments::indicator_id.eq(upload.indicator_id),
                    submission_attachments::uploaded_at.eq(now),
                    submission_attachments::uploaded_by.eq(&principal.name),
                ))
                .returning(submission_attachments::id)
                .get_result(conn)
                .await?;
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

/// The attachment row and its submission's unit, if `principal` may read it.
async fn find_readable(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
) -> Result<(AttachmentRow, Option<String>)> {
    let found: Option<(AttachmentRow, Option<String>, i64)> = submission_attachments::table
        .inner_join(submissions::table)
        .left_join(indicators::table)
        .filter(submission_attachments::id.eq(id))
        .select((
            AttachmentRow::as_select(),
            indicators::code.nullable(),
            submissions::unit_id,
        ))
        .first(conn)
        .await
        .optional()?;
    match found {
        // Another unit's file does not exist for a reporter.
        Some((row, code, unit_id)) => {
            authz::may_read_unit(principal, unit_id, "attachment")?;
            Ok((row, code))
        }
        None => Err(Error::not_found("attachment")),
    }
}

pub async fn get(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
) -> Result<Attachment> {
    authz::refuse_integrations(principal, PeopleOnly::Reports)?;
    let (row, code) = find_readable(conn, id, principal).await?;
    Ok(row.into_model(code))
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    submission_id: i64,
    page: PageParams,
    principal: &Principal,
) -> Result<AttachmentPage> {
    authz::refuse_integrations(principal, PeopleOnly::Reports)?;
    let (page, per_page) = page.validate()?;
    readable(conn, submission_id, principal).await?;
    let total: i64 = submission_attachments::table
        .filter(submission_attachments::submission_id.eq(submission_id))
        .count()
        .get_result(conn)
        .await?;
    let rows: Vec<(AttachmentRow, Option<String>)> = submission_attachments::table
        .left_join(indicators::table)
        .filter(submission_attachments::submission_id.eq(submission_id))
        .order(submission_attachments::id)
        .limit(per_page)
        .offset(PageParams::offset(page, per_page))
        .select((AttachmentRow::as_select(), indicators::code.nullable()))
        .load(conn)
        .await?;
    Ok(AttachmentPage {
        items: rows
            .into_iter()
            .map(|(row, code)| row.into_model(code))
            .collect(),
        page,
        per_page,
        total,
    })
}

/// A file's description and bytes.
pub struct Download {
    pub attachment: Attachment,
    pub bytes: Bytes,
}

pub async fn download(
    conn: &mut AsyncPgConnection,
    storage: &Storage,
    id: i64,
    principal: &Principal,
) -> Result<Download> {
    authz::refuse_integrations(principal, PeopleOnly::Reports)?;
    let (row, code) = find_readable(conn, id, principal).await?;
    let bytes = storage.get(&row.storage_key).await?;
    let attachment = row.into_model(code);
    Ok(Download { attachment, bytes })
}

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
            let citing: Vec<(i16, String)> = submission_evidence::table
                .filter(submission_evidence::submission_id.eq(row.submission_id))
                .filter(submission_evidence::attachment_id.eq(id))
                .order(submission_evidence::sort_order)
                .select((submission_evidence::sort_order, submission_evidence::title))
                .load(conn)
                .await?;
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
            diesel::delete(submission_attachments::table.find(id))
                .execute(conn)
                .await?;
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
