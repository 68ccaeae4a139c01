//! Configuration from the environment, with defaults that work on a developer machine.

use std::str::FromStr;

use chrono::NaiveTime;

use crate::outbound::AllowList;
use crate::storage::StorageLocation;
use cchc_domain::model::job::Recipient;
use cchc_domain::model::policy::ReminderPolicy;

pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/cchc";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
/// Largest uploaded file: 20 MiB, enough for a scanned decision of a few dozen pages.
pub const DEFAULT_MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub bind: String,
    pub public_base_url: String,
    pub db_pool_size: usize,
    /// Longest one SQL statement may run before PostgreSQL cancels it.
    pub db_statement_timeout: std::time::Duration,
    pub max_body_bytes: usize,
    /// Where uploaded files go (`CCHC_STORAGE_URL`).
    pub storage: StorageLocation,
    /// Largest uploaded file, in bytes (`CCHC_MAX_UPLOAD_BYTES`).
    pub max_upload_bytes: usize,
    /// Browser origins allowed to call the API (CORS), e.g. a third-party front end. Empty:
    /// none; `*`: any (tokens are bearer headers, never cookies, so no credentials mode).
    pub cors_allowed_origins: Vec<String>,
    /// Reminder and escalation policy given to a new period that does not set its own.
    pub default_policy: ReminderPolicy,
    /// Who besides the units gets the worker's mail.
    pub notifications: NotificationConfig,
    /// Limits of inbound QLVB events.
    pub qlvb: QlvbConfig,
    /// What official documents print above and beside the issuing unit's name.
    pub letterhead: LetterheadConfig,
    /// Requests per minute one caller (one token, or one address without a token) may make
    /// to one API process, in bursts of up to as many; 0 turns the limit off
    /// (`CCHC_RATE_LIMIT_PER_MINUTE`).
    pub rate_limit_per_minute: u32,
    /// Failed token authentications (unknown, revoked or expired tokens) per minute one client
    /// address may cause, in bursts of up to as many; past it that address's requests carrying
    /// a token get 429 before any lookup until the budget refills. 0 turns it off
    /// (`CCHC_AUTH_FAILURES_PER_MINUTE`).
    pub auth_failures_per_minute: u32,
    /// Longest one request may take, body upload included, before it is cancelled with a 503
    /// and nothing written (`CCHC_REQUEST_TIMEOUT_SECS`).
    pub request_timeout: std::time::Duration,
    /// How long an `Idempotency-Key` and its answer are kept (`CCHC_IDEMPOTENCY_TTL_HOURS`).
    pub idempotency_ttl: chrono::Duration,
    /// Compliance boards and consolidated reports one API process keeps computed in memory
    /// (each kind), current until a change that could alter them; 0 turns it off
    /// (`CCHC_BOARD_CACHE_ENTRIES`).
    pub board_cache_entries: usize,
    /// Networks and host names outbound requests (QLVB file downloads, webhooks) may reach
    /// although they are loopback, private or otherwise internal (`CCHC_OUTBOUND_ALLOW`);
    /// empty: public addresses only.
    pub outbound_allow: AllowList,
    /// The secret that signs the links in the mails (`CCHC_LINK_SECRET`, at least 32
    /// characters); unset: one generated once and kept in the database
    /// (`crate::signed_links::link_secret`).
    pub link_secret: Option<String>,
    /// OpenID Connect access tokens accepted beside API tokens (`CCHC_OIDC_*`); `None` when
    /// `CCHC_OIDC_ISSUER` is unset.
    pub oidc: Option<crate::oidc::OidcSettings>,
}

/// Idempotency keys are kept for a day unless configured otherwise.
pub const DEFAULT_IDEMPOTENCY_TTL_HOURS: i64 = 24;

/// Boards kept per kind unless `CCHC_BOARD_CACHE_ENTRIES` says otherwise: a national board
/// is ~1 MB in memory, a consolidation without breakdown ~50 kB.
pub const DEFAULT_BOARD_CACHE_ENTRIES: usize = 32;

