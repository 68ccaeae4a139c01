//! The `cchc-api` command line; other tools drive these subcommands exactly.

use std::sync::Arc;

use actix_web::HttpServer;
use anyhow::Context;
use cchc_app::authz;
use cchc_app::config::Config;
use cchc_app::repo::submissions::BoardCaches;
use cchc_app::repo::tokens;
use cchc_app::storage::Storage;
use cchc_db::bootstrap::{self, maintenance_url};
use cchc_db::{build_pool_with_timeout, run_migrations};
use cchc_domain::clock::SystemClock;
use cchc_domain::model::audit::Actor;
use cchc_domain::model::token::{CreateToken, Role};
use chrono::{DateTime, FixedOffset};
use clap::{Parser, Subcommand};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use crate::state::AppState;
use cchc_app::token_cache::TokenCache;

#[derive(Debug, Parser)]
#[command(
    name = "cchc-api",
    version,
    about = "Administrative-reform (CCHC) reporting API"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve HTTP on CCHC_BIND against DATABASE_URL (the default command).
    Serve,
    /// Apply pending database migrations; safe to run again.
    Migrate,
    /// Print the OpenAPI document (JSON), identical to openapi/openapi.json.
    Openapi,
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        action: TokenCommand,
    },
    /// Load the demo data from the source documents; safe to run again.
    SeedDemo,
    /// Local start: create the database if missing, migrate, load demo data, print an admin
    /// token, then serve.
    Quickstart,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token; the secret is the last line of output.
    Create {
        /// admin, reporter, viewer or integration.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Unit code a reporter token is bound to.
        #[arg(long)]
        unit: Option<String>,
        /// Who or what the token is for.
        #[arg(long)]
        name: String,
        /// Optional expiry, RFC 3339 with offset.
        #[arg(long)]
        expires_at: Option<DateTime<FixedOffset>>,
    },
}

fn parse_role(value: &str) -> Result<Role, String> {
    value.parse().map_err(|_| {
        let roles: Vec<_> = Role::ALL.iter().map(Role::as_str).collect();
        format!(
            "unknown role {value:?}; expected one of {}",
            roles.join(", ")
        )
    })
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => migrate(&config).await,
        Command::Openapi => {
            print!("{}", crate::app::openapi_json());
            Ok(())
        }
        Command::Token {
            action:
                TokenCommand::Create {
                    role,
                    unit,
                    name,
                    expires_at,
                },
        } => {
            let mut conn = connect(&config).await?;
            let input = CreateToken {
                name,
                role,
                unit_code: unit,
                expires_at,
            };
            let created = tokens::create(
                &mut conn,
                &input,
                &authz::system("cli"),
                &Actor::system("cli"),
                chrono::Utc::now(),
            )
            .await
            .map_err(describe_core_error)?;
            println!(
                "Created token {} ({}) for {:?}",
                created.token.id, created.token.role, created.token.name
            );
            if let Some(unit) = &created.token.unit_code {
                println!("Bound to unit {unit}");
            }
            println!("Keep the secret below: it is shown only once.");
            println!("{}", created.secret);
            Ok(())
        }
        Command::SeedDemo => {
            let mut conn = connect(&config).await?;
            let summary = cchc_app::demo::load(&mut conn, &config.default_policy)
                .await
                .map_err(describe_core_error)?;
            println!("{summary}");
            Ok(())
        }
        Command::Quickstart => quickstart(config).await,
    }
}

/// Turns a shared-layer error into a message naming every bad field.
fn describe_core_error(error: cchc_domain::Error) -> anyhow::Error {
    match error {
        cchc_domain::Error::Validation { errors } | cchc_domain::Error::Conflict { errors, .. }
            if !errors.is_empty() =>
        {
            let lines: Vec<_> = errors
                .iter()
                .map(|e| format!("  {}: {}", e.field, e.message))
                .collect();
            anyhow::anyhow!("invalid input:\n{}", lines.join("\n"))
        }
        other => anyhow::anyhow!(other),
    }
}

async fn connect(config: &Config) -> anyhow::Result<AsyncPgConnection> {
    AsyncPgConnection::establish(&config.database_url)
        .await
        .with_context(|| {
            format!(
                "cannot connect to the database at {}",
                redact(&config.database_url)
            )
        })
}

/// Hides the password of a connection URL in messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

async fn migrate(config: &Config) -> anyhow::Result<()> {
    let applied = run_migrations(&config.database_url)
        .await
        .with_context(|| format!("migrating {}", redact(&config.database_url)))?;
    if applied.is_empty() {
        println!("Database is up to date.");
    } else {
        for version in &applied {
            println!("Applied migration {version}");
        }
    }
    // The boards' running sums of periods a migration (or a data load around the service)
    // left stale are rebuilt now, not by the first reader.
    let pool = cchc_db::build_pool(&config.database_url, 1)?;
    let mut conn = pool.get().await.context("a database connection")?;
    let rebuilt = cchc_app::repo::submissions::rebuild_stale_sums(&mut conn).await?;
    if rebuilt > 0 {
        println!("Rebuilt the running sums of {rebuilt} period(s)");
    }
    Ok(())
}

