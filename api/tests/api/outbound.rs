//! Requests to other servers cannot be turned against this one or its network (SSRF): QLVB
//! file URLs and webhook URLs on loopback, private, link-local or otherwise internal addresses
//! are refused unless `CCHC_OUTBOUND_ALLOW` lists them, redirects are not followed, a failure
//! reads the same whatever happened, and slow downloads hold no database connection.
//!
//! Each test runs its own servers on 127.0.0.1 that count the connections they get.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cchc_app::outbound::AllowList;
use cchc_worker::webhook_jobs::UNREACHABLE;
use serde_json::{json, Value};

use crate::common::{config_of, errors, loopback_config, pairs, pdf, TestApp, LOOPBACK_ALLOWED};
use crate::qlvb_events::{received, scene_with};
use crate::webhooks::{draft_period, open, subscribe, worker_allowing};

/// What a [`Local`] server does with each connection.
#[derive(Clone)]
enum Behaviour {
    /// Closes it at once, without a word.
    Close,
    /// Reads the request's head, waits, and writes this raw HTTP answer.
    Answer { delay: Duration, response: Vec<u8> },
}

/// A server of the test's own on a loopback port, counting connections.
struct Local {
    port: u16,
    connections: Arc<AtomicUsize>,
}

impl Local {
    fn start(behaviour: Behaviour) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().expect("address").port();
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = connections.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                counter.fetch_add(1, Ordering::SeqCst);
                let behaviour = behaviour.clone();
                std::thread::spawn(move || match behaviour {
                    Behaviour::Close => drop(stream),
                    Behaviour::Answer { delay, response } => {
                        let mut head = Vec::new();
                        let mut buffer = [0u8; 4096];
                        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                            match stream.read(&mut buffer) {
                                Ok(0) | Err(_) => return,
                                Ok(n) => head.extend_from_slice(&buffer[..n]),
                            }
                        }
                        std::thread::sleep(delay);
                        stream.write_all(&response).ok();
                    }
                });
            }
        });
        Self { port, connections }
    }

    /// Answers every request at once with `status`, `headers` and `body`.
    fn answering(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Self {
        Self::start(Behaviour::Answer {
            delay: Duration::ZERO,
            response: http_answer(status, headers, body),
        })
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

fn http_answer(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut answer = head.into_bytes();
    answer.extend_from_slice(body);
    answer
}

/// A loopback port nobody listens on.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn one_file(url: &str) -> Value {
    json!({"files": [{"filename": "bao-cao.pdf", "url": url}]})
}

#[actix_web::test]
async fn file_urls_on_internal_addresses_are_refused_and_never_contacted() {
    // No allow-list: the deployment's default.
    let s = scene_with(config_of(&[])).await;
    let local = Local::answering("200 OK", &[], &pdf());
    let port = local.port;
    let literal = [
        format!("http://127.0.0.1:{port}/a.pdf"),
        format!("http://127.1:{port}/a.pdf"),
        format!("http://2130706433:{port}/a.pdf"),
        format!("http://0x7f000001:{port}/a.pdf"),
        format!("http://[::ffff:127.0.0.1]:{port}/a.pdf"),
        format!("http://0.0.0.0:{port}/a.pdf"),
        format!("http://[::1]:{port}/a.pdf"),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://10.0.0.1/a.pdf".to_owned(),
        "http://192.168.1.1/a.pdf".to_owned(),
        "http://[fd00::1]/a.pdf".to_owned(),
    ];
    let files: Vec<Value> = literal
        .iter()
        .enumerate()
        .map(|(i, url)| json!({"filename": format!("tep-{i}.pdf"), "url": url}))
        .collect();
    let problem = s
        .send(&received("evt-literal", json!({"files": files})))
        .await
        .problem(422, "validation_failed");
    let expected: Vec<(String, String)> = (0..literal.len())
        .map(|i| {
            (
                format!("data.document.files[{i}].url"),
                "url_not_allowed".to_owned(),
            )
        })
        .collect();
    assert_eq!(errors(&problem), expected);

    // A name that resolves to loopback is refused once resolved; the fake QLVB's own URL,
    // served on 127.0.0.1, is refused as well without the allow-list the other tests set.
    let named = format!("http://localhost:{port}/a.pdf");
    let fake = s.qlvb.serve("bao-cao.pdf", &pdf());
    for (id, url) in [("evt-localhost", named), ("evt-fake", fake)] {
        let problem = s
            .send(&received(id, one_file(&url)))
            .await
            .problem(422, "validation_failed");
        assert_eq!(
            errors(&problem),
            pairs(&[("data.document.files[0].url", "url_not_allowed")]),
            "{url}"
        );
    }
    assert_eq!(local.connections(), 0, "nothing connected to the listener");
    assert_eq!(s.qlvb.file_downloads(), 0);
    assert_eq!(s.count("qlvb_events").await, 0);
    assert_eq!(s.count("document_files").await, 0);
    assert_eq!(s.stored_objects(), 0);
}

#[actix_web::test]
async fn a_redirect_to_another_port_is_not_followed() {
    let s = scene_with(loopback_config()).await;
    let target = Local::answering("200 OK", &[], &pdf());
    let location = target.url("/bao-cao.pdf");
    let redirect = Local::answering("302 Found", &[("Location", &location)], b"");
    let problem = s
        .send(&received("evt-redirect", one_file(&redirect.url("/a.pdf"))))
        .await
        .problem(502, "file_download_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[("data.document.files[0].url", "download_failed")])
    );
    assert_eq!(redirect.connections(), 1);
    assert_eq!(target.connections(), 0, "the redirect was followed");
    assert_eq!(s.count("qlvb_events").await, 0);
}

#[actix_web::test]
async fn every_failed_download_reads_the_same() {
    let s = scene_with(config_of(&[
        LOOPBACK_ALLOWED,
        ("CCHC_QLVB_DOWNLOAD_TIMEOUT_SECS", "1"),
    ]))
    .await;
    let closing = Local::start(Behaviour::Close);
    let missing = Local::answering("404 Not Found", &[], b"internal page");
    let slow = Local::start(Behaviour::Answer {
        delay: Duration::from_secs(3),
        response: http_answer("200 OK", &[], &pdf()),
    });
    let urls = [
        format!("http://127.0.0.1:{}/a.pdf", closed_port()),
        closing.url("/a.pdf"),
        missing.url("/a.pdf"),
        slow.url("/a.pdf"),
    ];
    let mut problems = Vec::new();
    for (i, url) in urls.iter().enumerate() {
        let problem = s
            .send(&received(&format!("evt-fail-{i}"), one_file(url)))
            .await
            .problem(502, "file_download_failed");
        problems.push(problem);
    }
    assert_eq!(
        problems[0]["detail"],
        "data.document.files[0].url: the file could not be downloaded; nothing was recorded, send the event again"
    );
    for (url, problem) in urls.iter().zip(&problems).skip(1) {
        assert_eq!(problem, &problems[0], "{url}");
    }
    assert!(closing.connections() >= 1);
    assert_eq!(missing.connections(), 1);
    assert_eq!(slow.connections(), 1);
}

#[actix_web::test]
async fn a_download_over_the_limit_is_cut_short_whether_or_not_its_size_is_declared() {
    let s = scene_with(config_of(&[
        LOOPBACK_ALLOWED,
        ("CCHC_MAX_UPLOAD_BYTES", "4096"),
    ]))
    .await;
    let mut big = pdf();
    big.resize(64 * 1024, b' ');
    let declared = Local::answering("200 OK", &[], &big);
    // No Content-Length: the body runs until the connection closes.
    let mut undeclared_answer = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_vec();
    undeclared_answer.extend_from_slice(&big);
    let undeclared = Local::start(Behaviour::Answer {
        delay: Duration::ZERO,
        response: undeclared_answer,
    });
    for (id, local) in [("evt-declared", &declared), ("evt-undeclared", &undeclared)] {
        let problem = s
            .send(&received(id, one_file(&local.url("/lon.pdf"))))
            .await
            .problem(413, "file_too_large");
        assert_eq!(
            errors(&problem),
            pairs(&[("data.document.files[0].url", "too_large")]),
            "{id}"
        );
        assert_eq!(local.connections(), 1, "{id}");
    }
    assert_eq!(s.count("document_files").await, 0);
    assert_eq!(s.stored_objects(), 0);
}

#[actix_web::test]
async fn slow_downloads_hold_no_database_connection() {
    // One connection in the pool: a download holding it would stop every other request.
    let s = scene_with(config_of(&[LOOPBACK_ALLOWED, ("CCHC_DB_POOL_SIZE", "1")])).await;
    let slow = Local::start(Behaviour::Answer {
        delay: Duration::from_secs(4),
        response: http_answer("200 OK", &[], &pdf()),
    });
    let events: Vec<Value> = (0..3)
        .map(|i| {
            received(
                &format!("evt-slow-{i}"),
                json!({
                    "number": format!("{}/BC-QLCN", 40 + i),
                    "files": [{"filename": "bao-cao.pdf", "url": slow.url(&format!("/{i}.pdf"))}],
                }),
            )
        })
        .collect();
    let sent = futures_util::future::join_all(events.iter().map(|event| s.send(event)));
    let probe = async {
        // Once the downloads are under way (all three, unless they wait for the connection).
        let waiting = Instant::now();
        while slow.connections() < 3 && waiting.elapsed() < Duration::from_secs(2) {
            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(slow.connections() >= 1, "no download started");
        let started = Instant::now();
        s.app.get("/readyz").await.expect(200);
        s.app.get("/api/v1/periods").await.expect(200);
        started.elapsed()
    };
    let (answers, elapsed) = futures_util::future::join(sent, probe).await;
    assert!(
        elapsed < Duration::from_secs(2),
        "other requests waited {elapsed:?} for the downloads"
    );
    assert_eq!(slow.connections(), 3);
    for answer in answers {
        answer.expect(201);
    }
    assert_eq!(s.count("document_files").await, 3);
}

#[actix_web::test]
async fn webhooks_to_internal_addresses_are_refused_when_saved() {
    let app = TestApp::spawn().await;
    let local = Local::answering("200 OK", &[], b"internal page");
    let port = local.port;
    // Internal addresses written as the URL pattern takes them are not allowed; the short
    // and IPv6 forms are not URLs the pattern takes at all.
    for (url, code) in [
        (local.url("/hooks"), "url_not_allowed"),
        (format!("http://localhost:{port}/hooks"), "url_not_allowed"),
        (format!("http://0.0.0.0:{port}/hooks"), "url_not_allowed"),
        (
            "http://169.254.169.254/latest/meta-data/".to_owned(),
            "url_not_allowed",
        ),
        ("https://10.1.2.3/hooks".to_owned(), "url_not_allowed"),
        (format!("http://127.1:{port}/hooks"), "invalid_url"),
        (
            "http://[::ffff:169.254.169.254]/latest/meta-data/".to_owned(),
            "invalid_url",
        ),
        ("http://[fe80::1]/hooks".to_owned(), "invalid_url"),
    ] {
        let problem = app
            .post(
                "/api/v1/webhooks",
                json!({"url": url, "event_types": ["period.opened"]}),
            )
            .await
            .problem(422, "validation_failed");
        assert_eq!(errors(&problem), pairs(&[("url", code)]), "{url}");
    }
    // A public URL is taken; changing it to an internal one is not.
    let created = app
        .post(
            "/api/v1/webhooks",
            json!({"url": "https://qlvb.example.gov.vn/hooks", "event_types": ["period.opened"]}),
        )
        .await
        .expect(201);
    let location = format!("/api/v1/webhooks/{}", created["webhook"]["id"]);
    let problem = app
        .patch(&location, json!({"url": local.url("/hooks")}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), pairs(&[("url", "url_not_allowed")]));
    assert_eq!(
        app.get(&location).await.expect(200)["url"],
        "https://qlvb.example.gov.vn/hooks"
    );
    assert_eq!(local.connections(), 0);
}

#[actix_web::test]
async fn deliveries_to_internal_addresses_are_never_made() {
    // Saved while the API allowed loopback (as a name may point elsewhere by the time of a
    // delivery); the worker's own list does not allow it.
    let app = TestApp::spawn_with(loopback_config()).await;
    let internal = Local::answering("200 OK", &[], b"SECRET internal admin page");
    let (id, _) = subscribe(&app, &internal.url("/admin"), &["period.opened"]).await;
    let period = draft_period(&app).await;
    open(&app, period).await;
    let report = worker_allowing(&app, &AllowList::default())
        .drain(None)
        .await
        .unwrap();
    assert_eq!(report.retrying, 1);
    assert_eq!(internal.connections(), 0, "the worker connected");
    let log = app
        .get(&format!("/api/v1/webhooks/{id}/deliveries"))
        .await
        .expect(200);
    let attempt = &log["items"][0];
    assert_eq!(attempt["succeeded"], false);
    assert_eq!(attempt["error"], UNREACHABLE);
    assert_eq!(attempt["response_status"], Value::Null);
    assert_eq!(attempt["response_excerpt"], Value::Null);
    assert!(!log.to_string().contains("SECRET"));
}

#[actix_web::test]
async fn delivery_failures_read_the_same_whatever_the_cause() {
    let app = TestApp::spawn_with(loopback_config()).await;
    let closing = Local::start(Behaviour::Close);
    let refused = format!("http://127.0.0.1:{}/hooks", closed_port());
    let (a, _) = subscribe(&app, &refused, &["period.opened"]).await;
    let (b, _) = subscribe(&app, &closing.url("/hooks"), &["period.opened"]).await;
    let period = draft_period(&app).await;
    open(&app, period).await;
    let allow = app.state.config.outbound_allow.clone();
    let report = worker_allowing(&app, &allow).drain(None).await.unwrap();
    assert_eq!(report.retrying, 2);
    assert!(closing.connections() >= 1);
    for id in [a, b] {
        let log = app
            .get(&format!("/api/v1/webhooks/{id}/deliveries"))
            .await
            .expect(200);
        assert_eq!(log["items"][0]["error"], UNREACHABLE, "{log}");
        assert_eq!(log["items"][0]["response_status"], Value::Null);
    }
}
