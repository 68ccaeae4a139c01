//! JSON body and query extractors that name the offending field in their 4xx answers, reject
//! unknown fields (through `deny_unknown_fields` on the types) and bound the body size.

use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use cchc_domain::error::FieldError;
use cchc_excel::XLSX_MIME;
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Largest JSON body accepted, in bytes; registered as app data.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// Turns a deserialization failure into a field error. Unknown fields are reported under their
/// own name, other problems under the path where they occurred.
fn field_error<E: std::fmt::Display>(
    error: &serde_path_to_error::Error<E>,
    root: &str,
) -> FieldError {
    let path = error.path().to_string();
    let message = error.inner().to_string();
    let mut field = if path == "." { root.to_owned() } else { path };
    let code = if let Some(rest) = message.strip_prefix("unknown field `") {
        // serde_path_to_error's path already ends with the unknown key; only a bare root
        // path needs the name.
        if field == root {
            field = rest.split('`').next().unwrap_or_default().to_owned();
        }
        "unknown_field"
    } else if message.starts_with("missing field `") {
        let name = message
            .trim_start_matches("missing field `")
            .split('`')
            .next()
            .unwrap_or_default();
        field = if field == root {
            name.to_owned()
        } else {
            format!("{field}.{name}")
        };
        "required"
    } else if message.starts_with("unknown variant") {
        "invalid_value"
    } else {
        "invalid_type"
    };
    // serde_json appends " at line L column C"; the field path says more.
    let message = match message.find(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message,
    };
    FieldError::new(field, code, message)
}

/// A JSON body, read and parsed while the request is extracted but reported only when the
/// handler asks for it with [`Json::into_inner`]: authentication and role checks come first,
/// so a caller without rights learns nothing from body validation.
pub struct Json<T>(Result<T, ApiError>);

impl<T> Json<T> {
    pub fn into_inner(self) -> Result<T, ApiError> {
        self.0
    }
}

/// The media type of the body without parameters, lower-case; empty when there is none.
fn media_type(req: &HttpRequest) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|value| value.split(';').next())
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn is_json(req: &HttpRequest) -> bool {
    let essence = media_type(req);
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn body_limit(req: &HttpRequest) -> usize {
    req.app_data::<BodyLimit>()
        .copied()
        .unwrap_or(BodyLimit(1024 * 1024))
        .0
}

fn declared_length(req: &HttpRequest) -> Option<usize> {
    req.headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
}

/// Reads the whole body, refusing it beyond `limit` bytes.
pub async fn read_body(
    declared_length: Option<usize>,
    limit: usize,
    payload: &mut Payload,
) -> Result<web::BytesMut, ApiError> {
    if declared_length.is_some_and(|len| len > limit) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::bad_request("invalid_body", e.to_string(), Vec::new()))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// An `.xlsx` workbook sent as the raw body, reported like [`Json`]: only when the handler
/// asks, after authentication. Bounded by the same body limit as JSON.
pub struct XlsxBody(Result<web::Bytes, ApiError>);

impl XlsxBody {
    pub fn into_inner(self) -> Result<web::Bytes, ApiError> {
        self.0
    }
}

impl FromRequest for XlsxBody {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        // A workbook LibreOffice saved in its own format, or an Excel 97–2003 file, is read
        // far enough to tell the person how to save it as .xlsx (422 `not_xlsx`).
        let is_xlsx = matches!(
            media_type(req).as_str(),
            XLSX_MIME
                | "application/vnd.oasis.opendocument.spreadsheet"
                | "application/vnd.ms-excel"
        );
        let limit = body_limit(req);
        let declared_length = declared_length(req);
        let mut payload = payload.take();
        Box::pin(async move {
            if !is_xlsx {
                return Ok(XlsxBody(Err(ApiError::UnsupportedMediaType {
                    expected: XLSX_MIME,
                })));
            }
            let body = read_body(declared_length, limit, &mut payload).await;
            Ok(XlsxBody(body.map(web::BytesMut::freeze)))
        })
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = body_limit(req);
        let json = is_json(req);
        let declared_length = declared_length(req);
        let mut payload = payload.take();
        Box::pin(async move {
            Ok(Json(
                read_json(json, declared_length, limit, &mut payload).await,
            ))
        })
    }
}

