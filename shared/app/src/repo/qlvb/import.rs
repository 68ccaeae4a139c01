//! A unit's report received through QLVB, into the unit's report in this service (inside the
//! event's transaction, after the document was matched and linked):
//!
//! - a workbook that is this service's statistics form for the unit and period is imported
//!   through the path of `POST /submissions/{id}/import.xlsx` ([`excel::apply_form`]): the same
//!   rules, revision and audit (the actor is the integration), but no `If-Match`; any other
//!   workbook (another form, another unit's or period's, an unreadable file) is only filed with
//!   the document, as before;
//! - a Word or PDF file becomes a narrative attachment of the report;
//! - when the period says arrival through QLVB is the submission, the report is submitted at
//!   the instant QLVB received it, or, incomplete, stays a draft;
//! - what went wrong (the form's cells, what is missing) is mailed to the unit's focal persons.
//!
//! Only a draft or returned report, in a period still taking reports, is changed; otherwise
//! the answer says why in `not_changed`. Each change runs in its own savepoint, so a refused
//! import leaves the event, its document and its link recorded.

use bytes::Bytes;
use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use rand::Rng;
use serde_json::json;

use crate::authz::Principal;
use crate::jobs::{BackgroundJob, QlvbImportProblems};
use crate::repo::audit::{self, Entry};
use crate::repo::documents::StoredFile;
use crate::repo::pinned_versions::PinnedVersions;
use crate::repo::submissions::{self, editable, submit_at, touch};
use crate::repo::{excel, jobs, schedule};
use crate::storage::Storage;
use cchc_db::attachments::{self, NewAttachment};
use cchc_domain::error::{Error, FieldError, Result};
use cchc_domain::model::attachment::AttachmentPurpose;
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::qlvb_import::{ImportProblem, ImportedAttachment, QlvbImport};
use cchc_domain::model::submission::{IfMatch, Submission};
use cchc_domain::model::token::Role;
use cchc_domain::rules::attachments::{sha256_hex, FileType};
use cchc_excel::files::check_file;
use cchc_excel::import::FormError;

/// The report a received document was matched to.
pub(super) struct Arrival<'a> {
    pub submission_id: i64,
    pub unit_id: i64,
    pub unit_code: &'a str,
    pub period_id: i64,
    pub document_number: &'a str,
    /// When QLVB received the document: the event's `occurred_at`, never later than `now`.
    pub received_at: DateTime<Utc>,
    /// The event's row, naming the mails it enqueues.
    pub event_row: i64,
}

/// What the import needs besides the connection and the arrival.
pub(super) struct Context<'a> {
    pub storage: &'a Storage,
    pub versions: &'a PinnedVersions,
    pub integration: &'a Principal,
    pub actor: &'a Actor,
    pub now: DateTime<Utc>,
}

/// The integration acting for the unit it delivered the report of: the unit's own rights on
/// its report (a unit's figures, never the Office's), under the integration's name.
fn acting_for(integration: &Principal, unit_id: i64, unit_code: &str) -> Principal {
    Principal {
        token_id: integration.token_id,
        name: integration.name.clone(),
        role: Role::Reporter,
        unit_id: Some(unit_id),
        unit_code: Some(unit_code.to_owned()),
    }
}

fn problem(error: &FieldError) -> ImportProblem {
    ImportProblem {
        field: error.field.clone(),
        code: error.code.clone(),
        message: error.message.clone(),
    }
}

/// Why a report is not changed, in Vietnamese, for a refusal of the submission's rules; any
/// other error is not the report's state and goes up.
fn not_changed(error: Error) -> Result<String> {
    match error {
        Error::Conflict { code, .. } => Ok(match code {
            "submission_not_editable" | "invalid_transition" => {
                "báo cáo của đơn vị đã được gửi hoặc đã được chấp nhận; chỉ báo cáo nháp hoặc bị \
                 trả lại mới được cập nhật từ văn bản nhận qua QLVB"
                    .to_owned()
            }
            "period_closed" => "kỳ báo cáo đã khóa sổ; Văn phòng có thể gia hạn cho đơn vị".into(),
            "period_not_open" => "kỳ báo cáo chưa mở".into(),
            other => format!("báo cáo không được cập nhật ({other})"),
        }),
        Error::Forbidden(_) | Error::NotFound { .. } => {
            Ok("báo cáo không được cập nhật: đơn vị không có quyền với báo cáo này".into())
        }
        other => Err(other),
    }
}

