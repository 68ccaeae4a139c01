//! Mail settings from the environment.
//!
//! | variable | default | meaning |
//! | --- | --- | --- |
//! | `SMTP_URL` | unset | send through this SMTP server (forms: [`Transport::smtp`]) |
//! | `CCHC_MAIL_DIR` | `./data/mail` | without `SMTP_URL`: write `.eml` files here |
//! | `CCHC_MAIL_FROM` | `Văn phòng Sở <cchc@HOST>`, HOST the host of `CCHC_PUBLIC_BASE_URL` | the sender |
//! | `CCHC_MAIL_REPLY_TO` | unset | a mailbox replies go to (`Reply-To` on every mail) |
//! | `CCHC_MAIL_MESSAGE_ID_DOMAIN` | the sender's domain | right-hand side of Message-IDs |

use std::fmt;
use std::path::PathBuf;

use lettre::message::Mailbox;
use lettre::Address;
use url::{Host, Url};

use super::transport::Transport;
use super::SetupError;

pub const DEFAULT_MAIL_DIR: &str = "./data/mail";
/// The sender's name unless `CCHC_MAIL_FROM` says otherwise; its address is `cchc@` the public
/// host ([`default_mail_domain`]).
pub const DEFAULT_SENDER_NAME: &str = "Văn phòng Sở";

#[derive(Debug, Clone)]
pub struct MailConfig {
    pub transport: TransportConfig,
    pub from: Mailbox,
    /// Where replies go, when that is not the sender (`CCHC_MAIL_REPLY_TO`).
    pub reply_to: Option<Mailbox>,
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

/// The mail domain of the web app's public address: its host (`cchc.sct.gov.vn`, or
/// `127.0.0.1` for the local default); `localhost` when the URL has no host or an IPv6 one
/// (lettre takes no address literal, `cchc@[::1]`, in a message header).
pub fn default_mail_domain(public_base_url: &str) -> String {
    match Url::parse(public_base_url.trim()).ok().and_then(|url| {
        url.host().map(|host| match host {
            Host::Domain(domain) => domain.trim_end_matches('.').to_ascii_lowercase(),
            Host::Ipv4(ip) => ip.to_string(),
            Host::Ipv6(_) => String::new(),
        })
    }) {
        Some(domain) if !domain.is_empty() => domain,
        _ => "localhost".to_owned(),
    }
}

impl MailConfig {
    /// From the environment; defaults derive from the web app's public base URL
    /// (`CCHC_PUBLIC_BASE_URL`).
    pub fn from_env(public_base_url: &str) -> Result<Self, SetupError> {
        Self::from_lookup(|name| std::env::var(name).ok(), public_base_url)
    }

    /// Reads through `lookup` so tests can supply variables without touching the process env.
    /// Blank values count as unset.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
        public_base_url: &str,
    ) -> Result<Self, SetupError> {
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
        let from = match get("CCHC_MAIL_FROM") {
            Some(text) => mailbox("CCHC_MAIL_FROM", &text)?,
            None => {
                let domain = default_mail_domain(public_base_url);
                let address = Address::new("cchc", &domain).map_err(|e| {
                    SetupError::new(
                        "CCHC_PUBLIC_BASE_URL",
                        format!(
                            "its host {domain:?} makes no sender address: {e}; set CCHC_MAIL_FROM"
                        ),
                    )
                })?;
                Mailbox::new(Some(DEFAULT_SENDER_NAME.to_owned()), address)
            }
        };
        let reply_to = get("CCHC_MAIL_REPLY_TO")
            .map(|text| mailbox("CCHC_MAIL_REPLY_TO", &text))
            .transpose()?;
        let message_id_domain = get("CCHC_MAIL_MESSAGE_ID_DOMAIN")
            .unwrap_or_else(|| from.email.domain().to_ascii_lowercase());
        Ok(Self {
            transport,
            from,
            reply_to,
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

/// Variable `what`'s mailbox, `Văn phòng Sở <cchc@sct.gov.vn>` or a bare address.
fn mailbox(what: &'static str, text: &str) -> Result<Mailbox, SetupError> {
    text.parse().map_err(|e| {
        SetupError::new(
            what,
            format!("{text:?} is not a mailbox like `Văn phòng Sở <cchc@sct.gov.vn>`: {e}"),
        )
    })
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

    const PUBLIC: &str = "https://cchc.sct.khanhhoa.gov.vn/";

    fn config_for(vars: &[(&str, &str)], public: &str) -> Result<MailConfig, SetupError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        MailConfig::from_lookup(|name| vars.get(name).cloned(), public)
    }

    fn config(vars: &[(&str, &str)]) -> Result<MailConfig, SetupError> {
        config_for(vars, PUBLIC)
    }

    #[test]
    fn defaults_write_files_from_the_office_at_the_public_host() {
        let config = config(&[]).unwrap();
        assert_eq!(
            config.transport,
            TransportConfig::File {
                dir: PathBuf::from("./data/mail")
            }
        );
        assert_eq!(config.from.name.as_deref(), Some("Văn phòng Sở"));
        assert_eq!(
            config.from.email.to_string(),
            "cchc@cchc.sct.khanhhoa.gov.vn"
        );
        assert_eq!(config.message_id_domain, "cchc.sct.khanhhoa.gov.vn");
        assert_eq!(config.reply_to, None);
        assert!(matches!(
            config.build_transport().unwrap(),
            Transport::File(_)
        ));
    }

    #[test]
    fn the_default_domain_is_the_public_host_whatever_its_form() {
        assert_eq!(
            default_mail_domain("https://CCHC.Example.gov.vn:8443/app"),
            "cchc.example.gov.vn"
        );
        assert_eq!(default_mail_domain("http://127.0.0.1:8080"), "127.0.0.1");
        assert_eq!(default_mail_domain("http://[::1]:8080"), "localhost");
        assert_eq!(default_mail_domain("http://localhost:8080"), "localhost");
        assert_eq!(default_mail_domain("not a url"), "localhost");
        // The local default (an IP) still makes a sender lettre accepts.
        let local = config_for(&[], "http://127.0.0.1:8080").unwrap();
        assert_eq!(local.from.email.to_string(), "cchc@127.0.0.1");
        assert_eq!(local.message_id_domain, "127.0.0.1");
    }

    #[test]
    fn an_explicit_sender_wins_and_names_the_message_id_domain() {
        let config = config(&[("CCHC_MAIL_FROM", "Văn phòng <vp@sct.gov.vn>")]).unwrap();
        assert_eq!(config.from.email.to_string(), "vp@sct.gov.vn");
        assert_eq!(config.message_id_domain, "sct.gov.vn");
    }

    #[test]
    fn reply_to_is_a_mailbox_checked_at_start() {
        let config = config(&[(
            "CCHC_MAIL_REPLY_TO",
            " Bộ phận CCHC – Văn phòng Sở <cchc.vp@sct.gov.vn> ",
        )])
        .unwrap();
        let reply_to = config.reply_to.unwrap();
        assert_eq!(reply_to.email.to_string(), "cchc.vp@sct.gov.vn");
        assert_eq!(
            reply_to.name.as_deref(),
            Some("Bộ phận CCHC – Văn phòng Sở")
        );
        let error = config_for(&[("CCHC_MAIL_REPLY_TO", "Văn phòng Sở")], PUBLIC).unwrap_err();
        assert_eq!(error.what, "CCHC_MAIL_REPLY_TO");
        assert!(config_for(&[("CCHC_MAIL_REPLY_TO", " ")], PUBLIC)
            .unwrap()
            .reply_to
            .is_none());
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
