//! The registry of official documents: registration (by hand or from QLVB events), files,
//! links to periods and submissions, and who may see what.
//!
//! - The Office (admin) registers, adds files and links; admins and viewers read everything;
//!   a reporter reads only documents linked to its own unit's submissions; integration tokens
//!   only send events.
//! - A number is unique per issuer and year (Decree 30/2020/NĐ-CP: numbers restart from 01
//!   each year); legal normative documents, which carry the year in their symbol, are numbered
//!   apart. The unique index decides, so two concurrent registrations cannot both win.
//! - Files follow the attachments' order of writes: the object first under a new key, then the
//!   row in one transaction; the object is removed again if the transaction fails.

use std::collections::HashMap;

use bytes::Bytes;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use rand::Rng;
use serde_json::json;

use crate::error::{Error, FieldError, Result};
use crate::files::check_document_file;
use crate::model::audit::{Actor, EntityType};
use crate::model::document::{
    CreateDocument, Document, DocumentDirection, DocumentFile, DocumentFilter, DocumentLink,
    DocumentLinkRole, DocumentPage, DocumentSource, DocumentStatus, LinkDocument, OfficialDocument,
};
use crate::model::period::PeriodStatus;
use crate::model::submission::SubmissionStatus;
use crate::model::token::Role;
use crate::model::{parse_stored, PageParams};
use crate::repo::attachments::UploadForm;
use crate::repo::audit::{self, Entry};
use crate::repo::tokens::Principal;
use crate::repo::{contains_pattern, local, local_opt, periods as periods_repo, units};
use crate::rules::attachments::{sanitize_filename, sha256_hex, FileProblem};
use crate::rules::document_number::{self, DocumentNumber};
use crate::schema::{
    document_files, document_period_links, document_submission_links, documents, period_units,
    periods, submissions, units as units_table,
};
use crate::storage::Storage;
use crate::validation::Checker;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = documents)]
pub(crate) struct DocumentRow {
    pub id: i64,
    pub number_symbol: String,
    pub number: i32,
    pub symbol_year: Option<i32>,
    pub document_type: Option<String>,
    pub issuer: String,
    pub drafter: Option<String>,
    pub issued_on: NaiveDate,
    pub issue_year: i32,
    pub issuing_agency: String,
    pub subject: String,
    pub signer: Option<String>,
    pub direction: String,
    pub source: String,
    pub integration_token_id: Option<i64>,
    pub received_at: Option<DateTime<Utc>>,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = document_files)]
pub(crate) struct FileRow {
    pub id: i64,
    pub document_id: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}

/// The path a document is served from.
pub fn document_url(id: i64) -> String {
    format!("/api/v1/documents/{id}")
}

/// The path a document's file is downloaded from.
pub fn file_download_url(document_id: i64, file_id: i64) -> String {
    format!("/api/v1/documents/{document_id}/files/{file_id}/content")
}

fn file_to_api(row: FileRow) -> DocumentFile {
    DocumentFile {
        download_url: file_download_url(row.document_id, row.id),
        id: row.id,
        document_id: row.document_id,
        filename: row.filename,
        content_type: row.content_type,
        size_bytes: row.size_bytes,
        sha256: row.sha256,
        created_at: local(row.created_at),
        created_by: row.created_by,
    }
}

fn type_name(document_type: Option<&str>) -> String {
    DocumentNumber {
        number: 1,
        year: None,
        document_type: document_type.map(str::to_owned),
        issuer: String::new(),
        drafter: None,
    }
    .type_name()
    .to_owned()
}

/// Integration tokens send events; they do not read the registry.
fn refuse_integrations(principal: &Principal) -> Result<()> {
    if principal.role == Role::Integration {
        return Err(Error::Forbidden(
            "integration tokens send events to /api/v1/integrations/qlvb/events; the registry is for people".into(),
        ));
    }
    Ok(())
}

fn require_admin(principal: &Principal) -> Result<()> {
    if principal.role != Role::Admin {
        return Err(Error::Forbidden(format!(
            "this action needs the admin role; this token has the {} role",
            principal.role
        )));
    }
    Ok(())
}

