//! The files of an inbound QLVB event ([`crate::repo::qlvb`]): inline ones decoded, the others
//! downloaded through the guarded client ([`crate::outbound`]), each streamed into a
//! temporary file under the size limit, judged by its content there and streamed on to the
//! store. One file at a time, so an event never holds more than one file's parts in memory,
//! and without a database connection: the caller gives its connection back before this and
//! takes one again for the transaction.
//!
//! A download that fails says only that it failed (the cause, which could tell a closed port
//! from a filtered one, goes to the log); a URL whose host is an address this service does
//! not fetch from is a 422 naming the file's `url`.

use std::time::Duration;

use base64::Engine;
use bytes::Bytes;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use url::Url;

use crate::outbound::{AddressNotAllowed, Outbound, OutboundError};
use crate::repo::documents::{self, StoredFile};
use crate::storage::Storage;
use cchc_domain::error::{Error, FieldError, Result};
use cchc_domain::model::document::{QlvbDocument, QlvbFile};
use cchc_excel::files::check_document_reader;

pub(crate) fn files_field(index: usize, part: &str) -> String {
    format!("data.document.files[{index}].{part}")
}

pub(crate) fn too_large(field: String, filename: &str, limit: usize) -> Error {
    let detail =
        format!("{field}: the file {filename:?} is larger than the limit of {limit} bytes");
    Error::TooLarge {
        code: "file_too_large",
        errors: vec![FieldError::new(
            field,
            "too_large",
            format!("must be at most {limit} bytes"),
        )],
        detail,
    }
}

/// Limits of one event.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest inline (base64) file, decoded.
    pub max_inline_bytes: usize,
    /// Largest downloaded file.
    pub max_download_bytes: usize,
    /// How long one download may take, whole.
    pub download_timeout: Duration,
}

/// The problem of a URL whose host is (or resolves only to) a refused address.
pub(crate) fn url_not_allowed(field: String) -> FieldError {
    FieldError::new(
        field,
        "url_not_allowed",
        "the host is a loopback, private, link-local or otherwise internal address, which this service does not download from (unless the deployment allows it in CCHC_OUTBOUND_ALLOW)",
    )
}

/// The same answer for every failed download, whatever happened (see the module comment).
fn download_failed(field: String) -> Error {
    let why = "the file could not be downloaded";
    Error::Upstream {
        code: "file_download_failed",
        detail: format!("{field}: {why}; nothing was recorded, send the event again"),
        errors: vec![FieldError::new(field, "download_failed", why)],
    }
}

/// The objects an event's files were written to, waiting for the transaction.
#[derive(Debug, Default)]
pub struct StoredFiles(pub(crate) Vec<StoredFile>);

impl StoredFiles {
    /// Removes the objects (the event was not recorded).
    pub async fn discard(self, storage: &Storage) {
        documents::discard(storage, &self.0).await;
    }
}

/// Decodes or downloads every file, checks it and writes it to the store; on any failure the
/// objects already written are removed.
pub(crate) async fn fetch(
    document: &QlvbDocument,
    names: &[String],
    limits: &Limits,
    storage: &Storage,
    outbound: &Outbound,
) -> Result<StoredFiles> {
    let mut stored = Vec::new();
    for (index, (file, name)) in document.files.iter().zip(names).enumerate() {
        match fetch_one(index, file, name.clone(), limits, storage, outbound).await {
            Ok(file) => stored.push(file),
            Err(error) => {
                documents::discard(storage, &stored).await;
                return Err(error);
            }
        }
    }
    Ok(StoredFiles(stored))
}

async fn fetch_one(
    index: usize,
    file: &QlvbFile,
    filename: String,
    limits: &Limits,
    storage: &Storage,
    outbound: &Outbound,
) -> Result<StoredFile> {
    match (&file.url, &file.content_base64) {
        (_, Some(text)) => {
            let field = files_field(index, "content_base64");
            let compact: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(compact)
                .map_err(|e| {
                    Error::invalid(
                        field.clone(),
                        "invalid_base64",
                        format!("not standard base64: {e}"),
                    )
                })?;
            if bytes.len() > limits.max_inline_bytes {
                return Err(too_large(field, &filename, limits.max_inline_bytes));
            }
            let content_type = documents::checked_type(&field, &bytes)?;
            documents::store(storage, filename, content_type, Bytes::from(bytes)).await
        }
        (Some(url), None) => {
            let field = files_field(index, "url");
            let url = Url::parse(url.trim())
                .map_err(|_| Error::Internal("a checked file URL does not parse".into()))?;
            download_and_store(field, filename, url, limits, storage, outbound).await
        }
        (None, None) => Err(Error::Internal("a checked file has no source".into())),
    }
}

