//! The sink's handle and its listener: binding, run-time settings, waiting for messages, and the
//! accept loop that serves each connection concurrently.

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use super::session::serve;
use super::store::{ReceivedMessage, Shared};
use super::FailureMode;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("waited {waited:?} for {wanted} message(s); {received} arrived")]
pub struct WaitTimeout {
    pub wanted: usize,
    pub received: usize,
    pub waited: Duration,
}

pub struct SmtpSink {
    addr: SocketAddr,
    pub(super) shared: Arc<Shared>,
    accept_loop: JoinHandle<()>,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        // Dropping the loop's future drops its JoinSet, which aborts every connection.
        self.accept_loop.abort();
    }
}

impl SmtpSink {
    /// Binds `127.0.0.1:0` and serves until dropped.
    pub async fn start() -> io::Result<Self> {
        Self::bind(SocketAddr::from(([127, 0, 0, 1], 0)), true).await
    }

    /// Binds `addr` and serves until dropped; with `keep_messages` false it only counts what
    /// it accepts (the benchmark's sink: [`Self::received`] grows, [`Self::messages`] stays
    /// empty).
    pub async fn bind(addr: SocketAddr, keep_messages: bool) -> io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            keep_messages,
            messages: Mutex::new(Vec::new()),
            received: watch::Sender::new(0),
            mode: Mutex::new(FailureMode::Accept),
            delay: Mutex::new(Duration::ZERO),
        });
        let accept_loop = tokio::spawn(accept_loop(listener, Arc::clone(&shared)));
        Ok(Self {
            addr,
            shared,
            accept_loop,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `smtp://127.0.0.1:PORT`, a plain-SMTP URL for the worker's `email::Transport::smtp`.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    pub fn set_failure_mode(&self, mode: FailureMode) {
        *self.shared.mode.lock().unwrap_or_else(|p| p.into_inner()) = mode;
    }

    pub fn failure_mode(&self) -> FailureMode {
        self.shared.mode()
    }

    /// Makes the sink slow: it waits `delay` after the end of DATA before it accepts the
    /// message (counts it) and answers. A client that dies during the wait has still sent the
    /// whole message, and it is accepted, as a real server that queued it would.
    pub fn set_delay(&self, delay: Duration) {
        *self.shared.delay.lock().unwrap_or_else(|p| p.into_inner()) = delay;
    }

    /// How many messages were accepted so far (kept or only counted).
    pub fn received(&self) -> usize {
        *self.shared.received.borrow()
    }

    /// Every message accepted so far, oldest first.
    pub fn messages(&self) -> Vec<ReceivedMessage> {
        self.shared.messages().clone()
    }

    /// Forgets the messages received so far.
    pub fn clear(&self) {
        self.shared.messages().clear();
        self.shared.received.send_replace(0);
    }

    /// Waits until at least `count` messages have arrived, at most `timeout`.
    pub async fn wait_for(
        &self,
        count: usize,
        timeout: Duration,
    ) -> Result<Vec<ReceivedMessage>, WaitTimeout> {
        let mut received = self.shared.received.subscribe();
        let arrived = tokio::time::timeout(timeout, received.wait_for(|n| *n >= count)).await;
        match arrived {
            Ok(Ok(_)) => Ok(self.messages()),
            // The sender lives in `self.shared`, so only the timeout can end the wait early.
            Ok(Err(_)) | Err(_) => Err(WaitTimeout {
                wanted: count,
                received: self.shared.messages().len(),
                waited: timeout,
            }),
        }
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    // Replies are small and the client waits for each: without this, Nagle's
                    // algorithm and delayed ACKs add tens of milliseconds per command.
                    stream.set_nodelay(true).ok();
                    connections.spawn(serve(stream, Arc::clone(&shared)));
                }
                Err(error) => {
                    // E.g. out of file descriptors: give connections a moment to close.
                    tracing::warn!(%error, "SMTP sink: accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            // Reap finished connections so the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}