async fn hydrate(conn: &mut AsyncPgConnection, rows: Vec<DocumentRow>) -> Result<Vec<Document>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut files: HashMap<i64, Vec<DocumentFile>> = HashMap::new();
    for row in document_files::table
        .filter(document_files::document_id.eq_any(&ids))
        .order(document_files::id)
        .select(FileRow::as_select())
        .load(conn)
        .await?
    {
        files
            .entry(row.document_id)
            .or_default()
            .push(file_to_api(row));
    }
    let mut links: HashMap<i64, Vec<DocumentLink>> = HashMap::new();
    let period_links: Vec<(i64, String, DateTime<Utc>, String, i64, String)> =
        document_period_links::table
            .inner_join(periods::table)
            .filter(document_period_links::document_id.eq_any(&ids))
            .order((
                document_period_links::linked_at,
                document_period_links::period_id,
            ))
            .select((
                document_period_links::document_id,
                document_period_links::role,
                document_period_links::linked_at,
                document_period_links::linked_by,
                periods::id,
                periods::code,
            ))
            .load(conn)
            .await?;
    for (document_id, role, linked_at, linked_by, period_id, period_code) in period_links {
        links.entry(document_id).or_default().push(DocumentLink {
            role: parse_stored(&role)?,
            period_id,
            period_code,
            submission_id: None,
            unit_code: None,
            linked_at: local(linked_at),
            linked_by,
        });
    }
    type SubmissionLink = (i64, String, DateTime<Utc>, String, i64, i64, String, String);
    let submission_links: Vec<SubmissionLink> = document_submission_links::table
        .inner_join(
            submissions::table
                .inner_join(periods::table)
                .inner_join(units_table::table),
        )
        .filter(document_submission_links::document_id.eq_any(&ids))
        .order((
            document_submission_links::linked_at,
            document_submission_links::submission_id,
        ))
        .select((
            document_submission_links::document_id,
            document_submission_links::role,
            document_submission_links::linked_at,
            document_submission_links::linked_by,
            submissions::id,
            periods::id,
            periods::code,
            units_table::code,
        ))
        .load(conn)
        .await?;
    for (document_id, role, linked_at, linked_by, submission_id, period_id, period_code, unit) in
        submission_links
    {
        links.entry(document_id).or_default().push(DocumentLink {
            role: parse_stored(&role)?,
            period_id,
            period_code,
            submission_id: Some(submission_id),
            unit_code: Some(unit),
            linked_at: local(linked_at),
            linked_by,
        });
    }
    rows.into_iter()
        .map(|row| {
            Ok(Document {
                type_name: type_name(row.document_type.as_deref()),
                files: files.remove(&row.id).unwrap_or_default(),
                links: links.remove(&row.id).unwrap_or_default(),
                id: row.id,
                number: row.number_symbol,
                number_value: row.number,
                symbol_year: row.symbol_year,
                document_type: row.document_type,
                issuer: row.issuer,
                drafter: row.drafter,
                issued_on: row.issued_on,
                issue_year: row.issue_year,
                issuing_agency: row.issuing_agency,
                subject: row.subject,
                signer: row.signer,
                direction: parse_stored(&row.direction)?,
                source: parse_stored(&row.source)?,
                integration_token_id: row.integration_token_id,
                status: parse_stored(&row.status)?,
                received_at: local_opt(row.received_at),
                created_at: local(row.created_at),
                updated_at: local(row.updated_at),
            })
        })
        .collect()
}

async fn find_row(conn: &mut AsyncPgConnection, id: i64, lock: bool) -> Result<DocumentRow> {
    let query = documents::table.find(id).select(DocumentRow::as_select());
    let row = if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    };
    row.ok_or(Error::not_found("document"))
}

/// The document's row, if `principal` may read it: another unit's document does not exist
/// for a reporter.
async fn readable_row(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
) -> Result<DocumentRow> {
    refuse_integrations(principal)?;
    let row = find_row(conn, id, false).await?;
    if principal.role == Role::Reporter {
        let own: i64 = document_submission_links::table
            .inner_join(submissions::table)
            .filter(document_submission_links::document_id.eq(id))
            .filter(submissions::unit_id.nullable().eq(principal.unit_id))
            .count()
            .get_result(conn)
            .await?;
        if own == 0 {
            return Err(Error::not_found("document"));
        }
    }
    Ok(row)
}

/// A document with its files and links; no access check.
pub(crate) async fn load(conn: &mut AsyncPgConnection, id: i64) -> Result<Document> {
    let row = find_row(conn, id, false).await?;
    hydrate(conn, vec![row])
        .await?
        .pop()
        .ok_or(Error::not_found("document"))
}

