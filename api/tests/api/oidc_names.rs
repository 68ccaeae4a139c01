//! People's names where staff read who did what to a report: a person who submits, and the
//! Office's person who returns and accepts, are named in the report's reads, on the
//! compliance board (the API's and the signed page), and in the receipts the unit is mailed.

use std::sync::Arc;

use cchc_app::outbound::AllowList;
use cchc_domain::clock::Clock;
use cchc_domain::rules::signed_link::{self, LinkTarget};
use cchc_testkit::smtp_sink::SmtpSink;
use cchc_worker::dispatch::JobDispatcher;
use cchc_worker::email::{Mailer, Transport};
use cchc_worker::mail_jobs::MailJobs;
use cchc_worker::runtime::Worker;
use cchc_worker::webhook_jobs::WebhookJobs;
use chrono::TimeDelta;
use mail_parser::MessageParser;
use serde_json::{json, Value};

use crate::common::TestApp;
use crate::documents::period_scene;
use crate::mail_links::{composer, follow, secret, text};
use crate::oidc_provider::{PersonTokens, Provider};

const REPORTER: &str = "Trần Thị Bình (KHTC)";
const OFFICE: &str = "Lê Văn Phòng";

async fn khtc_row(app: &TestApp, period: i64) -> Value {
    let board = app
        .get(&format!("/api/v1/periods/{period}/compliance"))
        .await
        .expect(200);
    board["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["unit_code"] == "KHTC")
        .cloned()
        .unwrap_or_else(|| panic!("KHTC on {board:#}"))
}

/// The subject and the text and HTML bodies of each message.
fn mails(sink: &SmtpSink) -> Vec<(String, String)> {
    sink.messages()
        .iter()
        .map(|message| {
            let parsed = MessageParser::default().parse(&message.data).unwrap();
            let body = format!(
                "{}\n{}",
                parsed.body_text(0).unwrap_or_default(),
                parsed.body_html(0).unwrap_or_default()
            );
            (parsed.subject().unwrap_or_default().to_owned(), body)
        })
        .collect()
}

#[actix_web::test]
async fn a_persons_submit_and_the_offices_return_and_accept_name_them() {
    let provider = Provider::start();
    let app = provider.api().await;
    let period = period_scene(&app).await;
    let reporter = provider
        .token(&PersonTokens::with_email("focal.khtc@example.vn", REPORTER))
        .await;
    let office = provider
        .token(&PersonTokens::with_claims(
            json!({ "name": OFFICE, "groups": ["cchc-office"] }),
        ))
        .await;

    // The unit's person files and submits.
    let id = app
        .draft_with(&reporter, period, json!({"SL-VANBAN": {"number": 4}}))
        .await;
    let submitted = app
        .post_as(
            &reporter,
            &format!("/api/v1/submissions/{id}/submit"),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(submitted["submitted_by"], REPORTER);
    assert_eq!(submitted["reviewed_by"], Value::Null);
    let row = khtc_row(&app, period).await;
    assert_eq!(row["submitted_by"], REPORTER);
    assert_eq!(row["reviewed_by"], Value::Null);

    // The Office's person returns it; the board names them while it stands returned.
    let returned = app
        .post_as(
            &office,
            &format!("/api/v1/submissions/{id}/return"),
            json!({"reason": "Đề nghị bổ sung tài liệu kiểm chứng."}),
        )
        .await
        .expect(200);
    assert_eq!(returned["reviewed_by"], OFFICE);
    assert_eq!(khtc_row(&app, period).await["reviewed_by"], OFFICE);

    // Submitted again by the unit, which the board shows as not reviewed yet; then accepted.
    app.post_as(
        &reporter,
        &format!("/api/v1/submissions/{id}/submit"),
        json!({}),
    )
    .await
    .expect(200);
    let row = khtc_row(&app, period).await;
    assert_eq!(row["status"], "submitted");
    assert_eq!(row["reviewed_by"], Value::Null);
    app.post_as(
        &office,
        &format!("/api/v1/submissions/{id}/accept"),
        json!({}),
    )
    .await
    .expect(200);
    let read = app
        .get(&format!("/api/v1/submissions/{id}"))
        .await
        .expect(200);
    assert_eq!(read["submitted_by"], REPORTER);
    assert_eq!(read["reviewed_by"], OFFICE);
    let listed = app
        .get(&format!("/api/v1/periods/{period}/submissions"))
        .await
        .expect(200);
    assert_eq!(listed["items"][0]["submitted_by"], REPORTER);
    assert_eq!(listed["items"][0]["reviewed_by"], OFFICE);
    let row = khtc_row(&app, period).await;
    assert_eq!(row["submitted_by"], REPORTER);
    assert_eq!(row["reviewed_by"], OFFICE);

    // The signed board page, in Vietnamese.
    let secret = secret(&app).await;
    let link = signed_link::sign(
        &secret,
        LinkTarget::Board { period_id: period },
        app.clock.now() + TimeDelta::days(1),
    );
    let page = follow(&format!("{}/l/board/{link}", app.base_url)).await;
    assert_eq!(page.status, 200);
    let page = text(&page);
    assert!(page.contains("<th>Người gửi</th>"), "{page}");
    assert!(page.contains(&format!("<td>{REPORTER}</td>")), "{page}");
    assert!(
        page.contains(&format!("<td>Đã chấp nhận ({OFFICE})</td>")),
        "{page}"
    );

    // The receipts the unit's focal person gets: who submitted, returned, accepted.
    let sink = SmtpSink::start().await.unwrap();
    let worker = Worker::new(
        app.state.pool.clone(),
        app.state.config.notifications.clone(),
        Arc::new(app.clock.clone()),
        Arc::new(JobDispatcher::new(
            MailJobs::new(Mailer::new(
                composer(&app, &secret),
                Transport::smtp(&sink.url()).unwrap(),
            )),
            WebhookJobs::new(&AllowList::default()).unwrap(),
        )),
    );
    let (_, drained) = worker.once().await.unwrap();
    assert_eq!(drained.failed, 0);
    let mails = mails(&sink);
    let body_of = |subject_starts: &str| -> Vec<&String> {
        mails
            .iter()
            .filter(|(subject, _)| subject.starts_with(subject_starts))
            .map(|(_, body)| body)
            .collect()
    };
    let received = body_of("Đã nhận");
    assert_eq!(received.len(), 2, "two submits: {mails:#?}");
    for body in received {
        assert!(
            body.contains(&format!("Người gửi báo cáo: {REPORTER}.")),
            "{body}"
        );
    }
    let returned = body_of("Trả lại");
    assert_eq!(returned.len(), 1, "{mails:#?}");
    assert!(returned[0].contains(&format!("Người trả lại báo cáo: {OFFICE}.")));
    assert!(returned[0].contains(&format!(
        "Người trả lại báo cáo: <strong>{OFFICE}</strong>."
    )));
    let accepted = body_of("Đã chấp nhận");
    assert_eq!(accepted.len(), 1, "{mails:#?}");
    assert!(accepted[0].contains(&format!("Người chấp nhận báo cáo: {OFFICE}.")));
}
