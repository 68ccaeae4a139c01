//! `Idempotency-Key` on POSTs (after Stripe and draft-ietf-httpapi-idempotency-key-header).
//!
//! A POST that carries the header is claimed under (the caller, the key) before it runs, and
//! its answer is stored when it ends. The caller is an API token, or a person signed in
//! through the identity provider (their issuer and subject, whichever of their access tokens
//! they send); two callers' keys never collide. The same caller sending the same key again:
//! - with the same request (method, path and query, SHA-256 of the body) gets the stored
//!   answer again (status, body, `Content-Type`, `Location`, `ETag`, `Content-Disposition`)
//!   with `Idempotent-Replayed: true`, and nothing is done a second time;
//! - with another request gets 422 `idempotency_key_reused`;
//! - while the first is still running gets 409 `idempotency_key_in_progress`.
//!
//! 2xx and 4xx answers are stored; 5xx answers are not (the key is freed so the client may
//! retry). A claim left "in progress" for ten minutes (its request died with the process or
//! the connection) is taken over by the next request with the key. Keys last `CCHC_IDEMPOTENCY_TTL_HOURS` (24 h by default); expired ones are removed
//! when a new key is claimed. Requests without a valid token pass through untouched (the
//! handler answers 401), as do all other methods.
//!
//! The body is read (to fingerprint it) only up to the route's own limit, with the answer its
//! handler would give past it (413): `CCHC_MAX_BODY_BYTES` for JSON, the upload limit for
//! multipart uploads, the event limit for QLVB events.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpResponse};
use cchc_app::config::Config;
use cchc_app::repo::idempotency::{self, Claim, Fingerprint, KeyOwner, StoredAnswer};
use cchc_domain::error::{Error as CoreError, FieldError};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::auth::FailedAuthentication;
use crate::error::ApiError;
use crate::extract::read_body;
use crate::limits::client_address;
use crate::routes::integrations::event_body_limit;
use crate::state::AppState;

pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";
pub const IDEMPOTENT_REPLAYED: &str = "Idempotent-Replayed";
pub const MAX_KEY_LEN: usize = 255;

/// Headers of an answer that a replay repeats.
const KEPT_HEADERS: [header::HeaderName; 4] = [
    header::CONTENT_TYPE,
    header::LOCATION,
    header::ETAG,
    header::CONTENT_DISPOSITION,
];

fn key_problem(message: &str) -> ApiError {
    ApiError::bad_request(
        "invalid_header",
        format!("the {IDEMPOTENCY_KEY} header is invalid: {message}"),
        vec![FieldError::new(IDEMPOTENCY_KEY, "invalid", message)],
    )
}

/// The key of a request, if it sends one: 1–255 visible ASCII characters, sent once.
pub fn parse_key(headers: &header::HeaderMap) -> Result<Option<String>, ApiError> {
    let mut values = headers.get_all(IDEMPOTENCY_KEY);
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(key_problem("send it once"));
    }
    let bytes = value.as_bytes();
    if bytes.is_empty() || bytes.len() > MAX_KEY_LEN {
        return Err(key_problem("it must be 1 to 255 characters long"));
    }
    if !bytes.iter().all(|b| b.is_ascii_graphic()) {
        return Err(key_problem(
            "it may hold only visible ASCII characters (no spaces or control characters)",
        ));
    }
    Ok(Some(String::from_utf8_lossy(bytes).into_owned()))
}

/// Routes whose handlers read a `multipart/form-data` upload ([`crate::upload`]), as actix
/// patterns (which are the OpenAPI paths; a unit test holds the list to the document).
pub const UPLOAD_ROUTES: [&str; 4] = [
    "/api/v1/submissions/{id}/attachments",
    "/api/v1/documents/{id}/files",
    "/api/v1/tasks/{id}/files",
    "/api/v1/assessments/{id}/files",
];
/// The route whose handler reads events with inline files ([`event_body_limit`]).
const QLVB_EVENTS_ROUTE: &str = "/api/v1/integrations/qlvb/events";

