//! Inbound events from the province's document-management system (QLVB).
//!
//! The order of a request, each step refusing before anything is written:
//!
//! 1. [`verify`]: the integration's HMAC signature over the raw body and timestamp
//!    (`rules::signature`), before the body is even parsed;
//! 2. [`prepare`]: an event id answered before is answered again from the record (same status,
//!    same body) with no second effect, or refused with 409 `event_id_reused` if the body
//!    differs; then the document's fields are checked (file URLs naming a refused address
//!    included, see [`crate::outbound`]);
//! 3. [`fetch`], **without a database connection** (a slow file server must not hold one
//!    of the pool's connections): the files decoded or downloaded (a timeout and the size
//!    limit while reading, streamed through a temporary file), checked by content, and written
//!    to the store;
//! 4. [`commit`]: one transaction claims the event id (the unique key decides between two
//!    concurrent deliveries: the second waits for the first and then replays its answer),
//!    registers the document, its files and its links, and records the answer. If anything
//!    fails, the objects written are removed and nothing is recorded, so the sender may retry.
//!
//! Only successful answers are recorded: an event refused (bad field, failed download) may be
//! sent again with the same id once fixed.
//!
//! A number already registered (same issuer, year and number, by hand or by an earlier event
//! with another id) is not a conflict: QLVB products resend documents, e.g. with a signed copy
//! added. The existing document is kept as it is, the event's files it does not have yet (by
//! SHA-256) are added, and a `document.received` that matches a unit's report links it if it
//! was not linked; the answer says `already_registered: true` with status 200.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::{json, Value};

use crate::authz;
use crate::authz::Principal;
use crate::outbound::{AllowList, Options, Outbound};
use crate::repo::audit::{self, Entry};
use crate::repo::documents::{self, NewDocument, StoredFile};
use crate::repo::qlvb_files::{self, files_field, too_large, url_not_allowed};
pub use crate::repo::qlvb_files::{Limits, StoredFiles};
use crate::repo::units;
use crate::storage::Storage;
use cchc_db::schema::{
    document_period_links, documents as documents_table, integration_secrets, period_units,
    periods, qlvb_events,
};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::document::{
    DocumentDirection, DocumentLinkRole, DocumentSource, DocumentStatus, EventDocument,
    MatchAnswer, QlvbDocument, QlvbEvent, QlvbEventAnswer, QlvbEventType,
};
use cchc_domain::model::period::PeriodStatus;
use cchc_domain::rules::attachments::{sanitize_filename, sha256_hex};
use cchc_domain::rules::document_match::{decide, Candidate, Match, PeriodLookup, Sender};
use cchc_domain::rules::document_number;
use cchc_domain::rules::signature::{self, SignatureError};
use cchc_domain::validation::Checker;

/// Longest event id.
pub const MAX_EVENT_ID_CHARS: usize = 200;
/// Most files one event may carry.
pub const MAX_FILES: usize = 20;

/// Files downloaded at once by one API process, every event together.
pub const MAX_CONCURRENT_DOWNLOADS: usize = 4;

/// The client that downloads events' files: internal addresses refused unless `allow` lists
/// them, no redirects, at most [`MAX_CONCURRENT_DOWNLOADS`] at once.
pub fn download_client(allow: &AllowList) -> std::result::Result<Outbound, reqwest::Error> {
    Outbound::new(
        allow.clone(),
        Options {
            max_concurrent: MAX_CONCURRENT_DOWNLOADS,
            ..Options::default()
        },
    )
}

/// What the sender's signature headers said.
#[derive(Debug, Clone, Copy)]
pub struct Signed<'a> {
    pub timestamp: Option<&'a str>,
    pub signature: Option<&'a str>,
    pub body: &'a [u8],
}

/// The first step of receiving an event ([`verify`] starts with it): only integration tokens
/// send QLVB events. Exposed so a handler refuses a caller before it reads a body of megabytes.
pub fn authorize_event(principal: &Principal) -> Result<()> {
    authz::require_integration(principal)
}

