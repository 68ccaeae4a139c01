//! Where messages go: an SMTP server, a directory of `.eml` files, or memory (tests).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::SetupError;

/// Limit for each SMTP step (connect, each command): a stuck server becomes a temporary error.
const SMTP_STEP_TIMEOUT: Duration = Duration::from_secs(30);
/// Limit for a whole send, however many steps it takes.
const SMTP_SEND_TIMEOUT: Duration = Duration::from_secs(120);
/// Connections kept open to the SMTP server.
const SMTP_POOL_SIZE: u32 = 4;

/// Whether a failed send is worth retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// May succeed later: connection refused or lost, timeouts, TLS trouble, 4xx replies.
    Temporary,
    /// Will fail again as it is: 5xx replies, addresses or messages the server or client refuses.
    Permanent,
}

impl fmt::Display for FailureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Temporary => "temporary",
            Self::Permanent => "permanent",
        })
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{kind} failure: {message}")]
pub struct SendError {
    kind: FailureKind,
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl SendError {
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
        }
    }

    pub fn with_source(
        kind: FailureKind,
        message: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self {
            kind,
            message: message.into(),
            source: Some(source.into()),
        }
    }

    pub fn kind(&self) -> FailureKind {
        self.kind
    }

    pub fn is_temporary(&self) -> bool {
        self.kind == FailureKind::Temporary
    }

    pub fn is_permanent(&self) -> bool {
        self.kind == FailureKind::Permanent
    }
}

/// One interface over the three ways to send. Cheap to clone; clones share the SMTP pool, the
/// directory, or the memory store.
#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(FileTransport),
    Memory(MemoryTransport),
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the SMTP transport: it holds the credentials.
        match self {
            Self::Smtp(_) => f.write_str("Transport::Smtp"),
            Self::File(file) => f.debug_tuple("Transport::File").field(&file.dir).finish(),
            Self::Memory(_) => f.write_str("Transport::Memory"),
        }
    }
}

impl Transport {
    /// A pooled SMTP transport. The URL forms (lettre's `from_url`):
    ///
    /// - `smtp://host:1025`: plain SMTP, no TLS (a local catcher such as Mailpit). Port
    ///   defaults to 25.
    /// - `smtp://host:587?tls=required`: STARTTLS, refusing to go on without it
    ///   (`?tls=opportunistic` uses it when offered). Port defaults to 587.
    /// - `smtps://host:465`: implicit TLS from the first byte. Port defaults to 465.
    /// - Credentials: `smtps://user:password@host`, both percent-encoded in the URL
    ///   (`cchc%40sct.gov.vn`); used only when a password is present.
    /// - A path names the EHLO host: `smtp://host:25/worker.sct.gov.vn`.
    ///
    /// TLS uses rustls with the operating system's trust store. Nothing connects here: a wrong
    /// host shows up as a temporary error at the first send. Must be called within a Tokio
    /// runtime (the pool spawns its reaper task).
    pub fn smtp(url: &str) -> Result<Self, SetupError> {
        if tokio::runtime::Handle::try_current().is_err() {
            // lettre's pool would panic instead.
            return Err(SetupError::new(
                "SMTP transport",
                "must be built within a Tokio runtime",
            ));
        }
        let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.trim())
            // lettre's message names the problem, never the URL (which may hold a password).
            .map_err(|e| SetupError::new("SMTP_URL", e.to_string()))?;
        let transport = builder
            .timeout(Some(SMTP_STEP_TIMEOUT))
            .pool_config(PoolConfig::new().max_size(SMTP_POOL_SIZE))
            .build();
        Ok(Self::Smtp(transport))
    }

    /// Writes each message to `<dir>/<Message-ID>.eml`; the directory is created when needed.
    pub fn file(dir: impl Into<PathBuf>) -> Self {
        Self::File(FileTransport { dir: dir.into() })
    }

    /// Keeps messages in memory; the returned handle reads them.
    pub fn memory() -> (Self, MemoryTransport) {
        let memory = MemoryTransport::default();
        (Self::Memory(memory.clone()), memory)
    }

    pub async fn send(&self, message: &Message) -> Result<(), SendError> {
        match self {
            Self::Smtp(smtp) => send_smtp(smtp, message).await,
            Self::File(file) => file.write(message).await,
            Self::Memory(memory) => {
                memory.lock().push(message.clone());
                Ok(())
            }
        }
    }
}

async fn send_smtp(
    smtp: &AsyncSmtpTransport<Tokio1Executor>,
    message: &Message,
) -> Result<(), SendError> {
    let formatted = message.formatted();
    let sending = smtp.send_raw(message.envelope(), &formatted);
    match tokio::time::timeout(SMTP_SEND_TIMEOUT, sending).await {
        Ok(Ok(_response)) => Ok(()),
        Ok(Err(error)) => Err(classify_smtp_error(error)),
        Err(_elapsed) => Err(SendError::new(
            FailureKind::Temporary,
            format!("SMTP send took longer than {SMTP_SEND_TIMEOUT:?}"),
        )),
    }
}

