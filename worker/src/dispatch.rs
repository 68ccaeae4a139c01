//! The worker's one job handler: reads each job's payload as its kind's type and sends it to
//! the code of that kind. The one place that knows every kind the worker runs.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use futures_util::future::BoxFuture;

use cchc_app::jobs::{
    AssessmentDigest, AssessmentEscalationHead, AssessmentEscalationLeadership,
    AssessmentOfficeReminder, AssessmentReminder, BackgroundJob, CampaignOfficeReminder,
    CampaignUnitReminder, Digest, EscalationHead, EscalationLeadership, PlanDigest,
    QlvbImportProblems, Receipt, Reminder, TaskEscalationHead, TaskEscalationLeadership,
    TaskReminder, WebhookDelivery,
};
use cchc_app::repo::jobs::{ClaimedJob, JobError, JobHandler};

use crate::mail_jobs::MailJobs;
use crate::webhook_jobs::WebhookJobs;
use crate::{assessment_mail_jobs, campaign_mail_jobs, qlvb_mail_jobs, task_mail_jobs};

/// Webhook deliveries go to [`WebhookJobs`]; the mail kinds (reminders, escalations, receipts,
/// digests) to [`MailJobs`], the task kinds deciding in [`task_mail_jobs`], the
/// self-assessment kinds in [`assessment_mail_jobs`] and the campaign kinds in
/// [`campaign_mail_jobs`]. An unknown kind, or a payload that is
/// not its kind's, fails for good.
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
        let mail = &self.mail;
        Box::pin(async move {
            match job.kind.as_str() {
                Reminder::JOB_NAME => mail.run(conn, job, Reminder::from_claimed(job)?, now).await,
                EscalationHead::JOB_NAME => {
                    mail.run(conn, job, EscalationHead::from_claimed(job)?, now)
                        .await
                }
                EscalationLeadership::JOB_NAME => {
                    let payload = EscalationLeadership::from_claimed(job)?;
                    mail.run(conn, job, payload, now).await
                }
                Receipt::JOB_NAME => mail.run(conn, job, Receipt::from_claimed(job)?, now).await,
                Digest::JOB_NAME => mail.run(conn, job, Digest::from_claimed(job)?, now).await,
                TaskReminder::JOB_NAME => {
                    let payload = TaskReminder::from_claimed(job)?;
                    let (key, policy) = (MailJobs::key(job), mail.task_policy());
                    let decision =
                        task_mail_jobs::reminder(conn, payload, key, policy, now).await?;
                    mail.deliver(decision, now).await
                }
                TaskEscalationHead::JOB_NAME => {
                    let payload = TaskEscalationHead::from_claimed(job)?;
                    let (key, policy) = (MailJobs::key(job), mail.task_policy());
                    let decision =
                        task_mail_jobs::escalation_head(conn, payload, key, policy, now).await?;
                    mail.deliver(decision, now).await
                }
                TaskEscalationLeadership::JOB_NAME => {
                    let payload = TaskEscalationLeadership::from_claimed(job)?;
                    let (key, policy) = (MailJobs::key(job), mail.task_policy());
                    let decision =
                        task_mail_jobs::escalation_leadership(conn, payload, key, policy, now)
                            .await?;
                    mail.deliver(decision, now).await
                }
                PlanDigest::JOB_NAME => {
                    let payload = PlanDigest::from_claimed(job)?;
                    let (key, policy) = (MailJobs::key(job), mail.task_policy());
                    let decision =
                        task_mail_jobs::plan_digest(conn, payload, key, policy, now).await?;
                    mail.deliver(decision, now).await
                }
                AssessmentReminder::JOB_NAME => {
                    let payload = AssessmentReminder::from_claimed(job)?;
                    let key = MailJobs::key(job);
                    let decision = assessment_mail_jobs::reminder(conn, payload, key, now).await?;
                    mail.deliver(decision, now).await
                }
                AssessmentEscalationHead::JOB_NAME => {
                    let payload = AssessmentEscalationHead::from_claimed(job)?;
                    let key = MailJobs::key(job);
                    let decision =
                        assessment_mail_jobs::escalation_head(conn, payload, key, now).await?;
                    mail.deliver(decision, now).await
                }
                AssessmentEscalationLeadership::JOB_NAME => {
                    let payload = AssessmentEscalationLeadership::from_claimed(job)?;
                    let key = MailJobs::key(job);
                    let decision =
                        assessment_mail_jobs::escalation_leadership(conn, payload, key, now)
                            .await?;
                    mail.deliver(decision, now).await
                }
                AssessmentOfficeReminder::JOB_NAME => {
                    let payload = AssessmentOfficeReminder::from_claimed(job)?;
                    let key = MailJobs::key(job);
                    let decision =
                        assessment_mail_jobs::office_reminder(conn, payload, key, now).await?;
                    mail.deliver(decision, now).await
                }
                AssessmentDigest::JOB_NAME => {
                    let payload = AssessmentDigest::from_claimed(job)?;
                    let key = MailJobs::key(job);
                    let decision = assessment_mail_jobs::digest(conn, payload, key, now).await?;
                    mail.deliver(decision, now).await
                }
                CampaignOfficeReminder::JOB_NAME => {
                    let payload = CampaignOfficeReminder::from_claimed(job)?;
                    let (key, policy) = (MailJobs::key(job), mail.task_policy());
                    let decision =
                        campaign_mail_jobs::office_reminder(conn, payload, key, policy, now)
                            .await?;
                    mail.deliver(decision, now).await
                }
                CampaignUnitReminder::JOB_NAME => {
                    let payload = CampaignUnitReminder::from_claimed(job)?;
                    let (key, policy) = (MailJobs::key(job), mail.task_policy());
                    let decision =
                        campaign_mail_jobs::unit_reminder(conn, payload, key, policy, now).await?;
                    mail.deliver(decision, now).await
                }
                QlvbImportProblems::JOB_NAME => {
                    let payload = QlvbImportProblems::from_claimed(job)?;
                    let key = MailJobs::key(job);
                    let decision = qlvb_mail_jobs::import_problems(conn, payload, key).await?;
                    mail.deliver(decision, now).await
                }
                WebhookDelivery::JOB_NAME => {
                    let payload = WebhookDelivery::from_claimed(job)?;
                    self.webhooks.deliver(conn, job, payload, now).await
                }
                other => Err(JobError::Permanent(format!("unknown job kind {other:?}"))),
            }
        })
    }
}
