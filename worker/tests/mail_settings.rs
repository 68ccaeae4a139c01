//! The mail settings as delivered: `CCHC_MAIL_REPLY_TO` becomes the `Reply-To` of every mail,
//! and without `CCHC_MAIL_FROM` the sender and the Message-IDs take the public host's domain
//! (never `localhost` for a real address), over SMTP against the test server, decoded by an
//! independent parser.

use std::time::Duration;

use cchc_testkit::smtp_sink::SmtpSink;
use cchc_worker::email::{
    Mail, MailConfig, MailContent, Mailer, PeriodRef, ReceiptContext, ReceiptEvent, Recipient,
    UnitRef,
};
use chrono::{TimeZone, Utc};
use mail_parser::MessageParser;

const WAIT: Duration = Duration::from_secs(10);

fn receipt_mail() -> Mail {
    Mail {
        key: "receipt.501.accepted".into(),
        to: vec![Recipient::new(
            "Nguyễn Thị Lan",
            "lannt@sct.khanhhoa.gov.vn",
        )],
        cc: vec![],
        content: MailContent::Receipt(ReceiptContext {
            period: PeriodRef {
                id: 12,
                code: "CCHC-2023-Q1".into(),
                title: "Báo cáo CCHC Quý I/2023".into(),
            },
            unit: UnitRef {
                id: 34,
                code: "KHTC".into(),
                name: "Phòng Kế hoạch - Tài chính".into(),
                office: false,
            },
            deadline: Utc.with_ymd_and_hms(2023, 3, 10, 9, 30, 0).unwrap(),
            submission_id: 501,
            by: None,
            event: ReceiptEvent::Accepted {
                accepted_at: Utc.with_ymd_and_hms(2023, 3, 13, 7, 20, 0).unwrap(),
            },
        }),
    }
}

/// Sends one mail with these settings through a fresh SMTP sink; the parsed message.
async fn send_with(vars: &[(&str, &str)], public_base_url: &str) -> (String, Vec<u8>) {
    let sink = SmtpSink::start().await.unwrap();
    let url = sink.url();
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let config = MailConfig::from_lookup(
        |name| match name {
            "SMTP_URL" => Some(url.clone()),
            _ => vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()),
        },
        public_base_url,
    )
    .unwrap();
    let mailer = Mailer::from_config(&config, public_base_url).unwrap();
    let message_id = mailer
        .send(&receipt_mail(), Utc::now())
        .await
        .expect("the sink accepts the mail");
    let received = sink.wait_for(1, WAIT).await.unwrap();
    (message_id, received[0].data.clone())
}

#[tokio::test]
async fn reply_to_is_set_on_the_mail_when_configured() {
    let (_, data) = send_with(
        &[(
            "CCHC_MAIL_REPLY_TO",
            "Bộ phận CCHC – Văn phòng Sở <cchc.vp@sct.khanhhoa.gov.vn>",
        )],
        "https://cchc.sct.khanhhoa.gov.vn",
    )
    .await;
    let parsed = MessageParser::default().parse(&data).unwrap();
    let reply_to = parsed
        .reply_to()
        .expect("a Reply-To header")
        .first()
        .unwrap();
    assert_eq!(reply_to.address(), Some("cchc.vp@sct.khanhhoa.gov.vn"));
    assert_eq!(reply_to.name(), Some("Bộ phận CCHC – Văn phòng Sở"));
    // The sender is unchanged: replies go to the mailbox, the mail still comes from the system.
    let from = parsed.from().unwrap().first().unwrap();
    assert_eq!(from.address(), Some("cchc@cchc.sct.khanhhoa.gov.vn"));
}

#[tokio::test]
async fn without_reply_to_there_is_no_such_header() {
    let (_, data) = send_with(&[], "https://cchc.sct.khanhhoa.gov.vn").await;
    let parsed = MessageParser::default().parse(&data).unwrap();
    assert!(parsed.reply_to().is_none());
}

#[tokio::test]
async fn the_sender_and_message_ids_default_to_the_public_host() {
    let (message_id, data) = send_with(&[], "https://cchc.sct.khanhhoa.gov.vn/").await;
    assert_eq!(
        message_id,
        "<receipt.501.accepted@cchc.sct.khanhhoa.gov.vn>"
    );
    let parsed = MessageParser::default().parse(&data).unwrap();
    let from = parsed.from().unwrap().first().unwrap();
    assert_eq!(from.name(), Some("Văn phòng Sở"));
    assert_eq!(from.address(), Some("cchc@cchc.sct.khanhhoa.gov.vn"));
    assert_eq!(
        parsed.message_id(),
        Some("receipt.501.accepted@cchc.sct.khanhhoa.gov.vn")
    );
    // The local default: the IP host, still not `localhost`.
    let (message_id, data) = send_with(&[], "http://127.0.0.1:8080").await;
    assert_eq!(message_id, "<receipt.501.accepted@127.0.0.1>");
    let parsed = MessageParser::default().parse(&data).unwrap();
    let from = parsed.from().unwrap().first().unwrap();
    assert_eq!(from.address(), Some("cchc@127.0.0.1"));
}

#[tokio::test]
async fn an_explicit_sender_wins_over_the_public_host() {
    let (message_id, data) = send_with(
        &[(
            "CCHC_MAIL_FROM",
            "Văn phòng Sở Công Thương <vp@sct.khanhhoa.gov.vn>",
        )],
        "https://cchc.example.gov.vn",
    )
    .await;
    assert_eq!(message_id, "<receipt.501.accepted@sct.khanhhoa.gov.vn>");
    let parsed = MessageParser::default().parse(&data).unwrap();
    let from = parsed.from().unwrap().first().unwrap();
    assert_eq!(from.address(), Some("vp@sct.khanhhoa.gov.vn"));
}
