//! Every link in the mail the worker really sends opens without a token: the API and the
//! worker share one database; the worker's schedule runs through a month of working days
//! (reminders, escalations to heads and leadership, receipts, digests, for a period and a
//! plan's task) and delivers over SMTP to a sink; every link in every delivered message,
//! text and HTML, is followed against the running API and must answer 2xx.

use std::collections::BTreeSet;
use std::sync::Arc;

use cchc_app::outbound::AllowList;
use cchc_testkit::smtp_sink::{ReceivedMessage, SmtpSink};
use cchc_worker::dispatch::JobDispatcher;
use cchc_worker::email::{Mailer, Transport};
use cchc_worker::mail_jobs::MailJobs;
use cchc_worker::runtime::Worker;
use cchc_worker::webhook_jobs::WebhookJobs;
use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use mail_parser::MessageParser;
use serde_json::json;

use crate::common::{config_of, TestApp};
use crate::documents::period_scene;
use crate::mail_links::{composer, follow, links_in, secret};
use crate::notifications::submit_khtc;
use crate::plans::{issued_plan, task};

fn local(date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    chrono_tz::Asia::Ho_Chi_Minh
        .from_local_datetime(&date.and_time(time))
        .unwrap()
        .with_timezone(&Utc)
}

#[actix_web::test]
async fn every_link_in_every_delivered_mail_opens_without_a_token() {
    let app = TestApp::spawn_with(config_of(&[
        (
            "CCHC_LEADERSHIP_EMAILS",
            "Giám đốc Sở <giamdoc@sct.example.vn>",
        ),
        (
            "CCHC_OFFICE_EMAILS",
            "Văn phòng Sở <vanphong@sct.example.vn>",
        ),
    ]))
    .await;
    // Period 2026-Q4 (QLCN and KHTC, due 15/12 16:30); QLCN never reports, KHTC does (its
    // receipt is mailed).
    let period = period_scene(&app).await;
    submit_khtc(&app, period).await;
    // A plan's task QLCN leads, due in December, never done.
    let plan = issued_plan(&app, "KH-2026").await;
    task(
        &app,
        plan,
        "1",
        "QLCN",
        json!({"kind": "month", "year": 2026, "month": 12}),
    )
    .await;

    let sink = SmtpSink::start().await.unwrap();
    let mailer = Mailer::new(
        composer(&app, &secret(&app).await),
        Transport::smtp(&sink.url()).unwrap(),
    );
    let worker = Worker::new(
        app.state.pool.clone(),
        app.state.config.notifications.clone(),
        Arc::new(app.clock.clone()),
        Arc::new(JobDispatcher::new(
            MailJobs::new(mailer),
            WebhookJobs::new(&AllowList::default()).unwrap(),
        )),
    );
    // Every working day from Monday 30/11/2026 to Friday 08/01/2027, at the digest's time, the
    // morning reminders, the deadline day's last call, after the deadline and at day's end;
    // what arrives is opened then, as its reader would.
    let times = ["07:30", "08:00", "14:00", "16:31", "17:01"]
        .map(|t| NaiveTime::parse_from_str(t, "%H:%M").unwrap());
    let (mut seen, mut subjects, mut opened) = (0, BTreeSet::new(), BTreeSet::new());
    let mut day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    while day <= NaiveDate::from_ymd_opt(2027, 1, 8).unwrap() {
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            for time in times {
                app.clock.set(local(day, time));
                let (_, drained) = worker.once().await.unwrap();
                assert_eq!(drained.failed, 0, "a job failed on {day} {time}");
                let messages = sink.messages();
                for message in &messages[seen..] {
                    let (subject, links) = read(message, &app.base_url);
                    for link in links {
                        let page = follow(&link).await;
                        assert!(
                            (200..300).contains(&page.status),
                            "{subject} on {day} {time}: {link}: {} {}",
                            page.status,
                            String::from_utf8_lossy(&page.body)
                        );
                        opened.insert(link);
                    }
                    subjects.insert(subject);
                }
                seen = messages.len();
            }
        }
        day = day.succ_opt().unwrap();
    }
    // Reminders, the head's and the leadership's escalations, the receipt, the digest, for
    // the period; the task's reminders and escalations; the plan's digest.
    assert!(seen >= 12, "{seen} mails: {subjects:#?}");
    for kind in [
        "/l/report/",
        "/l/form/",
        "/l/board/",
        "/l/periods/",
        "/l/task/",
        "/l/plan/",
    ] {
        assert!(
            opened.iter().any(|l| l.contains(kind)),
            "no {kind} link in {subjects:#?}"
        );
    }
}

/// A delivered message's subject and links (text and HTML); it must have one, and no API
/// address.
fn read(message: &ReceivedMessage, base: &str) -> (String, Vec<String>) {
    let parsed = MessageParser::default().parse(&message.data).unwrap();
    let subject = parsed.subject().unwrap_or_default().to_owned();
    let body = format!(
        "{}\n{}",
        parsed.body_text(0).unwrap_or_default(),
        parsed.body_html(0).unwrap_or_default()
    );
    assert!(!body.contains("/api/v1"), "{subject}: {body}");
    let links = links_in(&body, base);
    assert!(!links.is_empty(), "{subject} has no link: {body}");
    (subject, links)
}
