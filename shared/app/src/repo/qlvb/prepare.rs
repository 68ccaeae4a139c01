//! Step 2: an event answered before is answered again; a new one is checked field by field.

use diesel_async::AsyncPgConnection;
use serde_json::Value;

use super::files::{files_field, too_large, url_not_allowed, Limits};
use super::MAX_EVENT_ID_CHARS;
use super::MAX_FILES;
use crate::authz::Principal;
use crate::outbound::Outbound;
use crate::repo::documents;
use cchc_db::qlvb;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::document::QlvbEvent;
use cchc_domain::rules::attachments::{sanitize_filename, sha256_hex};
use cchc_domain::rules::document_number;
use cchc_domain::rules::signature;
use cchc_domain::validation::Checker;

/// An answer to send: a fresh one or the one recorded for the same event id.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
    /// The event was answered before; nothing was done now.
    pub replayed: bool,
}

/// The answer recorded for event `event_id`, if it was answered before with the same body;
/// 409 `event_id_reused` if with another.
pub(super) async fn recorded(
    conn: &mut AsyncPgConnection,
    token_id: i64,
    event_id: &str,
    body_sha256: &str,
) -> Result<Option<Answer>> {
    match qlvb::recorded(conn, token_id, event_id).await? {
        None => Ok(None),
        Some(found) if found.body_sha256 == body_sha256 => Ok(Some(Answer {
            status: u16::try_from(found.answer_status).unwrap_or(200),
            body: found.answer,
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

/// A checked event not answered before, waiting for its files.
pub struct NewEvent<'a> {
    pub(super) event: &'a QlvbEvent,
    pub(super) event_id: String,
    pub(super) body_sha256: String,
    pub(super) parsed: document_number::DocumentNumber,
    pub(super) names: Vec<String>,
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
