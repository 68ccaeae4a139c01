//! The database of the cchc service: the schema diesel generates from the migrations, the
//! connection pool and the embedded migrations.
//!
//! Builds on the domain only (its `diesel` feature: a diesel error becomes the domain's
//! `Error`). No use case lives here: authorization, audit and the outbox are in `cchc-app`.

pub mod attachments;
pub mod bootstrap;
pub mod calendar;
pub mod escalations;
pub mod periods;
pub mod pool;
pub mod schema;
pub mod submissions;
pub mod units;

pub use pool::*;
