//! Step 4: the event, its document, its files and its links, in one transaction.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::json;

use super::import::{self, received_instant, Arrival, Context};
use super::matching::{period_facts, sender_facts};
use super::prepare::{recorded, Answer, NewEvent};
use super::StoredFiles;
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::documents::{self, NewDocument, StoredFile};
use crate::repo::pinned_versions::PinnedVersions;
use crate::storage::Storage;
use cchc_db::qlvb;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::document::{
    DocumentDirection, DocumentSource, DocumentStatus, EventDocument, MatchAnswer, QlvbEventAnswer,
    QlvbEventType,
};
use cchc_domain::rules::document_match::{decide, Match};

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

/// Step 4: records the event, its document and its files in one transaction, and, for a
/// report matched to a unit, what its files do to the report ([`super::import`]); on failure
/// the files' objects (and the attachments' copies) are removed.
// The connection, the store and versions cache, the event and its files, the caller, the clock.
#[allow(clippy::too_many_arguments)]
pub async fn commit(
    conn: &mut AsyncPgConnection,
    storage: &Storage,
    versions: &PinnedVersions,
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
    let mut written: Vec<String> = Vec::new();
    let context = Context {
        storage,
        versions,
        integration: principal,
        actor,
        now,
    };
    let outcome = conn
        .transaction(async |conn| -> Result<Outcome> {
            let claim = qlvb::NewEvent {
                token_id: principal.token_id,
                event_id: &event_id,
                event_type: event.event_type,
                received_at: now,
                body_sha256,
            };
            let claimed = qlvb::claim(conn, claim).await?;
            let Some(row_id) = claimed else {
                return Ok(Outcome::Raced);
            };
            let received = event.event_type == QlvbEventType::DocumentReceived;
            let year = documents::issue_year(parsed, document.issued_on);
            let existing =
                documents::find_same_number(conn, &document.issuing_agency, parsed, year, true)
                    .await?;
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
            let mut added = Vec::new();
            for file in &stored {
                if hashes.contains(&file.sha256) {
                    unused.push(file.clone());
                    continue;
                }
                documents::insert_file(conn, document_id, file, actor, now).await?;
                hashes.push(file.sha256.clone());
                added.push(file.clone());
            }
            let files_added = added.len();
            let mut import = None;
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
                        let arrival = Arrival {
                            submission_id,
                            unit_id,
                            unit_code: &unit_code,
                            period_id,
                            document_number: &parsed.to_string(),
                            received_at: received_instant(event.occurred_at, now),
                            event_row: row_id,
                        };
                        let done =
                            import::import(conn, &context, &arrival, &added, &mut written).await?;
                        let done_json = serde_json::to_value(&done)
                            .map_err(|e| Error::Internal(format!("import answer: {e}")))?;
                        cchc_db::documents::set_qlvb_import(
                            conn,
                            document_id,
                            submission_id,
                            &done_json,
                        )
                        .await?;
                        import = Some(done);
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
                import,
            };
            let status_code: u16 = if already_registered { 200 } else { 201 };
            let answer_json = serde_json::to_value(&answer)
                .map_err(|e| Error::Internal(format!("event answer: {e}")))?;
            let stored_status = i16::try_from(status_code).unwrap_or(200);
            qlvb::record_answer(conn, row_id, stored_status, &answer_json, document_id).await?;
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
                        "import": answer.import,
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
            discard_keys(storage, &written).await;
            recorded(conn, principal.token_id, &event_id, body_sha256)
                .await?
                .ok_or_else(|| Error::Internal("a claimed event has no record".into()))
        }
        Err(error) => {
            documents::discard(storage, &stored).await;
            discard_keys(storage, &written).await;
            Err(error)
        }
    }
}

/// Removes the attachments' copies of a transaction that did not commit.
async fn discard_keys(storage: &Storage, keys: &[String]) {
    for key in keys {
        if let Err(error) = storage.delete(key).await {
            tracing::warn!(%key, %error, "could not remove the object of a failed QLVB import");
        }
    }
}
