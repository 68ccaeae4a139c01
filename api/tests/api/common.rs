use std::net::TcpListener;
use std::sync::Arc;

use actix_web::HttpServer;
use cchc_api::state::AppState;
use cchc_app::config::Config;
use cchc_app::repo::tokens;
use cchc_app::storage::Storage;
use cchc_domain::clock::FixedClock;
use cchc_domain::model::audit::Actor;
use cchc_domain::model::token::{CreateToken, Role};
use cchc_testkit::test_db::TestDatabase;
use chrono::{DateTime, Utc};
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// A running API on its own database.
pub struct TestApp {
    pub base_url: String,
    pub client: reqwest::Client,
    pub admin: String,
    pub clock: FixedClock,
    pub state: AppState,
    pub db: TestDatabase,
    /// Holds the app's file store (`files/` inside it); removed with the app.
    pub files: tempfile::TempDir,
    /// Stops the token-change listener when the app is dropped.
    _stop_listening: tokio::sync::watch::Sender<bool>,
}

/// Another API process of a [`TestApp`].
pub struct Process {
    pub base_url: String,
    pub state: AppState,
    _stop_listening: tokio::sync::watch::Sender<bool>,
}

/// Keeps `state`'s token cache in step with revocations, as in production, until the returned
/// sender is dropped.
fn listen_to_token_changes(state: &AppState, url: &str) -> tokio::sync::watch::Sender<bool> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    actix_web::rt::spawn(cchc_app::token_cache::listen(
        state.tokens.clone(),
        url.to_owned(),
        stopped,
    ));
    stop
}

/// Serves `state` on a free loopback port; its base URL.
fn serve(state: AppState) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let port = listener.local_addr().expect("address").port();
    let spec = Arc::new(cchc_api::app::openapi());
    let server = HttpServer::new(move || cchc_api::app::app(state.clone(), spec.clone()))
        .workers(1)
        .disable_signals()
        .listen(listener)
        .expect("listen")
        .run();
    actix_web::rt::spawn(server);
    format!("http://127.0.0.1:{port}")
}

/// How a test app stores uploaded files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Files {
    /// A fresh directory of its own.
    Directory,
    /// A directory that became a regular file after start, so every write fails as on a full
    /// or read-only disk (even for root, which ignores permission bits).
    Unwritable,
}

/// An answer: status, headers and parsed JSON body (Null when empty).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    /// An answer, after checking that a problem's codes are those the document lists (a new
    /// code must be added to `cchc_api::openapi::codes`).
    #[track_caller]
    pub fn new(status: StatusCode, headers: reqwest::header::HeaderMap, body: Value) -> Self {
        use cchc_api::openapi::codes::{FIELD_ERROR_CODES, PROBLEM_CODES};
        let is_problem = headers
            .get("content-type")
            .is_some_and(|v| v.as_bytes() == b"application/problem+json");
        if is_problem {
            let code = body["code"].as_str().unwrap_or_default();
            assert!(
                PROBLEM_CODES.contains(&code),
                "problem code {code:?} is not in PROBLEM_CODES (api/src/openapi/codes.rs)"
            );
            for error in body["errors"].as_array().into_iter().flatten() {
                let code = error["code"].as_str().unwrap_or_default();
                assert!(
                    FIELD_ERROR_CODES.contains(&code),
                    "field error code {code:?} is not in FIELD_ERROR_CODES (api/src/openapi/codes.rs)"
                );
            }
        }
        Self {
            status,
            headers,
            body,
        }
    }

    /// Asserts the status and returns the body.
    #[track_caller]
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {:#}",
            self.body
        );
        self.body
    }

    /// Asserts a problem+json answer with this status and code; returns the problem.
    #[track_caller]
    pub fn problem(self, status: u16, code: &str) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {:#}",
            self.body
        );
        let content_type = self
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert_eq!(
            content_type, "application/problem+json",
            "problem content type"
        );
        assert_eq!(
            self.body["code"], code,
            "problem code; body: {:#}",
            self.body
        );
        assert_eq!(self.body["status"], status);
        assert!(self.body["type"]
            .as_str()
            .is_some_and(|t| t.ends_with(code)));
        self.body
    }

    /// Field names of a problem's `errors`.
    pub fn fields(body: &Value) -> Vec<String> {
        body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A configuration from these variables, defaults for the rest.
pub fn config_of(vars: &[(&str, &str)]) -> Config {
    Config::from_lookup(|name| {
        vars.iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| (*value).to_owned())
    })
    .expect("a valid test configuration")
}