/// The most of a POST's body this layer reads to fingerprint it, and the problem past it: the
/// route's own limit and the answer its handler would give. The largest limit of all (an
/// upload's) for every route would let any POST with a key make the server buffer it.
fn route_body_limit(req: &ServiceRequest, config: &Config) -> (usize, ApiError) {
    // Before routing, actix matches the pattern from the path alone.
    match req.match_pattern().as_deref() {
        Some(route) if UPLOAD_ROUTES.contains(&route) => (
            crate::upload::form_limit(config.max_upload_bytes),
            ApiError::FileTooLarge {
                limit: config.max_upload_bytes,
            },
        ),
        Some(QLVB_EVENTS_ROUTE) => {
            let limit = event_body_limit(config);
            (limit, ApiError::PayloadTooLarge { limit })
        }
        _ => (
            config.max_body_bytes,
            ApiError::PayloadTooLarge {
                limit: config.max_body_bytes,
            },
        ),
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

fn replay(answer: StoredAnswer) -> HttpResponse {
    let status = actix_web::http::StatusCode::from_u16(answer.status)
        .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = HttpResponse::build(status);
    if let Value::Object(headers) = &answer.headers {
        for (name, value) in headers {
            if let Some(value) = value.as_str() {
                response.insert_header((name.as_str(), value));
            }
        }
    }
    response.insert_header((IDEMPOTENT_REPLAYED, "true"));
    response.body(answer.body)
}

fn error(req: ServiceRequest, error: ApiError) -> ServiceResponse<BoxBody> {
    req.error_response(error)
}

/// Hands the request on untouched.
async fn pass(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    next.call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}

/// The middleware (`actix_web::middleware::from_fn`).
pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if req.method() != Method::POST {
        return pass(req, next).await;
    }
    let key = match parse_key(req.headers()) {
        Ok(Some(key)) => key,
        Ok(None) => return pass(req, next).await,
        Err(problem) => return Ok(error(req, problem)),
    };
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return pass(req, next).await;
    };
    // The caller: without a valid token the handler answers 401 and nothing is kept.
    let Ok(secret) = crate::bearer::bearer_secret(req.request()) else {
        return pass(req, next).await;
    };
    let now = state.clock.now();
    let address = client_address(req.peer_addr());
    let caller = match crate::auth::authenticate(&state, address, &secret).await {
        Ok(Some(caller)) => caller,
        // The `Auth` extractor answers 401 without a second lookup or a second failure spent.
        Ok(None) => {
            req.extensions_mut().insert(FailedAuthentication);
            return pass(req, next).await;
        }
        Err(problem) => return Ok(error(req, problem)),
    };
    // Keys are kept per caller: an API token, or a person (whatever access token they send).
    let owner = match &caller.person {
        Some(person) => KeyOwner::Person {
            issuer: person.issuer.clone(),
            subject: person.subject.clone(),
        },
        None => KeyOwner::Token(caller.principal.token_id),
    };
    // The `Auth` extractor takes it from here instead of looking the token up again.
    req.extensions_mut().insert(caller);

    // Read the body to fingerprint it, then hand it on unchanged.
    let (limit, too_large) = route_body_limit(&req, &state.config);
    let declared_length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let mut payload = req.take_payload();
    let body = match read_body(declared_length, limit, &mut payload).await {
        Ok(body) => body.freeze(),
        Err(ApiError::PayloadTooLarge { .. }) => return Ok(error(req, too_large)),
        Err(problem) => return Ok(error(req, problem)),
    };
    let request = Fingerprint {
        method: req.method().to_string(),
        path: req
            .uri()
            .path_and_query()
            .map_or_else(|| req.path().to_owned(), |p| p.as_str().to_owned()),
        body_sha256: sha256_hex(&body),
    };
    req.set_payload(actix_web::dev::Payload::from(body));

    let claim = {
        let mut conn = match state.conn().await {
            Ok(conn) => conn,
            Err(problem) => return Ok(error(req, problem)),
        };
        idempotency::claim(
            &mut conn,
            &owner,
            &key,
            &request,
            now,
            state.config.idempotency_ttl,
        )
        .await
    };
    match claim {
        Err(problem) => return Ok(error(req, problem.into())),
        Ok(Claim::Claimed) => {}
        Ok(Claim::Replay(answer)) => {
            return Ok(req.into_response(replay(answer)));
        }
        Ok(Claim::Reused(first)) => {
            let detail = format!(
                "this {IDEMPOTENCY_KEY} was used for another request ({} {}); use a new key for a new request",
                first.method, first.path
            );
            return Ok(error(
                req,
                CoreError::Unprocessable {
                    code: "idempotency_key_reused",
                    detail: detail.clone(),
                    errors: vec![FieldError::new(IDEMPOTENCY_KEY, "reused", detail)],
                }
                .into(),
            ));
        }
        Ok(Claim::InProgress) => {
            return Ok(error(
                req,
                CoreError::conflict(
                    "idempotency_key_in_progress",
                    format!(
                        "the first request with this {IDEMPOTENCY_KEY} is still being answered; try again shortly"
                    ),
                )
                .into(),
            ));
        }
    }

    let response = match next.call(req).await {
        Ok(response) => response,
        Err(failure) => {
            release(&state, &owner, &key).await;
            return Err(failure);
        }
    };
    if response.status().is_server_error() {
        release(&state, &owner, &key).await;
        return Ok(response.map_into_boxed_body());
    }
    let (http_request, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let bytes = match actix_web::body::to_bytes(body).await {
        Ok(bytes) => bytes,
        Err(failure) => {
            release(&state, &owner, &key).await;
            return Err(actix_web::error::ErrorInternalServerError(failure.into()));
        }
    };
    let mut kept = Map::new();
    for name in &KEPT_HEADERS {
        if let Some(value) = head.headers().get(name).and_then(|v| v.to_str().ok()) {
            kept.insert(name.as_str().to_owned(), Value::String(value.to_owned()));
        }
    }
    let stored = StoredAnswer {
        status: head.status().as_u16(),
        headers: Value::Object(kept),
        body: bytes.to_vec(),
    };
    let finished = match state.conn().await {
        Ok(mut conn) => idempotency::finish(&mut conn, &owner, &key, &stored)
            .await
            .map_err(ApiError::from),
        Err(problem) => Err(problem),
    };
    if let Err(problem) = finished {
        // The answer stands; only its replay is lost. Free the key rather than leave it
        // "in progress" until it expires.
        tracing::warn!(error = %problem, "could not store the answer of an idempotent request");
        release(&state, &owner, &key).await;
    }
    Ok(ServiceResponse::new(
        http_request,
        head.set_body(bytes).map_into_boxed_body(),
    ))
}

async fn release(state: &AppState, owner: &KeyOwner, key: &str) {
    let released = match state.conn().await {
        Ok(mut conn) => idempotency::release(&mut conn, owner, key)
            .await
            .map_err(ApiError::from),
        Err(problem) => Err(problem),
    };
    if let Err(problem) = released {
        tracing::warn!(error = %problem, "could not free an idempotency key");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&[u8]]) -> header::HeaderMap {
        let mut map = header::HeaderMap::new();
        for value in values {
            map.append(
                header::HeaderName::from_static("idempotency-key"),
                header::HeaderValue::from_bytes(value).unwrap(),
            );
        }
        map
    }

    #[test]
    fn keys_are_one_to_255_visible_ascii_characters_sent_once() {
        assert_eq!(parse_key(&headers(&[])).unwrap(), None);
        assert_eq!(
            parse_key(&headers(&[b"a1-B2_c3:~!"])).unwrap().as_deref(),
            Some("a1-B2_c3:~!")
        );
        let longest = "k".repeat(255);
        assert_eq!(
            parse_key(&headers(&[longest.as_bytes()])).unwrap(),
            Some(longest)
        );
        for bad in [
            &b""[..],
            "k".repeat(256).as_bytes(),
            b"two words",
            b"tab\there",
            "khóa".as_bytes(),
        ] {
            assert!(parse_key(&headers(&[bad])).is_err(), "{bad:?}");
        }
        assert!(parse_key(&headers(&[b"a", b"b"])).is_err());
    }

    #[test]
    fn the_upload_routes_are_the_documented_multipart_posts() {
        let spec = serde_json::to_value(crate::app::openapi()).unwrap();
        let mut multipart: Vec<&str> = spec["paths"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, item)| {
                item["post"]["requestBody"]["content"]
                    .get("multipart/form-data")
                    .is_some()
            })
            .map(|(path, _)| path.as_str())
            .collect();
        multipart.sort_unstable();
        let mut listed = UPLOAD_ROUTES.to_vec();
        listed.sort_unstable();
        assert_eq!(multipart, listed);
        assert!(spec["paths"][QLVB_EVENTS_ROUTE]["post"].is_object());
    }
}
