//! The cchc worker as a library: what the `cchc-worker` binary and its tests build on.
//!
//! The worker runs as the system, with no token behind it. It calls no use case that
//! authorizes a caller (`cchc_app::authz`): it claims jobs, plans reminders and escalations and
//! delivers mail and webhooks through the application layer's system-side functions. A job
//! that ever needs a use case passes `cchc_app::authz::system("worker")`, which has the
//! Office's rights, beside `Actor::system("worker")` for the audit trail.

pub mod assessment_mail_jobs;
pub mod campaign_mail_jobs;
pub mod dispatch;
pub mod email;
pub mod first_mail;
pub mod mail_jobs;
pub mod qlvb_mail_jobs;
pub mod runtime;
pub mod task_mail_jobs;
mod unit_facts;
pub mod webhook_jobs;
