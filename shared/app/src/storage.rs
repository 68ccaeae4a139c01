//! Where uploaded files live: one interface over a local directory (the default), an
//! S3-compatible store (production, MinIO) or memory (tests), chosen by `CCHC_STORAGE_URL`.
//! The database holds what a file is; the store holds only its bytes, under an opaque key.

use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use object_store::aws::AmazonS3Builder;
use object_store::buffered::BufWriter;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

/// Part size of objects written from files: S3's smallest multipart part. A smaller file is
/// written with one put; a larger one in parts, so memory stays bounded whatever its size.
const PART_BYTES: usize = 5 * 1024 * 1024;

/// Default directory of the local store, relative to the working directory.
pub const DEFAULT_STORAGE_DIR: &str = "./data/files";

/// Where files are stored, as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageLocation {
    /// A directory on this machine, created on start if missing.
    Local(PathBuf),
    /// An S3-compatible bucket, optionally under a key prefix; credentials, region and
    /// endpoint come from the standard `AWS_*` variables.
    S3 { bucket: String, prefix: String },
    /// In this process only; gone on restart. For tests.
    Memory,
}

impl Default for StorageLocation {
    fn default() -> Self {
        Self::Local(PathBuf::from(DEFAULT_STORAGE_DIR))
    }
}

impl StorageLocation {
    /// Reads `file:///abs/dir`, a plain path, `s3://bucket/prefix` or `memory://`.
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        if value.eq_ignore_ascii_case("memory://") || value.eq_ignore_ascii_case("memory:") {
            return Ok(Self::Memory);
        }
        if let Some(rest) = value.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err("expected s3://bucket or s3://bucket/prefix".into());
            }
            return Ok(Self::S3 {
                bucket: bucket.to_owned(),
                prefix: prefix.trim_matches('/').to_owned(),
            });
        }
        if value.starts_with("file:") {
            let url = url::Url::parse(value).map_err(|e| format!("not a file URL: {e}"))?;
            let path = url
                .to_file_path()
                .map_err(|()| "a file URL names an absolute directory: file:///srv/cchc/files")?;
            return Ok(Self::Local(path));
        }
        if let Some((scheme, _)) = value.split_once("://") {
            return Err(format!(
                "unsupported scheme {scheme:?}; use a directory, file://, s3:// or memory://"
            ));
        }
        if value.is_empty() {
            return Err("expected a directory, file://, s3:// or memory:// URL".into());
        }
        Ok(Self::Local(PathBuf::from(value)))
    }
}

/// The store failed: unreachable, full, not writable, or the object is missing.
#[derive(Debug, thiserror::Error)]
#[error("file storage ({store}): {message}")]
pub struct StorageError {
    pub store: String,
    pub message: String,
}

/// The file store; cheap to clone.
#[derive(Debug, Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// What the store is, for logs and error messages (never credentials).
    description: String,
}

impl Storage {
    /// Opens the configured store; a local directory is created if missing.
    pub fn open(location: &StorageLocation) -> Result<Self, StorageError> {
        match location {
            StorageLocation::Local(dir) => Self::local(dir),
            StorageLocation::Memory => Ok(Self::memory()),
            StorageLocation::S3 { bucket, prefix } => {
                let description = format!("s3://{bucket}/{prefix}");
                let failed = |message: String| StorageError {
                    store: description.clone(),
                    message,
                };
                let s3 = AmazonS3Builder::from_env()
                    .with_bucket_name(bucket)
                    .build()
                    .map_err(|e| failed(e.to_string()))?;
                let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
                    Arc::new(s3)
                } else {
                    Arc::new(PrefixStore::new(s3, prefix.as_str()))
                };
                Ok(Self { store, description })
            }
        }
    }

    /// A store in `dir`, created if missing.
    pub fn local(dir: &FsPath) -> Result<Self, StorageError> {
        let description = format!("directory {}", dir.display());
        let failed = |message: String| StorageError {
            store: description.clone(),
            message,
        };
        std::fs::create_dir_all(dir).map_err(|e| failed(format!("cannot create it: {e}")))?;
        // fsync: an upload answered 201 must survive a crash of the machine.
        let store = LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| failed(e.to_string()))?
            .with_fsync(true);
        Ok(Self {
            store: Arc::new(store),
            description,
        })
    }

    pub fn memory() -> Self {
        Self {
            store: Arc::new(InMemory::new()),
            description: "memory".to_owned(),
        }
    }

    pub fn description(&self) -> &str {
        &self.description
    }

    fn path(key: &str) -> Result<Path, StorageError> {
        Path::parse(key).map_err(|e| StorageError {
            store: "key".to_owned(),
            message: e.to_string(),
        })
    }

    fn failed(&self, action: &str, key: &str, error: object_store::Error) -> StorageError {
        StorageError {
            store: self.description.clone(),
            message: format!("{action} {key}: {error}"),
        }
    }

    /// Writes `bytes` under `key` (a new, unique key), then runs `record`, which writes the
    /// rows that say what the object is; when `record` fails, the object is removed again, so
    /// no bytes outlive a refused upload. If the store fails, nothing is recorded.
    pub async fn put_then_record<T>(
        &self,
        key: &str,
        bytes: Bytes,
        record: impl AsyncFnOnce() -> cchc_domain::Result<T>,
    ) -> cchc_domain::Result<T> {
        self.put(key, bytes).await?;
        let recorded = record().await;
        if recorded.is_err() {
            if let Err(cleanup) = self.delete(key).await {
                tracing::warn!(%key, error = %cleanup, "could not remove the object of a failed upload");
            }
        }
        recorded
    }

    /// Writes an object whole, or not at all.
    pub async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StorageError> {
        self.store
            .put(&Self::path(key)?, PutPayload::from_bytes(bytes))
            .await
            .map(|_| ())
            .map_err(|e| self.failed("writing", key, e))
    }

    /// Writes an object from the whole of `file` (read from its start), streamed in parts;
    /// whole, or not at all.
    pub async fn put_file(&self, key: &str, file: std::fs::File) -> Result<(), StorageError> {
        use tokio::io::{AsyncSeekExt, AsyncWriteExt};

        let failed = |error: std::io::Error| StorageError {
            store: self.description.clone(),
            message: format!("writing {key}: {error}"),
        };
        let mut file = tokio::fs::File::from_std(file);
        file.rewind().await.map_err(failed)?;
        // Two parts in flight at most: a few spooled downloads at once stay within tens of MB.
        let mut writer = BufWriter::with_capacity(self.store.clone(), Self::path(key)?, PART_BYTES)
            .with_max_concurrency(2);
        if let Err(error) = tokio::io::copy(&mut file, &mut writer).await {
            // Best effort: a multipart upload begun is cancelled (nothing was put otherwise).
            if let Err(abort) = writer.abort().await {
                tracing::warn!(key, error = %abort, "could not abort a failed multipart write");
            }
            return Err(failed(error));
        }
        // Completes the upload (or makes the single put); a failure leaves no object.
        writer.shutdown().await.map_err(failed)
    }

    pub async fn get(&self, key: &str) -> Result<Bytes, StorageError> {
        let result = self
            .store
            .get(&Self::path(key)?)
            .await
            .map_err(|e| self.failed("reading", key, e))?;
        result
            .bytes()
            .await
            .map_err(|e| self.failed("reading", key, e))
    }

    /// Removes an object; one already gone is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match self.store.delete(&Self::path(key)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.failed("deleting", key, e)),
        }
    }

    /// Whether an object exists (for tests and checks).
    pub async fn exists(&self, key: &str) -> Result<bool, StorageError> {
        match self.store.head(&Self::path(key)?).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(self.failed("checking", key, e)),
        }
    }
}

