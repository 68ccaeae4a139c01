//! Mail settings from the environment.
//!
//! | variable | default | meaning |
//! | --- | --- | --- |
//! | `SMTP_URL` | unset | send through this SMTP server (forms: [`Transport::smtp`]) |
//! | `CCHC_MAIL_DIR` | `./data/mail` | without `SMTP_URL`: write `.eml` files here |
//! | `CCHC_MAIL_FROM` | `Văn phòng Sở <cchc@localhost>` | the sender |
//! | `CCHC_MAIL_MESSAGE_ID_DOMAIN` | the sender's domain | right-hand side of Message-IDs |

use std::fmt;
use std::path::PathBuf;

use lettre::message::Mailbox;

use super::transport::Transport;
use super::SetupError;

pub const DEFAULT_MAIL_DIR: &str = "./data/mail";
pub const DEFAULT_MAIL_FROM: &str = "Văn phòng Sở <cchc@localhost>";

#[derive(Debug, Clone)]
pub struct MailConfig {
    pub transport: TransportConfig,
    pub from: Mailbox,
    pub message_id_domain: String,
}

#[derive(Clone, PartialEq, Eq)]
pub enum TransportConfig {
    /// The `SMTP_URL`, verbatim (it may hold a password: `Debug` hides it).
    Smtp {
        url: String,
    },
    File {
        dir: PathBuf,
    },
}

impl fmt::Debug for TransportConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Smtp { url } => f
                .debug_struct("Smtp")
                .field("url", &redact_password(url))
                .finish(),
            Self::File { dir } => f.debug_struct("File").field("dir", dir).finish(),
        }
    }
}

impl MailConfig {
    pub fn from_env() -> Result<Self, SetupError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads through `lookup` so tests can supply variables without touching the process env.
    /// Blank values count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SetupError> {
        let get = |name: &str| {
            lookup(name)
                .map(|value| value.trim().to_owned())
                .filter(|value| !value.is_empty())
        };
        let transport = match get("SMTP_URL") {
            Some(url) => TransportConfig::Smtp { url },
            None => TransportConfig::File {
                dir: PathBuf::from(get("CCHC_MAIL_DIR").unwrap_or_else(|| DEFAULT_MAIL_DIR.into())),
            },
        };
        let from_text = get("CCHC_MAIL_FROM").unwrap_or_else(|| DEFAULT_MAIL_FROM.into());
        let from: Mailbox = from_text.parse().map_err(|e| {
            SetupError::new(
                "CCHC_MAIL_FROM",
                format!(
                    "{from_text:?} is not a mailbox like `Văn phòng Sở <cchc@sct.gov.vn>`: {e}"
                ),
            )
        })?;
        let message_id_domain = get("CCHC_MAIL_MESSAGE_ID_DOMAIN")
            .unwrap_or_else(|| from.email.domain().to_ascii_lowercase());
        Ok(Self {
            transport,
            from,
            message_id_domain,
        })
    }

    /// The transport these settings name (nothing connects yet).
    pub fn build_transport(&self) -> Result<Transport, SetupError> {
        match &self.transport {
            TransportConfig::Smtp { url } => Transport::smtp(url),
            TransportConfig::File { dir } => Ok(Transport::file(dir.clone())),
        }
    }
}

/// `smtps://user:secret@host` → `smtps://user:***@host`.
fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(user, _)| user);
            format!("{scheme}://{user}:***@{host}{tail}")
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<MailConfig, SetupError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        MailConfig::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_write_files_from_the_office() {
        let config = config(&[]).unwrap();
        assert_eq!(
            config.transport,
            TransportConfig::File {
                dir: PathBuf::from("./data/mail")
            }
        );
        assert_eq!(config.from.name.as_deref(), Some("Văn phòng Sở"));
        assert_eq!(config.from.email.to_string(), "cchc@localhost");
        assert_eq!(config.message_id_domain, "localhost");
        assert!(matches!(
            config.build_transport().unwrap(),
            Transport::File(_)
        ));
    }

    #[tokio::test]
    async fn smtp_url_wins_over_the_directory() {
        let config = config(&[
            ("SMTP_URL", " smtp://127.0.0.1:1025 "),
            ("CCHC_MAIL_DIR", "/tmp/mail"),
            ("CCHC_MAIL_FROM", "Hệ thống CCHC <cchc@sct.khanhhoa.gov.vn>"),
            ("CCHC_MAIL_MESSAGE_ID_DOMAIN", "cchc.sct.khanhhoa.gov.vn"),
        ])
        .unwrap();
        assert_eq!(
            config.transport,
            TransportConfig::Smtp {
                url: "smtp://127.0.0.1:1025".into()
            }
        );
        assert_eq!(config.from.name.as_deref(), Some("Hệ thống CCHC"));
        assert_eq!(config.message_id_domain, "cchc.sct.khanhhoa.gov.vn");
        assert!(matches!(
            config.build_transport().unwrap(),
            Transport::Smtp(_)
        ));
    }

    #[test]
    fn blank_values_count_as_unset() {
        let config = config(&[("SMTP_URL", "  "), ("CCHC_MAIL_DIR", "")]).unwrap();
        assert!(matches!(config.transport, TransportConfig::File { .. }));
    }

    #[test]
    fn a_bad_sender_is_refused_by_name() {
        let error = config(&[("CCHC_MAIL_FROM", "Văn phòng Sở")]).unwrap_err();
        assert!(error.to_string().contains("CCHC_MAIL_FROM"), "{error}");
    }

    #[test]
    fn debug_output_hides_the_smtp_password() {
        let config =
            config(&[("SMTP_URL", "smtps://cchc%40sct.gov.vn:s3cr%40t@mail:465/x")]).unwrap();
        let debug = format!("{config:?}");
        assert!(!debug.contains("s3cr"), "{debug}");
        assert!(
            debug.contains("smtps://cchc%40sct.gov.vn:***@mail:465/x"),
            "{debug}"
        );
        assert_eq!(redact_password("smtp://mail:25"), "smtp://mail:25");
    }
}