/// Checks that the caller is an integration and that its signature holds.
pub async fn verify(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    signed: Signed<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    authorize_event(principal)?;
    let secret: Option<String> = integration_secrets::table
        .find(principal.token_id)
        .select(integration_secrets::secret)
        .first(conn)
        .await
        .optional()?;
    let Some(secret) = secret else {
        return Err(Error::Unauthorized {
            code: "invalid_signature",
            detail: format!(
                "this integration has no signing secret; the Office creates one with POST /api/v1/tokens/{}/signing-secret",
                principal.token_id
            ),
        });
    };
    signature::verify(
        secret.as_bytes(),
        signed.timestamp,
        signed.signature,
        signed.body,
        now,
    )
    .map(|_| ())
    .map_err(|error| Error::Unauthorized {
        code: match error {
            SignatureError::Skew { .. } => "signature_expired",
            _ => "invalid_signature",
        },
        detail: error.to_string(),
    })
}

/// An answer to send: a fresh one or the one recorded for the same event id.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
    /// The event was answered before; nothing was done now.
    pub replayed: bool,
}

async fn recorded(
    conn: &mut AsyncPgConnection,
    token_id: i64,
    event_id: &str,
    body_sha256: &str,
) -> Result<Option<Answer>> {
    let found: Option<(String, i16, Value)> = qlvb_events::table
        .filter(qlvb_events::token_id.eq(token_id))
        .filter(qlvb_events::event_id.eq(event_id))
        .select((
            qlvb_events::body_sha256,
            qlvb_events::answer_status,
            qlvb_events::answer,
        ))
        .first(conn)
        .await
        .optional()?;
    match found {
        None => Ok(None),
        Some((sha, status, body)) if sha == body_sha256 => Ok(Some(Answer {
            status: u16::try_from(status).unwrap_or(200),
            body,
            replayed: true,
        })),
        Some(_) => Err(Error::conflict_on(
            "event_id_reused",
            "id",
            format!(
                "the event id {event_id:?} was already used for a different body; a new event needs a new id, a retry must send the same body"
            ),
        )),
    }
}

/// Checks the event's fields; returns the parsed number and the files' names.
fn check_event(
    event: &QlvbEvent,
    event_id_header: Option<&str>,
    limits: &Limits,
    outbound: &Outbound,
) -> Result<(document_number::DocumentNumber, Vec<String>)> {
    let mut check = Checker::new();
    let id = event.id.trim();
    if id.is_empty() {
        check.push("id", "required", "must not be blank");
    } else if id.chars().count() > MAX_EVENT_ID_CHARS || id.chars().any(char::is_control) {
        check.push(
            "id",
            "invalid_event_id",
            format!("must be at most {MAX_EVENT_ID_CHARS} characters, without control characters"),
        );
    }
    if let Some(header) = event_id_header.map(str::trim).filter(|h| !h.is_empty()) {
        if header != id {
            check.push(
                "id",
                "event_id_mismatch",
                format!(
                    "the {} header says {header:?} but the body's id is {id:?}",
                    signature::EVENT_ID_HEADER
                ),
            );
        }
    }
    let document = &event.data.document;
    let parsed = documents::check_fields(
        &mut check,
        "data.document.",
        &document.number,
        &document.issuing_agency,
        &document.subject,
        document.signer.as_deref(),
    );
    if let Some(reply) = &document.in_reply_to {
        check.text("data.document.in_reply_to", reply, 100);
    }
    if document.files.len() > MAX_FILES {
        check.push(
            "data.document.files",
            "too_many",
            format!("at most {MAX_FILES} files per event"),
        );
    }
    let mut names = Vec::new();
    for (index, file) in document.files.iter().enumerate() {
        let name = sanitize_filename(&file.filename).unwrap_or_default();
        if name.is_empty() {
            check.push(
                files_field(index, "filename"),
                "invalid_filename",
                "the file name is empty once folders and control characters are removed",
            );
        }
        names.push(name);
        match (&file.url, &file.content_base64) {
            (Some(_), Some(_)) | (None, None) => check.push(
                format!("data.document.files[{index}]"),
                "one_source",
                "send exactly one of url and content_base64",
            ),
            (Some(url), None) => match url::Url::parse(url.trim()) {
                Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => {
                    // Literal addresses now; names when they are resolved, at download.
                    if let Err(refused) = outbound.check_literal(&u) {
                        tracing::warn!(%refused, "a QLVB file URL names a refused address");
                        check.extend(Some(url_not_allowed(files_field(index, "url"))));
                    }
                }
                _ => check.push(
                    files_field(index, "url"),
                    "invalid_url",
                    "must be an absolute http or https URL",
                ),
            },
            (None, Some(_)) => {}
        }
    }
    check.finish()?;
    // Inline sizes are refused before decoding anything.
    for (index, file) in document.files.iter().enumerate() {
        if let Some(text) = &file.content_base64 {
            let decoded_estimate = text.len() / 4 * 3;
            if decoded_estimate > limits.max_inline_bytes + 2 {
                return Err(too_large(
                    files_field(index, "content_base64"),
                    &names[index],
                    limits.max_inline_bytes,
                ));
            }
        }
    }
    let parsed = parsed.ok_or_else(|| Error::Internal("a checked number is missing".into()))?;
    Ok((parsed, names))
}

