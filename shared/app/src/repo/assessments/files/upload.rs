//! Adding a file of evidence to a round: the form checked, the bytes stored, then the row.

use bytes::Bytes;
use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use rand::Rng;
use serde_json::json;

use super::super::{find, refuse_sent};
use super::read::get_file;
use crate::authz::{self, Principal, UnitScope};
use crate::repo::audit::{self, Entry};
use crate::repo::upload_form::{self, UploadForm};
use crate::storage::Storage;
use cchc_db::assessment_files::{self as db, NewAssessmentFile};
use cchc_db::units;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::assessment_file::AssessmentFile;
use cchc_domain::model::attachment::AttachmentPurpose;
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::token::Role;
use cchc_domain::rules::attachments::sha256_hex;
use cchc_domain::validation::Checker;
use cchc_excel::files::check_file;

/// The most files a round holds: evidence, not an archive.
pub const MAX_FILES_PER_ROUND: i64 = 500;

/// The text fields of the form, besides `file`.
pub const FORM_FIELDS: &[&str] = &["unit_code"];

/// Whether `principal` may add files to round `id` now: the Office, or a reporter of a unit
/// with parts in it, while the round is open. Exposed so a handler refuses a caller before it
/// reads the body; [`upload_file`] repeats it under the round's lock.
pub async fn authorize_file_upload(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
) -> Result<()> {
    authorize(conn, id, principal, false).await
}

async fn authorize(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
    lock: bool,
) -> Result<()> {
    authz::read_plans(principal)?;
    let row = find(conn, id, lock).await?;
    match (principal.role, authz::unit_scope(principal)) {
        (Role::Admin, _) => {}
        (Role::Reporter, UnitScope::Own(Some(own)))
            if db::part_units(conn, id).await?.contains(&own) => {}
        (Role::Reporter, _) => return Err(Error::not_found("assessment")),
        (role, _) => {
            return Err(Error::Forbidden(format!(
                "the {role} role cannot add evidence to a self-assessment"
            )))
        }
    }
    refuse_sent(&row)
}

/// The unit whose file it is: a reporter's own; the Office's named unit (one with parts in
/// the round), or none for its own file.
async fn owner(
    conn: &mut AsyncPgConnection,
    check: &mut Checker,
    id: i64,
    principal: &Principal,
    unit_code: Option<&str>,
) -> Result<Option<i64>> {
    let named = match unit_code.map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(code) => match units::find_id_by_code(conn, code).await? {
            Some(unit) => Some(unit),
            None => {
                check.push(
                    "unit_code",
                    "unknown_unit",
                    format!("no unit has the code {code:?}"),
                );
                return Ok(None);
            }
        },
    };
    if principal.role == Role::Reporter {
        if named.is_some_and(|named| Some(named) != principal.unit_id) {
            check.push(
                "unit_code",
                "not_your_unit",
                "a reporter uploads for its own unit",
            );
        }
        return Ok(principal.unit_id);
    }
    if let Some(unit) = named {
        if !db::part_units(conn, id).await?.contains(&unit) {
            check.push(
                "unit_code",
                "not_involved",
                "the unit has no part in this round",
            );
        }
    }
    Ok(named)
}

/// What a checked upload records.
struct CheckedFile {
    unit_id: Option<i64>,
    filename: String,
    content_type: &'static str,
    bytes: Bytes,
}

async fn check_form(
    conn: &mut AsyncPgConnection,
    id: i64,
    form: UploadForm,
    principal: &Principal,
) -> Result<CheckedFile> {
    authorize(conn, id, principal, false).await?;
    let mut check = Checker::new();
    for name in &form.unknown_fields {
        check.push(
            name.as_str(),
            "unknown_field",
            "not a field of this form; send file and optionally unit_code",
        );
    }
    upload_form::check_repeated(&mut check, &form);
    let unit_id = owner(conn, &mut check, id, principal, form.text("unit_code")).await?;
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

/// Adds a file to round `id`. See the module comment for the order of writes.
pub async fn upload_file(
    conn: &mut AsyncPgConnection,
    storage: &Storage,
    id: i64,
    form: UploadForm,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<AssessmentFile> {
    let checked = check_form(conn, id, form, principal).await?;
    let sha256 = sha256_hex(&checked.bytes);
    let size_bytes = i64::try_from(checked.bytes.len())
        .map_err(|_| Error::Internal("file size overflows i64".into()))?;
    let random: u128 = rand::rng().random();
    let key = format!("assessments/{id}/{random:032x}");
    let record = async || {
        conn.transaction(async |conn| -> Result<i64> {
            authorize(conn, id, principal, true).await?;
            if db::count(conn, id).await? >= MAX_FILES_PER_ROUND {
                return Err(Error::conflict(
                    "too_many_files",
                    format!(
                        "the round holds {MAX_FILES_PER_ROUND} files already; remove one no part cites first"
                    ),
                ));
            }
            let file = NewAssessmentFile {
                assessment_id: id,
                unit_id: checked.unit_id,
                filename: &checked.filename,
                content_type: checked.content_type,
                size_bytes,
                sha256: &sha256,
                storage_key: &key,
                uploaded_at: now,
                uploaded_by: &principal.name,
            };
            let file_id = db::insert(conn, &file).await?;
            let recorded = json!({
                "assessment_id": id,
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
                Entry::created(EntityType::AssessmentFile, file_id, &recorded)?,
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