pub async fn get(conn: &mut AsyncPgConnection, id: i64, principal: &Principal) -> Result<Document> {
    let row = readable_row(conn, id, principal).await?;
    hydrate(conn, vec![row])
        .await?
        .pop()
        .ok_or(Error::not_found("document"))
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &DocumentFilter,
    page: PageParams,
    principal: &Principal,
) -> Result<DocumentPage> {
    refuse_integrations(principal)?;
    let (page, per_page) = page.validate()?;
    let own_unit = (principal.role == Role::Reporter).then_some(principal.unit_id.unwrap_or(-1));
    let query = || {
        let mut query = documents::table.into_boxed();
        if let Some(status) = filter.status {
            query = query.filter(documents::status.eq(status.as_str()));
        }
        if let Some(direction) = filter.direction {
            query = query.filter(documents::direction.eq(direction.as_str()));
        }
        if let Some(source) = filter.source {
            query = query.filter(documents::source.eq(source.as_str()));
        }
        if let Some(period_id) = filter.period_id {
            query = query.filter(
                documents::id
                    .eq_any(
                        document_period_links::table
                            .filter(document_period_links::period_id.eq(period_id))
                            .select(document_period_links::document_id),
                    )
                    .or(documents::id.eq_any(
                        document_submission_links::table
                            .inner_join(submissions::table)
                            .filter(submissions::period_id.eq(period_id))
                            .select(document_submission_links::document_id),
                    )),
            );
        }
        if let Some(submission_id) = filter.submission_id {
            query = query.filter(
                documents::id.eq_any(
                    document_submission_links::table
                        .filter(document_submission_links::submission_id.eq(submission_id))
                        .select(document_submission_links::document_id),
                ),
            );
        }
        if let Some(unit_id) = own_unit {
            query = query.filter(
                documents::id.eq_any(
                    document_submission_links::table
                        .inner_join(submissions::table)
                        .filter(submissions::unit_id.eq(unit_id))
                        .select(document_submission_links::document_id),
                ),
            );
        }
        if let Some(q) = filter.q.as_deref().filter(|q| !q.trim().is_empty()) {
            let pattern = contains_pattern(q);
            query = query.filter(
                documents::number_symbol
                    .ilike(pattern.clone())
                    .or(documents::subject.ilike(pattern.clone()))
                    .or(documents::issuing_agency.ilike(pattern)),
            );
        }
        query
    };
    let total: i64 = query().count().get_result(conn).await?;
    let rows: Vec<DocumentRow> = query()
        .order(documents::id.desc())
        .limit(per_page)
        .offset(PageParams::offset(page, per_page))
        .select(DocumentRow::as_select())
        .load(conn)
        .await?;
    Ok(DocumentPage {
        items: hydrate(conn, rows).await?,
        page,
        per_page,
        total,
    })
}

/// The document fields every registration checks, under `prefix` (empty for the registry's
/// own body, `data.document.` for events). Returns the parsed number when it is valid.
pub(crate) fn check_fields(
    check: &mut Checker,
    prefix: &str,
    number: &str,
    issuing_agency: &str,
    subject: &str,
    signer: Option<&str>,
) -> Option<DocumentNumber> {
    check.text(&format!("{prefix}issuing_agency"), issuing_agency, 300);
    check.text(&format!("{prefix}subject"), subject, 2000);
    check.optional_text(&format!("{prefix}signer"), signer, 200);
    match document_number::parse(number) {
        Ok(parsed) => Some(parsed),
        Err(reason) => {
            check.push(
                format!("{prefix}number"),
                "invalid_document_number",
                format!("{number:?} is not a number and symbol per Decree 30/2020/NĐ-CP: {reason}"),
            );
            None
        }
    }
}

/// A document about to be recorded.
pub(crate) struct NewDocument<'a> {
    pub parsed: &'a DocumentNumber,
    pub issued_on: NaiveDate,
    pub issuing_agency: &'a str,
    pub subject: &'a str,
    pub signer: Option<&'a str>,
    pub direction: DocumentDirection,
    pub source: DocumentSource,
    pub integration_token_id: Option<i64>,
    pub received_at: Option<DateTime<Utc>>,
    pub status: DocumentStatus,
}

/// The year a number belongs to.
pub(crate) fn issue_year(parsed: &DocumentNumber, issued_on: NaiveDate) -> i32 {
    parsed.year.unwrap_or_else(|| issued_on.year())
}

/// The registered document with the same issuer, year and number, if any.
pub(crate) async fn find_same_number(
    conn: &mut AsyncPgConnection,
    parsed: &DocumentNumber,
    issue_year: i32,
    lock: bool,
) -> Result<Option<DocumentRow>> {
    let number = i32::try_from(parsed.number).unwrap_or(i32::MAX);
    let query = documents::table
        .filter(documents::issuer.eq(&parsed.issuer))
        .filter(documents::issue_year.eq(issue_year))
        .filter(documents::number.eq(number))
        .filter(documents::symbol_year.is_null().eq(parsed.year.is_none()))
        .select(DocumentRow::as_select());
    Ok(if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    })
}

fn duplicate(parsed: &DocumentNumber, issue_year: i32, existing_id: i64) -> Error {
    let detail = format!(
        "number {} of {} for {issue_year} is already registered as document {existing_id} ({})",
        parsed.number,
        parsed.issuer,
        document_url(existing_id)
    );
    Error::Conflict {
        code: "duplicate_document_number",
        errors: vec![FieldError::new(
            "number",
            "duplicate_document_number",
            detail.clone(),
        )],
        detail,
    }
}

