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

use crate::authz::Principal;
use crate::authz::{self, PeopleOnly, UnitScope};
use crate::repo::audit::{self, Entry};
use crate::repo::drafts;
use crate::repo::upload_form::UploadForm;
use crate::repo::{
    contains_pattern, local, local_opt, periods as periods_repo, units, upload_form,
};
use crate::storage::Storage;
use cchc_db::schema::{
    document_files, document_period_links, document_submission_links, documents, periods,
    submissions, units as units_table,
};
use cchc_domain::error::{Error, FieldError, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::document::{
    CreateDocument, Document, DocumentDirection, DocumentFile, DocumentFilter, DocumentLink,
    DocumentLinkRole, DocumentPage, DocumentSource, DocumentStatus, LinkDocument, OfficialDocument,
};
use cchc_domain::model::period::PeriodStatus;
use cchc_domain::model::PageParams;
use cchc_domain::rules::attachments::{sha256_hex, FileProblem};
use cchc_domain::rules::document_number::{self, DocumentNumber};
use cchc_domain::validation::Checker;
use cchc_excel::files::check_document_file;

mod files;
mod links;

pub use files::*;
pub use links::*;

pub(crate) use cchc_db::documents::{DocumentRow, FileRow};

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

/// The first step of every change to the registry by hand ([`create`], [`link`],
/// [`add_file`]): the Office only. Exposed so a handler refuses a caller before it reports what
/// is wrong with the body.
pub fn authorize_change(principal: &Principal) -> Result<()> {
    authz::require_admin(principal)
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
    let period_links: Vec<(i64, DocumentLinkRole, DateTime<Utc>, String, i64, String)> =
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
            role,
            period_id,
            period_code,
            submission_id: None,
            unit_code: None,
            linked_at: local(linked_at),
            linked_by,
        });
    }
    type SubmissionLink = (
        i64,
        DocumentLinkRole,
        DateTime<Utc>,
        String,
        i64,
        i64,
        String,
        String,
    );
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
            role,
            period_id,
            period_code,
            submission_id: Some(submission_id),
            unit_code: Some(unit),
            linked_at: local(linked_at),
            linked_by,
        });
    }
    Ok(rows
        .into_iter()
        .map(|row| Document {
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
            direction: row.direction,
            source: row.source,
            integration_token_id: row.integration_token_id,
            status: row.status,
            received_at: local_opt(row.received_at),
            created_at: local(row.created_at),
            updated_at: local(row.updated_at),
        })
        .collect())
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
    authz::refuse_integrations(principal, PeopleOnly::Registry)?;
    let row = find_row(conn, id, false).await?;
    if let UnitScope::Own(own) = authz::unit_scope(principal) {
        let own: i64 = document_submission_links::table
            .inner_join(submissions::table)
            .filter(document_submission_links::document_id.eq(id))
            .filter(submissions::unit_id.nullable().eq(own))
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
    authz::refuse_integrations(principal, PeopleOnly::Registry)?;
    let (page, per_page) = page.validate()?;
    let own_unit = authz::unit_scope(principal).only_unit();
    let query = || {
        let mut query = documents::table.into_boxed();
        if let Some(status) = filter.status {
            query = query.filter(documents::status.eq(status));
        }
        if let Some(direction) = filter.direction {
            query = query.filter(documents::direction.eq(direction));
        }
        if let Some(source) = filter.source {
            query = query.filter(documents::source.eq(source));
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
            documents::direction.eq(new.direction),
            documents::source.eq(new.source),
            documents::integration_token_id.eq(new.integration_token_id),
            documents::received_at.eq(new.received_at),
            documents::status.eq(new.status),
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
    authorize_change(principal)?;
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
