//! The domain of the cchc service: its vocabulary (the API's JSON types and the closed sets of
//! values stored as text), the pure rules over it (local time, working days, cut-off windows,
//! deadlines, completeness, consolidation, signatures…), input checks, the clock, and the
//! error every layer answers with.
//!
//! Pure by design: nothing here touches a database, HTTP, an async runtime, object storage or
//! Excel, and none of those may enter this crate's dependency tree (the `diesel` feature adds
//! diesel itself, for error conversion and text columns; never diesel-async). Callers load what a rule
//! needs and pass it in, so every rule is unit-tested with fixed data and shared by the API
//! and the worker. The other crates build on this one, never the other way round.

pub mod clock;
pub mod error;
pub mod model;
pub mod rules;
pub mod validation;

pub use error::{Error, Result};