/// The sender as far as our units know it.
async fn sender_facts(conn: &mut AsyncPgConnection, document: &QlvbDocument) -> Result<Sender> {
    let Some(sender) = &document.sender else {
        return Ok(Sender::NotGiven);
    };
    let unit_code = sender
        .unit_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let agency_code = sender
        .agency_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let by_unit = match unit_code {
        Some(code) => Some((code, units::find_id_by_code(conn, code).await?)),
        None => None,
    };
    let by_agency = match agency_code {
        Some(code) => Some((code, units::find_id_by_qlvb_code(conn, code).await?)),
        None => None,
    };
    let unit_id = match (by_unit, by_agency) {
        (None, None) => return Ok(Sender::NotGiven),
        (Some((code, None)), _) => {
            return Ok(Sender::Unknown {
                what: format!("unit_code {code:?}"),
            })
        }
        (_, Some((code, None))) => {
            return Ok(Sender::Unknown {
                what: format!("agency_code (qlvb_code) {code:?}"),
            })
        }
        (Some((unit, Some(a))), Some((agency, Some(b)))) if a != b => {
            return Ok(Sender::Conflicting {
                what: format!("unit_code {unit:?} and agency_code {agency:?}"),
            })
        }
        (Some((_, Some(id))), _) | (None, Some((_, Some(id)))) => id,
    };
    let unit_code: String = cchc_db::schema::units::table
        .find(unit_id)
        .select(cchc_db::schema::units::code)
        .first(conn)
        .await?;
    Ok(Sender::Found { unit_id, unit_code })
}

async fn candidate(conn: &mut AsyncPgConnection, period_id: i64) -> Result<Candidate> {
    let (code, status): (String, PeriodStatus) = periods::table
        .find(period_id)
        .select((periods::code, periods::status))
        .first(conn)
        .await?;
    let unit_ids: Vec<i64> = period_units::table
        .filter(period_units::period_id.eq(period_id))
        .select(period_units::unit_id)
        .load(conn)
        .await?;
    Ok(Candidate {
        period_id,
        code,
        status,
        unit_ids,
    })
}

/// The period as the event names it.
async fn period_facts(
    conn: &mut AsyncPgConnection,
    document: &QlvbDocument,
) -> Result<PeriodLookup> {
    let period_code = document
        .period_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if let Some(code) = period_code {
        let found = match crate::repo::periods::id_by_code(conn, code).await? {
            Some(id) => Some(candidate(conn, id).await?),
            None => None,
        };
        return Ok(PeriodLookup::ByCode {
            code: code.to_owned(),
            found,
        });
    }
    let Some(reply) = document
        .in_reply_to
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    else {
        return Ok(PeriodLookup::NotGiven);
    };
    let parsed = match document_number::parse(reply) {
        Ok(parsed) => parsed,
        Err(why) => {
            return Ok(PeriodLookup::ByReply {
                number: reply.to_owned(),
                invalid: Some(why.to_string()),
                letter_registered: false,
                periods: Vec::new(),
            })
        }
    };
    let canonical = parsed.to_string();
    let letters: Vec<i64> = documents_table::table
        .filter(documents_table::number_symbol.eq(&canonical))
        .select(documents_table::id)
        .load(conn)
        .await?;
    let period_ids: Vec<i64> = document_period_links::table
        .filter(document_period_links::document_id.eq_any(&letters))
        .filter(document_period_links::role.eq(DocumentLinkRole::RequestLetter))
        .select(document_period_links::period_id)
        .distinct()
        .order(document_period_links::period_id)
        .load(conn)
        .await?;
    let mut periods = Vec::new();
    for id in period_ids {
        periods.push(candidate(conn, id).await?);
    }
    Ok(PeriodLookup::ByReply {
        number: canonical,
        invalid: None,
        letter_registered: !letters.is_empty(),
        periods,
    })
}

