//! The cchc background worker. For now it connects to the database, checks the schema is
//! current, and waits for SIGTERM or Ctrl-C; reminders and escalations come next.

use std::time::Duration;

use anyhow::Context;
use cchc_shared::config::Config;
use cchc_shared::db::{build_pool, readiness, Readiness};
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

#[derive(Debug, Parser)]
#[command(
    name = "cchc-worker",
    version,
    about = "Background worker of the cchc reporting service"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run until SIGTERM or Ctrl-C (the default).
    Run,
}

async fn shutdown_signal() -> anyhow::Result<&'static str> {
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            _ = terminate.recv() => Ok("SIGTERM"),
            result = tokio::signal::ctrl_c() => result.map(|()| "SIGINT").map_err(Into::into),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await?;
        Ok("Ctrl-C")
    }
}

async fn run(config: Config) -> anyhow::Result<()> {
    let pool = build_pool(&config.database_url, 2)?;
    let mut conn = tokio::time::timeout(Duration::from_secs(30), pool.get())
        .await
        .context("timed out connecting to the database")?
        .context("cannot connect to the database (DATABASE_URL)")?;
    match readiness(&mut conn).await? {
        Readiness::Ready => {}
        Readiness::PendingMigrations(pending) => anyhow::bail!(
            "the database has pending migrations ({}); run `cchc-api migrate` first",
            pending.join(", ")
        ),
    }
    drop(conn);
    tracing::info!(
        "worker ready; waiting for work (reminders and escalations are not scheduled yet)"
    );
    let signal = shutdown_signal().await?;
    tracing::info!(signal, "shutting down");
    pool.close();
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match Config::from_env() {
        Ok(config) => match cli.command.unwrap_or(Command::Run) {
            Command::Run => run(config).await,
        },
        Err(error) => Err(error.into()),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