/// Requests per minute per caller unless `CCHC_RATE_LIMIT_PER_MINUTE` says otherwise.
pub const DEFAULT_RATE_LIMIT_PER_MINUTE: u32 = 1200;
/// Failed authentications per minute per address unless `CCHC_AUTH_FAILURES_PER_MINUTE` says
/// otherwise: a misconfigured client retrying, or a few behind one NAT, stay well under it,
/// while token guessing from one address costs at most one database lookup a second.
pub const DEFAULT_AUTH_FAILURES_PER_MINUTE: u32 = 60;
/// Longest request unless `CCHC_REQUEST_TIMEOUT_SECS` says otherwise: a 20 MiB upload at
/// 2 Mbit/s takes about 84 s.
pub const DEFAULT_REQUEST_TIMEOUT_SECS: u64 = 120;

/// Largest file sent inline (base64) in a QLVB event, decoded: 10 MiB.
pub const DEFAULT_QLVB_MAX_INLINE_BYTES: usize = 10 * 1024 * 1024;
/// How long a file download from QLVB may take, whole.
pub const DEFAULT_QLVB_DOWNLOAD_TIMEOUT_SECS: u64 = 30;

/// The deployment's part of the Decree 30 header block; the issuing unit's name comes from
/// the units (the department at the top of the tree, or the unit a document is for).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LetterheadConfig {
    /// `CCHC_GOVERNING_BODY`: the governing body above the agency, e.g. `UBND tỉnh Điện Biên`.
    pub governing_body: Option<String>,
    /// `CCHC_PLACE_NAME`: the place name of the date line, e.g. `Điện Biên`.
    pub place: Option<String>,
}

impl LetterheadConfig {
    /// The header block of a document issued by `agency`.
    pub fn for_agency(&self, agency: &str) -> cchc_domain::model::letterhead::Letterhead {
        cchc_domain::model::letterhead::Letterhead {
            governing_body: self.governing_body.clone(),
            agency: agency.to_owned(),
            place: self.place.clone(),
        }
    }
}

/// Limits of inbound QLVB events. Downloaded files are limited by `CCHC_MAX_UPLOAD_BYTES`,
/// like uploads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QlvbConfig {
    /// `CCHC_QLVB_MAX_INLINE_BYTES`: largest inline file, decoded.
    pub max_inline_bytes: usize,
    /// `CCHC_QLVB_DOWNLOAD_TIMEOUT_SECS`: how long one file download may take.
    pub download_timeout_secs: u64,
}

impl Default for QlvbConfig {
    fn default() -> Self {
        Self {
            max_inline_bytes: DEFAULT_QLVB_MAX_INLINE_BYTES,
            download_timeout_secs: DEFAULT_QLVB_DOWNLOAD_TIMEOUT_SECS,
        }
    }
}

/// The Office and leadership mailboxes, and when the daily digest goes out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationConfig {
    /// `CCHC_LEADERSHIP_EMAILS`: the leadership (Ban Giám đốc), told of units still missing
    /// working days after the deadline.
    pub leadership: Vec<Recipient>,
    /// `CCHC_OFFICE_EMAILS`: the Office (Văn phòng Sở), copied on leadership escalations and sent
    /// the daily digest.
    pub office: Vec<Recipient>,
    /// `CCHC_DIGEST_TIME`: local time of the daily digest on working days (default 07:30); also
    /// of the plans' monthly and quarterly digests.
    pub digest_time: NaiveTime,
    /// How tasks are reminded and escalated: the service's default policy (the `CCHC_*` policy
    /// variables), as periods without their own policy are.
    pub task_policy: ReminderPolicy,
}

impl Default for NotificationConfig {
    fn default() -> Self {
        Self {
            leadership: Vec::new(),
            office: Vec::new(),
            digest_time: NaiveTime::from_hms_opt(7, 30, 0).unwrap_or(NaiveTime::MIN),
            task_policy: ReminderPolicy::default(),
        }
    }
}

/// Parses a list of mailboxes: `Nguyễn Văn A <a@example.vn>, b@example.vn` (commas or
/// semicolons between them).
pub fn parse_recipients(name: &'static str, value: &str) -> Result<Vec<Recipient>, ConfigError> {
    value
        .split([',', ';'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (display, email) = match part.rsplit_once('<') {
                Some((display, rest)) => {
                    let email = rest
                        .strip_suffix('>')
                        .ok_or_else(|| invalid(name, format!("{part:?}: missing '>'")))?;
                    let display = display.trim().trim_matches('"').trim();
                    (
                        (!display.is_empty()).then(|| display.to_owned()),
                        email.trim(),
                    )
                }
                None => (None, part),
            };
            if !validator::ValidateEmail::validate_email(&email) {
                return Err(invalid(name, format!("{email:?} is not an email address")));
            }
            Ok(Recipient {
                name: display,
                email: email.to_owned(),
            })
        })
        .collect()
}

