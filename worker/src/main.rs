//! The cchc background worker: deadline reminders, escalations, receipts and the daily digest,
//! mailed through SMTP (`SMTP_URL`) or, by default, written as .eml files.

use std::time::Duration;

use anyhow::Context;
use cchc_app::config::Config;
use cchc_db::{build_pool_with_timeout, readiness, DbPool, Readiness};
use cchc_worker::runtime::Worker;
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

/// A runner spends most of a job waiting on round trips (two to PostgreSQL, five to the SMTP
/// server), so two runners left the two cores of the reference machine half idle; four keep
/// them busy and match the SMTP pool's four connections (more runners than pooled connections
/// would open and close a connection per mail).
const DEFAULT_RUNNERS: usize = 4;

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
    Run {
        /// Job runners working in parallel.
        #[arg(long, env = "CCHC_WORKER_RUNNERS", default_value_t = DEFAULT_RUNNERS)]
        runners: usize,
    },
    /// Run every schedule that is due now once, drain the queue, and exit.
    Once,
    /// A local SMTP server that accepts and counts every message, keeping none (the
    /// benchmark's zero-latency mail server). Prints the count on SIGTERM or Ctrl-C.
    // The test kit's SMTP sink (feature `smtp-sink`, on by default).
    #[cfg(feature = "smtp-sink")]
    #[command(hide = true)]
    SmtpSink {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:2525")]
        bind: std::net::SocketAddr,
        /// Wait this long before answering the end of each message's DATA (a slow server;
        /// used by scripts/faults.sh to kill a worker while mail is in flight).
        #[arg(long, default_value_t = 0)]
        delay_ms: u64,
    },
}

/// SIGTERM or Ctrl-C, listened for from the moment this is called: call it before anything
/// that announces readiness, so a signal sent right after "ready" is never missed (and never
/// kills the process the default way).
fn shutdown_signal(
) -> anyhow::Result<impl std::future::Future<Output = anyhow::Result<&'static str>>> {
    #[cfg(unix)]
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let interrupt = tokio::signal::ctrl_c();
    Ok(async move {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = terminate.recv() => Ok("SIGTERM"),
                result = interrupt => result.map(|()| "SIGINT").map_err(Into::into),
            }
        }
        #[cfg(not(unix))]
        {
            interrupt.await?;
            Ok("Ctrl-C")
        }
    })
}

/// A pool on a database whose schema is current.
async fn ready_pool(config: &Config, size: usize) -> anyhow::Result<DbPool> {
    let pool = build_pool_with_timeout(&config.database_url, size, config.db_statement_timeout)?;
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
    Ok(pool)
}

async fn run(config: Config, runners: usize) -> anyhow::Result<()> {
    let pool = ready_pool(&config, runners + 2).await?;
    let worker = Worker::from_env(&config, pool.clone()).await?;
    let shutdown = shutdown_signal()?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let running = tokio::spawn({
        let database_url = config.database_url.clone();
        async move { worker.run(&database_url, runners, stop_rx).await }
    });
    let signal = shutdown.await?;
    tracing::info!(signal, "shutting down");
    stop_tx.send(true).ok();
    running.await.context("worker task")??;
    pool.close();
    Ok(())
}

#[cfg(feature = "smtp-sink")]
async fn smtp_sink(bind: std::net::SocketAddr, delay_ms: u64) -> anyhow::Result<()> {
    let sink = cchc_testkit::smtp_sink::SmtpSink::bind(bind, false)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    sink.set_delay(Duration::from_millis(delay_ms));
    let shutdown = shutdown_signal()?;
    println!("SMTP sink listening on {}", sink.url());
    let signal = shutdown.await?;
    println!("{signal}: received {} message(s)", sink.received());
    Ok(())
}

async fn once(config: Config) -> anyhow::Result<()> {
    let pool = ready_pool(&config, 2).await?;
    let worker = Worker::from_env(&config, pool.clone()).await?;
    let (plan, drained) = worker.once().await?;
    println!(
        "planned {} item(s): {} reminder(s); {} unit(s) escalated to their head, {} to the leadership, {} escalation mail(s); {} digest(s); tasks: {} escalated to the head, {} to the leadership; self-assessment: {} unit(s) escalated to the head, {} to the leadership; {} campaign reminder(s) to the Office, {} to units; ran {} job(s): {} done, {} to retry, {} failed",
        plan.total(),
        plan.reminders,
        plan.head_escalations,
        plan.leadership_escalations,
        plan.escalation_mails,
        plan.digests,
        plan.task_head_escalations,
        plan.task_leadership_escalations,
        plan.assessment_head_escalations,
        plan.assessment_leadership_escalations,
        plan.campaign_office_reminders,
        plan.campaign_unit_reminders,
        drained.done + drained.retrying + drained.failed,
        drained.done,
        drained.retrying,
        drained.failed
    );
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
    #[cfg(feature = "smtp-sink")]
    if let Some(Command::SmtpSink { bind, delay_ms }) = cli.command {
        return exit_code(smtp_sink(bind, delay_ms).await);
    }
    let result = match Config::from_env() {
        Ok(config) => match cli.command.unwrap_or(Command::Run {
            runners: DEFAULT_RUNNERS,
        }) {
            Command::Run { runners } => run(config, runners).await,
            Command::Once => once(config).await,
            #[cfg(feature = "smtp-sink")]
            Command::SmtpSink { bind, delay_ms } => smtp_sink(bind, delay_ms).await,
        },
        Err(error) => Err(error.into()),
    };
    exit_code(result)
}

fn exit_code(result: anyhow::Result<()>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
