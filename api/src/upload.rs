//! Reads a `multipart/form-data` upload as a stream, stopping with 413 as soon as the file
//! passes the limit: a client that leaves out Content-Length (or lies in it) cannot make the
//! server buffer more than the limit.

use actix_multipart::{Field, Multipart, MultipartError};
use actix_web::http::header;
use actix_web::HttpRequest;
use bytes::{Bytes, BytesMut};
use cchc_app::repo::upload_form::{UploadForm, UploadedFile};
use futures_util::StreamExt;

use crate::error::ApiError;

/// Room for the form's framing and its small text fields on top of the file itself.
const FORM_OVERHEAD_BYTES: usize = 64 * 1024;
/// Longest text field (`purpose`, `indicator_code`, `unit_code`).
const MAX_TEXT_FIELD_BYTES: usize = 1024;
/// Parts beyond these are not read.
const MAX_PARTS: usize = 16;

const MULTIPART: &str = "multipart/form-data";

/// The most an upload form may hold: the file and room for the rest of the form.
pub fn form_limit(max_file_bytes: usize) -> usize {
    max_file_bytes.saturating_add(FORM_OVERHEAD_BYTES)
}

fn is_multipart_form(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case(MULTIPART))
}

fn malformed(error: MultipartError) -> ApiError {
    match error {
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible
        | MultipartError::BoundaryMissing => ApiError::UnsupportedMediaType {
            expected: "multipart/form-data with a boundary",
        },
        other => ApiError::bad_request(
            "invalid_body",
            format!("the multipart form is malformed: {other}"),
            Vec::new(),
        ),
    }
}

/// Reads a part whole, failing with `too_large` once it passes `limit` bytes or the whole
/// form passes its `budget`.
async fn read_part(
    field: &mut Field,
    limit: usize,
    budget: &mut usize,
    too_large: ApiError,
) -> Result<Bytes, ApiError> {
    let mut bytes = BytesMut::new();
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(malformed)?;
        if bytes.len() + chunk.len() > limit || chunk.len() > *budget {
            return Err(too_large);
        }
        *budget -= chunk.len();
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes.freeze())
}

/// Reads the upload form: the `file` part (at most `max_file_bytes`) and the form's own
/// `text_fields`. Unknown and repeated parts are noted for the checks that follow.
pub async fn read_upload_form(
    req: &HttpRequest,
    mut multipart: Multipart,
    max_file_bytes: usize,
    text_fields: &[&str],
) -> Result<UploadForm, ApiError> {
    if !is_multipart_form(req) {
        return Err(ApiError::UnsupportedMediaType {
            expected: MULTIPART,
        });
    }
    let declared_length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared_length.is_some_and(|len| len > form_limit(max_file_bytes)) {
        return Err(ApiError::FileTooLarge {
            limit: max_file_bytes,
        });
    }
    let text_too_large = |name: &str| {
        ApiError::bad_request(
            "invalid_body",
            format!("the form field {name} is longer than {MAX_TEXT_FIELD_BYTES} bytes"),
            Vec::new(),
        )
    };
    let file_too_large = || ApiError::FileTooLarge {
        limit: max_file_bytes,
    };
    let mut budget = form_limit(max_file_bytes);
    let mut form = UploadForm::default();
    let mut parts = 0;
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(malformed)?;
        parts += 1;
        if parts > MAX_PARTS {
            return Err(ApiError::bad_request(
                "invalid_body",
                format!("the form has more than {MAX_PARTS} parts"),
                Vec::new(),
            ));
        }
        let name = field.name().unwrap_or_default().to_owned();
        let is_text = text_fields.contains(&name.as_str());
        let seen = match name.as_str() {
            "file" => form.file.is_some(),
            _ => is_text && form.text(&name).is_some(),
        };
        if seen && !form.repeated_fields.contains(&name) {
            form.repeated_fields.push(name.clone());
        }
        match name.as_str() {
            "file" => {
                let filename = field.content_disposition().and_then(|cd| {
                    // RFC 7578 clients send `filename`; some send the RFC 5987 form too.
                    cd.get_filename_ext()
                        .and_then(|ext| String::from_utf8(ext.value.clone()).ok())
                        .or_else(|| cd.get_filename().map(str::to_owned))
                });
                let bytes =
                    read_part(&mut field, max_file_bytes, &mut budget, file_too_large()).await?;
                form.file = Some(UploadedFile { filename, bytes });
            }
            _ if is_text => {
                let bytes = read_part(
                    &mut field,
                    MAX_TEXT_FIELD_BYTES,
                    &mut budget,
                    text_too_large(&name),
                )
                .await?;
                let text = String::from_utf8(bytes.to_vec()).map_err(|_| {
                    ApiError::bad_request(
                        "invalid_body",
                        format!("the form field {name} is not UTF-8 text"),
                        Vec::new(),
                    )
                })?;
                // PostgreSQL text cannot hold NUL: refused here, as in JSON bodies.
                if text.contains('\0') {
                    return Err(ApiError::bad_request(
                        "invalid_body",
                        format!("the form field {name} must not contain NUL characters"),
                        vec![cchc_domain::error::FieldError::new(
                            name,
                            "invalid_character",
                            "must not contain NUL characters",
                        )],
                    ));
                }
                if !seen {
                    form.fields.push((name, text));
                }
            }
            _ => {
                // Read past it (within the form's budget) to reach the next part.
                read_part(&mut field, max_file_bytes, &mut budget, file_too_large()).await?;
                if !form.unknown_fields.contains(&name) {
                    form.unknown_fields.push(name);
                }
            }
        }
    }
    Ok(form)
}
