//! The cchc worker as a library: what the `cchc-worker` binary and its tests build on.

pub mod email;
pub mod smtp_sink;
