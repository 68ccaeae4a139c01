//! A small SMTP server that keeps what it receives: the peer of the mail tests, and a zero-latency
//! sink for benchmarks.
//!
//! It listens on `127.0.0.1` on a free port, speaks enough SMTP for any client (EHLO/HELO, MAIL,
//! RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT; no TLS, no AUTH), serves connections
//! concurrently, and can be told at run time to fail ([`FailureMode`]) to play a mail server
//! that is down or refusing, or to be slow ([`SmtpSink::set_delay`]: it waits before answering
//! the end of DATA, so a client can be killed while a message is in flight). Bad input gets an SMTP error reply, never a panic; lines and messages
//! have size limits; idle connections are closed. Dropping the sink stops it and every connection.

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

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

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("waited {waited:?} for {wanted} message(s); {received} arrived")]
pub struct WaitTimeout {
    pub wanted: usize,
    pub received: usize,
    pub waited: Duration,
}

struct Shared {
    messages: Mutex<Vec<ReceivedMessage>>,
    /// False for a benchmark sink: messages are counted, not kept, so memory stays flat.
    keep_messages: bool,
    /// The number of messages kept, so waiters can wait on a condition instead of polling.
    received: watch::Sender<usize>,
    mode: Mutex<FailureMode>,
    /// How long to wait before answering the end of DATA.
    delay: Mutex<Duration>,
}

