//! A stand-in for the province's document-management system (QLVB), on a loopback port: it
//! serves document files for inbound events to download, receives our webhooks (answering with
//! a status the test sets, so "the receiver is down" can be played), and signs and sends
//! events to the API as a real QLVB would.

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use cchc_domain::rules::signature;
use serde_json::Value;

/// One request QLVB received on its webhook endpoint.
#[derive(Debug, Clone)]
pub struct ReceivedWebhook {
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl ReceivedWebhook {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON webhook body")
    }
}

#[derive(Default)]
struct Inner {
    files: HashMap<String, Vec<u8>>,
    file_downloads: usize,
    received: Vec<ReceivedWebhook>,
    /// Answered to webhooks; 200 unless the test says otherwise.
    webhook_status: Option<u16>,
}

/// The fake QLVB server. Dropping it leaves the server running until the test's runtime ends.
#[derive(Clone)]
pub struct FakeQlvb {
    pub base_url: String,
    inner: Arc<Mutex<Inner>>,
}

async fn serve_file(inner: web::Data<Arc<Mutex<Inner>>>, name: web::Path<String>) -> HttpResponse {
    let mut inner = inner.lock().unwrap();
    inner.file_downloads += 1;
    match inner.files.get(name.as_str()) {
        Some(bytes) => HttpResponse::Ok()
            .content_type("application/octet-stream")
            .body(bytes.clone()),
        None => HttpResponse::NotFound().finish(),
    }
}

async fn receive_webhook(
    inner: web::Data<Arc<Mutex<Inner>>>,
    req: HttpRequest,
    body: web::Bytes,
) -> HttpResponse {
    let mut inner = inner.lock().unwrap();
    inner.received.push(ReceivedWebhook {
        headers: req
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_ascii_lowercase(),
                    value.to_str().unwrap_or_default().to_owned(),
                )
            })
            .collect(),
        body: body.to_vec(),
    });
    let status = inner.webhook_status.unwrap_or(200);
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).expect("a status"))
        .body(format!("fake QLVB answered {status}"))
}

impl FakeQlvb {
    /// Starts the server on the current (actix) runtime.
    pub fn start() -> Self {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().expect("address").port();
        let data = web::Data::new(inner.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .app_data(web::PayloadConfig::new(64 * 1024 * 1024))
                .route("/files/{name}", web::get().to(serve_file))
                .route("/webhooks", web::post().to(receive_webhook))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .expect("listen")
        .run();
        actix_web::rt::spawn(server);
        Self {
            base_url: format!("http://127.0.0.1:{port}"),
            inner,
        }
    }

    /// Offers a file for download; returns its URL.
    pub fn serve(&self, name: &str, bytes: &[u8]) -> String {
        self.inner
            .lock()
            .unwrap()
            .files
            .insert(name.to_owned(), bytes.to_vec());
        format!("{}/files/{name}", self.base_url)
    }

    /// How many file downloads were asked for (found or not).
    pub fn file_downloads(&self) -> usize {
        self.inner.lock().unwrap().file_downloads
    }

    /// The URL to subscribe our webhooks to.
    pub fn webhook_url(&self) -> String {
        format!("{}/webhooks", self.base_url)
    }

    /// Answer webhooks with this status from now on (e.g. 503 while "down", 200 again after).
    pub fn answer_webhooks_with(&self, status: u16) {
        self.inner.lock().unwrap().webhook_status = Some(status);
    }

    /// Every webhook received so far, oldest first, including those answered with an error.
    pub fn received(&self) -> Vec<ReceivedWebhook> {
        self.inner.lock().unwrap().received.clone()
    }

    /// Waits up to five seconds for at least `count` webhooks.
    pub async fn wait_for_webhooks(&self, count: usize) -> Vec<ReceivedWebhook> {
        for _ in 0..100 {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "expected {count} webhooks, got {}: {:?}",
            self.received().len(),
            self.received()
        );
    }

    /// Signs `body` as QLVB would at `timestamp` (Unix seconds) and posts it to `url` with
    /// the integration token. Returns the prepared request, so a test can alter it.
    pub fn signed_event(
        client: &reqwest::Client,
        url: &str,
        token: &str,
        secret: &str,
        timestamp: i64,
        body: &Value,
    ) -> reqwest::RequestBuilder {
        let body = serde_json::to_vec(body).expect("JSON");
        let event_id = serde_json::from_slice::<Value>(&body)
            .ok()
            .and_then(|v| v["id"].as_str().map(str::to_owned))
            .unwrap_or_default();
        client
            .post(url)
            .bearer_auth(token)
            .header("content-type", "application/json")
            .header(signature::TIMESTAMP_HEADER, timestamp.to_string())
            .header(
                signature::SIGNATURE_HEADER,
                signature::sign(secret.as_bytes(), timestamp, &body),
            )
            .header(signature::EVENT_ID_HEADER, event_id)
            .body(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fake itself: files are served, webhooks recorded and answered as told, and a signed
    /// event verifies under the scheme the API checks.
    #[actix_web::test]
    async fn the_fake_serves_files_records_webhooks_and_signs_events() {
        let qlvb = FakeQlvb::start();
        let client = reqwest::Client::new();
        let url = qlvb.serve("bao-cao.pdf", b"%PDF-1.7 test");
        let bytes = client
            .get(&url)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(&bytes[..], b"%PDF-1.7 test");
        let missing = client
            .get(format!("{}/files/none.pdf", qlvb.base_url))
            .send()
            .await
            .unwrap();
        assert_eq!(missing.status().as_u16(), 404);
        assert_eq!(qlvb.file_downloads(), 2);

        qlvb.answer_webhooks_with(503);
        let body = serde_json::json!({"id": "evt-1", "type": "document.received"});
        let answer = FakeQlvb::signed_event(
            &client,
            &qlvb.webhook_url(),
            "t",
            "s3cret",
            1_795_500_000,
            &body,
        )
        .send()
        .await
        .unwrap();
        assert_eq!(answer.status().as_u16(), 503);
        let received = qlvb.wait_for_webhooks(1).await;
        assert_eq!(received[0].json(), body);
        assert_eq!(received[0].header("X-CCHC-Event-Id"), Some("evt-1"));
        let now = chrono::DateTime::from_timestamp(1_795_500_010, 0).unwrap();
        signature::verify(
            b"s3cret",
            received[0].header(signature::TIMESTAMP_HEADER),
            received[0].header(signature::SIGNATURE_HEADER),
            &received[0].body,
            now,
        )
        .expect("the fake's signature verifies");
    }
}