/// What the transaction did.
enum Outcome {
    /// Another delivery of the same event id committed first.
    Raced,
    Done {
        answer: Box<QlvbEventAnswer>,
        status: u16,
        /// Objects not needed (the document had those files already).
        unused: Vec<StoredFile>,
    },
}

/// A checked event not answered before, waiting for its files.
pub struct NewEvent<'a> {
    event: &'a QlvbEvent,
    event_id: String,
    body_sha256: String,
    parsed: document_number::DocumentNumber,
    names: Vec<String>,
}

/// What [`prepare`] found.
pub enum Prepared<'a> {
    /// Answered before: send this again, nothing else to do.
    Replay(Answer),
    New(Box<NewEvent<'a>>),
}

/// Step 2 of the module comment: the answer recorded for this event id, or the checked event.
pub async fn prepare<'a>(
    conn: &mut AsyncPgConnection,
    event: &'a QlvbEvent,
    event_id_header: Option<&str>,
    body: &[u8],
    principal: &Principal,
    limits: &Limits,
    outbound: &Outbound,
) -> Result<Prepared<'a>> {
    let body_sha256 = sha256_hex(body);
    let event_id = event.id.trim().to_owned();
    if let Some(answer) = recorded(conn, principal.token_id, &event_id, &body_sha256).await? {
        return Ok(Prepared::Replay(answer));
    }
    let (parsed, names) = check_event(event, event_id_header, limits, outbound)?;
    Ok(Prepared::New(Box::new(NewEvent {
        event,
        event_id,
        body_sha256,
        parsed,
        names,
    })))
}

/// Step 3: the event's files, in the store. Takes no connection on purpose.
pub async fn fetch(
    new: &NewEvent<'_>,
    storage: &Storage,
    outbound: &Outbound,
    limits: &Limits,
) -> Result<StoredFiles> {
    qlvb_files::fetch(
        &new.event.data.document,
        &new.names,
        limits,
        storage,
        outbound,
    )
    .await
}