/// Vietnamese for what the completeness rules find missing.
fn missing_vi(error: &FieldError) -> ImportProblem {
    let indicator = error
        .field
        .strip_prefix("values.")
        .and_then(|rest| rest.split('.').next())
        .unwrap_or(error.field.as_str());
    let message = match (error.code.as_str(), error.field.rsplit('.').next()) {
        ("required", Some("numerator")) => format!("chỉ tiêu {indicator}: chưa có tử số"),
        ("required", Some("denominator")) => format!("chỉ tiêu {indicator}: chưa có mẫu số"),
        ("required", _) => format!(
            "chỉ tiêu {indicator}: chưa có số liệu (nhập số liệu hoặc đánh dấu không áp dụng)"
        ),
        ("explanation_required", _) => format!("chỉ tiêu {indicator}: chưa có giải trình"),
        ("evidence_required", _) => {
            format!("chỉ tiêu {indicator}: chưa có tài liệu kiểm chứng")
        }
        ("denominator_zero", _) => format!(
            "chỉ tiêu {indicator}: mẫu số bằng 0; nếu không có gì để đếm, hãy đánh dấu không áp \
             dụng và giải trình"
        ),
        ("numerator_exceeds_denominator", _) => {
            format!("chỉ tiêu {indicator}: tử số lớn hơn mẫu số")
        }
        _ => format!("chỉ tiêu {indicator}: {}", error.message),
    };
    ImportProblem {
        field: error.field.clone(),
        code: error.code.clone(),
        message,
    }
}

/// Reads the event's new workbooks for the unit's form; imports the first that is one.
async fn import_form(
    conn: &mut AsyncPgConnection,
    ctx: &Context<'_>,
    acting: &Principal,
    current: &Submission,
    files: &[StoredFile],
    import: &mut QlvbImport,
) -> Result<()> {
    let workbooks = files
        .iter()
        .filter(|f| f.content_type == FileType::Xlsx.content_type());
    for file in workbooks {
        let bytes = ctx.storage.get(&file.key).await?;
        let parsed = match excel::read_form(bytes, current).await {
            Ok(parsed) => parsed,
            Err(FormError::Cells(errors)) => {
                import.form_filename = Some(file.filename.clone());
                import.problems = errors.iter().map(problem).collect();
                return Ok(());
            }
            // Not this unit's form for this period: filed with the document only.
            Err(FormError::Mismatch(_) | FormError::InvalidWorkbook(_) | FormError::Refused(_)) => {
                continue
            }
        };
        import.form_filename = Some(file.filename.clone());
        let applied = excel::apply_form(
            conn,
            ctx.versions,
            &parsed,
            &IfMatch::Any,
            acting,
            ctx.actor,
            ctx.now,
            current.id,
        )
        .await;
        match applied {
            Ok(submission) => {
                import.indicators_imported = parsed.values.keys().cloned().collect();
                import.warnings = submission
                    .import_warnings
                    .into_iter()
                    .map(|w| w.message)
                    .collect();
            }
            Err(Error::Unprocessable { errors, .. } | Error::Validation { errors }) => {
                import.problems = errors.iter().map(problem).collect();
            }
            Err(other) => import.not_changed = Some(not_changed(other)?),
        }
        return Ok(());
    }
    Ok(())
}

/// The event's new Word and PDF files as narrative attachments of the report. `written` gets
/// the objects stored, for removal if the transaction fails.
async fn attach_narratives(
    conn: &mut AsyncPgConnection,
    ctx: &Context<'_>,
    acting: &Principal,
    submission_id: i64,
    files: &[StoredFile],
    written: &mut Vec<String>,
) -> Result<Vec<ImportedAttachment>> {
    let mut attached = Vec::new();
    for file in files {
        let bytes: Bytes = ctx.storage.get(&file.key).await?;
        let Ok(file_type) = check_file(AttachmentPurpose::Narrative, &bytes) else {
            continue;
        };
        let report = editable(conn, submission_id, acting, true).await?;
        let random: u128 = rand::rng().random();
        let key = format!("submissions/{submission_id}/{random:032x}");
        ctx.storage.put(&key, bytes.clone()).await?;
        written.push(key.clone());
        let sha256 = sha256_hex(&bytes);
        let size_bytes = i64::try_from(bytes.len())
            .map_err(|_| Error::Internal("file size overflows i64".into()))?;
        let row = NewAttachment {
            submission_id,
            purpose: AttachmentPurpose::Narrative,
            filename: &file.filename,
            content_type: file_type.content_type(),
            size_bytes,
            sha256: &sha256,
            storage_key: &key,
            indicator_id: None,
            uploaded_at: ctx.now,
            uploaded_by: &ctx.integration.name,
        };
        let id = attachments::insert(conn, &row).await?;
        touch(conn, &report, ctx.now).await?;
        let recorded = json!({
            "submission_id": submission_id,
            "purpose": AttachmentPurpose::Narrative,
            "filename": file.filename,
            "content_type": file_type.content_type(),
            "size_bytes": size_bytes,
            "sha256": sha256,
            "via": "qlvb",
        });
        let entry = Entry::created(EntityType::Attachment, id, &recorded)?;
        audit::record(conn, ctx.actor, ctx.now, entry).await?;
        attached.push(ImportedAttachment {
            id,
            filename: file.filename.clone(),
            purpose: AttachmentPurpose::Narrative.to_string(),
        });
    }
    Ok(attached)
}

