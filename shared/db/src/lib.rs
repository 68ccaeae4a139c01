//! The database of the cchc service: the schema diesel generates from the migrations, the
//! connection pool, the embedded migrations, the bootstrap of a new server, and rows with the
//! queries that read and write them (one module per table or group of tables).
//!
//! Every query of the service is here: the use cases in `cchc-app`, the handlers and the
//! worker hold none (`.ci/run` checks). A row type may say what it holds in the domain's terms
//! (`PeriodRow::state`, `VersionRow::definition`, `into_model`), and a few reads take a shared
//! connection so a use case can pipeline them.
//!
//! Builds on the domain only (its `diesel` feature: a diesel error becomes the domain's
//! `Error`, vocabulary enums map to text columns). A function here runs SQL and nothing else:
//! no authorization, validation, audit or outbox event; those are the use cases' in
//! `cchc-app`. Where a caller must tell a unique violation from other failures (to answer
//! 409 with its own code), the function returns diesel's `QueryResult`.

pub mod assessment_files;
pub mod assessment_notifications;
pub mod assessments;
pub mod attachments;
pub mod audit;
pub mod bootstrap;
pub mod calendar;
pub mod campaigns;
pub mod criteria;
pub mod criteria_versions;
pub mod documents;
pub mod escalations;
pub mod events;
pub mod extensions;
pub mod holidays;
pub mod idempotency;
pub mod indicators;
pub mod jobs;
pub mod link_secret;
pub mod par_sources;
pub mod periods;
pub mod plans;
pub mod pool;
pub mod qlvb;
pub mod refs;
pub mod running_sums;
pub mod schema;
pub mod standings;
pub mod submissions;
pub mod tasks;
pub mod tokens;
pub mod units;
pub mod webhooks;

pub use pool::*;