/// Lets outbound requests reach loopback: the fake QLVB and the tests' own listeners are on
/// 127.0.0.1, which the service refuses otherwise.
pub const LOOPBACK_ALLOWED: (&str, &str) = ("CCHC_OUTBOUND_ALLOW", "127.0.0.0/8");

/// The default configuration with [`LOOPBACK_ALLOWED`].
pub fn loopback_config() -> Config {
    config_of(&[LOOPBACK_ALLOWED])
}

/// 2026-11-20 09:00 local, a Friday.
pub fn default_now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-20T09:00:00+07:00")
        .unwrap()
        .with_timezone(&Utc)
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(Config::from_lookup(|_| None).expect("default config")).await
    }

    pub async fn spawn_with(config: Config) -> Self {
        Self::spawn_with_files(config, Files::Directory).await
    }

    pub async fn spawn_with_files(mut config: Config, files: Files) -> Self {
        let db = TestDatabase::migrated();
        config.database_url = db.url().to_owned();
        let clock = FixedClock::new(default_now());
        let temp = tempfile::tempdir().expect("a temporary directory");
        let dir = temp.path().join("files");
        let storage = Storage::local(&dir).expect("a file store");
        if files == Files::Unwritable {
            std::fs::remove_dir(&dir).expect("remove the store's directory");
            std::fs::write(&dir, b"not a directory").expect("put a file in its place");
        }
        // Four connections unless the test asks for fewer (`CCHC_DB_POOL_SIZE`).
        let pool = cchc_db::build_pool_with_timeout(
            db.url(),
            config.db_pool_size.min(4),
            config.db_statement_timeout,
        )
        .expect("a pool");
        let state = AppState {
            pool,
            clock: Arc::new(clock.clone()),
            rate_limiter: cchc_api::limits::RateLimiter::from_config(&config),
            storage,
            boards: Arc::new(cchc_app::repo::submissions::BoardCaches::new(
                config.board_cache_entries,
            )),
            versions: Arc::default(),
            outbound: cchc_app::repo::qlvb::download_client(&config.outbound_allow)
                .expect("an HTTP client"),
            tokens: Arc::default(),
            // Keys are read again at most once a second (30 s in service), so the key
            // rotation test need not wait.
            oidc: config.oidc.as_ref().map(|settings| {
                Arc::new(
                    cchc_app::oidc::Verifier::new(settings.clone(), &config.outbound_allow)
                        .expect("an HTTP client")
                        .with_min_refetch_interval(std::time::Duration::from_secs(1)),
                )
            }),
            config: Arc::new(config),
        };
        let stop_listening = listen_to_token_changes(&state, db.url());
        let base_url = serve(state.clone());
        let mut app = TestApp {
            base_url,
            client: reqwest::Client::new(),
            admin: String::new(),
            clock,
            state,
            db,
            files: temp,
            _stop_listening: stop_listening,
        };
        app.admin = app.token(Role::Admin, None).await;
        app
    }

    /// A second API process on the same database: its own pool, token cache and listener,
    /// the same clock and configuration.
    pub async fn another_process(&self) -> Process {
        let pool = cchc_db::build_pool_with_timeout(
            self.db.url(),
            2,
            self.state.config.db_statement_timeout,
        )
        .expect("a pool");
        let state = AppState {
            pool,
            tokens: Arc::default(),
            rate_limiter: cchc_api::limits::RateLimiter::from_config(&self.state.config),
            boards: Arc::new(cchc_app::repo::submissions::BoardCaches::new(
                self.state.config.board_cache_entries,
            )),
            versions: Arc::default(),
            ..self.state.clone()
        };
        let stop_listening = listen_to_token_changes(&state, self.db.url());
        Process {
            base_url: serve(state.clone()),
            state,
            _stop_listening: stop_listening,
        }
    }

    /// Creates a real token through the shared layer and returns its secret.
    pub async fn token(&self, role: Role, unit: Option<&str>) -> String {
        let mut conn = self.state.pool.get().await.expect("connection");
        tokens::create(
            &mut conn,
            &CreateToken {
                name: format!("test {role}"),
                role,
                unit_code: unit.map(str::to_owned),
                expires_at: None,
            },
            &cchc_app::authz::system("test harness"),
            &Actor::system("test harness"),
            Utc::now(),
        )
        .await
        .expect("token")
        .secret
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Answer {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base_url));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Answer::new(status, headers, body)
    }

    /// Sends a prepared request and reads its answer.
    pub async fn send(request: reqwest::RequestBuilder) -> Answer {
        let response = request.send().await.expect("request");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Answer::new(status, headers, body)
    }

    /// The directory the app stores files in.
    pub fn files_dir(&self) -> std::path::PathBuf {
        self.files.path().join("files")
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.request(Method::GET, path, Some(&self.admin), None)
            .await
    }

    pub async fn get_as(&self, token: &str, path: &str) -> Answer {
        self.request(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.request(Method::POST, path, Some(&self.admin), Some(&body))
            .await
    }

    pub async fn post_as(&self, token: &str, path: &str, body: Value) -> Answer {
        self.request(Method::POST, path, Some(token), Some(&body))
            .await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Answer {
        self.request(Method::PATCH, path, Some(&self.admin), Some(&body))
            .await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.request(Method::DELETE, path, Some(&self.admin), None)
            .await
    }

    /// Sends raw bytes with a given content type.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Answer {
        let response = self
            .client
            .request(method, format!("{}{path}", self.base_url))
            .bearer_auth(&self.admin)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Answer::new(status, headers, body)
    }

    /// Creates a unit (admin) and returns it.
    /// A draft of `period` started with `token` and given `values` (a PATCH with `If-Match: *`):
    /// its id.
    pub async fn draft_with(&self, token: &str, period: i64, values: Value) -> i64 {
        let id = self
            .post_as(
                token,
                &format!("/api/v1/periods/{period}/submissions"),
                serde_json::json!({}),
            )
            .await
            .expect(201)["id"]
            .as_i64()
            .unwrap();
        Self::send(
            self.client
                .patch(format!("{}/api/v1/submissions/{id}", self.base_url))
                .bearer_auth(token)
                .header("if-match", "*")
                .json(&serde_json::json!({ "values": values })),
        )
        .await
        .expect(200);
        id
    }

    pub async fn unit(&self, code: &str, kind: &str, parent: Option<&str>) -> Value {
        self.post(
            "/api/v1/units",
            serde_json::json!({
                "code": code,
                "name": format!("Đơn vị {code}"),
                "kind": kind,
                "parent_code": parent,
                "head": {"name": "Nguyễn Văn An", "email": format!("head.{}@example.vn", code.to_lowercase())},
                "focal_persons": [{"name": "Trần Thị Bình", "email": format!("focal.{}@example.vn", code.to_lowercase()), "phone": "0905 123 456"}]
            }),
        )
        .await
        .expect(201)
    }

    /// Creates an indicator (admin) and returns it.
    pub async fn indicator(&self, code: &str, kind: &str) -> Value {
        self.post(
            "/api/v1/indicators",
            serde_json::json!({
                "code": code,
                "name": format!("Chỉ tiêu {code}"),
                "content_area": "administrative_procedure_reform",
                "kind": kind,
            }),
        )
        .await
        .expect(201)
    }
}

/// `(field, code)` of every error of a problem, in order.
pub fn errors(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    (
                        e["field"].as_str().unwrap_or_default().to_owned(),
                        e["code"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Expected `(field, code)` pairs, for comparing with [`errors`].
pub fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(field, code)| ((*field).to_owned(), (*code).to_owned()))
        .collect()
}

/// Percent-encodes a query value (`%`, spaces, Vietnamese letters).
pub fn enc(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Codes of a list answer's items, in order.
pub fn codes(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["code"].as_str().expect("code").to_owned())
        .collect()
}

/// A minimal valid PDF: one empty A4 page, with a correct cross-reference table.
pub fn pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}