/// Inserts the document row and records it; call inside a transaction. A number already
/// registered is a 409 `duplicate_document_number` naming the existing document.
pub(crate) async fn insert(
    conn: &mut AsyncPgConnection,
    new: &NewDocument<'_>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Document> {
    let year = issue_year(new.parsed, new.issued_on);
    if let Some(existing) = find_same_number(conn, new.parsed, year, false).await? {
        return Err(duplicate(new.parsed, year, existing.id));
    }
    let inserted = diesel::insert_into(documents::table)
        .values((
            documents::number_symbol.eq(new.parsed.to_string()),
            documents::number.eq(i32::try_from(new.parsed.number).unwrap_or(i32::MAX)),
            documents::symbol_year.eq(new.parsed.year),
            documents::document_type.eq(new.parsed.document_type.as_deref()),
            documents::issuer.eq(&new.parsed.issuer),
            documents::drafter.eq(new.parsed.drafter.as_deref()),
            documents::issued_on.eq(new.issued_on),
            documents::issue_year.eq(year),
            documents::issuing_agency.eq(new.issuing_agency.trim()),
            documents::subject.eq(new.subject.trim()),
            documents::signer.eq(new.signer.map(str::trim)),
            documents::direction.eq(new.direction.as_str()),
            documents::source.eq(new.source.as_str()),
            documents::integration_token_id.eq(new.integration_token_id),
            documents::received_at.eq(new.received_at),
            documents::status.eq(new.status.as_str()),
            documents::created_at.eq(now),
            documents::updated_at.eq(now),
        ))
        .returning(documents::id)
        .get_result::<i64>(conn)
        .await;
    let id = match inserted {
        Ok(id) => id,
        // A concurrent registration of the same number won the race.
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
            return Err(Error::conflict_on(
                "duplicate_document_number",
                "number",
                format!(
                    "number {} of {} for {year} was registered meanwhile",
                    new.parsed.number, new.parsed.issuer
                ),
            ));
        }
        Err(other) => return Err(other.into()),
    };
    let document = load(conn, id).await?;
    audit::record(
        conn,
        actor,
        now,
        Entry::created(EntityType::Document, id, &document)?,
    )
    .await?;
    Ok(document)
}

