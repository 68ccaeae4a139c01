//! The cchc worker as a library: what the `cchc-worker` binary and its tests build on.

pub mod dispatch;
pub mod email;
pub mod mail_jobs;
pub mod runtime;
pub mod webhook_jobs;