impl Shared {
    fn messages(&self) -> MutexGuard<'_, Vec<ReceivedMessage>> {
        // Nothing panics while holding the lock, but a poisoned Vec is still a good Vec.
        self.messages.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn mode(&self) -> FailureMode {
        *self.mode.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn delay(&self) -> Duration {
        *self.delay.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Keeps (or only counts) a message; the count is updated atomically, so concurrent
    /// sessions never lose one and it never goes backwards.
    fn keep(&self, message: ReceivedMessage) -> usize {
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

pub struct SmtpSink {
    addr: SocketAddr,
    shared: Arc<Shared>,
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

async fn serve(stream: TcpStream, shared: Arc<Shared>) {
    let (read, write) = stream.into_split();
    let mut session = Session {
        shared: &shared,
        reader: BufReader::new(read),
        writer: write,
        mail_from: None,
        recipients: Vec::new(),
    };
    // A client that hangs up or misbehaves at the socket level just ends its session.
    if let Err(error) = session.run().await {
        tracing::debug!(%error, "SMTP sink: connection ended with an error");
    }
}

enum Line {
    /// The line, terminator included.
    Complete(Vec<u8>),
    /// Longer than allowed; consumed up to and including its newline.
    TooLong,
    /// The client closed the connection (a partial last line is dropped).
    Eof,
}

/// Acknowledges the data that arrives next at once instead of after the delayed-ACK timer
/// (up to 40 ms on Linux). Clients such as lettre write a message's body and its final `.`
/// line separately without TCP_NODELAY, so Nagle's algorithm holds the `.` until the body is
/// acknowledged: without this, every message would wait for the timer. Linux leaves quick-ACK
/// mode by itself, hence once per read.
fn acknowledge_promptly(reader: &BufReader<OwnedReadHalf>) {
    #[cfg(target_os = "linux")]
    {
        let stream: &TcpStream = reader.get_ref().as_ref();
        // Only a matter of speed: a socket that refuses the option still works.
        let _ = socket2::SockRef::from(stream).set_tcp_quickack(true);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = reader;
}

/// Reads one `\n`-terminated line, keeping at most `max` bytes in memory.
async fn read_line<R: AsyncBufRead + Unpin>(reader: &mut R, max: usize) -> io::Result<Line> {
    let mut line = Vec::new();
    let mut too_long = false;
    loop {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            return Ok(Line::Eof);
        }
        let (take, complete) = match available.iter().position(|&b| b == b'\n') {
            Some(newline) => (newline + 1, true),
            None => (available.len(), false),
        };
        if !too_long {
            if line.len() + take > max {
                too_long = true;
                line = Vec::new();
            } else {
                line.extend_from_slice(&available[..take]);
            }
        }
        reader.consume(take);
        if complete {
            return Ok(if too_long {
                Line::TooLong
            } else {
                Line::Complete(line)
            });
        }
    }
}

fn strip_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// `FROM:<a@b> BODY=8BITMIME` with prefix `FROM:` → `a@b`. Tolerates a space after the colon
/// and a path without angle brackets.
fn parse_path(argument: &str, prefix: &str) -> Option<String> {
    let head = argument.get(..prefix.len())?;
    if !head.eq_ignore_ascii_case(prefix) {
        return None;
    }
    let rest = argument[prefix.len()..].trim_start();
    if let Some(inner) = rest.strip_prefix('<') {
        let end = inner.find('>')?;
        Some(inner[..end].to_owned())
    } else {
        rest.split_whitespace().next().map(str::to_owned)
    }
}

enum Flow {
    Continue,
    Close,
}

struct Session<'a> {
    shared: &'a Shared,
    reader: BufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
    mail_from: Option<String>,
    recipients: Vec<String>,
}

impl Session<'_> {
    async fn run(&mut self) -> io::Result<()> {
        if self.shared.mode() == FailureMode::Unavailable {
            self.reply("421 4.3.2 Service not available (test sink: unavailable)")
                .await?;
            return Ok(());
        }
        self.reply("220 cchc-smtp-sink ESMTP ready").await?;
        loop {
            let line = match tokio::time::timeout(
                IDLE_TIMEOUT,
                read_line(&mut self.reader, MAX_COMMAND_LINE),
            )
            .await
            {
                Ok(line) => line?,
                Err(_idle) => {
                    self.reply("421 4.4.2 Idle for too long, closing connection")
                        .await?;
                    return Ok(());
                }
            };
            let line = match line {
                Line::Complete(line) => line,
                Line::TooLong => {
                    self.reply("500 5.5.6 Line too long").await?;
                    continue;
                }
                Line::Eof => return Ok(()),
            };
            let command = String::from_utf8_lossy(strip_line_end(&line)).into_owned();
            if let Flow::Close = self.command(&command).await? {
                return Ok(());
            }
        }
    }

    async fn command(&mut self, command: &str) -> io::Result<Flow> {
        let (verb, argument) = command
            .trim()
            .split_once(' ')
            .map_or((command.trim(), ""), |(verb, argument)| {
                (verb, argument.trim())
            });
        let verb = verb.to_ascii_uppercase();
        let mode = self.shared.mode();
        if mode == FailureMode::Unavailable && verb != "QUIT" {
            self.reply("421 4.3.2 Service not available (test sink: unavailable)")
                .await?;
            return Ok(Flow::Close);
        }
        match verb.as_str() {
            "EHLO" | "HELO" if argument.is_empty() => {
                self.reply("501 5.5.4 Say who you are").await?;
            }
            "EHLO" => {
                self.reset();
                self.reply(&format!(
                    "250-cchc-smtp-sink greets {argument}\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n\
                     250-PIPELINING\r\n250 SIZE {MAX_MESSAGE_SIZE}"
                ))
                .await?;
            }
            "HELO" => {
                self.reset();
                self.reply("250 cchc-smtp-sink").await?;
            }
            "MAIL" => self.mail(argument, mode).await?,
            "RCPT" => self.rcpt(argument).await?,
            "DATA" => return self.data(argument).await,
            "RSET" => {
                self.reset();
                self.reply("250 2.0.0 Ok").await?;
            }
            "NOOP" => self.reply("250 2.0.0 Ok").await?,
            "QUIT" => {
                self.reply("221 2.0.0 Bye").await?;
                return Ok(Flow::Close);
            }
            "VRFY" => self.reply("252 2.5.2 Cannot verify, will accept").await?,
            "STARTTLS" | "AUTH" | "BDAT" | "EXPN" | "HELP" | "TURN" | "ETRN" => {
                self.reply("502 5.5.1 Command not implemented").await?;
            }
            _ => self.reply("500 5.5.2 Command not recognized").await?,
        }
        Ok(Flow::Continue)
    }

    async fn mail(&mut self, argument: &str, mode: FailureMode) -> io::Result<()> {
        if self.mail_from.is_some() {
            return self.reply("503 5.5.1 Sender already given").await;
        }
        let Some(from) = parse_path(argument, "FROM:") else {
            return self.reply("501 5.5.4 Syntax: MAIL FROM:<address>").await;
        };
        match mode {
            FailureMode::TemporaryFailure => {
                self.reply("451 4.3.0 Temporary failure (test sink)").await
            }
            FailureMode::PermanentFailure => self.reply("554 5.7.1 Rejected (test sink)").await,
            FailureMode::Accept | FailureMode::Unavailable => {
                self.mail_from = Some(from);
                self.reply("250 2.1.0 Ok").await
            }
        }
    }

    async fn rcpt(&mut self, argument: &str) -> io::Result<()> {
        if self.mail_from.is_none() {
            return self.reply("503 5.5.1 Need MAIL before RCPT").await;
        }
        let Some(recipient) = parse_path(argument, "TO:").filter(|r| !r.is_empty()) else {
            return self.reply("501 5.5.4 Syntax: RCPT TO:<address>").await;
        };
        if self.recipients.len() >= MAX_RECIPIENTS {
            return self.reply("452 4.5.3 Too many recipients").await;
        }
        self.recipients.push(recipient);
        self.reply("250 2.1.5 Ok").await
    }

    async fn data(&mut self, argument: &str) -> io::Result<Flow> {
        if !argument.is_empty() {
            self.reply("501 5.5.4 DATA takes no argument").await?;
            return Ok(Flow::Continue);
        }
        let Some(mail_from) = self.mail_from.clone() else {
            self.reply("503 5.5.1 Need MAIL before DATA").await?;
            return Ok(Flow::Continue);
        };
        if self.recipients.is_empty() {
            self.reply("554 5.5.1 No valid recipients").await?;
            return Ok(Flow::Continue);
        }
        self.reply("354 End data with <CR><LF>.<CR><LF>").await?;
        let mut data = Vec::new();
        let mut oversized = false;
        loop {
            acknowledge_promptly(&self.reader);
            let line = match tokio::time::timeout(
                IDLE_TIMEOUT,
                read_line(&mut self.reader, MAX_DATA_LINE),
            )
            .await
            {
                Ok(line) => line?,
                Err(_idle) => {
                    self.reply("421 4.4.2 Idle for too long, closing connection")
                        .await?;
                    return Ok(Flow::Close);
                }
            };
            match line {
                Line::Eof => return Ok(Flow::Close),
                Line::TooLong => oversized = true,
                Line::Complete(line) => {
                    if strip_line_end(&line) == b"." {
                        break;
                    }
                    // Dot-unstuffing (RFC 5321 4.5.2): a leading dot was doubled by the client.
                    let line = line.strip_prefix(b".").unwrap_or(&line);
                    if data.len() + line.len() > MAX_MESSAGE_SIZE {
                        oversized = true;
                    }
                    if !oversized {
                        data.extend_from_slice(line);
                    }
                }
            }
        }
        let recipients = std::mem::take(&mut self.recipients);
        self.mail_from = None;
        if oversized {
            self.reply("552 5.3.4 Message too big").await?;
            return Ok(Flow::Continue);
        }
        let delay = self.shared.delay();
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        // The mode may have changed while the data was coming in (or during the delay).
        match self.shared.mode() {
            FailureMode::TemporaryFailure => {
                self.reply("451 4.3.0 Temporary failure (test sink)")
                    .await?
            }
            FailureMode::PermanentFailure => self.reply("554 5.7.1 Rejected (test sink)").await?,
            FailureMode::Unavailable => {
                self.reply("421 4.3.2 Service not available (test sink: unavailable)")
                    .await?;
                return Ok(Flow::Close);
            }
            FailureMode::Accept => {
                let count = self.shared.keep(ReceivedMessage {
                    mail_from,
                    recipients,
                    data,
                });
                self.reply(&format!("250 2.0.0 Ok: queued as {count}"))
                    .await?;
            }
        }
        Ok(Flow::Continue)
    }

    fn reset(&mut self) {
        self.mail_from = None;
        self.recipients.clear();
    }

    async fn reply(&mut self, reply: &str) -> io::Result<()> {
        // One write per reply, so it leaves in one segment.
        self.writer
            .write_all(format!("{reply}\r\n").as_bytes())
            .await?;
        self.writer.flush().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WAIT: Duration = Duration::from_secs(10);

    /// A raw SMTP client that checks each reply's code.
    struct Client {
        reader: BufReader<OwnedReadHalf>,
        writer: OwnedWriteHalf,
    }

    impl Client {
        async fn connect(sink: &SmtpSink) -> (Self, String) {
            let stream = TcpStream::connect(sink.addr()).await.unwrap();
            let (read, writer) = stream.into_split();
            let mut client = Self {
                reader: BufReader::new(read),
                writer,
            };
            let greeting = client.reply().await;
            (client, greeting)
        }

        /// The full reply (every line of a multi-line one), or "" when the server hung up.
        async fn reply(&mut self) -> String {
            let mut reply = String::new();
            loop {
                let mut line = String::new();
                let read = tokio::time::timeout(WAIT, self.reader.read_line(&mut line))
                    .await
                    .expect("a reply in time")
                    .unwrap();
                if read == 0 {
                    return reply;
                }
                reply.push_str(&line);
                if line.as_bytes().get(3) != Some(&b'-') {
                    return reply;
                }
            }
        }

        async fn send(&mut self, bytes: &[u8]) {
            self.writer.write_all(bytes).await.unwrap();
        }

        /// Sends one line and returns the reply.
        async fn say(&mut self, line: &str) -> String {
            self.send(format!("{line}\r\n").as_bytes()).await;
            self.reply().await
        }
    }

    fn code(reply: &str) -> &str {
        reply.get(..3).unwrap_or("")
    }

    #[tokio::test]
    async fn a_whole_conversation_is_recorded_with_dots_unstuffed() {
        let sink = SmtpSink::start().await.unwrap();
        let (mut client, greeting) = Client::connect(&sink).await;
        assert_eq!(code(&greeting), "220");
        let ehlo = client.say("ehlo test.local").await;
        assert!(
            ehlo.starts_with("250-") && ehlo.contains("SMTPUTF8"),
            "{ehlo}"
        );
        assert_eq!(code(&client.say("NOOP").await), "250");
        assert_eq!(code(&client.say("MAIL FROM:<a@x.vn>").await), "250");
        assert_eq!(code(&client.say("RCPT TO:<dropped@x.vn>").await), "250");
        assert_eq!(code(&client.say("RSET").await), "250");
        assert_eq!(
            code(&client.say("mail from: <cchc@x.vn> BODY=8BITMIME").await),
            "250"
        );
        assert_eq!(code(&client.say("RCPT TO:<lan@x.vn>").await), "250");
        assert_eq!(code(&client.say("rcpt to:hung@x.vn").await), "250");
        assert_eq!(code(&client.say("DATA").await), "354");
        client
            .send(b"Subject: x\r\n\r\n..leading dot\r\n..\r\nnot the end\r\n.\r\n")
            .await;
        assert_eq!(code(&client.reply().await), "250");
        assert_eq!(code(&client.say("QUIT").await), "221");

        let messages = sink.wait_for(1, WAIT).await.unwrap();
        assert_eq!(
            messages,
            vec![ReceivedMessage {
                mail_from: "cchc@x.vn".into(),
                recipients: vec!["lan@x.vn".into(), "hung@x.vn".into()],
                data: b"Subject: x\r\n\r\n.leading dot\r\n.\r\nnot the end\r\n".to_vec(),
            }]
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_counting_sink_loses_no_count_under_concurrent_sessions() {
        let sink = SmtpSink::bind(SocketAddr::from(([127, 0, 0, 1], 0)), false)
            .await
            .unwrap();
        let mut clients = JoinSet::new();
        for _ in 0..8 {
            let (mut client, _) = Client::connect(&sink).await;
            clients.spawn(async move {
                client.say("EHLO t").await;
                for n in 0..50 {
                    client.say("MAIL FROM:<s@x.vn>").await;
                    client.say("RCPT TO:<r@x.vn>").await;
                    client.say("DATA").await;
                    client
                        .send(format!("message {n}\r\n.\r\n").as_bytes())
                        .await;
                    assert_eq!(code(&client.reply().await), "250");
                }
            });
        }
        while let Some(done) = clients.join_next().await {
            done.unwrap();
        }
        assert_eq!(
            sink.received(),
            400,
            "every accepted message is counted once"
        );
    }

    #[tokio::test]
    async fn a_counting_sink_counts_every_message_and_keeps_none() {
        let sink = SmtpSink::bind(SocketAddr::from(([127, 0, 0, 1], 0)), false)
            .await
            .unwrap();
        let (mut client, _) = Client::connect(&sink).await;
        client.say("EHLO bench.local").await;
        for n in 0..3 {
            assert_eq!(code(&client.say("MAIL FROM:<cchc@x.vn>").await), "250");
            assert_eq!(code(&client.say("RCPT TO:<lan@x.vn>").await), "250");
            assert_eq!(code(&client.say("DATA").await), "354");
            client
                .send(format!("Subject: {n}\r\n\r\nbody\r\n.\r\n").as_bytes())
                .await;
            assert_eq!(code(&client.reply().await), "250");
        }
        sink.wait_for(3, WAIT).await.unwrap();
        assert_eq!(sink.received(), 3);
        assert!(sink.messages().is_empty(), "a counting sink keeps nothing");
    }

    #[tokio::test]
    async fn bad_input_gets_error_replies_and_the_session_goes_on() {
        let sink = SmtpSink::start().await.unwrap();
        let (mut client, _) = Client::connect(&sink).await;
        assert_eq!(code(&client.say("EHLO").await), "501");
        assert_eq!(code(&client.say("RCPT TO:<a@x.vn>").await), "503");
        assert_eq!(code(&client.say("DATA").await), "503");
        assert_eq!(code(&client.say("MAIL <a@x.vn>").await), "501");
        assert_eq!(code(&client.say("MAIL FROM:<>").await), "250");
        assert_eq!(code(&client.say("MAIL FROM:<b@x.vn>").await), "503");
        assert_eq!(code(&client.say("RCPT TO:<>").await), "501");
        assert_eq!(code(&client.say("DATA").await), "554");
        assert_eq!(code(&client.say("STARTTLS").await), "502");
        assert_eq!(code(&client.say("FROB").await), "500");
        client.send(b"\xff\xfe\x00 garbage\r\n").await;
        assert_eq!(code(&client.reply().await), "500");
        let long = "X".repeat(MAX_COMMAND_LINE + 10);
        assert_eq!(code(&client.say(&long).await), "500");
        // Still in the transaction with the null sender.
        assert_eq!(code(&client.say("RCPT TO:<a@x.vn>").await), "250");
        assert_eq!(code(&client.say("DATA").await), "354");
        client.send(b"hi\n.\n").await;
        assert_eq!(code(&client.reply().await), "250");
        let messages = sink.wait_for(1, WAIT).await.unwrap();
        assert_eq!(messages[0].mail_from, "");
        assert_eq!(messages[0].data, b"hi\n");
    }

    #[tokio::test]
    async fn failure_modes_apply_at_once_and_can_be_undone() {
        let sink = SmtpSink::start().await.unwrap();
        let (mut open, _) = Client::connect(&sink).await;
        assert_eq!(code(&open.say("HELO t").await), "250");

        sink.set_failure_mode(FailureMode::Unavailable);
        let (_, greeting) = Client::connect(&sink).await;
        assert_eq!(code(&greeting), "421");
        assert_eq!(code(&open.say("MAIL FROM:<a@x.vn>").await), "421");
        assert_eq!(open.reply().await, "", "the connection is closed");

        sink.set_failure_mode(FailureMode::TemporaryFailure);
        let (mut client, greeting) = Client::connect(&sink).await;
        assert_eq!(code(&greeting), "220");
        assert_eq!(code(&client.say("MAIL FROM:<a@x.vn>").await), "451");

        sink.set_failure_mode(FailureMode::PermanentFailure);
        assert_eq!(code(&client.say("MAIL FROM:<a@x.vn>").await), "554");

        sink.set_failure_mode(FailureMode::Accept);
        assert_eq!(code(&client.say("MAIL FROM:<a@x.vn>").await), "250");
        assert_eq!(code(&client.say("RCPT TO:<b@x.vn>").await), "250");
        assert_eq!(code(&client.say("DATA").await), "354");
        // Switched while the data comes in: the end of DATA fails, nothing is kept.
        sink.set_failure_mode(FailureMode::TemporaryFailure);
        client.send(b"x\r\n.\r\n").await;
        assert_eq!(code(&client.reply().await), "451");
        assert!(sink.messages().is_empty());
        assert_eq!(sink.failure_mode(), FailureMode::TemporaryFailure);
    }

    #[tokio::test]
    async fn a_slow_sink_answers_the_end_of_data_after_its_delay() {
        let sink = SmtpSink::start().await.unwrap();
        let delay = Duration::from_millis(400);
        sink.set_delay(delay);
        let (mut client, _) = Client::connect(&sink).await;
        // Only the end of DATA waits.
        let started = std::time::Instant::now();
        assert_eq!(code(&client.say("EHLO t").await), "250");
        assert_eq!(code(&client.say("MAIL FROM:<a@x.vn>").await), "250");
        assert_eq!(code(&client.say("RCPT TO:<b@x.vn>").await), "250");
        assert_eq!(code(&client.say("DATA").await), "354");
        assert!(started.elapsed() < delay, "{:?}", started.elapsed());
        let sent = std::time::Instant::now();
        client.send(b"slow\r\n.\r\n").await;
        tokio::time::sleep(delay / 4).await;
        assert_eq!(sink.received(), 0, "not accepted before the delay is over");
        assert_eq!(code(&client.reply().await), "250");
        assert!(
            sent.elapsed() >= delay,
            "answered after {:?}",
            sent.elapsed()
        );
        assert_eq!(sink.received(), 1);
        assert_eq!(sink.messages()[0].data, b"slow\r\n");
    }

    #[tokio::test]
    async fn concurrent_connections_are_all_recorded() {
        let sink = SmtpSink::start().await.unwrap();
        let mut clients = JoinSet::new();
        for i in 0..8 {
            let (mut client, _) = Client::connect(&sink).await;
            clients.spawn(async move {
                client.say("EHLO t").await;
                client.say(&format!("MAIL FROM:<s{i}@x.vn>")).await;
                client.say("RCPT TO:<r@x.vn>").await;
                client.say("DATA").await;
                client
                    .send(format!("message {i}\r\n.\r\n").as_bytes())
                    .await;
                client.reply().await
            });
        }
        while let Some(reply) = clients.join_next().await {
            assert_eq!(code(&reply.unwrap()), "250");
        }
        let messages = sink.wait_for(8, WAIT).await.unwrap();
        let mut senders: Vec<_> = messages.iter().map(|m| m.mail_from.clone()).collect();
        senders.sort();
        assert_eq!(
            senders,
            (0..8).map(|i| format!("s{i}@x.vn")).collect::<Vec<_>>()
        );
    }

    #[tokio::test]
    async fn waiting_for_more_than_arrives_times_out_and_clear_forgets() {
        let sink = SmtpSink::start().await.unwrap();
        let error = sink
            .wait_for(1, Duration::from_millis(50))
            .await
            .unwrap_err();
        assert_eq!(error.received, 0);
        assert_eq!(
            sink.url(),
            format!("smtp://127.0.0.1:{}", sink.addr().port())
        );
        sink.shared.keep(ReceivedMessage {
            mail_from: String::new(),
            recipients: vec![],
            data: vec![],
        });
        assert_eq!(sink.wait_for(1, WAIT).await.unwrap().len(), 1);
        sink.clear();
        assert!(sink.messages().is_empty());
        assert!(sink.wait_for(1, Duration::from_millis(50)).await.is_err());
    }

    #[test]
    fn paths_parse_leniently() {
        assert_eq!(parse_path("FROM:<a@b>", "FROM:").as_deref(), Some("a@b"));
        assert_eq!(
            parse_path("from: <a@b> SIZE=10", "FROM:").as_deref(),
            Some("a@b")
        );
        assert_eq!(parse_path("TO:a@b", "TO:").as_deref(), Some("a@b"));
        assert_eq!(parse_path("FROM:<>", "FROM:").as_deref(), Some(""));
        assert_eq!(parse_path("FROM:<a@b", "FROM:"), None);
        assert_eq!(parse_path("FRO", "FROM:"), None);
        assert_eq!(parse_path("ắ", "FROM:"), None);
        assert_eq!(parse_path("TO:", "TO:"), None);
    }
}
