//! Adding a unit's file of evidence to a task: the form checked, the bytes stored, then the row.

use bytes::Bytes;
use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use rand::Rng;
use serde_json::json;

use super::super::progress::reporting_unit;
use super::super::{find, involved, require_open_for_reports};
use super::read::get_file;
use crate::authz::{self, Principal};
use crate::repo::audit::{self, Entry};
use crate::repo::upload_form::{self, UploadForm};
use crate::storage::Storage;
use cchc_db::tasks::{self, NewTaskFile};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::attachment::AttachmentPurpose;
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::task_file::TaskFile;
use cchc_domain::rules::attachments::sha256_hex;
use cchc_domain::validation::Checker;
use cchc_excel::files::check_file;

/// The most files a task holds: evidence, not an archive.
pub const MAX_FILES_PER_TASK: i64 = 200;

/// The text fields of the form, besides `file`.
pub const FORM_FIELDS: &[&str] = &["unit_code"];

/// The first step of [`upload_file`]: whether `principal` may add files to task `id` now (a
/// unit of the task or the Office, while the task takes reports). Exposed so a handler refuses
/// a caller before it reads the body; [`upload_file`] repeats it under the row lock.
pub async fn authorize_file_upload(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
) -> Result<()> {
    let (row, coordinating) = find(conn, id, false).await?;
    authz::may_report_on_task(principal, &involved(&row, &coordinating))?;
    require_open_for_reports(conn, &row).await
}

/// What a checked upload records.
struct CheckedFile {
    unit_id: i64,
    filename: String,
    content_type: &'static str,
    bytes: Bytes,
}

/// Adds a file to task `id`. See the module comment for the order of writes.
pub async fn upload_file(
    conn: &mut AsyncPgConnection,
    storage: &Storage,
    id: i64,
    form: UploadForm,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<TaskFile> {
    let checked = check_form(conn, id, form, principal).await?;
    let sha256 = sha256_hex(&checked.bytes);
    let size_bytes = i64::try_from(checked.bytes.len())
        .map_err(|_| Error::Internal("file size overflows i64".into()))?;
    let random: u128 = rand::rng().random();
    let key = format!("tasks/{id}/{random:032x}");
    // The bytes first, then the row after the same checks under the task's lock.
    let record = async || {
        conn.transaction(async |conn| -> Result<i64> {
            let (row, coordinating) = find(conn, id, true).await?;
            authz::may_report_on_task(principal, &involved(&row, &coordinating))?;
            require_open_for_reports(conn, &row).await?;
            if tasks::count_files(conn, id).await? >= MAX_FILES_PER_TASK {
                return Err(Error::conflict(
                    "too_many_files",
                    format!(
                        "the task holds {MAX_FILES_PER_TASK} files already; remove one nobody cites first"
                    ),
                ));
            }
            let file = NewTaskFile {
                task_id: id,
                unit_id: checked.unit_id,
                filename: &checked.filename,
                content_type: checked.content_type,
                size_bytes,
                sha256: &sha256,
                storage_key: &key,
                uploaded_at: now,
                uploaded_by: &principal.name,
            };
            let file_id = tasks::insert_file(conn, &file).await?;
            let recorded = json!({
                "task_id": id,
                "unit_id": checked.unit_id,
                "filename": checked.filename,
                "content_type": checked.content_type,
                "size_bytes": size_bytes,
                "sha256": sha256,
            });
            audit::record(
                conn,
                actor,
                now,
                Entry::created(EntityType::TaskFile, file_id, &recorded)?,
            )
            .await?;
            Ok(file_id)
        })
        .await
    };
    let file_id = storage
        .put_then_record(&key, checked.bytes.clone(), record)
        .await?;
    get_file(conn, id, file_id, principal).await
}

/// The form checked field by field, the unit resolved and the file sniffed.
async fn check_form(
    conn: &mut AsyncPgConnection,
    id: i64,
    form: UploadForm,
    principal: &Principal,
) -> Result<CheckedFile> {
    let (row, coordinating) = find(conn, id, false).await?;
    let involved = involved(&row, &coordinating);
    authz::may_report_on_task(principal, &involved)?;
    require_open_for_reports(conn, &row).await?;
    let mut check = Checker::new();
    for name in &form.unknown_fields {
        check.push(
            name.as_str(),
            "unknown_field",
            "not a field of this form; send file and optionally unit_code",
        );
    }
    upload_form::check_repeated(&mut check, &form);
    let unit_id = reporting_unit(
        conn,
        &mut check,
        principal,
        form.text("unit_code"),
        &involved,
        row.lead_unit_id,
    )
    .await?;
    let filename = upload_form::check_file_part(&mut check, &form);
    check.finish()?;
    let (Some(file), Some(filename)) = (form.file, filename) else {
        return Err(Error::Internal("upload checked without its parts".into()));
    };
    let purpose = AttachmentPurpose::Evidence;
    let file_type = check_file(purpose, &file.bytes).map_err(|problem| {
        let message = problem.message(purpose);
        upload_form::refused_file("file", problem, message)
    })?;
    Ok(CheckedFile {
        unit_id,
        filename,
        content_type: file_type.content_type(),
        bytes: file.bytes,
    })
}