/// Step 4: records the event, its document and its files in one transaction; on failure the
/// files' objects are removed.
pub async fn commit(
    conn: &mut AsyncPgConnection,
    storage: &Storage,
    new: &NewEvent<'_>,
    files: StoredFiles,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Answer> {
    let NewEvent {
        event,
        event_id,
        body_sha256,
        parsed,
        ..
    } = new;
    let event_id = event_id.clone();
    let body_sha256 = body_sha256.as_str();
    let document = &event.data.document;
    let stored = files.0;
    let outcome = conn
        .transaction(async |conn| -> Result<Outcome> {
            let claimed: Option<i64> = diesel::insert_into(qlvb_events::table)
                .values((
                    qlvb_events::token_id.eq(principal.token_id),
                    qlvb_events::event_id.eq(&event_id),
                    qlvb_events::event_type.eq(event.event_type),
                    qlvb_events::received_at.eq(now),
                    qlvb_events::body_sha256.eq(body_sha256),
                    qlvb_events::answer_status.eq(0_i16),
                    qlvb_events::answer.eq(json!({})),
                ))
                .on_conflict((qlvb_events::token_id, qlvb_events::event_id))
                .do_nothing()
                .returning(qlvb_events::id)
                .get_result(conn)
                .await
                .optional()?;
            let Some(row_id) = claimed else {
                return Ok(Outcome::Raced);
            };
            let received = event.event_type == QlvbEventType::DocumentReceived;
            let year = documents::issue_year(parsed, document.issued_on);
            let existing = documents::find_same_number(conn, parsed, year, true).await?;
            let already_registered = existing.is_some();
            let (document_id, mut status) = match existing {
                Some(row) => (row.id, row.status),
                None => {
                    let status = if received {
                        DocumentStatus::Unmatched
                    } else {
                        DocumentStatus::Registered
                    };
                    let created = documents::insert(
                        conn,
                        &NewDocument {
                            parsed,
                            issued_on: document.issued_on,
                            issuing_agency: &document.issuing_agency,
                            subject: &document.subject,
                            signer: document.signer.as_deref(),
                            direction: if received {
                                DocumentDirection::Incoming
                            } else {
                                DocumentDirection::Outgoing
                            },
                            source: DocumentSource::Qlvb,
                            integration_token_id: Some(principal.token_id),
                            received_at: Some(now),
                            status,
                        },
                        actor,
                        now,
                    )
                    .await?;
                    (created.id, status)
                }
            };
            let mut hashes = documents::file_hashes(conn, document_id).await?;
            let mut unused = Vec::new();
            let mut files_added = 0;
            for file in &stored {
                if hashes.contains(&file.sha256) {
                    unused.push(file.clone());
                    continue;
                }
                documents::insert_file(conn, document_id, file, actor, now).await?;
                hashes.push(file.sha256.clone());
                files_added += 1;
            }
            let match_result = if received {
                let sender = sender_facts(conn, document).await?;
                let period = period_facts(conn, document).await?;
                Some(match decide(&sender, &period) {
                    Match::Matched {
                        unit_id,
                        unit_code,
                        period_id,
                        period_code,
                    } => {
                        let submission_id = documents::find_or_create_submission(
                            conn, period_id, unit_id, actor, now,
                        )
                        .await?;
                        documents::link_submission(conn, document_id, submission_id, actor, now)
                            .await?;
                        status = DocumentStatus::Linked;
                        MatchAnswer {
                            matched: true,
                            reason: None,
                            unit_code: Some(unit_code),
                            period_code: Some(period_code),
                            submission_id: Some(submission_id),
                        }
                    }
                    Match::Unmatched { reason } => MatchAnswer {
                        matched: false,
                        reason: Some(reason),
                        unit_code: None,
                        period_code: None,
                        submission_id: None,
                    },
                })
            } else {
                None
            };
            let answer = QlvbEventAnswer {
                event_id: event_id.clone(),
                event_type: event.event_type,
                document: EventDocument {
                    id: document_id,
                    number: parsed.to_string(),
                    status,
                    url: documents::document_url(document_id),
                },
                already_registered,
                files_added,
                match_result,
            };
            let status_code: u16 = if already_registered { 200 } else { 201 };
            let answer_json = serde_json::to_value(&answer)
                .map_err(|e| Error::Internal(format!("event answer: {e}")))?;
            diesel::update(qlvb_events::table.find(row_id))
                .set((
                    qlvb_events::answer_status.eq(i16::try_from(status_code).unwrap_or(200)),
                    qlvb_events::answer.eq(&answer_json),
                    qlvb_events::document_id.eq(document_id),
                ))
                .execute(conn)
                .await?;
            audit::record(
                conn,
                actor,
                now,
                Entry {
                    entity_type: EntityType::Integration,
                    entity_id: principal.token_id.to_string(),
                    action: "event_received",
                    before: None,
                    after: Some(json!({
                        "event_id": event_id,
                        "type": event.event_type,
                        "body_sha256": body_sha256,
                        "document_id": document_id,
                        "already_registered": already_registered,
                        "files_added": files_added,
                        "match": answer.match_result,
                    })),
                },
            )
            .await?;
            Ok(Outcome::Done {
                answer: Box::new(answer),
                status: status_code,
                unused,
            })
        })
        .await;
    match outcome {
        Ok(Outcome::Done {
            answer,
            status,
            unused,
        }) => {
            documents::discard(storage, &unused).await;
            Ok(Answer {
                status,
                body: serde_json::to_value(&answer)
                    .map_err(|e| Error::Internal(format!("event answer: {e}")))?,
                replayed: false,
            })
        }
        Ok(Outcome::Raced) => {
            documents::discard(storage, &stored).await;
            recorded(conn, principal.token_id, &event_id, body_sha256)
                .await?
                .ok_or_else(|| Error::Internal("a claimed event has no record".into()))
        }
        Err(error) => {
            documents::discard(storage, &stored).await;
            Err(error)
        }
    }
}