async fn download_and_store(
    field: String,
    filename: String,
    url: Url,
    limits: &Limits,
    storage: &Storage,
    outbound: &Outbound,
) -> Result<StoredFile> {
    // Held until the file is in the store: it bounds the sockets, temporary files and upload
    // buffers of every event in flight together.
    let _slot = outbound.slot().await;
    let limit = limits.max_download_bytes;
    let downloaded =
        tokio::time::timeout(limits.download_timeout, download(outbound, &url, limit)).await;
    let spooled = match downloaded {
        Ok(Ok(spooled)) => spooled,
        Ok(Err(Download::TooLarge)) => return Err(too_large(field, &filename, limit)),
        Ok(Err(Download::NotAllowed(refused))) => {
            tracing::warn!(%field, %url, %refused, "a QLVB file URL names a refused address");
            return Err(Error::Validation {
                errors: vec![url_not_allowed(field)],
            });
        }
        Ok(Err(Download::Spool(error))) => {
            return Err(Error::StorageUnavailable(format!(
                "temporary file for a download: {error}"
            )))
        }
        Ok(Err(Download::Failed(cause))) => {
            tracing::warn!(%field, %url, %cause, "a QLVB file download failed");
            return Err(download_failed(field));
        }
        Err(_) => {
            tracing::warn!(
                %field, %url,
                "a QLVB file download took longer than {} s",
                limits.download_timeout.as_secs()
            );
            return Err(download_failed(field));
        }
    };
    let Spooled { file, size, sha256 } = spooled;
    // Reading archives is blocking work.
    let (file, checked) = tokio::task::spawn_blocking(move || {
        let mut file = file;
        let checked = check_document_reader(&mut file, size);
        (file, checked)
    })
    .await
    .map_err(|e| Error::Internal(format!("file check task: {e}")))?;
    let content_type = checked
        .map(|t| t.content_type())
        .map_err(|problem| documents::type_problem(&field, problem))?;
    let stored = StoredFile {
        filename,
        content_type,
        size_bytes: i64::try_from(size)
            .map_err(|_| Error::Internal("file size overflows i64".into()))?,
        sha256,
        key: documents::new_key(),
    };
    storage.put_file(&stored.key, file).await?;
    Ok(stored)
}

/// A downloaded file in a temporary file (removed when closed).
struct Spooled {
    file: std::fs::File,
    size: u64,
    sha256: String,
}

enum Download {
    NotAllowed(AddressNotAllowed),
    TooLarge,
    /// The temporary file could not be written (our disk, not the sender's fault).
    Spool(std::io::Error),
    /// Anything on the way: for the log only.
    Failed(String),
}

impl From<OutboundError> for Download {
    fn from(error: OutboundError) -> Self {
        match error {
            OutboundError::NotAllowed(refused) => Self::NotAllowed(refused),
            OutboundError::Failed(cause) => Self::Failed(cause),
        }
    }
}

async fn download(outbound: &Outbound, url: &Url, limit: usize) -> Result<Spooled, Download> {
    let request = outbound.request(reqwest::Method::GET, url.clone());
    let mut response = outbound.send(request).await?;
    let status = response.status();
    if !status.is_success() {
        // Redirects too: they are not followed.
        return Err(Download::Failed(format!("the server answered {status}")));
    }
    let limit = limit as u64;
    if response.content_length().is_some_and(|len| len > limit) {
        return Err(Download::TooLarge);
    }
    let file = tokio::task::spawn_blocking(tempfile::tempfile)
        .await
        .map_err(|e| Download::Spool(std::io::Error::other(e)))?
        .map_err(Download::Spool)?;
    let mut out = tokio::fs::File::from_std(file);
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| Download::from(OutboundError::from(e)))?
    {
        size += chunk.len() as u64;
        if size > limit {
            return Err(Download::TooLarge);
        }
        hasher.update(&chunk);
        out.write_all(&chunk).await.map_err(Download::Spool)?;
    }
    out.flush().await.map_err(Download::Spool)?;
    Ok(Spooled {
        file: out.into_std().await,
        size,
        sha256: format!("{:x}", hasher.finalize()),
    })
}
