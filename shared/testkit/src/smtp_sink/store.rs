//! What the sink accepted: the messages it keeps (or only counts), and the failure mode and
//! delay its sessions read at run time.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::watch;

use super::FailureMode;

/// A message as the sink accepted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMessage {
    /// The envelope sender (`MAIL FROM`), empty for the null sender `<>`.
    pub mail_from: String,
    /// The envelope recipients (`RCPT TO`), in order.
    pub recipients: Vec<String>,
    /// The message as transmitted, dot-unstuffed, without the final `.` line.
    pub data: Vec<u8>,
}

pub(super) struct Shared {
    pub(super) messages: Mutex<Vec<ReceivedMessage>>,
    /// False for a benchmark sink: messages are counted, not kept, so memory stays flat.
    pub(super) keep_messages: bool,
    /// The number of messages kept, so waiters can wait on a condition instead of polling.
    pub(super) received: watch::Sender<usize>,
    pub(super) mode: Mutex<FailureMode>,
    /// How long to wait before answering the end of DATA.
    pub(super) delay: Mutex<Duration>,
}

impl Shared {
    pub(super) fn messages(&self) -> MutexGuard<'_, Vec<ReceivedMessage>> {
        // Nothing panics while holding the lock, but a poisoned Vec is still a good Vec.
        self.messages.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn mode(&self) -> FailureMode {
        *self.mode.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn delay(&self) -> Duration {
        *self.delay.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Keeps (or only counts) a message; the count is updated atomically, so concurrent
    /// sessions never lose one and it never goes backwards.
    pub(super) fn keep(&self, message: ReceivedMessage) -> usize {
        if self.keep_messages {
            let mut messages = self.messages();
            messages.push(message);
            let count = messages.len();
            // Still under the lock: the published count follows the list's order.
            self.received.send_replace(count);
            count
        } else {
            let mut count = 0;
            self.received.send_modify(|received| {
                *received += 1;
                count = *received;
            });
            count
        }
    }
}
