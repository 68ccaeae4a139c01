//! The worker process: a schedule that plans (enqueues) every minute, job runners that claim
//! and run jobs, woken by LISTEN/NOTIFY with polling as the fallback, and a graceful stop.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use cchc_app::config::NotificationConfig;
use cchc_app::repo::jobs::{self, ClaimedJob, JobHandler, RunOutcome};
use cchc_app::repo::schedule::{self, PlanReport};
use cchc_db::{DbConn, DbPool};
use cchc_domain::clock::Clock;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use futures_util::StreamExt;
use tokio::sync::{watch, Notify};
use tokio_cron_scheduler::{Job, JobScheduler};

/// How often runners look for due jobs when no notification arrives (retries coming due,
/// a lost LISTEN connection).
pub const POLL_INTERVAL: Duration = Duration::from_secs(5);

/// What a drain did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DrainReport {
    /// Jobs finished: mails sent, or jobs that found nothing left to do.
    pub done: u64,
    /// Jobs that failed temporarily and were rescheduled.
    pub retrying: u64,
    /// Jobs given up on.
    pub failed: u64,
}

/// Running totals for the logs.
#[derive(Debug, Default)]
struct Counters {
    done: AtomicU64,
    retrying: AtomicU64,
    failed: AtomicU64,
}

/// Everything a worker needs; cheap to clone.
#[derive(Clone)]
pub struct Worker {
    pool: DbPool,
    notify: Arc<NotificationConfig>,
    clock: Arc<dyn Clock>,
    handler: Arc<dyn JobHandler>,
    counters: Arc<Counters>,
}

impl Worker {
    /// The production worker: mail through `SMTP_URL`, or to .eml files in `CCHC_MAIL_DIR`,
    /// and webhook deliveries.
    pub async fn from_env(config: &cchc_app::config::Config, pool: DbPool) -> anyhow::Result<Self> {
        let mail = crate::email::MailConfig::from_env(&config.public_base_url)?;
        tracing::info!(transport = ?mail.transport, "mail transport");
        let frontend = match std::env::var("CCHC_FRONTEND_URL_TEMPLATES") {
            Ok(spec) if !spec.trim().is_empty() => crate::email::links::parse_frontend(&spec)?,
            _ => Default::default(),
        };
        let secret = {
            let mut conn = pool.get().await.context("database connection")?;
            cchc_app::signed_links::link_secret(&mut conn, config.link_secret.as_deref())
                .await
                .context("the link secret")?
        };
        let mailer = crate::email::Mailer::from_config_with_links(
            &mail,
            &config.public_base_url,
            &secret,
            frontend,
        )?;
        Ok(Self::new(
            pool,
            config.notifications.clone(),
            Arc::new(cchc_domain::clock::SystemClock),
            Arc::new(crate::dispatch::JobDispatcher::new(
                crate::mail_jobs::MailJobs::new(mailer)
                    .with_task_policy(config.default_policy.clone()),
                crate::webhook_jobs::WebhookJobs::new(&config.outbound_allow)
                    .context("the webhook HTTP client")?,
            )),
        ))
    }

    pub fn new(
        pool: DbPool,
        notify: NotificationConfig,
        clock: Arc<dyn Clock>,
        handler: Arc<dyn JobHandler>,
    ) -> Self {
        Self {
            pool,
            notify: Arc::new(notify),
            clock,
            handler,
            counters: Arc::default(),
        }
    }

    /// Enqueues whatever is due now. Safe to call any number of times, from any replica.
    pub async fn plan(&self) -> anyhow::Result<PlanReport> {
        let mut conn = self.pool.get().await.context("database connection")?;
        let report = schedule::plan(&mut conn, &self.notify, self.clock.now()).await?;
        if report.total() > 0 {
            tracing::info!(
                reminders = report.reminders,
                head_escalations = report.head_escalations,
                leadership_escalations = report.leadership_escalations,
                escalation_mails = report.escalation_mails,
                digests = report.digests,
                tasks_overdue = report.tasks_overdue,
                task_reminders = report.task_reminders,
                task_head_escalations = report.task_head_escalations,
                task_leadership_escalations = report.task_leadership_escalations,
                task_escalation_mails = report.task_escalation_mails,
                plan_digests = report.plan_digests,
                assessment_reminders = report.assessment_reminders,
                assessment_head_escalations = report.assessment_head_escalations,
                assessment_leadership_escalations = report.assessment_leadership_escalations,
                assessment_escalation_mails = report.assessment_escalation_mails,
                assessment_office_reminders = report.assessment_office_reminders,
                assessment_digests = report.assessment_digests,
                campaign_office_reminders = report.campaign_office_reminders,
                campaign_unit_reminders = report.campaign_unit_reminders,
                "planned"
            );
        }
        Ok(report)
    }

    /// Runs due jobs until none is left (or `stop` turns true between jobs), claiming them
    /// [`jobs::CLAIM_BATCH`] at a time.
    pub async fn drain(&self, stop: Option<&watch::Receiver<bool>>) -> anyhow::Result<DrainReport> {
        let mut report = DrainReport::default();
        let mut conn = self.pool.get().await.context("database connection")?;
        loop {
            if stop.is_some_and(|s| *s.borrow()) {
                break;
            }
            let (batch, locked) =
                match jobs::claim(&mut conn, self.clock.now(), jobs::CLAIM_BATCH).await {
                    Ok(claimed) => claimed,
                    Err(error) => {
                        // A failed claim may have taken locks it did not report.
                        discard(conn);
                        return Err(error.into());
                    }
                };
            if locked.is_empty() {
                break;
            }
            let mut ran = Ok(());
            for job in &batch {
                if stop.is_some_and(|s| *s.borrow()) {
                    break;
                }
                match jobs::run_claimed(&mut conn, self.handler.as_ref(), job, self.clock.now())
                    .await
                {
                    Ok(outcome) => self.record(&mut report, job, &outcome),
                    Err(error) => {
                        ran = Err(error);
                        break;
                    }
                }
            }
            let released = jobs::release(&mut conn, &locked).await;
            if let Err(error) = ran.and(released) {
                // Locks must not outlive the failure in a pooled connection: closing the
                // connection releases them (and the jobs are claimed again at once).
                discard(conn);
                return Err(error.into());
            }
        }
        Ok(report)
    }

