//! Test support for cchc: per-test PostgreSQL databases cloned from a migrated template
//! (`test_db`), an SMTP server that keeps or counts what it receives (`smtp_sink`), and a fake
//! of the province's document-management system (`fake_qlvb`, feature `fake-qlvb`).
//!
//! The API's, the worker's and the shared crates' tests use it as a dev-dependency. Production
//! paths do not link it, with one exception: the worker's hidden `cchc-worker smtp-sink`
//! command (the benchmark's and the fault scenarios' mail server) uses `smtp_sink`, through the
//! worker's default feature `smtp-sink`; the worker's library, and so the API, never reference it.

#[cfg(feature = "fake-qlvb")]
pub mod fake_qlvb;
pub mod smtp_sink;
pub mod test_db;