async fn read_json<T: DeserializeOwned>(
    json: bool,
    declared_length: Option<usize>,
    limit: usize,
    payload: &mut Payload,
) -> Result<T, ApiError> {
    if !json {
        return Err(ApiError::UnsupportedMediaType {
            expected: "application/json",
        });
    }
    let body = read_body(declared_length, limit, payload).await?;
    if body.is_empty() {
        return Err(ApiError::bad_request(
            "invalid_json",
            "the request body is empty; send a JSON object",
            Vec::new(),
        ));
    }
    parse_json(&body)
}

/// Parses a JSON body already read (e.g. one whose signature was checked over the raw bytes),
/// with the same field-naming 400s as [`Json`].
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    // PostgreSQL text cannot hold NUL; refuse it here rather than fail in the database.
    if contains_escaped_nul(body) {
        return Err(ApiError::bad_request(
            "invalid_body",
            "text must not contain NUL (\\u0000) characters",
            Vec::new(),
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let parsed = serde_path_to_error::deserialize(&mut deserializer);
    // An integer written with a zero fraction (`2045.0`) is an integer for JSON Schema, as the
    // document's `type: integer` says; serde wants `2045`, so such a body is read again with
    // those numbers made integers.
    if let Err(error) = &parsed {
        if error
            .inner()
            .to_string()
            .starts_with("invalid type: floating point")
        {
            if let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(body) {
                if integral_floats(&mut value) {
                    return serde_path_to_error::deserialize(value).map_err(|error| {
                        let field = field_error(&error, "body");
                        ApiError::bad_request(
                            "invalid_body",
                            format!("{}: {}", field.field, field.message),
                            vec![field],
                        )
                    });
                }
            }
        }
    }
    let value = parsed.map_err(|error| {
        // serde_json reports some type errors (e.g. null for a string) as syntax errors; the
        // body is malformed only if it is not JSON at all.
        let malformed = (error.inner().is_syntax() || error.inner().is_eof())
            && serde_json::from_slice::<serde_json::Value>(body).is_err();
        if malformed {
            ApiError::bad_request(
                "invalid_json",
                format!("the body is not valid JSON: {}", error.inner()),
                Vec::new(),
            )
        } else {
            let field = field_error(&error, "body");
            ApiError::bad_request(
                "invalid_body",
                format!("{}: {}", field.field, field.message),
                vec![field],
            )
        }
    })?;
    deserializer.end().map_err(|e| {
        ApiError::bad_request(
            "invalid_json",
            format!("the body is not valid JSON: {e}"),
            Vec::new(),
        )
    })?;
    Ok(value)
}

/// Makes every number with a zero fraction that an `f64` holds exactly (|n| < 2^53) an
/// integer; true when one was.
fn integral_floats(value: &mut serde_json::Value) -> bool {
    use serde_json::Value;
    const EXACT: f64 = 9_007_199_254_740_992.0;
    match value {
        Value::Number(number) if number.is_f64() => match number.as_f64() {
            Some(float) if float.fract() == 0.0 && float.abs() < EXACT => {
                // In range and whole: the cast is exact.
                #[allow(clippy::cast_possible_truncation)]
                let integer = float as i64;
                *value = Value::from(integer);
                true
            }
            _ => false,
        },
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |found, item| integral_floats(item) | found),
        Value::Object(map) => map
            .values_mut()
            .fold(false, |found, item| integral_floats(item) | found),
        _ => false,
    }
}

fn contains_escaped_nul(body: &[u8]) -> bool {
    // Walk escape sequences so that an escaped backslash followed by "u0000" (the text
    // `\u0000`) is not mistaken for a NUL escape.
    let mut i = 0;
    while i < body.len() {
        if body[i] == b'\\' {
            if body.get(i + 1) == Some(&b'u') && body.get(i + 2..i + 6) == Some(b"0000") {
                return true;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

pub struct Query<T>(pub T);

impl<T> Deref for Query<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        if let Some((name, _)) =
            form_urlencoded::parse(req.query_string().as_bytes()).find(|(_, v)| v.contains('\0'))
        {
            return std::future::ready(Err(ApiError::bad_request(
                "invalid_query",
                format!("query parameter {name} must not contain NUL characters"),
                vec![FieldError::new(
                    name.into_owned(),
                    "invalid_character",
                    "must not contain NUL characters",
                )],
            )));
        }
        let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(
            req.query_string().as_bytes(),
        ));
        std::future::ready(
            serde_path_to_error::deserialize(deserializer)
                .map(Query)
                .map_err(|error| {
                    let field = field_error(&error, "query");
                    ApiError::bad_request(
                        "invalid_query",
                        format!("query parameter {}: {}", field.field, field.message),
                        vec![field],
                    )
                }),
        )
    }
}
