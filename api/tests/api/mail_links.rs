//! Every link in the report mails opens without a token: the worker's composer renders each
//! kind of report mail (reminders with and without a report, the head's and the leadership's
//! escalations, receipts, the digest) with the ids of a real period, and every link in the
//! text and the HTML is followed against the running API: each answers 2xx (a page, or the
//! form as .xlsx). Tampered, expired and wrong-purpose links get the Vietnamese error page;
//! a link for one unit cannot show another; a front end's URL templates are used when set.

use cchc_domain::clock::Clock;
use cchc_domain::rules::lateness::Lateness;
use cchc_domain::rules::signed_link::{self, LinkTarget};
use cchc_worker::email::{
    Composer, DigestContext, DigestPeriod, EscalationHeadContext, EscalationLeadershipContext,
    LateUnit, MailContent, MissingStatus, MissingUnit, PeriodRef, ReceiptContext, ReceiptEvent,
    ReminderContext, ReminderStep, Timeliness, UnitRef,
};
use chrono::{DateTime, TimeDelta, Utc};

use crate::common::TestApp;
use crate::excel::{open_period, start, XLSX};

pub(crate) async fn secret(app: &TestApp) -> Vec<u8> {
    let mut conn = app.state.pool.get().await.unwrap();
    cchc_app::signed_links::link_secret(&mut conn, None)
        .await
        .unwrap()
}

