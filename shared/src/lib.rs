//! Shared core of the cchc service: the domain model and its pure rules, configuration, the
//! database schema and the queries used by both the API and the worker.

pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod excel;
pub mod filing;
pub mod generation_cache;
pub mod model;
pub mod outbound;
pub mod repo;
pub mod rules;
pub mod schema;
pub mod storage;
pub mod tokens;
pub mod validation;

#[cfg(feature = "test-support")]
pub mod test_db;

pub use error::{Error, Result};
