//! The cchc HTTP API (actix-web): routes and handlers that parse a request, call one use case
//! of `cchc-app` and shape its answer; authentication of bearer tokens, rate limits,
//! idempotency keys, `application/problem+json` errors, the OpenAPI document, the command
//! line (`serve`, `migrate`, `create-token`, `seed-demo`, `quickstart`).
//!
//! No rule and no role check lives here (they are `cchc_domain::rules` and
//! `cchc_app::authz`), and no SQL: handlers reach the database only through use cases.

pub mod app;
pub mod auth;
pub mod bearer;
pub mod cli;
pub mod docs;
pub mod error;
pub mod extract;
pub mod idempotency;
pub mod limits;
pub mod openapi;
pub mod request_log;
pub mod routes;
pub mod state;
pub mod upload;