/// Permanent: the server refused for good (5xx), or lettre refused to send this message with
/// this server (e.g. a non-ASCII address without SMTPUTF8, STARTTLS required but not offered,
/// no usable login mechanism) — retrying changes nothing until someone changes something.
/// Everything else (4xx, refused or broken connections, timeouts, TLS handshakes) may pass later.
fn classify_smtp_error(error: lettre::transport::smtp::Error) -> SendError {
    let kind = if error.is_permanent() || error.is_client() {
        FailureKind::Permanent
    } else {
        FailureKind::Temporary
    };
    SendError::with_source(kind, format!("SMTP: {error}"), error)
}

/// Writes `.eml` files named by Message-ID, so sending the same mail twice leaves one file.
#[derive(Debug, Clone)]
pub struct FileTransport {
    dir: PathBuf,
}

impl FileTransport {
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file a message is (or would be) written to.
    pub fn path_for(&self, message: &Message) -> Result<PathBuf, SendError> {
        let id = message
            .headers()
            .get_raw("Message-ID")
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .ok_or_else(|| {
                SendError::new(FailureKind::Permanent, "the message has no Message-ID")
            })?;
        Ok(self.dir.join(format!("{}.eml", file_stem(id))))
    }

    async fn write(&self, message: &Message) -> Result<(), SendError> {
        let path = self.path_for(message)?;
        let io_error = |what: &str, error: std::io::Error| {
            // A full disk or a permission problem may be fixed while the job waits.
            SendError::with_source(
                FailureKind::Temporary,
                format!("{what} {}: {error}", path.display()),
                error,
            )
        };
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(|e| io_error("cannot create the directory for", e))?;
        // Written aside then renamed: a reader never sees half a message, and a re-send
        // replaces the earlier file whole.
        let partial = path.with_extension("eml.partial");
        tokio::fs::write(&partial, message.formatted())
            .await
            .map_err(|e| io_error("cannot write", e))?;
        tokio::fs::rename(&partial, &path)
            .await
            .map_err(|e| io_error("cannot rename into", e))
    }
}

/// `<a.b@c.d>` → `a.b@c.d`; anything unexpected in a filename becomes `_`.
fn file_stem(message_id: &str) -> String {
    let stem: String = message_id
        .trim_start_matches('<')
        .trim_end_matches('>')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '@' | '-' | '_' | '+' | '=') {
                c
            } else {
                '_'
            }
        })
        .collect();
    // Never a hidden file or a path component like `..`.
    stem.trim_start_matches('.').to_owned()
}

/// Messages kept in memory, shared by clones.
#[derive(Debug, Clone, Default)]
pub struct MemoryTransport {
    messages: Arc<Mutex<Vec<Message>>>,
}

impl MemoryTransport {
    /// Every message sent so far, oldest first.
    pub fn messages(&self) -> Vec<Message> {
        self.lock().clone()
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// Returns the messages and forgets them.
    pub fn take(&self) -> Vec<Message> {
        std::mem::take(&mut *self.lock())
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Message>> {
        // A panic elsewhere while holding the lock leaves the Vec intact; keep going.
        self.messages
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_come_from_the_message_id() {
        assert_eq!(
            file_stem("<reminder.12.34.d5@cchc.localhost>"),
            "reminder.12.34.d5@cchc.localhost"
        );
        assert_eq!(file_stem("<../x/y z@h>"), "_x_y_z@h");
    }

    #[tokio::test]
    async fn smtp_urls_of_every_documented_form_build() {
        for url in [
            "smtp://127.0.0.1:1025",
            "smtp://mailpit:1025",
            "smtp://mail.sct.gov.vn:587?tls=required",
            "smtp://mail.sct.gov.vn?tls=opportunistic",
            "smtps://mail.sct.gov.vn:465",
            "smtps://cchc%40sct.gov.vn:p%40ss%3Aword@mail.sct.gov.vn",
            "smtp://127.0.0.1:25/worker.sct.gov.vn",
        ] {
            assert!(Transport::smtp(url).is_ok(), "{url}");
        }
    }

    #[tokio::test]
    async fn bad_smtp_urls_are_refused_without_echoing_them() {
        for url in [
            "http://mail:25",
            "smtp://:25",
            "smtp://mail?tls=sometimes",
            "mail.sct.gov.vn",
        ] {
            let error = Transport::smtp(url).expect_err(url);
            assert!(error.to_string().contains("SMTP_URL"), "{error}");
        }
        let error = Transport::smtp("smtpx://u:secret@mail").unwrap_err();
        assert!(!error.to_string().contains("secret"), "{error}");
    }

    #[test]
    fn outside_a_runtime_smtp_is_an_error_not_a_panic() {
        let error = Transport::smtp("smtp://127.0.0.1:25").unwrap_err();
        assert!(error.to_string().contains("Tokio runtime"), "{error}");
    }
}
