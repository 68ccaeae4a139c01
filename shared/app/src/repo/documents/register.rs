//! Registering a document: its fields and number checked (Decree 30/2020/NĐ-CP), the number
//! unique within the issuing agency's year, by hand or from a QLVB event.

use super::{authorize_change, document_url, load, DocumentRow};
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use cchc_db::documents;
use cchc_domain::error::{Error, FieldError, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::document::{
    CreateDocument, Document, DocumentDirection, DocumentSource, DocumentStatus,
};
use cchc_domain::rules::document_number::{self, DocumentNumber};
use cchc_domain::validation::Checker;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::{AsyncConnection, AsyncPgConnection};

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
    match document_number::check(number) {
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

/// The registered document of `issuing_agency` with the same number and symbol in the same
/// year, if any (Decree 30/2020/NĐ-CP, Art. 15).
pub(crate) async fn find_same_number(
    conn: &mut AsyncPgConnection,
    issuing_agency: &str,
    parsed: &DocumentNumber,
    issue_year: i32,
    lock: bool,
) -> Result<Option<DocumentRow>> {
    let agency_key = document_number::agency_key(issuing_agency);
    let number_symbol = parsed.to_string();
    let key = documents::NumberKey {
        agency_key: &agency_key,
        issue_year,
        number_symbol: &number_symbol,
    };
    documents::find_same_number(conn, key, lock).await
}

fn duplicate(parsed: &DocumentNumber, issue_year: i32, existing_id: i64) -> Error {
    let detail = format!(
        "{parsed} of this issuing agency for {issue_year} is already registered as document \
         {existing_id} ({})",
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
    if let Some(existing) =
        find_same_number(conn, new.issuing_agency, new.parsed, year, false).await?
    {
        return Err(duplicate(new.parsed, year, existing.id));
    }
    let row = documents::NewDocumentRow {
        number_symbol: new.parsed.to_string(),
        number: i32::try_from(new.parsed.number).unwrap_or(i32::MAX),
        symbol_year: new.parsed.year,
        document_type: new.parsed.document_type.as_deref(),
        issuer: &new.parsed.issuer,
        drafter: new.parsed.drafter.as_deref(),
        issued_on: new.issued_on,
        issue_year: year,
        issuing_agency: new.issuing_agency.trim(),
        agency_key: &document_number::agency_key(new.issuing_agency),
        subject: new.subject.trim(),
        signer: new.signer.map(str::trim),
        direction: new.direction,
        source: new.source,
        integration_token_id: new.integration_token_id,
        received_at: new.received_at,
        status: new.status,
        created_at: now,
        updated_at: now,
    };
    let inserted = documents::insert(conn, &row).await;
    let id = match inserted {
        Ok(id) => id,
        // A concurrent registration of the same number won the race.
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
            return Err(Error::conflict_on(
                "duplicate_document_number",
                "number",
                format!(
                    "{} of this issuing agency for {year} was registered meanwhile",
                    new.parsed
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
