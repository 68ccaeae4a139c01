//! Turns a [`Mail`] into a `lettre::Message`: headers, our own Message-ID, text + HTML parts.

use std::time::SystemTime;

use chrono::{DateTime, Utc};
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{Address, Message};
use sha2::{Digest, Sha256};

use super::content::{Mail, MailContent, Recipient};
use super::render::{Links, Rendered, Templates};
use super::SetupError;

/// Longest idempotency key accepted; keys are short identifiers, not text.
const MAX_KEY_LEN: usize = 500;
/// Longest Message-ID left part we emit; longer (or rewritten) keys are shortened and hashed.
const MAX_ID_LEFT_LEN: usize = 120;

#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("invalid idempotency key: {0}")]
    InvalidKey(&'static str),
    #[error("invalid e-mail address {address:?}: {reason}")]
    InvalidAddress { address: String, reason: String },
    #[error("the mail has no recipient")]
    NoRecipients,
    #[error("cannot render the mail: {0:#}")]
    Template(#[from] minijinja::Error),
    #[error("cannot build the message: {0}")]
    Message(#[from] lettre::error::Error),
}

/// Builds messages: the sender, the Message-ID domain and the templates (with their links).
#[derive(Debug)]
pub struct Composer {
    from: Mailbox,
    /// `Reply-To` of every mail, when replies should not go to the sender.
    reply_to: Option<Mailbox>,
    message_id_domain: String,
    templates: Templates,
}

impl Composer {
    /// `public_base_url` is the web app's public address, e.g. `https://cchc.example.gov.vn`;
    /// `message_id_domain` the right-hand side of our Message-IDs, e.g. `cchc.localhost`.
    pub fn new(
        from: Mailbox,
        public_base_url: &str,
        message_id_domain: &str,
    ) -> Result<Self, SetupError> {
        let links = Links::new(public_base_url)
            .map_err(|e| SetupError::new("public base URL", e.to_string()))?;
        let templates = Templates::new(links)
            .map_err(|e| SetupError::new("e-mail templates", format!("{e:#}")))?;
        let domain = message_id_domain.trim();
        if !is_valid_domain(domain) {
            return Err(SetupError::new(
                "Message-ID domain",
                format!("{domain:?} is not a domain of ASCII letters, digits, '-' and '.'"),
            ));
        }
        Ok(Self {
            from,
            reply_to: None,
            message_id_domain: domain.to_ascii_lowercase(),
            templates,
        })
    }

    /// Every mail carries `Reply-To: reply_to` (none when `None`).
    pub fn with_reply_to(mut self, reply_to: Option<Mailbox>) -> Self {
        self.reply_to = reply_to;
        self
    }

    /// Signs the links with `secret` (`CCHC_LINK_SECRET`, or the one kept in the database).
    pub fn with_link_secret(mut self, secret: &[u8]) -> Self {
        let links = self.templates.links().clone().with_secret(secret);
        self.templates.set_links(links);
        self
    }

    /// Sends the kinds of link a front end has templates for there
    /// (`CCHC_FRONTEND_URL_TEMPLATES`, see [`super::links::parse_frontend`]).
    pub fn with_frontend(mut self, templates: std::collections::BTreeMap<String, String>) -> Self {
        let links = self.templates.links().clone().with_frontend(templates);
        self.templates.set_links(links);
        self
    }

    pub fn from(&self) -> &Mailbox {
        &self.from
    }

    pub fn reply_to(&self) -> Option<&Mailbox> {
        self.reply_to.as_ref()
    }

    pub fn links(&self) -> &Links {
        self.templates.links()
    }

    /// Subject, text and HTML of a mail's content.
    pub fn render(&self, content: &MailContent) -> Result<Rendered, ComposeError> {
        Ok(self.templates.render(content)?)
    }

    /// `<left@domain>` for an idempotency key: the same key always gives the same id.
    pub fn message_id(&self, key: &str) -> Result<String, ComposeError> {
        validate_key(key)?;
        Ok(format!(
            "<{}@{}>",
            message_id_left(key),
            self.message_id_domain
        ))
    }

    /// The complete message, dated `date` (the caller's clock, so tests and re-sends control it).
    pub fn compose(&self, mail: &Mail, date: DateTime<Utc>) -> Result<Message, ComposeError> {
        let message_id = self.message_id(&mail.key)?;
        let to = mailboxes(&mail.to, &[])?;
        if to.is_empty() {
            return Err(ComposeError::NoRecipients);
        }
        // Someone both in To and Cc gets one copy.
        let cc = mailboxes(&mail.cc, &to)?;
        let rendered = self.render(&mail.content)?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .subject(rendered.subject)
            .date(SystemTime::from(date))
            .message_id(Some(message_id))
            .header(CchcKey(mail.key.clone()))
            .header(CchcKind(mail.content.kind().to_owned()))
            // RFC 3834: out-of-office responders should not answer machine mail.
            .header(AutoSubmitted("auto-generated".to_owned()));
        if let Some(reply_to) = &self.reply_to {
            builder = builder.reply_to(reply_to.clone());
        }
        for mailbox in to {
            builder = builder.to(mailbox);
        }
        for mailbox in cc {
            builder = builder.cc(mailbox);
        }
        Ok(builder.multipart(MultiPart::alternative_plain_html(
            rendered.text,
            rendered.html,
        ))?)
    }
}

fn validate_key(key: &str) -> Result<(), ComposeError> {
    if key.trim().is_empty() {
        return Err(ComposeError::InvalidKey("empty"));
    }
    if key.len() > MAX_KEY_LEN {
        return Err(ComposeError::InvalidKey("longer than 500 bytes"));
    }
    if key.chars().any(char::is_control) {
        return Err(ComposeError::InvalidKey("contains control characters"));
    }
    Ok(())
}

/// The Message-ID's left part: the key itself when it is already a clean dot-atom
/// (`reminder.12.34.d5`), otherwise its clean characters plus a digest of the whole key, so two
/// keys that clean up alike (`a/b`, `a.b`) still get different ids.
fn message_id_left(key: &str) -> String {
    let mut clean = String::with_capacity(key.len());
    for c in key.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '=') {
            clean.push(c);
        } else if !clean.is_empty() && !clean.ends_with('.') {
            clean.push('.');
        }
    }
    while clean.ends_with('.') {
        clean.pop();
    }
    if clean == key && clean.len() <= MAX_ID_LEFT_LEN {
        return clean;
    }
    let digest = Sha256::digest(key.as_bytes());
    let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    // `clean` is ASCII, so any byte index is a char boundary.
    clean.truncate(MAX_ID_LEFT_LEN - hash.len() - 1);
    while clean.ends_with('.') {
        clean.pop();
    }
    if clean.is_empty() {
        hash
    } else {
        format!("{clean}.{hash}")
    }
}