/// Registers a document by hand (the Office).
pub async fn create(
    conn: &mut AsyncPgConnection,
    input: &CreateDocument,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Document> {
    require_admin(principal)?;
    let mut check = Checker::new();
    let parsed = check_fields(
        &mut check,
        "",
        &input.number,
        &input.issuing_agency,
        &input.subject,
        input.signer.as_deref(),
    );
    check.finish()?;
    let parsed = parsed.ok_or_else(|| Error::Internal("a checked number is missing".into()))?;
    conn.transaction(async |conn| -> Result<Document> {
        insert(
            conn,
            &NewDocument {
                parsed: &parsed,
                issued_on: input.issued_on,
                issuing_agency: &input.issuing_agency,
                subject: &input.subject,
                signer: input.signer.as_deref(),
                direction: input.direction,
                source: DocumentSource::Manual,
                integration_token_id: None,
                received_at: None,
                status: DocumentStatus::Registered,
            },
            actor,
            now,
        )
        .await
    })
    .await
}

/// A file checked and written to the store, waiting for its row.
#[derive(Debug, Clone)]
pub(crate) struct StoredFile {
    pub filename: String,
    pub content_type: &'static str,
    pub size_bytes: i64,
    pub sha256: String,
    pub key: String,
}

/// A fresh, unguessable key; never reused.
pub(crate) fn new_key() -> String {
    let random: u128 = rand::rng().random();
    format!("documents/{random:032x}")
}

/// Writes checked bytes to the store.
pub(crate) async fn store(
    storage: &Storage,
    filename: String,
    content_type: &'static str,
    bytes: Bytes,
) -> Result<StoredFile> {
    let file = StoredFile {
        filename,
        content_type,
        size_bytes: i64::try_from(bytes.len())
            .map_err(|_| Error::Internal("file size overflows i64".into()))?,
        sha256: sha256_hex(&bytes),
        key: new_key(),
    };
    storage.put(&file.key, bytes).await?;
    Ok(file)
}

/// Removes objects whose rows were never written (best effort).
pub(crate) async fn discard(storage: &Storage, files: &[StoredFile]) {
    for file in files {
        if let Err(error) = storage.delete(&file.key).await {
            tracing::warn!(key = %file.key, %error, "could not remove the object of a failed document write");
        }
    }
}

/// Records a stored file of document `document_id`; call inside a transaction.
pub(crate) async fn insert_file(
    conn: &mut AsyncPgConnection,
    document_id: i64,
    file: &StoredFile,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<i64> {
    let id: i64 = diesel::insert_into(document_files::table)
        .values((
            document_files::document_id.eq(document_id),
            document_files::filename.eq(&file.filename),
            document_files::content_type.eq(file.content_type),
            document_files::size_bytes.eq(file.size_bytes),
            document_files::sha256.eq(&file.sha256),
            document_files::storage_key.eq(&file.key),
            document_files::created_at.eq(now),
            document_files::created_by.eq(&actor.name),
        ))
        .returning(document_files::id)
        .get_result(conn)
        .await?;
    diesel::update(documents::table.find(document_id))
        .set(documents::updated_at.eq(now))
        .execute(conn)
        .await?;
    let recorded = json!({
        "file_id": id,
        "filename": file.filename,
        "content_type": file.content_type,
        "size_bytes": file.size_bytes,
        "sha256": file.sha256,
    });
    audit::record(
        conn,
        actor,
        now,
        Entry {
            entity_type: EntityType::Document,
            entity_id: document_id.to_string(),
            action: "file_added",
            before: None,
            after: Some(recorded),
        },
    )
    .await?;
    Ok(id)
}

/// SHA-256 of the files a document already has.
pub(crate) async fn file_hashes(
    conn: &mut AsyncPgConnection,
    document_id: i64,
) -> Result<Vec<String>> {
    Ok(document_files::table
        .filter(document_files::document_id.eq(document_id))
        .select(document_files::sha256)
        .load(conn)
        .await?)
}

/// Whether `principal` may add files to document `id`; checked before the body is read.
pub async fn check_can_add_file(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
) -> Result<()> {
    require_admin(principal)?;
    find_row(conn, id, false).await.map(|_| ())
}

fn check_form(form: UploadForm) -> Result<(String, &'static str, Bytes)> {
    let mut check = Checker::new();
    let mut unknown = form.unknown_fields;
    if form.purpose.is_some() {
        unknown.push("purpose".into());
    }
    if form.indicator_code.is_some() {
        unknown.push("indicator_code".into());
    }
    for name in &unknown {
        check.push(
            name.as_str(),
            "unknown_field",
            "not a field of this form; send only file",
        );
    }
    for name in &form.repeated_fields {
        check.push(name.as_str(), "repeated", "send this field once");
    }
    let mut filename = None;
    match &form.file {
        None => check.push(
            "file",
            "required",
            "send the file as a form part named file, with its file name",
        ),
        Some(file) => {
            match file.filename.as_deref().map(sanitize_filename) {
                None => check.push(
                    "file",
                    "not_a_file",
                    "send file as a file part, with a file name in its Content-Disposition",
                ),
                Some(None) => check.push(
                    "file",
                    "invalid_filename",
                    "the file name is empty once folders and control characters are removed",
                ),
                Some(Some(clean)) => filename = Some(clean),
            }
            if file.bytes.is_empty() {
                check.push("file", FileProblem::Empty.code(), "the file is empty");
            }
        }
    }
    check.finish()?;
    let (Some(file), Some(filename)) = (form.file, filename) else {
        return Err(Error::Internal("upload checked without its parts".into()));
    };
    let content_type = checked_type("file", &file.bytes)?;
    Ok((filename, content_type, file.bytes))
}

/// The content type of a document's file, or the 415/422 naming `field`.
pub(crate) fn checked_type(field: &str, bytes: &[u8]) -> Result<&'static str> {
    check_document_file(bytes)
        .map(|t| t.content_type())
        .map_err(|problem| type_problem(field, problem))
}

/// The 415/422 naming `field` for a file a document may not have.
pub(crate) fn type_problem(field: &str, problem: FileProblem) -> Error {
    let message = problem.document_message();
    match problem {
        FileProblem::Empty => Error::invalid(field, problem.code(), message),
        FileProblem::Unsupported { .. } => Error::UnsupportedFileType {
            detail: format!("{field}: {message}"),
            errors: vec![FieldError::new(field, problem.code(), message)],
        },
    }
}

/// Adds a file to a document (the Office).
pub async fn add_file(
    conn: &mut AsyncPgConnection,
    storage: &Storage,
    id: i64,
    form: UploadForm,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<DocumentFile> {
    check_can_add_file(conn, id, principal).await?;
    let (filename, content_type, bytes) = check_form(form)?;
    let stored = store(storage, filename, content_type, bytes).await?;
    let recorded = conn
        .transaction(async |conn| -> Result<i64> {
            find_row(conn, id, true).await?;
            insert_file(conn, id, &stored, actor, now).await
        })
        .await;
    match recorded {
        Ok(file_id) => file(conn, id, file_id).await,
        Err(error) => {
            discard(storage, std::slice::from_ref(&stored)).await;
            Err(error)
        }
    }
}

async fn file_row(conn: &mut AsyncPgConnection, document_id: i64, file_id: i64) -> Result<FileRow> {
    document_files::table
        .filter(document_files::document_id.eq(document_id))
        .filter(document_files::id.eq(file_id))
        .select(FileRow::as_select())
        .first(conn)
        .await
        .optional()?
        .ok_or(Error::not_found("document file"))
}

async fn file(
    conn: &mut AsyncPgConnection,
    document_id: i64,
    file_id: i64,
) -> Result<DocumentFile> {
    file_row(conn, document_id, file_id).await.map(file_to_api)
}

/// A document file's description, if `principal` may read the document.
pub async fn get_file(
    conn: &mut AsyncPgConnection,
    document_id: i64,
    file_id: i64,
    principal: &Principal,
) -> Result<DocumentFile> {
    readable_row(conn, document_id, principal).await?;
    file(conn, document_id, file_id).await
}

/// A document file's description and bytes.
pub async fn download(
    conn: &mut AsyncPgConnection,
    storage: &Storage,
    document_id: i64,
    file_id: i64,
    principal: &Principal,
) -> Result<(DocumentFile, Bytes)> {
    readable_row(conn, document_id, principal).await?;
    let row = file_row(conn, document_id, file_id).await?;
    let bytes = storage.get(&row.storage_key).await?;
    Ok((file_to_api(row), bytes))
}

/// Sets a document `linked`, records the link; call inside a transaction.
async fn mark_linked(
    conn: &mut AsyncPgConnection,
    document_id: i64,
    link: serde_json::Value,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    let before: String = documents::table
        .find(document_id)
        .select(documents::status)
        .first(conn)
        .await?;
    diesel::update(documents::table.find(document_id))
        .set((
            documents::status.eq(DocumentStatus::Linked.as_str()),
            documents::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    audit::record(
        conn,
        actor,
        now,
        Entry {
            entity_type: EntityType::Document,
            entity_id: document_id.to_string(),
            action: "linked",
            before: Some(json!({ "status": before })),
            after: Some(json!({ "status": DocumentStatus::Linked, "link": link })),
        },
    )
    .await
}

/// Links a document to a unit's submission as its report; linking twice changes nothing.
/// The submission gets a new revision (its JSON now lists the document). Call inside a
/// transaction.
pub(crate) async fn link_submission(
    conn: &mut AsyncPgConnection,
    document_id: i64,
    submission_id: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    let inserted = diesel::insert_into(document_submission_links::table)
        .values((
            document_submission_links::document_id.eq(document_id),
            document_submission_links::submission_id.eq(submission_id),
            document_submission_links::role.eq(DocumentLinkRole::UnitReport.as_str()),
            document_submission_links::linked_at.eq(now),
            document_submission_links::linked_by.eq(&actor.name),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    if inserted == 0 {
        return Ok(());
    }
    diesel::update(submissions::table.find(submission_id))
        .set((
            submissions::revision.eq(submissions::revision + 1),
            submissions::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    let link = json!({ "role": DocumentLinkRole::UnitReport, "submission_id": submission_id });
    mark_linked(conn, document_id, link, actor, now).await
}

/// The unit's submission for the period, created as a draft (and recorded) if it has none.
/// The caller has checked that the unit takes part. Call inside a transaction.
pub(crate) async fn find_or_create_submission(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    unit_id: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<i64> {
    let created: Option<i64> = diesel::insert_into(submissions::table)
        .values((
            submissions::period_id.eq(period_id),
            submissions::unit_id.eq(unit_id),
            submissions::status.eq(SubmissionStatus::Draft.as_str()),
            submissions::created_at.eq(now),
            submissions::updated_at.eq(now),
        ))
        .on_conflict((submissions::period_id, submissions::unit_id))
        .do_nothing()
        .returning(submissions::id)
        .get_result(conn)
        .await
        .optional()?;
    if let Some(id) = created {
        let recorded =
            json!({"period_id": period_id, "unit_id": unit_id, "status": SubmissionStatus::Draft});
        audit::record(
            conn,
            actor,
            now,
            Entry::created(EntityType::Submission, id, &recorded)?,
        )
        .await?;
        return Ok(id);
    }
    Ok(submissions::table
        .filter(submissions::period_id.eq(period_id))
        .filter(submissions::unit_id.eq(unit_id))
        .select(submissions::id)
        .first(conn)
        .await?)
}

/// Whether a unit takes part in a period.
pub(crate) async fn participates(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    unit_id: i64,
) -> Result<bool> {
    let n: i64 = period_units::table
        .filter(period_units::period_id.eq(period_id))
        .filter(period_units::unit_id.eq(unit_id))
        .count()
        .get_result(conn)
        .await?;
    Ok(n > 0)
}

/// What a link body asks for, once checked.
enum LinkTarget {
    Period {
        period_id: i64,
        role: DocumentLinkRole,
    },
    Submission(i64),
    UnitPeriod {
        unit_code: String,
        period_code: String,
    },
}

fn link_target(input: &LinkDocument) -> Result<LinkTarget> {
    let forms = [
        input.period_id.is_some(),
        input.submission_id.is_some(),
        input.unit_code.is_some() || input.period_code.is_some(),
    ];
    if forms.iter().filter(|f| **f).count() != 1 {
        return Err(Error::invalid(
            "body",
            "one_target",
            "send exactly one of: period_id with role, submission_id, or unit_code with period_code",
        ));
    }
    let mut check = Checker::new();
    let target = if let Some(period_id) = input.period_id {
        match input.role {
            Some(role @ (DocumentLinkRole::LegalBasis | DocumentLinkRole::RequestLetter)) => {
                Some(LinkTarget::Period { period_id, role })
            }
            Some(DocumentLinkRole::UnitReport) => {
                check.push("role", "invalid_value", "a period link is legal_basis or request_letter; a unit's report is linked with submission_id or unit_code and period_code");
                None
            }
            None => {
                check.push(
                    "role",
                    "required",
                    "say what the document is to the period: legal_basis or request_letter",
                );
                None
            }
        }
    } else {
        if input
            .role
            .is_some_and(|role| role != DocumentLinkRole::UnitReport)
        {
            check.push(
                "role",
                "invalid_value",
                "a document linked to a submission is its unit_report",
            );
        }
        if let Some(submission_id) = input.submission_id {
            Some(LinkTarget::Submission(submission_id))
        } else {
            let unit_code = input.unit_code.clone().unwrap_or_default();
            let period_code = input.period_code.clone().unwrap_or_default();
            if unit_code.trim().is_empty() {
                check.push(
                    "unit_code",
                    "required",
                    "name the unit with the period_code",
                );
            }
            if period_code.trim().is_empty() {
                check.push(
                    "period_code",
                    "required",
                    "name the period with the unit_code",
                );
            }
            Some(LinkTarget::UnitPeriod {
                unit_code,
                period_code,
            })
        }
    };
    check.finish()?;
    target.ok_or_else(|| Error::Internal("a checked link has no target".into()))
}

/// Links a document by hand (the Office): to a period as its legal basis or request letter,
/// or to a unit's submission as its report. The inbox's way out.
pub async fn link(
    conn: &mut AsyncPgConnection,
    id: i64,
    input: &LinkDocument,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Document> {
    require_admin(principal)?;
    let target = link_target(input)?;
    conn.transaction(async |conn| -> Result<()> {
        find_row(conn, id, true).await?;
        match target {
            LinkTarget::Period { period_id, role } => {
                let exists: i64 = periods::table
                    .find(period_id)
                    .count()
                    .get_result(conn)
                    .await?;
                if exists == 0 {
                    return Err(Error::invalid(
                        "period_id",
                        "unknown_period",
                        format!("no period has id {period_id}"),
                    ));
                }
                let inserted = diesel::insert_into(document_period_links::table)
                    .values((
                        document_period_links::document_id.eq(id),
                        document_period_links::period_id.eq(period_id),
                        document_period_links::role.eq(role.as_str()),
                        document_period_links::linked_at.eq(now),
                        document_period_links::linked_by.eq(&actor.name),
                    ))
                    .on_conflict_do_nothing()
                    .execute(conn)
                    .await?;
                if inserted == 0 {
                    let current: String = document_period_links::table
                        .find((id, period_id))
                        .select(document_period_links::role)
                        .first(conn)
                        .await?;
                    if current != role.as_str() {
                        return Err(Error::conflict_on(
                            "document_already_linked",
                            "role",
                            format!("the document is already linked to this period as {current}"),
                        ));
                    }
                    return Ok(());
                }
                let link = json!({ "role": role, "period_id": period_id });
                mark_linked(conn, id, link, actor, now).await
            }
            LinkTarget::Submission(submission_id) => {
                let exists: i64 = submissions::table
                    .find(submission_id)
                    .count()
                    .get_result(conn)
                    .await?;
                if exists == 0 {
                    return Err(Error::invalid(
                        "submission_id",
                        "unknown_submission",
                        format!("no submission has id {submission_id}"),
                    ));
                }
                link_submission(conn, id, submission_id, actor, now).await
            }
            LinkTarget::UnitPeriod {
                unit_code,
                period_code,
            } => {
                let unit_id = units::find_id_by_code(conn, unit_code.trim()).await?;
                let period_id = periods_repo::id_by_code(conn, period_code.trim()).await?;
                let mut check = Checker::new();
                if unit_id.is_none() {
                    check.push(
                        "unit_code",
                        "unknown_code",
                        format!("no unit has code {unit_code:?}"),
                    );
                }
                if period_id.is_none() {
                    check.push(
                        "period_code",
                        "unknown_code",
                        format!("no period has code {period_code:?}"),
                    );
                }
                check.finish()?;
                let (Some(unit_id), Some(period_id)) = (unit_id, period_id) else {
                    return Err(Error::Internal("checked codes are missing".into()));
                };
                if !participates(conn, period_id, unit_id).await? {
                    return Err(Error::invalid(
                        "unit_code",
                        "not_participating",
                        format!(
                            "the unit {unit_code} does not take part in the period {period_code}"
                        ),
                    ));
                }
                let status: String = periods::table
                    .find(period_id)
                    .select(periods::status)
                    .first(conn)
                    .await?;
                if status == PeriodStatus::Draft.as_str() {
                    return Err(Error::conflict(
                        "period_not_open",
                        "the period is not open yet, so its units have no reports",
                    ));
                }
                let submission_id =
                    find_or_create_submission(conn, period_id, unit_id, actor, now).await?;
                link_submission(conn, id, submission_id, actor, now).await
            }
        }
    })
    .await?;
    get(conn, id, principal).await
}

/// The official documents linked to a submission, oldest link first; no access check.
pub(crate) async fn of_submission(
    mut conn: &AsyncPgConnection,
    submission_id: i64,
) -> Result<Vec<OfficialDocument>> {
    type Row = (
        i64,
        String,
        NaiveDate,
        String,
        String,
        Option<DateTime<Utc>>,
        DateTime<Utc>,
    );
    let rows: Vec<Row> = document_submission_links::table
        .inner_join(documents::table)
        .filter(document_submission_links::submission_id.eq(submission_id))
        .order((
            document_submission_links::linked_at,
            document_submission_links::document_id,
        ))
        .select((
            documents::id,
            documents::number_symbol,
            documents::issued_on,
            documents::subject,
            documents::source,
            documents::received_at,
            document_submission_links::linked_at,
        ))
        .load(&mut conn)
        .await?;
    rows.into_iter()
        .map(
            |(id, number, issued_on, subject, source, received_at, linked_at)| {
                Ok(OfficialDocument {
                    id,
                    number,
                    issued_on,
                    subject,
                    source: parse_stored(&source)?,
                    received_at: local_opt(received_at),
                    linked_at: local(linked_at),
                })
            },
        )
        .collect()
}

/// The registry's documents linked to a period: its request letter (the latest, if several)
/// and its legal basis, as the filing manifest names them.
pub(crate) async fn of_period(
    conn: &mut AsyncPgConnection,
    period_id: i64,
) -> Result<(Option<String>, Vec<crate::model::period::LegalDocument>)> {
    let rows: Vec<(String, String, NaiveDate, String)> = document_period_links::table
        .inner_join(documents::table)
        .filter(document_period_links::period_id.eq(period_id))
        .order((documents::issued_on, documents::id))
        .select((
            document_period_links::role,
            documents::number_symbol,
            documents::issued_on,
            documents::subject,
        ))
        .load(conn)
        .await?;
    let mut request_letter = None;
    let mut legal_basis = Vec::new();
    for (role, number, issued_on, subject) in rows {
        if role == "request_letter" {
            request_letter = Some(number);
        } else {
            legal_basis.push(crate::model::period::LegalDocument {
                number,
                issued_on,
                title: subject,
            });
        }
    }
    Ok((request_letter, legal_basis))
}

/// Numbers of the official documents each submission of a period was sent with, oldest first.
pub(crate) async fn numbers_by_submission(
    conn: &mut AsyncPgConnection,
    period_id: i64,
) -> Result<std::collections::HashMap<i64, Vec<String>>> {
    let rows: Vec<(i64, String)> = document_submission_links::table
        .inner_join(documents::table)
        .inner_join(crate::schema::submissions::table)
        .filter(crate::schema::submissions::period_id.eq(period_id))
        .order((
            document_submission_links::linked_at,
            document_submission_links::document_id,
        ))
        .select((
            document_submission_links::submission_id,
            documents::number_symbol,
        ))
        .load(conn)
        .await?;
    let mut numbers = std::collections::HashMap::<i64, Vec<String>>::new();
    for (submission_id, number) in rows {
        numbers.entry(submission_id).or_default().push(number);
    }
    Ok(numbers)
}
