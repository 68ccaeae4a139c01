//! The worker's e-mail: seventeen kinds of mail in Vietnamese (six about reports, four about
//! tasks, five about PAR Index self-assessment rounds, two about emulation campaign rounds),
//! composed from embedded templates and sent through SMTP, a directory of `.eml` files, or
//! memory.
//!
//! - [`content`]: what a mail says ([`Mail`], [`MailContent`] and one context per kind), plain
//!   data a job can carry as JSON.
//! - [`Composer`]: renders the templates (subject, text, HTML) and builds the `lettre::Message`,
//!   with our own Message-ID derived from the mail's idempotency key.
//! - [`Transport`]: SMTP (pooled, TLS by rustls), file or memory, with failures classified as
//!   temporary (retry) or permanent ([`SendError`]).
//! - [`MailConfig`]: the settings from the environment; [`Mailer`] puts it all together.
//!
//! # Exactly once, and where it is only "almost"
//!
//! A job is marked done only after the transport accepted its mail, so a mail is never lost; a
//! unique job key per (period, unit, step) keeps the same mail from being queued twice. One gap
//! remains: if the worker dies (or the database is unreachable) after the SMTP server accepted
//! the mail but before the job is marked done, the job runs again and that one mail is sent a
//! second time. The re-sent mail carries the same Message-ID (derived from the idempotency key,
//! never random) and the same `X-CCHC-Key`, so mail clients and archives that de-duplicate by
//! Message-ID show it once, and anyone can tell the two copies are the same mail. The file
//! transport has no such gap: a re-send overwrites the same file.

mod address;
pub mod assessment_content;
mod assessment_render;
pub mod campaign_content;
mod campaign_render;
pub mod compose;
pub mod config;
pub mod content;
pub mod format;
pub mod links;
pub mod qlvb_import_content;
mod qlvb_import_render;
mod refs;
pub mod render;
pub mod task_content;
mod task_render;
pub mod transport;
mod views;

use std::sync::Arc;

use chrono::{DateTime, Utc};

pub use compose::{ComposeError, Composer};
pub use config::{MailConfig, TransportConfig};
pub use content::{
    DigestContext, DigestPeriod, EscalationHeadContext, EscalationLeadershipContext, LateUnit,
    Lateness, Mail, MailContent, MissingLine, MissingStatus, MissingUnit, PeriodRef,
    ReceiptContext, ReceiptEvent, Recipient, ReminderContext, ReminderStep, Timeliness, UnitRef,
};
pub use render::{Links, Rendered};
pub use transport::{FailureKind, FileTransport, MemoryTransport, SendError, Transport};

/// A setting that cannot work, named so the operator knows what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what}: {message}")]
pub struct SetupError {
    pub what: &'static str,
    pub message: String,
}

impl SetupError {
    pub fn new(what: &'static str, message: impl Into<String>) -> Self {
        Self {
            what,
            message: message.into(),
        }
    }
}

/// Composes and sends. Cheap to clone; clones share the templates and the transport.
#[derive(Debug, Clone)]
pub struct Mailer {
    composer: Arc<Composer>,
    transport: Transport,
}

impl Mailer {
    pub fn new(composer: Composer, transport: Transport) -> Self {
        Self {
            composer: Arc::new(composer),
            transport,
        }
    }

    /// From the settings and the web app's public base URL (`CCHC_PUBLIC_BASE_URL`).
    pub fn from_config(config: &MailConfig, public_base_url: &str) -> Result<Self, SetupError> {
        let composer = Composer::new(
            config.from.clone(),
            public_base_url,
            &config.message_id_domain,
        )?
        .with_reply_to(config.reply_to.clone());
        Ok(Self::new(composer, config.build_transport()?))
    }

    /// [`Mailer::from_config`] with the link secret and the front end's URL templates.
    pub fn from_config_with_links(
        config: &MailConfig,
        public_base_url: &str,
        link_secret: &[u8],
        frontend: std::collections::BTreeMap<String, String>,
    ) -> Result<Self, SetupError> {
        let composer = Composer::new(
            config.from.clone(),
            public_base_url,
            &config.message_id_domain,
        )?
        .with_reply_to(config.reply_to.clone())
        .with_link_secret(link_secret)
        .with_frontend(frontend);
        Ok(Self::new(composer, config.build_transport()?))
    }

    pub fn composer(&self) -> &Composer {
        &self.composer
    }

    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// Composes the mail dated `now` and sends it; returns its Message-ID. A mail that cannot
    /// be composed (bad address, bad key) is a permanent failure: sending it again cannot help.
    pub async fn send(&self, mail: &Mail, now: DateTime<Utc>) -> Result<String, SendError> {
        let permanent = |e: ComposeError| {
            SendError::with_source(FailureKind::Permanent, "cannot compose the mail", e)
        };
        let message_id = self.composer.message_id(&mail.key).map_err(permanent)?;
        let message = self.composer.compose(mail, now).map_err(permanent)?;
        self.transport.send(&message).await?;
        Ok(message_id)
    }
}
