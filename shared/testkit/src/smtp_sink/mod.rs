//! A small SMTP server that keeps what it receives: the peer of the mail tests, and a zero-latency
//! sink for benchmarks.
//!
//! It listens on `127.0.0.1` on a free port, speaks enough SMTP for any client (EHLO/HELO, MAIL,
//! RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT; no TLS, no AUTH), serves connections
//! concurrently, and can be told at run time to fail ([`FailureMode`]) to play a mail server
//! that is down or refusing, or to be slow ([`SmtpSink::set_delay`]: it waits before answering
//! the end of DATA, so a client can be killed while a message is in flight). Bad input gets an SMTP error reply, never a panic; lines and messages
//! have size limits; idle connections are closed. Dropping the sink stops it and every connection.
//!
//! `server` holds the listener and the handle tests keep, `session` one connection's SMTP
//! conversation, `store` what the sessions accepted.

use std::time::Duration;

mod server;
mod session;
mod store;
#[cfg(test)]
mod tests;

pub use self::server::{SmtpSink, WaitTimeout};
pub use self::store::ReceivedMessage;

const MAX_COMMAND_LINE: usize = 4096;
/// RFC 5321 allows 1000 octets per line; be lenient with clients, strict with memory.
const MAX_DATA_LINE: usize = 64 * 1024;
const MAX_MESSAGE_SIZE: usize = 32 * 1024 * 1024;
const MAX_RECIPIENTS: usize = 1000;
const IDLE_TIMEOUT: Duration = Duration::from_secs(300);

/// How the sink answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FailureMode {
    /// Accept every message.
    #[default]
    Accept,
    /// Server down: `421` to new connections, and to any command on open ones (then hang up).
    Unavailable,
    /// `451` to MAIL and at the end of DATA: a temporary failure.
    TemporaryFailure,
    /// `554` to MAIL and at the end of DATA: a permanent refusal.
    PermanentFailure,
}