#[derive(Debug, thiserror::Error)]
#[error("invalid value for {name}: {message}")]
pub struct ConfigError {
    pub name: &'static str,
    pub message: String,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads through `lookup` so tests can supply variables without touching the process env.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let bind = lookup("CCHC_BIND").unwrap_or_else(|| DEFAULT_BIND.to_owned());
        let public_base_url = lookup("CCHC_PUBLIC_BASE_URL")
            .unwrap_or_else(|| format!("http://{bind}"))
            .trim_end_matches('/')
            .to_owned();
        let mut policy = ReminderPolicy::default();
        if let Some(days) = lookup("CCHC_REMINDER_DAYS_BEFORE") {
            policy.reminder_working_days_before = days
                .split(',')
                .map(|d| d.trim().parse::<u32>())
                .collect::<Result<_, _>>()
                .map_err(|e| invalid("CCHC_REMINDER_DAYS_BEFORE", e))?;
        }
        if let Some(v) = lookup("CCHC_REMINDER_TIME") {
            policy.reminder_time = parse_time("CCHC_REMINDER_TIME", &v)?;
        }
        if let Some(v) = lookup("CCHC_DEADLINE_DAY_REMINDER_TIME") {
            policy.deadline_day_reminder_time = parse_time("CCHC_DEADLINE_DAY_REMINDER_TIME", &v)?;
        }
        if let Some(v) = lookup("CCHC_OFFICE_HOURS") {
            let (start, end) = v
                .split_once('-')
                .ok_or_else(|| invalid("CCHC_OFFICE_HOURS", "expected HH:MM-HH:MM"))?;
            policy.office_hours_start = parse_time("CCHC_OFFICE_HOURS", start)?;
            policy.office_hours_end = parse_time("CCHC_OFFICE_HOURS", end)?;
        }
        if let Some(v) = lookup("CCHC_ESCALATE_HEAD_AFTER_MINUTES") {
            policy.escalate_to_head_after_minutes = parse("CCHC_ESCALATE_HEAD_AFTER_MINUTES", &v)?;
        }
        if let Some(v) = lookup("CCHC_ESCALATE_LEADERSHIP_AFTER_WORKING_DAYS") {
            policy.escalate_to_leadership_after_working_days =
                parse("CCHC_ESCALATE_LEADERSHIP_AFTER_WORKING_DAYS", &v)?;
        }
        if let Some(v) = lookup("CCHC_EARLY_MARGIN_WORKING_DAYS") {
            policy.early_margin_working_days = parse("CCHC_EARLY_MARGIN_WORKING_DAYS", &v)?;
        }
        let problems = policy.problems("CCHC policy defaults");
        if let Some(problem) = problems.first() {
            return Err(invalid(
                "CCHC_* policy defaults",
                format!("{}: {}", problem.field, problem.message),
            ));
        }
        let oidc = crate::oidc::OidcSettings::from_lookup(&lookup)
            .map_err(|(name, message)| invalid(name, message))?;
        Ok(Self {
            oidc,
            database_url: lookup("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            bind,
            public_base_url,
            db_pool_size: match lookup("CCHC_DB_POOL_SIZE") {
                Some(v) => parse("CCHC_DB_POOL_SIZE", &v)?,
                None => 10,
            },
            db_statement_timeout: match lookup("CCHC_DB_STATEMENT_TIMEOUT_MS") {
                Some(v) => match parse::<u64>("CCHC_DB_STATEMENT_TIMEOUT_MS", &v)? {
                    0 => {
                        return Err(invalid(
                            "CCHC_DB_STATEMENT_TIMEOUT_MS",
                            "must be at least 1 (milliseconds)",
                        ))
                    }
                    ms => std::time::Duration::from_millis(ms),
                },
                None => cchc_db::DEFAULT_STATEMENT_TIMEOUT,
            },
            max_body_bytes: match lookup("CCHC_MAX_BODY_BYTES") {
                Some(v) => parse("CCHC_MAX_BODY_BYTES", &v)?,
                None => 1024 * 1024,
            },
            storage: match lookup("CCHC_STORAGE_URL") {
                Some(v) => {
                    StorageLocation::parse(&v).map_err(|e| invalid("CCHC_STORAGE_URL", e))?
                }
                None => StorageLocation::default(),
            },
            max_upload_bytes: match lookup("CCHC_MAX_UPLOAD_BYTES") {
                Some(v) => match parse("CCHC_MAX_UPLOAD_BYTES", &v)? {
                    0 => return Err(invalid("CCHC_MAX_UPLOAD_BYTES", "must be at least 1")),
                    bytes => bytes,
                },
                None => DEFAULT_MAX_UPLOAD_BYTES,
            },
            cors_allowed_origins: lookup("CCHC_CORS_ALLOWED_ORIGINS")
                .map(|v| {
                    v.split(',')
                        .map(|o| o.trim().trim_end_matches('/').to_owned())
                        .filter(|o| !o.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            default_policy: policy.clone(),
            rate_limit_per_minute: match lookup("CCHC_RATE_LIMIT_PER_MINUTE") {
                Some(v) => parse("CCHC_RATE_LIMIT_PER_MINUTE", &v)?,
                None => DEFAULT_RATE_LIMIT_PER_MINUTE,
            },
            auth_failures_per_minute: match lookup("CCHC_AUTH_FAILURES_PER_MINUTE") {
                Some(v) => parse("CCHC_AUTH_FAILURES_PER_MINUTE", &v)?,
                None => DEFAULT_AUTH_FAILURES_PER_MINUTE,
            },
            request_timeout: match lookup("CCHC_REQUEST_TIMEOUT_SECS") {
                Some(v) => match parse::<u64>("CCHC_REQUEST_TIMEOUT_SECS", &v)? {
                    0 => return Err(invalid("CCHC_REQUEST_TIMEOUT_SECS", "must be at least 1")),
                    secs => std::time::Duration::from_secs(secs),
                },
                None => std::time::Duration::from_secs(DEFAULT_REQUEST_TIMEOUT_SECS),
            },
            notifications: NotificationConfig {
                leadership: match lookup("CCHC_LEADERSHIP_EMAILS") {
                    Some(v) => parse_recipients("CCHC_LEADERSHIP_EMAILS", &v)?,
                    None => Vec::new(),
                },
                office: match lookup("CCHC_OFFICE_EMAILS") {
                    Some(v) => parse_recipients("CCHC_OFFICE_EMAILS", &v)?,
                    None => Vec::new(),
                },
                digest_time: match lookup("CCHC_DIGEST_TIME") {
                    Some(v) => parse_time("CCHC_DIGEST_TIME", &v)?,
                    None => NotificationConfig::default().digest_time,
                },
                task_policy: policy,
            },
            letterhead: LetterheadConfig {
                governing_body: lookup("CCHC_GOVERNING_BODY").map(|v| v.trim().to_owned()),
                place: lookup("CCHC_PLACE_NAME").map(|v| v.trim().to_owned()),
            },
            qlvb: QlvbConfig {
                max_inline_bytes: match lookup("CCHC_QLVB_MAX_INLINE_BYTES") {
                    Some(v) => match parse("CCHC_QLVB_MAX_INLINE_BYTES", &v)? {
                        0 => {
                            return Err(invalid("CCHC_QLVB_MAX_INLINE_BYTES", "must be at least 1"))
                        }
                        bytes => bytes,
                    },
                    None => DEFAULT_QLVB_MAX_INLINE_BYTES,
                },
                download_timeout_secs: match lookup("CCHC_QLVB_DOWNLOAD_TIMEOUT_SECS") {
                    Some(v) => match parse("CCHC_QLVB_DOWNLOAD_TIMEOUT_SECS", &v)? {
                        0 => {
                            return Err(invalid(
                                "CCHC_QLVB_DOWNLOAD_TIMEOUT_SECS",
                                "must be at least 1",
                            ))
                        }
                        secs => secs,
                    },
                    None => DEFAULT_QLVB_DOWNLOAD_TIMEOUT_SECS,
                },
            },
            board_cache_entries: match lookup("CCHC_BOARD_CACHE_ENTRIES") {
                Some(v) => parse("CCHC_BOARD_CACHE_ENTRIES", &v)?,
                None => DEFAULT_BOARD_CACHE_ENTRIES,
            },
            link_secret: match lookup("CCHC_LINK_SECRET") {
                Some(v) => {
                    cchc_domain::rules::signed_link::check_secret(&v)
                        .map_err(|e| invalid("CCHC_LINK_SECRET", e))?;
                    Some(v.trim().to_owned())
                }
                None => None,
            },
            outbound_allow: match lookup("CCHC_OUTBOUND_ALLOW") {
                Some(v) => AllowList::parse(&v).map_err(|e| invalid("CCHC_OUTBOUND_ALLOW", e))?,
                None => AllowList::default(),
            },
            idempotency_ttl: chrono::Duration::hours(match lookup("CCHC_IDEMPOTENCY_TTL_HOURS") {
                Some(v) => match parse::<i64>("CCHC_IDEMPOTENCY_TTL_HOURS", &v)? {
                    hours @ 1..=8760 => hours,
                    _ => {
                        return Err(invalid(
                            "CCHC_IDEMPOTENCY_TTL_HOURS",
                            "must be between 1 and 8760 (hours)",
                        ))
                    }
                },
                None => DEFAULT_IDEMPOTENCY_TTL_HOURS,
            }),
        })
    }
}

fn invalid(name: &'static str, message: impl ToString) -> ConfigError {
    ConfigError {
        name,
        message: message.to_string(),
    }
}

fn parse<T: FromStr>(name: &'static str, value: &str) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    value.trim().parse().map_err(|e| invalid(name, e))
}

fn parse_time(name: &'static str, value: &str) -> Result<NaiveTime, ConfigError> {
    NaiveTime::parse_from_str(value.trim(), "%H:%M").map_err(|_| invalid(name, "expected HH:MM"))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_work_locally() {
        let config = config(&[]).expect("defaults are valid");
        assert_eq!(config.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(config.bind, "127.0.0.1:8080");
        assert_eq!(config.public_base_url, "http://127.0.0.1:8080");
        assert_eq!(
            config.default_policy.reminder_working_days_before,
            vec![5, 2, 0]
        );
        assert!(config.cors_allowed_origins.is_empty());
        assert_eq!(
            config.storage,
            StorageLocation::Local("./data/files".into())
        );
        assert_eq!(config.max_upload_bytes, 20 * 1024 * 1024);
        assert_eq!(config.idempotency_ttl, chrono::Duration::hours(24));
    }

    #[test]
    fn idempotency_ttl_comes_from_env_and_is_checked() {
        let two_days = config(&[("CCHC_IDEMPOTENCY_TTL_HOURS", "48")]).unwrap();
        assert_eq!(two_days.idempotency_ttl, chrono::Duration::hours(48));
        for bad in ["0", "-1", "abc", "8761"] {
            let error = config(&[("CCHC_IDEMPOTENCY_TTL_HOURS", bad)])
                .expect_err(bad)
                .to_string();
            assert!(
                error.contains("CCHC_IDEMPOTENCY_TTL_HOURS"),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn storage_and_upload_limit_come_from_env() {
        let config = config(&[
            ("CCHC_STORAGE_URL", "s3://cchc-files/uploads"),
            ("CCHC_MAX_UPLOAD_BYTES", "1048576"),
        ])
        .unwrap();
        assert_eq!(
            config.storage,
            StorageLocation::S3 {
                bucket: "cchc-files".into(),
                prefix: "uploads".into()
            }
        );
        assert_eq!(config.max_upload_bytes, 1_048_576);
        let error = config_error("CCHC_STORAGE_URL", "ftp://files");
        assert_eq!(error.name, "CCHC_STORAGE_URL");
        let error = config_error("CCHC_MAX_UPLOAD_BYTES", "0");
        assert_eq!(error.name, "CCHC_MAX_UPLOAD_BYTES");
    }

    #[test]
    fn letterhead_comes_from_env_trimmed() {
        assert_eq!(config(&[]).unwrap().letterhead, LetterheadConfig::default());
        let config = config(&[
            ("CCHC_GOVERNING_BODY", " UBND tỉnh Điện Biên "),
            ("CCHC_PLACE_NAME", "Điện Biên"),
        ])
        .unwrap();
        let letterhead = config.letterhead.for_agency("Sở Công Thương");
        assert_eq!(
            letterhead.agency_lines(),
            vec![
                "UBND TỈNH ĐIỆN BIÊN".to_owned(),
                "SỞ CÔNG THƯƠNG".to_owned()
            ]
        );
        assert_eq!(letterhead.place.as_deref(), Some("Điện Biên"));
    }

    #[test]
    fn qlvb_limits_come_from_env() {
        assert_eq!(config(&[]).unwrap().qlvb, QlvbConfig::default());
        let config = config(&[
            ("CCHC_QLVB_MAX_INLINE_BYTES", "4096"),
            ("CCHC_QLVB_DOWNLOAD_TIMEOUT_SECS", "5"),
        ])
        .unwrap();
        assert_eq!(config.qlvb.max_inline_bytes, 4096);
        assert_eq!(config.qlvb.download_timeout_secs, 5);
        assert_eq!(
            config_error("CCHC_QLVB_MAX_INLINE_BYTES", "0").name,
            "CCHC_QLVB_MAX_INLINE_BYTES"
        );
        assert_eq!(
            config_error("CCHC_QLVB_DOWNLOAD_TIMEOUT_SECS", "soon").name,
            "CCHC_QLVB_DOWNLOAD_TIMEOUT_SECS"
        );
    }

    #[test]
    fn the_outbound_allow_list_comes_from_env_and_is_checked() {
        assert!(config(&[]).unwrap().outbound_allow.is_empty());
        let allowed = config(&[(
            "CCHC_OUTBOUND_ALLOW",
            "10.20.0.0/16, 192.168.5.10, qlvb.sct.local",
        )])
        .unwrap()
        .outbound_allow;
        assert_eq!(
            allowed.to_string(),
            "10.20.0.0/16,192.168.5.10/32,qlvb.sct.local"
        );
        let ip = |text: &str| text.parse::<std::net::IpAddr>().unwrap();
        assert_eq!(allowed.refuses(None, ip("10.20.1.2")), None);
        assert!(allowed.refuses(None, ip("10.21.1.2")).is_some());
        assert_eq!(
            allowed.refuses(Some("qlvb.sct.local"), ip("10.9.9.9")),
            None
        );
        for bad in ["10.0.0.0/40", "http://qlvb.sct.local/", "two words"] {
            let error = config_error("CCHC_OUTBOUND_ALLOW", bad);
            assert_eq!(error.name, "CCHC_OUTBOUND_ALLOW", "{bad}");
        }
    }

    fn config_error(name: &str, value: &str) -> ConfigError {
        config(&[(name, value)]).unwrap_err()
    }

    #[test]
    fn cors_origins_are_a_comma_separated_list() {
        let config = config(&[(
            "CCHC_CORS_ALLOWED_ORIGINS",
            "https://a.example.vn/, https://b.example.vn",
        )])
        .unwrap();
        assert_eq!(
            config.cors_allowed_origins,
            vec!["https://a.example.vn", "https://b.example.vn"]
        );
    }

    #[test]
    fn policy_defaults_come_from_env() {
        let config = config(&[
            ("CCHC_REMINDER_DAYS_BEFORE", "3, 1"),
            ("CCHC_OFFICE_HOURS", "07:00-17:30"),
            ("CCHC_PUBLIC_BASE_URL", "https://cchc.example.gov.vn/"),
        ])
        .expect("valid");
        assert_eq!(
            config.default_policy.reminder_working_days_before,
            vec![3, 1]
        );
        assert_eq!(
            config.default_policy.office_hours_end,
            NaiveTime::from_hms_opt(17, 30, 0).unwrap()
        );
        assert_eq!(config.public_base_url, "https://cchc.example.gov.vn");
    }

    #[test]
    fn notification_mailboxes_parse_with_and_without_names() {
        let parsed = config(&[
            (
                "CCHC_LEADERSHIP_EMAILS",
                "Giám đốc Sở <giamdoc@sct.example.vn>; pgd@sct.example.vn",
            ),
            ("CCHC_OFFICE_EMAILS", "\"Văn phòng Sở\" <vp@sct.example.vn>"),
            ("CCHC_DIGEST_TIME", "07:45"),
        ])
        .expect("valid");
        let n = &parsed.notifications;
        assert_eq!(n.leadership.len(), 2);
        assert_eq!(n.leadership[0].name.as_deref(), Some("Giám đốc Sở"));
        assert_eq!(n.leadership[0].email, "giamdoc@sct.example.vn");
        assert_eq!(n.leadership[1].name, None);
        assert_eq!(n.office[0].name.as_deref(), Some("Văn phòng Sở"));
        assert_eq!(n.digest_time, NaiveTime::from_hms_opt(7, 45, 0).unwrap());
        let error = config(&[("CCHC_OFFICE_EMAILS", "Văn phòng <not-an-email>")]).unwrap_err();
        assert_eq!(error.name, "CCHC_OFFICE_EMAILS");
    }

    #[test]
    fn the_statement_timeout_defaults_to_thirty_seconds() {
        assert_eq!(
            config(&[]).unwrap().db_statement_timeout,
            std::time::Duration::from_secs(30)
        );
        assert_eq!(
            config(&[("CCHC_DB_STATEMENT_TIMEOUT_MS", "1500")])
                .unwrap()
                .db_statement_timeout,
            std::time::Duration::from_millis(1500)
        );
    }

    #[test]
    fn rate_limit_and_request_timeout_come_from_env() {
        let defaults = config(&[]).unwrap();
        assert_eq!(defaults.rate_limit_per_minute, 1200);
        assert_eq!(defaults.board_cache_entries, 32);
        assert_eq!(
            defaults.request_timeout,
            std::time::Duration::from_secs(120)
        );
        let set = config(&[
            ("CCHC_RATE_LIMIT_PER_MINUTE", "0"),
            ("CCHC_REQUEST_TIMEOUT_SECS", "15"),
            ("CCHC_BOARD_CACHE_ENTRIES", "0"),
        ])
        .unwrap();
        assert_eq!(set.board_cache_entries, 0, "0 turns the board cache off");
        assert_eq!(set.rate_limit_per_minute, 0, "0 turns the limit off");
        assert_eq!(set.request_timeout, std::time::Duration::from_secs(15));
        for (name, bad) in [
            ("CCHC_RATE_LIMIT_PER_MINUTE", "-1"),
            ("CCHC_BOARD_CACHE_ENTRIES", "many"),
            ("CCHC_REQUEST_TIMEOUT_SECS", "0"),
            ("CCHC_REQUEST_TIMEOUT_SECS", "2m"),
        ] {
            assert_eq!(config(&[(name, bad)]).unwrap_err().name, name, "{bad}");
        }
    }

    #[test]
    fn the_failed_authentication_budget_comes_from_env() {
        assert_eq!(config(&[]).unwrap().auth_failures_per_minute, 60);
        let set = config(&[("CCHC_AUTH_FAILURES_PER_MINUTE", "5")]).unwrap();
        assert_eq!(set.auth_failures_per_minute, 5);
        let off = config(&[("CCHC_AUTH_FAILURES_PER_MINUTE", "0")]).unwrap();
        assert_eq!(off.auth_failures_per_minute, 0, "0 turns it off");
        for bad in ["-1", "many", "1.5"] {
            let error = config(&[("CCHC_AUTH_FAILURES_PER_MINUTE", bad)]).unwrap_err();
            assert_eq!(error.name, "CCHC_AUTH_FAILURES_PER_MINUTE", "{bad}");
        }
    }

    #[test]
    fn bad_values_name_the_variable() {
        let error = config(&[("CCHC_DB_POOL_SIZE", "many")]).unwrap_err();
        assert_eq!(error.name, "CCHC_DB_POOL_SIZE");
        for bad in ["0", "-5", "30s"] {
            let error = config(&[("CCHC_DB_STATEMENT_TIMEOUT_MS", bad)]).unwrap_err();
            assert_eq!(error.name, "CCHC_DB_STATEMENT_TIMEOUT_MS", "{bad}");
        }
        let error = config(&[("CCHC_REMINDER_TIME", "8h")]).unwrap_err();
        assert_eq!(error.name, "CCHC_REMINDER_TIME");
        let error = config(&[("CCHC_OFFICE_HOURS", "18:00-07:00")]).unwrap_err();
        assert_eq!(error.name, "CCHC_* policy defaults");
    }
}
