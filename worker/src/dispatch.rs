//! The worker's one job handler: sends each job to the handler of its kind.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use futures_util::future::BoxFuture;

use cchc_shared::repo::events::DELIVERY_JOB;
use cchc_shared::repo::jobs::{ClaimedJob, JobError, JobHandler};

use crate::mail_jobs::MailJobs;
use crate::webhook_jobs::WebhookJobs;

/// Webhook deliveries go to [`WebhookJobs`]; every other kind (reminders, escalations,
/// receipts, digests) to [`MailJobs`], which refuses kinds it does not know.
pub struct JobDispatcher {
    mail: MailJobs,
    webhooks: WebhookJobs,
}

impl JobDispatcher {
    pub fn new(mail: MailJobs, webhooks: WebhookJobs) -> Self {
        Self { mail, webhooks }
    }
}

impl JobHandler for JobDispatcher {
    fn handle<'a>(
        &'a self,
        conn: &'a mut AsyncPgConnection,
        job: &'a ClaimedJob,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<String, JobError>> {
        if job.kind == DELIVERY_JOB {
            self.webhooks.handle(conn, job, now)
        } else {
            self.mail.handle(conn, job, now)
        }
    }
}
