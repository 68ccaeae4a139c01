//! The job queue as the application runs it: a claimed job run by its handler and its outcome
//! recorded, retried with exponential backoff (`run`), and what operators see of it and do with
//! it (`read`, `retry`). How jobs are claimed, under session advisory locks, is
//! `cchc_db::jobs`.

mod read;
mod retry;
mod run;

pub use cchc_db::jobs::{
    claim, enqueue, release, ClaimedJob, NewJob, DEFAULT_MAX_ATTEMPTS, NOTIFY_CHANNEL,
};
pub(crate) use read::load;
pub use read::{get, list, stats};
pub use retry::retry;
pub use run::{retry_delay, run_claimed, run_next, JobError, JobHandler, RunOutcome, CLAIM_BATCH};