impl From<StorageError> for cchc_domain::Error {
    fn from(error: StorageError) -> Self {
        Self::StorageUnavailable(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_parse() {
        assert_eq!(
            StorageLocation::parse("./data/files"),
            Ok(StorageLocation::Local("./data/files".into()))
        );
        assert_eq!(
            StorageLocation::parse("file:///srv/cchc/files"),
            Ok(StorageLocation::Local("/srv/cchc/files".into()))
        );
        assert_eq!(
            StorageLocation::parse("s3://cchc-files/prod/"),
            Ok(StorageLocation::S3 {
                bucket: "cchc-files".into(),
                prefix: "prod".into()
            })
        );
        assert_eq!(
            StorageLocation::parse("s3://cchc-files"),
            Ok(StorageLocation::S3 {
                bucket: "cchc-files".into(),
                prefix: String::new()
            })
        );
        assert_eq!(
            StorageLocation::parse("memory://"),
            Ok(StorageLocation::Memory)
        );
        assert!(StorageLocation::parse("gs://bucket").is_err());
        assert!(StorageLocation::parse("s3://").is_err());
        assert!(StorageLocation::parse("file://relative/dir").is_err());
    }

    #[tokio::test]
    async fn local_store_round_trip_creates_the_directory() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("nested/files");
        let storage = Storage::local(&dir).unwrap();
        assert!(dir.is_dir());
        storage
            .put("submissions/1/abc", Bytes::from_static(b"%PDF-1.4"))
            .await
            .unwrap();
        assert!(dir.join("submissions/1/abc").is_file());
        assert!(storage.exists("submissions/1/abc").await.unwrap());
        assert_eq!(
            storage.get("submissions/1/abc").await.unwrap(),
            Bytes::from_static(b"%PDF-1.4")
        );
        storage.delete("submissions/1/abc").await.unwrap();
        assert!(!storage.exists("submissions/1/abc").await.unwrap());
        // Deleting again is fine.
        storage.delete("submissions/1/abc").await.unwrap();
    }

    #[tokio::test]
    async fn a_directory_that_became_a_file_fails_writes() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("files");
        let storage = Storage::local(&dir).unwrap();
        std::fs::remove_dir(&dir).unwrap();
        std::fs::write(&dir, b"not a directory").unwrap();
        let error = storage
            .put("submissions/1/abc", Bytes::from_static(b"x"))
            .await
            .unwrap_err();
        assert!(error.to_string().contains("writing submissions/1/abc"));
    }

    #[tokio::test]
    async fn files_are_written_whole_small_or_in_parts() {
        use std::io::Write;

        let dir = tempfile::tempdir().unwrap();
        for storage in [
            Storage::memory(),
            Storage::local(&dir.path().join("files")).unwrap(),
        ] {
            for size in [0, 10, PART_BYTES - 1, 2 * PART_BYTES + 17] {
                let bytes: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
                let mut file = tempfile::tempfile().unwrap();
                file.write_all(&bytes).unwrap();
                // Left at its end: put_file reads from the start.
                storage.put_file("documents/f", file).await.unwrap();
                let read = storage.get("documents/f").await.unwrap();
                assert_eq!(read.len(), size, "{}", storage.description());
                assert!(read[..] == bytes[..], "{}", storage.description());
            }
        }
    }

    #[tokio::test]
    async fn memory_store_round_trip() {
        let storage = Storage::open(&StorageLocation::Memory).unwrap();
        storage.put("k", Bytes::from_static(b"v")).await.unwrap();
        assert_eq!(storage.get("k").await.unwrap(), Bytes::from_static(b"v"));
        assert!(storage.get("missing").await.is_err());
    }
}