    fn record(&self, report: &mut DrainReport, job: &ClaimedJob, outcome: &RunOutcome) {
        match outcome {
            RunOutcome::Done { outcome } => {
                report.done += 1;
                let total = self.counters.done.fetch_add(1, Ordering::Relaxed) + 1;
                tracing::info!(job = job.id, kind = %job.kind, %outcome, done_total = total, "job done");
            }
            RunOutcome::Retrying { at, error } => {
                report.retrying += 1;
                let total = self.counters.retrying.fetch_add(1, Ordering::Relaxed) + 1;
                tracing::warn!(job = job.id, kind = %job.kind, %error, retry_at = %at, retried_total = total, "job will be retried");
            }
            RunOutcome::Failed { error } => {
                report.failed += 1;
                let total = self.counters.failed.fetch_add(1, Ordering::Relaxed) + 1;
                tracing::error!(job = job.id, kind = %job.kind, %error, failed_total = total, "job failed");
            }
        }
    }

    /// Plans once and drains the queue: `cchc-worker once`.
    pub async fn once(&self) -> anyhow::Result<(PlanReport, DrainReport)> {
        let plan = self.plan().await?;
        let drained = self.drain(None).await?;
        Ok((plan, drained))
    }

    /// Runs until `stop` turns true: the schedule, `runners` job runners and the listener.
    /// A job being run when the stop comes is finished first.
    pub async fn run(
        &self,
        database_url: &str,
        runners: usize,
        mut stop: watch::Receiver<bool>,
    ) -> anyhow::Result<()> {
        let wake = Arc::new(Notify::new());
        let mut scheduler = JobScheduler::new().await.context("scheduler")?;
        let planner = self.clone();
        let planned_wake = wake.clone();
        scheduler
            .add(Job::new_async_tz(
                "0 * * * * *",
                chrono_tz::Asia::Ho_Chi_Minh,
                move |_, _| {
                    let planner = planner.clone();
                    let wake = planned_wake.clone();
                    Box::pin(async move {
                        match planner.plan().await {
                            Ok(report) if report.total() > 0 => wake.notify_one(),
                            Ok(_) => {}
                            Err(error) => tracing::error!("planning failed: {error:#}"),
                        }
                    })
                },
            )?)
            .await
            .context("schedule")?;
        scheduler.start().await.context("start the scheduler")?;
        // Plan at start too, so a restart does not wait for the next minute.
        if let Err(error) = self.plan().await {
            tracing::error!("planning failed: {error:#}");
        }

        let listener = tokio::spawn(listen(database_url.to_owned(), wake.clone(), stop.clone()));
        let mut tasks = Vec::new();
        for runner in 0..runners.max(1) {
            let worker = self.clone();
            let wake = wake.clone();
            let stop = stop.clone();
            tasks.push(tokio::spawn(async move {
                worker.runner_loop(runner, wake, stop).await;
            }));
        }
        tracing::info!(
            runners,
            "worker ready; schedules every minute in Asia/Ho_Chi_Minh"
        );
        let _ = stop.changed().await;
        scheduler.shutdown().await.ok();
        wake.notify_waiters();
        for task in tasks {
            task.await.ok();
        }
        listener.abort();
        tracing::info!(
            done = self.counters.done.load(Ordering::Relaxed),
            retried = self.counters.retrying.load(Ordering::Relaxed),
            failed = self.counters.failed.load(Ordering::Relaxed),
            "job runners stopped"
        );
        Ok(())
    }

    async fn runner_loop(&self, runner: usize, wake: Arc<Notify>, mut stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                return;
            }
            if let Err(error) = self.drain(Some(&stop)).await {
                // The database may be restarting; keep trying at the polling pace.
                tracing::warn!(runner, "job runner: {error:#}");
            }
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(POLL_INTERVAL) => {}
                _ = stop.changed() => return,
            }
        }
    }
}

/// Closes a pooled connection instead of returning it to the pool.
fn discard(conn: DbConn) {
    drop(diesel_async::pooled_connection::deadpool::Object::take(
        conn,
    ));
}

/// Turns NOTIFYs on the queue's channel into wake-ups, reconnecting when the connection drops.
async fn listen(database_url: String, wake: Arc<Notify>, stop: watch::Receiver<bool>) {
    let mut backoff = Duration::from_secs(1);
    while !*stop.borrow() {
        match AsyncPgConnection::establish(&database_url).await {
            Ok(mut conn) => {
                let listening = cchc_db::jobs::listen(&mut conn).await;
                if let Err(error) = listening {
                    tracing::warn!("LISTEN failed: {error}");
                } else {
                    backoff = Duration::from_secs(1);
                    let mut notifications = std::pin::pin!(conn.notifications_stream());
                    while let Some(notification) = notifications.next().await {
                        if notification.is_err() {
                            break;
                        }
                        // Stores a permit when no runner is waiting, so a job queued while
                        // every runner is busy is not left for the next poll.
                        wake.notify_one();
                    }
                    tracing::warn!("the LISTEN connection ended; polling until it is back");
                }
            }
            Err(error) => tracing::warn!("LISTEN connection failed: {error}"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(30));
    }
}
