//! The cchc HTTP API.

pub mod app;
pub mod auth;
pub mod bearer;
pub mod cli;
pub mod error;
pub mod extract;
pub mod idempotency;
pub mod limits;
pub mod openapi;
pub mod request_log;
pub mod routes;
pub mod state;
pub mod upload;
