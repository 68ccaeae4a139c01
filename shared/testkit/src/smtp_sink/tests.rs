//! The sink end to end, through a raw SMTP client on a real socket: conversations, counting,
//! bad input, failure modes, delays, concurrency and waiting.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;
use tokio::task::JoinSet;

use super::{FailureMode, ReceivedMessage, SmtpSink, MAX_COMMAND_LINE};

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
