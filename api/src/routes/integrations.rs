use std::time::Duration;

use actix_web::http::{header, StatusCode};
use actix_web::{post, web, HttpRequest, HttpResponse};
use cchc_app::repo::qlvb::{self, Limits, Prepared, Signed};
use cchc_domain::model::document::{QlvbEvent, QlvbEventAnswer};
use cchc_domain::rules::signature::{EVENT_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};

use crate::auth::Auth;
use crate::error::ApiError;
use crate::extract::{parse_json, read_body};
use crate::state::AppState;

/// Header set on an answer repeated for an event id seen before.
pub const REPLAYED_HEADER: &str = "Idempotent-Replayed";

/// The largest event body read: room for one inline file of the largest size (base64 is 4/3
/// of the bytes) and the metadata; larger batches should send URLs.
pub fn event_body_limit(config: &cchc_app::config::Config) -> usize {
    config
        .max_body_bytes
        .max(config.qlvb.max_inline_bytes / 3 * 4 + 1024 * 1024)
}

fn header_text<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Receive a QLVB event
///
/// For integration tokens (the document-management system). The body is the envelope
/// `{"id", "type", "occurred_at", "data": {"document": {...}}}`, the same as the webhooks this
/// service sends; `type` is `document.issued` (registered as an outgoing document, e.g. the
/// period's request letter) or `document.received` (an incoming document, e.g. a unit's report).
///
/// **Signature.** Each request carries `X-CCHC-Timestamp` (Unix seconds) and
/// `X-CCHC-Signature: v1=<hex>`, the HMAC-SHA256 of `{timestamp}.{raw body}` keyed with the
/// integration's signing secret (given when the token was created, rotated with
/// `POST /api/v1/tokens/{id}/signing-secret`). It is checked over the raw bytes before the body
/// is read: a timestamp more than 5 minutes off is 401 `signature_expired`; a missing, malformed
/// or wrong signature is 401 `invalid_signature`.
///
/// **Idempotency.** The same `id` from the same integration is answered again as the first
/// time (same status and body, header `Idempotent-Replayed: true`) with no second effect;
/// the same `id` with a different body is 409 `event_id_reused`. Only successful answers are
/// kept: a refused event may be sent again with the same id.
///
/// **Files.** Each file is a `url` the service downloads (timeout `CCHC_QLVB_DOWNLOAD_TIMEOUT_SECS`,
/// at most `CCHC_MAX_UPLOAD_BYTES`) or `content_base64` (at most `CCHC_QLVB_MAX_INLINE_BYTES`
/// decoded): PDF, DOCX, DOC, XLSX or XLS by content. A URL whose host is, or resolves only
/// to, a loopback, private, link-local, unique-local, shared, multicast, documentation or
/// reserved address is refused with 422 `url_not_allowed` naming `data.document.files[i].url`
/// (a QLVB on a private network is listed in `CCHC_OUTBOUND_ALLOW`); redirects are not
/// followed. Any other failed download (refused or reset connection, timeout, an answer that
/// is not 2xx, a redirect) is 502 `file_download_failed` with the same words whatever the
/// cause, and nothing is recorded.
///
/// **Matching** (`document.received`). The sender is our unit by `sender.unit_code` or
/// `sender.agency_code` (the unit's `qlvb_code`); the period by `period_code`, or without it by
/// `in_reply_to`, the number of a document linked to a period as its `request_letter`. If the unit
/// takes part in that (opened) period, the document is linked to the unit's submission (created
/// as a draft if it has none), which then lists it in `official_documents` with
/// `delivered_via_qlvb_at`. Otherwise it is `unmatched`, waits in the Office's inbox
/// (`GET /api/v1/documents?status=unmatched`), and `match.reason` says why.
///
/// **The report's files** (a matched `document.received`, the event's files new to the
/// document): a workbook that is this service's statistics form for the unit and period is
/// imported into the unit's report by the rules of `POST /api/v1/submissions/{id}/import.xlsx`
/// (no `If-Match`; audited as the integration); any other workbook (another unit's or period's
/// form, a workbook that is no form, an unreadable one) is only filed with the document. A
/// Word or PDF file becomes a `narrative` attachment of the report. Only a draft or returned
/// report of a period taking reports is changed; otherwise `import.not_changed` says why. When
/// the period has `qlvb_arrival_submits`, a complete report is then submitted with the event's
/// `occurred_at` (when QLVB received it, never later than now) as its submission time, so its
/// timeliness is judged from that instant; an incomplete one stays a draft and `import.missing`
/// lists what is missing. `import` says what was done (`indicators_imported`, `problems` by
/// cell in Vietnamese, `attachments`, `submitted`, `timeliness`); the report's
/// `official_documents[].qlvb_import` keeps it. Problems and missing items are mailed to the
/// unit's focal persons. A form with problems imports nothing (and does not submit).
///
/// **A number already registered** (same issuer, year and number) is not an error: the existing
/// document is kept, the event's new files are added to it (by SHA-256), a matching
/// `document.received` links it, and the answer is 200 with `already_registered: true`.
#[utoipa::path(
    operation_id = "receive_qlvb_event",
    tag = "integrations",
    params(
        ("X-CCHC-Timestamp" = String, Header, description = "When the request was signed, in Unix seconds; at most 5 minutes from the server's clock"),
        ("X-CCHC-Signature" = String, Header, description = "`v1=` and the lowercase hex HMAC-SHA256 of `{timestamp}.{body}` under the integration's signing secret; several comma-separated signatures are accepted"),
        ("X-CCHC-Event-Id" = Option<String>, Header, description = "The event's id; if sent, it must equal the body's `id`"),
    ),
    request_body = QlvbEvent,
    responses(
        (status = 200, description = "The number was already registered: the existing document, with the event's new files (`already_registered: true`); or the same event again (header `Idempotent-Replayed: true`)", body = QlvbEventAnswer),
        (status = 201, description = "A new document was registered (and, for `document.received`, matched or left in the inbox)", body = QlvbEventAnswer, headers(("Location" = String, description = "The document"))),
        (status = 401, description = "Bad token, or a signature that does not hold: `invalid_signature` (missing, malformed or wrong), `signature_expired` (timestamp more than 5 minutes off)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an integration token (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The event id was used before with a different body (`event_id_reused`), or the number was registered by a concurrent event (`duplicate_document_number`; retry)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is over its limit (`payload_too_large`), or a file is over its limit (`file_too_large`, naming `data.document.files[i].content_base64` or `.url`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "A file's content is not PDF, DOCX, DOC, XLSX or XLS (`unsupported_file_type`, naming the file), or the body is not JSON (`unsupported_media_type`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (`validation_failed`): `data.document.number` (`invalid_document_number`, with the reason), `id` (`event_id_mismatch` with the header), files (`one_source`, `invalid_url`, `url_not_allowed` for a URL whose host is an internal address, `invalid_base64`, `invalid_filename`), texts", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 502, description = "A file could not be downloaded (`file_download_failed`, naming the file; the same words whatever the cause); nothing was recorded, send the event again", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/integrations/qlvb/events")]
pub async fn receive_qlvb_event(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    // The use case's first step, so other roles are refused before a body of megabytes is read.
    qlvb::authorize_event(auth.principal())?;
    let config = &state.config;
    let limit = event_body_limit(config);
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let mut payload = payload.into_inner();
    let body = read_body(declared, limit, &mut payload).await?.freeze();
    let now = state.clock.now();
    let limits = Limits {
        max_inline_bytes: config.qlvb.max_inline_bytes,
        max_download_bytes: config.max_upload_bytes,
        download_timeout: Duration::from_secs(config.qlvb.download_timeout_secs),
    };
    // A connection for the signature and the replay lookup, given back before any download
    // (a slow file server must not hold one of the pool's few connections), and one again for
    // the transaction.
    let mut conn = state.conn().await?;
    qlvb::verify(
        &mut conn,
        auth.principal(),
        Signed {
            timestamp: header_text(&req, TIMESTAMP_HEADER),
            signature: header_text(&req, SIGNATURE_HEADER),
            body: &body,
        },
        now,
    )
    .await?;
    let is_json = header_text(&req, header::CONTENT_TYPE.as_str())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return Err(ApiError::UnsupportedMediaType {
            expected: "application/json",
        });
    }
    let event: QlvbEvent = parse_json(&body)?;
    let prepared = qlvb::prepare(
        &mut conn,
        &event,
        header_text(&req, EVENT_ID_HEADER),
        &body,
        auth.principal(),
        &limits,
        &state.outbound,
    )
    .await?;
    drop(conn);
    let answer = match prepared {
        Prepared::Replay(answer) => answer,
        Prepared::New(new) => {
            let files = qlvb::fetch(&new, &state.storage, &state.outbound, &limits).await?;
            let mut conn = match state.conn().await {
                Ok(conn) => conn,
                Err(error) => {
                    files.discard(&state.storage).await;
                    return Err(error);
                }
            };
            qlvb::commit(
                &mut conn,
                &state.storage,
                &state.versions,
                &new,
                files,
                auth.principal(),
                &auth.actor(),
                now,
            )
            .await?
        }
    };
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status);
    if status == StatusCode::CREATED {
        if let Some(url) = answer.body["document"]["url"].as_str() {
            response.insert_header((header::LOCATION, url.to_owned()));
        }
    }
    if answer.replayed {
        response.insert_header((REPLAYED_HEADER, "true"));
    }
    Ok(response.json(answer.body))
}