/// Submits the report at the instant QLVB received it, or records what is missing.
async fn submit_on_arrival(
    conn: &mut AsyncPgConnection,
    ctx: &Context<'_>,
    acting: &Principal,
    arrival: &Arrival<'_>,
    import: &mut QlvbImport,
) -> Result<()> {
    let submitted = submit_at(
        conn,
        ctx.versions,
        arrival.submission_id,
        acting,
        ctx.actor,
        ctx.now,
        arrival.received_at,
    )
    .await;
    match submitted {
        Ok(submission) => {
            import.submitted = true;
            import.submitted_at = submission.last_submitted_at;
            import.timeliness = submission.timeliness;
        }
        Err(Error::Validation { errors }) => {
            import.missing = errors.iter().map(missing_vi).collect();
        }
        Err(other) => import.not_changed = Some(not_changed(other)?),
    }
    Ok(())
}

/// Tells each focal person of the unit what went wrong, through the outbox.
async fn enqueue_mail(
    conn: &mut AsyncPgConnection,
    arrival: &Arrival<'_>,
    import: &QlvbImport,
    now: DateTime<Utc>,
) -> Result<()> {
    let contacts = schedule::contacts_of(conn, &[arrival.unit_id]).await?;
    let focal_persons = contacts
        .get(&arrival.unit_id)
        .map(|c| c.focal_persons.clone())
        .unwrap_or_default();
    for recipient in focal_persons {
        let key = format!(
            "qlvb_import:{}:{}:{}",
            arrival.submission_id,
            arrival.event_row,
            recipient.email.trim().to_lowercase()
        );
        let job = QlvbImportProblems {
            submission_id: arrival.submission_id,
            document_number: arrival.document_number.to_owned(),
            form_filename: import.form_filename.clone(),
            problems: import.problems.clone(),
            missing: import.missing.clone(),
            recipient,
        }
        .to_new_job(key, now)?;
        jobs::enqueue(conn, &job, now).await?;
    }
    Ok(())
}

/// See the module comment. `files` are the event's files new to the document; `written`
/// gets the objects this stores.
pub(super) async fn import(
    conn: &mut AsyncPgConnection,
    ctx: &Context<'_>,
    arrival: &Arrival<'_>,
    files: &[StoredFile],
    written: &mut Vec<String>,
) -> Result<QlvbImport> {
    let acting = acting_for(ctx.integration, arrival.unit_id, arrival.unit_code);
    let mut import = QlvbImport::default();
    let current = match submissions::check_update(
        conn,
        ctx.versions,
        arrival.submission_id,
        &IfMatch::Any,
        &acting,
    )
    .await
    {
        Ok(current) => current,
        Err(error) => {
            import.not_changed = Some(not_changed(error)?);
            return Ok(import);
        }
    };
    import_form(conn, ctx, &acting, &current, files, &mut import).await?;
    if import.not_changed.is_none() {
        let narrative_files: Vec<StoredFile> = files
            .iter()
            .filter(|f| f.content_type != FileType::Xlsx.content_type())
            .filter(|f| f.content_type != FileType::Xls.content_type())
            .cloned()
            .collect();
        import.attachments = attach_narratives(
            conn,
            ctx,
            &acting,
            arrival.submission_id,
            &narrative_files,
            written,
        )
        .await?;
    }
    let submits = cchc_db::periods::qlvb_arrival_submits(conn, arrival.period_id).await?;
    if submits && import.not_changed.is_none() && import.problems.is_empty() {
        submit_on_arrival(conn, ctx, &acting, arrival, &mut import).await?;
    }
    if import.needs_mail() {
        enqueue_mail(conn, arrival, &import, ctx.now).await?;
    }
    Ok(import)
}

/// The instant a received document counts as delivered: when QLVB says it received it, but
/// never later than its arrival here.
pub(super) fn received_instant(
    occurred_at: DateTime<chrono::FixedOffset>,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    occurred_at.with_timezone(&Utc).min(now)
}