pub(crate) async fn unit_ref(app: &TestApp, code: &str) -> UnitRef {
    let units = app.get("/api/v1/units?per_page=200").await.expect(200);
    let unit = units["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == code)
        .unwrap()
        .clone();
    UnitRef {
        id: unit["id"].as_i64().unwrap(),
        code: code.to_owned(),
        name: unit["name"].as_str().unwrap().to_owned(),
        office: false,
    }
}

/// Every absolute link in a rendered mail (text and HTML `href`s), deduplicated.
pub(crate) fn links_in(text: &str, base: &str) -> Vec<String> {
    let mut links: Vec<String> = text
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>')
        .filter(|word| word.starts_with(base))
        .map(str::to_owned)
        .collect();
    links.sort();
    links.dedup();
    links
}

pub(crate) struct Page {
    pub(crate) status: u16,
    pub(crate) content_type: String,
    pub(crate) body: Vec<u8>,
}

pub(crate) async fn follow(link: &str) -> Page {
    // No Authorization header: as a person in a mail client.
    let answer = reqwest::Client::new().get(link).send().await.unwrap();
    Page {
        status: answer.status().as_u16(),
        content_type: answer
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default(),
        body: answer.bytes().await.unwrap().to_vec(),
    }
}

pub(crate) fn text(page: &Page) -> String {
    String::from_utf8(page.body.clone()).unwrap()
}

struct Fixture {
    app: TestApp,
    period: PeriodRef,
    khtc: UnitRef,
    qltm: UnitRef,
    draft_id: i64,
    deadline: DateTime<Utc>,
}

async fn fixture() -> Fixture {
    let app = TestApp::spawn().await;
    let period_id = open_period(&app).await;
    let draft = start(&app, period_id, "KHTC").await;
    let period = app
        .get(&format!("/api/v1/periods/{period_id}"))
        .await
        .expect(200);
    let deadline = DateTime::parse_from_rfc3339("2026-12-15T16:30:00+07:00")
        .unwrap()
        .with_timezone(&Utc);
    Fixture {
        period: PeriodRef {
            id: period_id,
            code: period["code"].as_str().unwrap().to_owned(),
            title: period["title"].as_str().unwrap().to_owned(),
        },
        khtc: unit_ref(&app, "KHTC").await,
        qltm: unit_ref(&app, "QLTM").await,
        draft_id: draft.id,
        deadline,
        app,
    }
}

fn report_mails(f: &Fixture) -> Vec<MailContent> {
    let now = f.app.clock.now();
    vec![
        MailContent::Reminder(ReminderContext {
            period: f.period.clone(),
            unit: f.khtc.clone(),
            deadline: f.deadline,
            step: ReminderStep::WorkingDaysBefore(5),
            return_reason: None,
            submission_id: Some(f.draft_id),
            missing: Vec::new(),
        }),
        MailContent::Reminder(ReminderContext {
            period: f.period.clone(),
            unit: f.qltm.clone(),
            deadline: f.deadline,
            step: ReminderStep::DeadlineDay,
            return_reason: None,
            submission_id: None,
            missing: Vec::new(),
        }),
        MailContent::EscalationHead(EscalationHeadContext {
            period: f.period.clone(),
            unit: f.qltm.clone(),
            deadline: f.deadline,
            late: Lateness::Minutes { minutes: 30 },
            status: MissingStatus::NotSubmitted,
            head_name: None,
            head_title: None,
            submission_id: None,
        }),
        MailContent::EscalationLeadership(EscalationLeadershipContext {
            period: f.period.clone(),
            deadline: f.deadline,
            late_units: vec![LateUnit {
                unit: f.qltm.clone(),
                late: Lateness::WorkingDays { days: 2 },
                status: MissingStatus::NotSubmitted,
            }],
        }),
        MailContent::Receipt(ReceiptContext {
            period: f.period.clone(),
            unit: f.khtc.clone(),
            deadline: f.deadline,
            submission_id: f.draft_id,
            by: None,
            event: ReceiptEvent::Submitted {
                submitted_at: now,
                timeliness: Timeliness::Early,
            },
        }),
        MailContent::Receipt(ReceiptContext {
            period: f.period.clone(),
            unit: f.khtc.clone(),
            deadline: f.deadline,
            submission_id: f.draft_id,
            by: None,
            event: ReceiptEvent::Returned {
                returned_at: now,
                reason: "Thiếu số liệu".into(),
            },
        }),
        MailContent::Digest(DigestContext {
            as_of: now,
            periods: vec![DigestPeriod {
                period: f.period.clone(),
                deadline: f.deadline,
                participating: 3,
                submitted: 0,
                accepted: 0,
                missing_units: vec![MissingUnit {
                    unit: f.qltm.clone(),
                    status: MissingStatus::NotSubmitted,
                }],
            }],
        }),
    ]
}

pub(crate) fn composer(app: &TestApp, secret: &[u8]) -> Composer {
    Composer::new(
        "Văn phòng Sở <cchc@localhost>".parse().unwrap(),
        &app.base_url,
        "cchc.localhost",
    )
    .unwrap()
    .with_link_secret(secret)
}

#[actix_web::test]
async fn every_link_in_every_report_mail_opens_without_a_token() {
    let f = fixture().await;
    let composer = composer(&f.app, &secret(&f.app).await);
    let mut followed = 0;
    let mut forms = 0;
    for content in report_mails(&f) {
        let rendered = composer.render(&content).unwrap();
        let links = links_in(
            &format!("{}\n{}", rendered.text, rendered.html),
            &f.app.base_url,
        );
        assert!(!links.is_empty(), "{} has no link", content.kind());
        for link in links {
            let page = follow(&link).await;
            assert_eq!(
                page.status,
                200,
                "{} → {link}: {}",
                content.kind(),
                text(&page)
            );
            if link.contains("/l/form/") {
                assert_eq!(page.content_type, XLSX, "{link}");
                assert_eq!(&page.body[..2], b"PK", "{link}: not an .xlsx");
                forms += 1;
            } else {
                assert!(page.content_type.starts_with("text/html"), "{link}");
                let html = text(&page);
                assert!(html.contains("<html lang=\"vi\">"), "{html}");
                // A page's own links (the form, the boards) open too.
                let inner_links = links_in(&html, "http://127.0.0.1:8080");
                if link.contains("/l/report/") || link.contains("/l/periods/") {
                    assert!(!inner_links.is_empty(), "{link}: {html}");
                }
                for inner in inner_links {
                    let path = inner.trim_start_matches("http://127.0.0.1:8080");
                    let inner_page = follow(&format!("{}{path}", f.app.base_url)).await;
                    assert_eq!(inner_page.status, 200, "{inner}");
                }
            }
            followed += 1;
        }
    }
    assert!(followed >= 8, "only {followed} links followed");
    assert!(forms >= 2, "the reminders link the form");
}

#[actix_web::test]
async fn a_report_page_says_what_is_missing_and_shows_only_its_unit() {
    let f = fixture().await;
    let secret = secret(&f.app).await;
    let composer = composer(&f.app, &secret);
    let reminder = &report_mails(&f)[0];
    let rendered = composer.render(reminder).unwrap();
    let link = links_in(&rendered.text, &f.app.base_url)
        .into_iter()
        .find(|l| l.contains("/l/report/"))
        .unwrap();
    let page = text(&follow(&link).await);
    assert!(page.contains(&f.khtc.name), "{page}");
    assert!(page.contains("Hạn nộp"), "{page}");
    assert!(page.contains("16:30 ngày 15/12/2026"), "{page}");
    assert!(page.contains("chưa nhập số liệu"), "{page}");
    assert!(page.contains("TL-DUNGHAN"), "{page}");
    assert!(!page.contains(&f.qltm.name), "another unit leaks: {page}");
    assert!(!page.contains("QLTM"), "another unit leaks: {page}");

    // The same token with QLTM's id: refused, and nothing about either unit.
    let token = link.rsplit('/').next().unwrap();
    let forged = token.replacen(&format!(".{}.", f.khtc.id), &format!(".{}.", f.qltm.id), 1);
    assert_ne!(forged, token);
    let refused = follow(&format!("{}/l/report/{forged}", f.app.base_url)).await;
    assert_eq!(refused.status, 403);
    let body = text(&refused);
    assert!(body.contains("Đường dẫn không hợp lệ"), "{body}");
    assert!(!body.contains(&f.qltm.name) && !body.contains(&f.khtc.name));
}

#[actix_web::test]
async fn tampered_expired_and_wrong_purpose_links_get_a_vietnamese_page() {
    let f = fixture().await;
    let secret = secret(&f.app).await;
    let now = f.app.clock.now();
    let target = LinkTarget::Report {
        period_id: f.period.id,
        unit_id: f.khtc.id,
    };
    let good = signed_link::sign(&secret, target, now + TimeDelta::days(1));
    let base = &f.app.base_url;

    let mut tampered = good.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let expired = signed_link::sign(&secret, target, now - TimeDelta::minutes(1));
    let cases = [
        (
            format!("{base}/l/report/{tampered}"),
            403,
            "Đường dẫn không hợp lệ",
        ),
        (
            format!("{base}/l/report/not-a-token"),
            403,
            "Đường dẫn không hợp lệ",
        ),
        (
            format!("{base}/l/board/{good}"),
            403,
            "Đường dẫn không hợp lệ",
        ),
        (
            format!("{base}/l/form/{good}"),
            403,
            "Đường dẫn không hợp lệ",
        ),
        (
            format!("{base}/l/report/{expired}"),
            410,
            "Đường dẫn đã hết hạn",
        ),
    ];
    for (link, status, words) in cases {
        let page = follow(&link).await;
        assert_eq!(page.status, status, "{link}");
        assert!(
            page.content_type.starts_with("text/html"),
            "{link}: {}",
            page.content_type
        );
        let html = text(&page);
        assert!(html.contains(words), "{link}: {html}");
        assert!(html.contains("lang=\"vi\""));
    }
    assert_eq!(follow(&format!("{base}/l/report/{good}")).await.status, 200);
}

#[actix_web::test]
async fn the_front_end_templates_are_used_when_configured() {
    let f = fixture().await;
    let templates = cchc_worker::email::links::parse_frontend(
        "report=https://app.example.gov.vn/ky/{period_id}/don-vi/{unit_code},board=https://app.example.gov.vn/ky/{period_id}/tien-do",
    )
    .unwrap();
    let composer = composer(&f.app, &secret(&f.app).await).with_frontend(templates);
    let mails = report_mails(&f);
    let reminder = composer.render(&mails[0]).unwrap();
    assert!(reminder.text.contains(&format!(
        "https://app.example.gov.vn/ky/{}/don-vi/KHTC",
        f.period.id
    )));
    // The form has no template here: still a signed link of the service.
    assert!(reminder
        .text
        .contains(&format!("{}/l/form/", f.app.base_url)));
    let leadership = composer.render(&mails[3]).unwrap();
    assert!(leadership.html.contains(&format!(
        "https://app.example.gov.vn/ky/{}/tien-do",
        f.period.id
    )));
}