fn is_valid_domain(domain: &str) -> bool {
    !domain.is_empty()
        && domain.len() <= 253
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// Parses recipients into mailboxes, dropping repeats and anyone already in `already`.
fn mailboxes(recipients: &[Recipient], already: &[Mailbox]) -> Result<Vec<Mailbox>, ComposeError> {
    let mut result: Vec<Mailbox> = Vec::with_capacity(recipients.len());
    for recipient in recipients {
        let mailbox = mailbox(recipient)?;
        let same = |other: &Mailbox| {
            let (a, b): (&str, &str) = (other.email.as_ref(), mailbox.email.as_ref());
            a.eq_ignore_ascii_case(b)
        };
        if !already.iter().any(same) && !result.iter().any(same) {
            result.push(mailbox);
        }
    }
    Ok(result)
}

fn mailbox(recipient: &Recipient) -> Result<Mailbox, ComposeError> {
    let email = recipient.email.trim();
    let address: Address =
        email.parse().map_err(
            |e: lettre::address::AddressError| ComposeError::InvalidAddress {
                address: email.to_owned(),
                reason: e.to_string(),
            },
        )?;
    let name = recipient
        .name
        .as_deref()
        .map(|name| name.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|name| !name.is_empty());
    Ok(Mailbox::new(name, address))
}

/// Defines a free-text header; lettre encodes the value (RFC 2047) and folds it.
macro_rules! text_header {
    ($(#[$doc:meta])* $type:ident, $name:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $type(pub String);

        impl Header for $type {
            fn name() -> HeaderName {
                HeaderName::new_from_ascii_str($name)
            }

            fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
                Ok(Self(s.to_owned()))
            }

            fn display(&self) -> HeaderValue {
                HeaderValue::new(Self::name(), self.0.clone())
            }
        }
    };
}

text_header!(
    /// The mail's idempotency key, for tracing a mail back to its job.
    CchcKey,
    "X-CCHC-Key"
);
text_header!(
    /// The kind of mail (`reminder`, `digest`…), for filters and statistics.
    CchcKind,
    "X-CCHC-Kind"
);
text_header!(AutoSubmitted, "Auto-Submitted");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_keys_are_their_own_message_id() {
        assert_eq!(
            message_id_left("reminder.12.34.d5.focal-0"),
            "reminder.12.34.d5.focal-0"
        );
    }

    #[test]
    fn other_keys_are_cleaned_and_hashed_so_they_stay_distinct() {
        let slash = message_id_left("reminder/12/34/d5");
        let dots = message_id_left("reminder.12.34.d5");
        assert!(slash.starts_with("reminder.12.34.d5."), "{slash}");
        assert_ne!(slash, dots);
        assert_eq!(slash, message_id_left("reminder/12/34/d5"));
        let odd = message_id_left(" ..Báo cáo <x>@y.. ");
        assert!(odd.starts_with("B.o.c.o.x.y."), "{odd}");
        assert!(odd
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_+=.".contains(&b)));
        assert_eq!(message_id_left("ắ").len(), 16);
        let long = message_id_left(&"k".repeat(400));
        assert_eq!(long.len(), MAX_ID_LEFT_LEN);
        assert_ne!(long, message_id_left(&"k".repeat(401)));
    }

    #[test]
    fn domains_are_checked() {
        for good in [
            "localhost",
            "cchc.localhost",
            "sct.khanhhoa.gov.vn",
            "a-b.vn",
        ] {
            assert!(is_valid_domain(good), "{good}");
        }
        for bad in [
            "",
            ".vn",
            "a..vn",
            "-a.vn",
            "a_b.vn",
            "sở.vn",
            "a.vn.",
            "[127.0.0.1]",
        ] {
            assert!(!is_valid_domain(bad), "{bad}");
        }
    }

    #[test]
    fn repeated_recipients_get_one_copy() {
        let to = mailboxes(
            &[
                Recipient::new("Lan", "lan@x.vn"),
                Recipient::address_only("LAN@x.vn"),
            ],
            &[],
        )
        .unwrap();
        assert_eq!(to.len(), 1);
        let cc = mailboxes(
            &[
                Recipient::address_only("lan@x.vn"),
                Recipient::address_only("hung@x.vn"),
            ],
            &to,
        )
        .unwrap();
        assert_eq!(cc.len(), 1);
        assert_eq!(cc[0].email.to_string(), "hung@x.vn");
    }
}
