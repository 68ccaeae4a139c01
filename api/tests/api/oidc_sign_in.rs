//! Signing in on the docs page as a person does: Swagger UI's authorization-code flow with PKCE
//! against a real provider (`oidc_provider`, with its login page), played step by step by a
//! small browser (redirects followed by hand, cookies kept), then the API called with the
//! person's access token. Also what the docs page and the discovery path answer without a
//! provider, and with one that cannot be reached.

use std::collections::BTreeMap;

use base64::Engine as _;
use reqwest::{header, StatusCode, Url};
use serde_json::{json, Value};
use sha2::Digest as _;

use crate::common::{config_of, TestApp, LOOPBACK_ALLOWED};
use crate::oidc_provider::{Provider, AUDIENCE};

const DOCS_CLIENT: &str = "cchc-docs";

/// The demo's people (`cchc-api seed-demo`) as the provider's accounts: KHTC's focal person,
/// and the Office's, who is in the Office's group.
fn demo_accounts() -> Value {
    json!({
        "audience": AUDIENCE,
        "accounts": [
            { "email": "linhhtm@sct-khanhhoa.example", "name": "Huỳnh Thị Mỹ Linh" },
            { "email": "huongntt@sct-khanhhoa.example", "name": "Nguyễn Thị Thu Hương",
              "groups": ["cchc-office"] }
        ]
    })
}

/// Enough of a browser: no automatic redirects, one cookie jar (cookies do not depend on the
/// port, so the API's and the provider's share it, as in a browser).
struct Browser {
    http: reqwest::Client,
    cookies: BTreeMap<String, String>,
}

