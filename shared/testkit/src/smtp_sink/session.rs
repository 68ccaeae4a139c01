//! One connection's SMTP conversation: reading bounded lines, the commands, DATA with
//! dot-unstuffing, and the replies each failure mode calls for.

use std::io;
use std::sync::Arc;

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;

use super::store::{ReceivedMessage, Shared};
use super::{
    FailureMode, IDLE_TIMEOUT, MAX_COMMAND_LINE, MAX_DATA_LINE, MAX_MESSAGE_SIZE, MAX_RECIPIENTS,
};

pub(super) async fn serve(stream: TcpStream, shared: Arc<Shared>) {
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
