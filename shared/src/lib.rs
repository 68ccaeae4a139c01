//! Shared core of the cchc service: configuration, the database schema and the queries, file
//! storage, Excel forms and reports, content sniffing of uploads, outbound HTTP and demo data,
//! used by both the API and the worker. Test support is in `cchc-testkit` (`shared/testkit`).
//!
//! The vocabulary and the pure rules live in the `cchc-domain` crate (`shared/domain`) and are
//! re-exported here under their old paths (`cchc_shared::model`, `cchc_shared::rules`…). This
//! crate is to be split further (database, application, Excel, test kit); see the README.

pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod excel;
pub mod files;
pub mod filing;
pub mod generation_cache;
pub mod jobs;
pub mod outbound;
pub mod repo;
pub mod schema;
pub mod storage;
pub mod tokens;

pub use cchc_domain::{clock, model, rules, validation};

pub use error::{Error, Result};