async fn create_database_if_missing(database_url: &str) -> anyhow::Result<()> {
    let Some((maintenance, _)) = maintenance_url(database_url) else {
        return Ok(());
    };
    let created = bootstrap::create_database_if_missing(database_url)
        .await
        .with_context(|| {
            format!(
                "cannot reach PostgreSQL at {}; is it running? (set DATABASE_URL to point \
                 elsewhere)",
                redact(&maintenance)
            )
        })?;
    if let Some(name) = created {
        println!("Created database {name}");
    }
    Ok(())
}

async fn quickstart(config: Config) -> anyhow::Result<()> {
    create_database_if_missing(&config.database_url).await?;
    migrate(&config).await?;
    let mut conn = connect(&config).await?;
    let summary = cchc_app::demo::load(&mut conn, &config.default_policy)
        .await
        .map_err(describe_core_error)?;
    println!("{summary}");
    let admin = tokens::create(
        &mut conn,
        &CreateToken {
            name: "Quickstart – Văn phòng Sở".into(),
            role: Role::Admin,
            unit_code: None,
            expires_at: None,
        },
        &authz::system("quickstart"),
        &Actor::system("quickstart"),
        chrono::Utc::now(),
    )
    .await
    .map_err(describe_core_error)?;
    let now = chrono::Utc::now();
    let first_mail =
        cchc_worker::first_mail::first_mail_at(&mut conn, &config.default_policy, now).await?;
    drop(conn);
    println!();
    println!("API:       {}/api/v1", config.public_base_url);
    println!("API docs:  {}/docs", config.public_base_url);
    println!(
        "Try:       curl -H 'Authorization: Bearer {}' {}/api/v1/periods",
        admin.secret, config.public_base_url
    );
    println!("Admin token (shown once):");
    println!("{}", admin.secret);
    println!(
        "Mail:      the worker runs beside the API; {}",
        match std::env::var("SMTP_URL") {
            Ok(url) if !url.trim().is_empty() => "mail goes to SMTP_URL".to_owned(),
            _ => format!(
                "mail is written as .eml files to {}",
                std::env::var("CCHC_MAIL_DIR").unwrap_or_else(|_| "./data/mail".into())
            ),
        }
    );
    // Reminders and escalations wait for office hours: say so, and when, so a trial started
    // at night does not look broken.
    let notice =
        cchc_worker::first_mail::first_mail_notice(now, first_mail, &config.default_policy);
    for line in notice.lines() {
        println!("           {line}");
    }
    println!("Stop:      Ctrl+C (the server holds this terminal; use another one for curl)");
    serve_with_worker(config).await
}

/// The API and, in the same process, the worker: one command for a local trial.
async fn serve_with_worker(config: Config) -> anyhow::Result<()> {
    let pool = build_pool_with_timeout(&config.database_url, 4, config.db_statement_timeout)?;
    let worker = cchc_worker::runtime::Worker::from_env(&config, pool.clone()).await?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let database_url = config.database_url.clone();
    let running = tokio::spawn(async move { worker.run(&database_url, 2, stopped).await });
    let served = serve(config).await;
    stop.send(true).ok();
    match running.await {
        Ok(Err(error)) => tracing::error!("worker: {error:#}"),
        Err(error) => tracing::error!("worker task: {error}"),
        Ok(Ok(())) => {}
    }
    pool.close();
    served
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let pool = build_pool_with_timeout(
        &config.database_url,
        config.db_pool_size,
        config.db_statement_timeout,
    )?;
    let storage =
        Storage::open(&config.storage).context("cannot open the file store (CCHC_STORAGE_URL)")?;
    tracing::info!(store = storage.description(), "files are stored");
    let bind = config.bind.clone();
    let tokens = Arc::new(TokenCache::default());
    let (stop_listening, stopped) = tokio::sync::watch::channel(false);
    let listening = tokio::spawn(cchc_app::token_cache::listen(
        tokens.clone(),
        config.database_url.clone(),
        stopped,
    ));
    let state = AppState {
        pool,
        clock: Arc::new(SystemClock),
        rate_limiter: crate::limits::RateLimiter::from_config(&config),
        storage,
        boards: Arc::new(BoardCaches::new(config.board_cache_entries)),
        versions: Arc::default(),
        outbound: cchc_app::repo::qlvb::download_client(&config.outbound_allow)
            .context("the HTTP client for QLVB file downloads")?,
        tokens,
        oidc: match &config.oidc {
            Some(settings) => Some(Arc::new(
                cchc_app::oidc::Verifier::new(settings.clone(), &config.outbound_allow)
                    .context("the HTTP client for the OpenID provider")?,
            )),
            None => None,
        },
        config: Arc::new(config),
    };
    let spec = Arc::new(crate::app::openapi());
    tracing::info!(%bind, "serving");
    HttpServer::new(move || crate::app::app(state.clone(), spec.clone()))
        .bind(&bind)
        .with_context(|| format!("cannot listen on {bind} (CCHC_BIND)"))?
        .shutdown_timeout(10)
        .run()
        .await?;
    stop_listening.send(true).ok();
    listening.await.ok();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_hides_passwords() {
        assert_eq!(
            redact("postgres://u:secret@db/cchc"),
            "postgres://u:***@db/cchc"
        );
        assert_eq!(
            redact("postgres://postgres@db/cchc"),
            "postgres://postgres@db/cchc"
        );
    }
}