impl Browser {
    fn new() -> Self {
        Self {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("a client"),
            cookies: BTreeMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&mut self, response: &reqwest::Response) {
        for set in response.headers().get_all(header::SET_COOKIE) {
            let set = set.to_str().expect("an ASCII cookie");
            let (pair, attributes) = set.split_once(';').unwrap_or((set, ""));
            let (name, value) = pair.split_once('=').expect("name=value");
            let attributes = attributes.to_ascii_lowercase();
            if value.is_empty() || attributes.contains("expires=thu, 01 jan 1970") {
                self.cookies.remove(name.trim());
            } else {
                self.cookies
                    .insert(name.trim().to_owned(), value.trim().to_owned());
            }
        }
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> reqwest::Response {
        let request = if self.cookies.is_empty() {
            request
        } else {
            request.header(header::COOKIE, self.cookie_header())
        };
        let response = request.send().await.expect("an answer");
        self.keep_cookies(&response);
        response
    }

    async fn get(&mut self, url: &Url) -> reqwest::Response {
        let request = self.http.get(url.clone());
        self.send(request).await
    }

    async fn post_form(&mut self, url: &Url, form: &[(&str, &str)]) -> reqwest::Response {
        let request = self.http.post(url.clone()).form(form);
        self.send(request).await
    }
}

fn location(response: &reqwest::Response) -> Url {
    assert!(
        response.status().is_redirection(),
        "a redirect, not {}",
        response.status()
    );
    let location = response.headers()[header::LOCATION].to_str().unwrap();
    response.url().join(location).expect("a URL")
}

/// Swagger UI's `initOAuth` options, from the script the docs page runs.
async fn init_oauth(browser: &mut Browser, app: &TestApp) -> Option<Value> {
    let docs = Url::parse(&format!("{}/docs/", app.base_url)).unwrap();
    let page = browser.get(&docs).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-initializer.js"), "{html}");
    let script = browser
        .get(&docs.join("swagger-initializer.js").unwrap())
        .await
        .text()
        .await
        .unwrap();
    let (_, options) = script.split_once("ui.initOAuth(")?;
    let (options, _) = options.split_once(");").expect("the end of initOAuth");
    Some(serde_json::from_str(options).expect("initOAuth's options as JSON"))
}

/// The provider's discovery document, found as Swagger UI finds it: the `oidc` scheme's
/// `openIdConnectUrl`, resolved against the document's address.
async fn discovery(browser: &mut Browser, app: &TestApp) -> Value {
    let document_url = Url::parse(&format!("{}/api-docs/openapi.json", app.base_url)).unwrap();
    let document: Value = browser.get(&document_url).await.json().await.unwrap();
    let scheme = &document["components"]["securitySchemes"]["oidc"];
    assert_eq!(scheme["type"], "openIdConnect");
    let url = document_url
        .join(scheme["openIdConnectUrl"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        url.as_str(),
        format!("{}/.well-known/openid-configuration", app.base_url)
    );
    let answer = browser.get(&url).await;
    assert_eq!(answer.status(), StatusCode::OK);
    answer.json().await.unwrap()
}

/// A PKCE pair: the verifier and its S256 challenge.
fn pkce(seed: &str) -> (String, String) {
    let base64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    // 43 characters of [A-Za-z0-9_-], as RFC 7636 asks.
    let verifier = base64.encode(sha2::Sha256::digest(seed.as_bytes()));
    let challenge = base64.encode(sha2::Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// Signs `email` in as the docs page does and answers the token endpoint's answer.
async fn sign_in(app: &TestApp, email: &str) -> Value {
    let mut browser = Browser::new();
    let options = init_oauth(&mut browser, app)
        .await
        .expect("the docs page signs people in");
    assert_eq!(options["clientId"], DOCS_CLIENT);
    assert_eq!(options["usePkceWithAuthorizationCodeGrant"], true);
    let scopes: Vec<&str> = options["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(scopes, ["openid", "email", "profile"]);
    let provider = discovery(&mut browser, app).await;
    assert!(provider["code_challenge_methods_supported"]
        .as_array()
        .unwrap()
        .contains(&json!("S256")));

    // Swagger UI's redirect page for the popup, beside the docs page.
    let redirect_uri = format!("{}/docs/oauth2-redirect.html", app.base_url);
    let redirect_page = browser.get(&Url::parse(&redirect_uri).unwrap()).await;
    assert_eq!(redirect_page.status(), StatusCode::OK);
    // Its inline script hands the code to the docs page: no content policy may forbid it.
    assert!(redirect_page
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .is_none());
    assert!(redirect_page.text().await.unwrap().contains("oauth2"));

    // The authorization request Swagger UI opens in its popup.
    let (verifier, challenge) = pkce(email);
    let mut authorize = Url::parse(provider["authorization_endpoint"].as_str().unwrap()).unwrap();
    authorize
        .query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", DOCS_CLIENT)
        .append_pair("redirect_uri", &redirect_uri)
        .append_pair("scope", &scopes.join(" "))
        .append_pair("state", "docs-state-1")
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    let login = location(&browser.get(&authorize).await);
    let form = browser.get(&login).await;
    assert_eq!(form.status(), StatusCode::OK);
    let html = form.text().await.unwrap();
    assert!(html.contains("name=\"email\""), "{html}");
    let action = login.join(&format!("{}/login", login.path())).unwrap();

    // Someone the provider does not know stays on the login page.
    let refused = browser
        .post_form(&action, &[("email", "nobody@example.vn")])
        .await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);

    // The person; then the provider's steps (login done, consent given) up to the docs page.
    let mut next = location(&browser.post_form(&action, &[("email", email)]).await);
    let mut hops = 0;
    while !next.as_str().starts_with(&redirect_uri) {
        hops += 1;
        assert!(hops < 10, "too many redirects, at {next}");
        next = location(&browser.get(&next).await);
    }
    let query: BTreeMap<String, String> = next.query_pairs().into_owned().collect();
    assert_eq!(query["state"], "docs-state-1");
    assert_eq!(query["iss"], provider["issuer"].as_str().unwrap());
    let code = &query["code"];
    assert_eq!(browser.get(&next).await.status(), StatusCode::OK);

    // Swagger UI exchanges the code with the verifier; a wrong verifier gets nothing.
    let token_endpoint = Url::parse(provider["token_endpoint"].as_str().unwrap()).unwrap();
    let exchange = |verifier: String| {
        browser.http.post(token_endpoint.clone()).form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", DOCS_CLIENT),
            ("redirect_uri", &redirect_uri),
            ("code_verifier", &verifier),
        ])
    };
    let wrong = exchange(pkce("another page").0);
    let right = exchange(verifier);
    let wrong = browser.send(wrong).await;
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    let refused: Value = wrong.json().await.unwrap();
    assert_eq!(refused["error"], "invalid_grant", "{refused}");
    let answer = browser.send(right).await;
    let status = answer.status();
    let tokens: Value = answer.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    tokens
}

#[actix_web::test]
async fn a_person_signs_in_on_the_docs_page_and_calls_the_api_as_themselves() {
    let provider = Provider::start_with(&demo_accounts());
    let app = provider
        .api_with(&[("CCHC_OIDC_DOCS_CLIENT_ID", DOCS_CLIENT)])
        .await;
    {
        let mut conn = app.state.pool.get().await.unwrap();
        cchc_app::demo::load(&mut conn, &app.state.config.default_policy)
            .await
            .unwrap();
    }
    // The provider learns the docs page's redirect URI once the API listens.
    provider
        .add_public_client(
            DOCS_CLIENT,
            &format!("{}/docs/oauth2-redirect.html", app.base_url),
        )
        .await;

    let tokens = sign_in(&app, "linhhtm@sct-khanhhoa.example").await;
    let access = tokens["access_token"].as_str().unwrap();
    let who = app.get_as(access, "/api/v1/me").await.expect(200);
    assert_eq!(who["role"], "reporter");
    assert_eq!(who["unit_code"], "KHTC");
    assert_eq!(who["name"], "Huỳnh Thị Mỹ Linh");
    assert_eq!(who["person"]["email"], "linhhtm@sct-khanhhoa.example");
    assert_eq!(who["person"]["issuer"], provider.issuer.as_str());

    // Her unit's report of Q1/2023: she starts it; the period's board is the Office's.
    let periods = app
        .get_as(access, "/api/v1/periods?q=2023-Q1")
        .await
        .expect(200);
    let period = periods["items"][0]["id"].as_i64().unwrap();
    let created = app
        .post_as(
            access,
            &format!("/api/v1/periods/{period}/submissions"),
            json!({}),
        )
        .await
        .expect(201);
    assert_eq!(created["unit_code"], "KHTC");
    let mine = app
        .get_as(access, &format!("/api/v1/periods/{period}/submissions"))
        .await
        .expect(200);
    assert!(mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["unit_code"] == "KHTC"));
    app.get_as(access, &format!("/api/v1/periods/{period}/compliance"))
        .await
        .problem(403, "forbidden");

    // The Office's person, by her group.
    let office = sign_in(&app, "huongntt@sct-khanhhoa.example").await;
    let who = app
        .get_as(office["access_token"].as_str().unwrap(), "/api/v1/me")
        .await
        .expect(200);
    assert_eq!(who["role"], "admin");
    assert_eq!(who["unit_code"], Value::Null);
}

#[actix_web::test]
async fn without_a_docs_client_or_a_provider_the_docs_page_takes_pasted_tokens_only() {
    // A provider but no docs client: no sign-in on the docs page, discovery still served.
    let provider = Provider::start();
    let app = provider.api().await;
    let mut browser = Browser::new();
    assert_eq!(init_oauth(&mut browser, &app).await, None);
    let document = discovery(&mut browser, &app).await;
    assert_eq!(document["issuer"], provider.issuer.as_str());

    // No provider: the discovery path is 404, the scheme still declared.
    let app = TestApp::spawn().await;
    assert_eq!(init_oauth(&mut browser, &app).await, None);
    app.get("/.well-known/openid-configuration")
        .await
        .problem(404, "not_found");
}

#[actix_web::test]
async fn a_provider_that_cannot_be_reached_makes_the_discovery_path_503() {
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let app = TestApp::spawn_with(config_of(&[
        LOOPBACK_ALLOWED,
        ("CCHC_OIDC_ISSUER", &issuer),
        ("CCHC_OIDC_AUDIENCE", AUDIENCE),
    ]))
    .await;
    let problem = app
        .get("/.well-known/openid-configuration")
        .await
        .problem(503, "not_ready");
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("discovery document"));
}
