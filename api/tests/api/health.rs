use crate::common::TestApp;

#[actix_web::test]
async fn health_and_readiness() {
    let app = TestApp::spawn().await;
    let health = app
        .request(reqwest::Method::GET, "/healthz", None, None)
        .await
        .expect(200);
    assert_eq!(health["status"], "ok");
    let ready = app
        .request(reqwest::Method::GET, "/readyz", None, None)
        .await
        .expect(200);
    assert_eq!(ready["status"], "ready");
}

#[actix_web::test]
async fn readiness_fails_while_migrations_are_pending() {
    let app = TestApp::spawn().await;
    let mut conn = app.state.pool.get().await.expect("connection");
    use diesel_async::RunQueryDsl;
    diesel::sql_query("DELETE FROM __diesel_schema_migrations WHERE version = '20261122000100'")
        .execute(&mut conn)
        .await
        .expect("forget a migration");
    let problem = app
        .request(reqwest::Method::GET, "/readyz", None, None)
        .await
        .problem(503, "not_ready");
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("20261122000100"));
}

#[actix_web::test]
async fn docs_and_spec_are_served() {
    let app = TestApp::spawn().await;
    let spec = app
        .request(reqwest::Method::GET, "/api-docs/openapi.json", None, None)
        .await
        .expect(200);
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(
        spec,
        serde_json::to_value(cchc_api::app::openapi()).unwrap()
    );
    // /docs leads to the Swagger UI page, whose assets are served locally (no CDN).
    let docs = app
        .client
        .get(format!("{}/docs", app.base_url))
        .send()
        .await
        .expect("docs");
    assert_eq!(docs.status().as_u16(), 200);
    assert!(
        docs.url().path().starts_with("/docs/"),
        "redirected to {}",
        docs.url()
    );
    let html = docs.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "the Swagger UI page: {html}");
    assert!(!html.contains("https://"), "no external assets: {html}");
    let initializer = app
        .client
        .get(format!("{}/docs/swagger-initializer.js", app.base_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        initializer.contains("/api-docs/openapi.json"),
        "{initializer}"
    );
    let bundle = app
        .client
        .get(format!("{}/docs/swagger-ui-bundle.js", app.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(bundle.status().as_u16(), 200);
}

#[actix_web::test]
async fn unknown_routes_are_problem_404s() {
    let app = TestApp::spawn().await;
    app.get("/api/v1/nothing-here")
        .await
        .problem(404, "not_found");
    app.get("/api/v1/units/not-a-number")
        .await
        .problem(404, "not_found");
}

#[actix_web::test]
async fn a_known_path_with_another_method_is_405_with_allow() {
    let app = TestApp::spawn().await;
    let answer = app
        .request(
            reqwest::Method::PUT,
            "/api/v1/units/1",
            Some(&app.admin),
            None,
        )
        .await;
    assert_eq!(
        answer.headers.get("allow").and_then(|v| v.to_str().ok()),
        Some("GET, PATCH")
    );
    let problem = answer.problem(405, "method_not_allowed");
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .starts_with("PUT is not allowed"));
    let answer = app
        .request(
            reqwest::Method::DELETE,
            "/api/v1/units",
            Some(&app.admin),
            None,
        )
        .await;
    assert_eq!(
        answer.headers.get("allow").and_then(|v| v.to_str().ok()),
        Some("GET, POST")
    );
    answer.problem(405, "method_not_allowed");
    app.request(
        reqwest::Method::PUT,
        "/api/v1/units/1/extra",
        Some(&app.admin),
        None,
    )
    .await
    .problem(404, "not_found");
}

#[actix_web::test]
async fn cors_admits_only_configured_origins() {
    let mut config = cchc_app::config::Config::from_lookup(|_| None).unwrap();
    config.cors_allowed_origins = vec!["https://congdvc.example.vn".into()];
    let app = TestApp::spawn_with(config).await;
    let preflight = |origin: &'static str| {
        app.client
            .request(
                reqwest::Method::OPTIONS,
                format!("{}/api/v1/units", app.base_url),
            )
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, content-type",
            )
            .send()
    };
    let allowed = preflight("https://congdvc.example.vn").await.unwrap();
    assert_eq!(allowed.status().as_u16(), 200);
    assert_eq!(
        allowed
            .headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some("https://congdvc.example.vn")
    );
    let get = app
        .client
        .get(format!("{}/api/v1/me", app.base_url))
        .bearer_auth(&app.admin)
        .header("origin", "https://congdvc.example.vn")
        .send()
        .await
        .unwrap();
    assert_eq!(get.status().as_u16(), 200);
    assert!(get.headers().get("access-control-allow-origin").is_some());

    let other = app
        .client
        .get(format!("{}/api/v1/me", app.base_url))
        .bearer_auth(&app.admin)
        .header("origin", "https://evil.example.com")
        .send()
        .await
        .unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

/// Every answer, error or not, carries the browser-hardening headers; the Swagger UI is spared
/// the content policy that would stop its scripts.
#[actix_web::test]
async fn answers_carry_security_headers() {
    let app = TestApp::spawn().await;
    let header = |answer: &crate::common::Answer, name: &str| {
        answer
            .headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let units = app.get("/api/v1/units").await;
    let anonymous = app
        .request(reqwest::Method::GET, "/api/v1/units", None, None)
        .await;
    let missing = app.get("/api/v1/nothing-here").await;
    for answer in [&units, &anonymous, &missing] {
        assert_eq!(header(answer, "x-content-type-options"), "nosniff");
        assert_eq!(header(answer, "x-frame-options"), "DENY");
        assert_eq!(header(answer, "referrer-policy"), "no-referrer");
        assert_eq!(
            header(answer, "content-security-policy"),
            "default-src 'none'; frame-ancestors 'none'"
        );
        assert_eq!(header(answer, "cache-control"), "no-store");
    }
    assert_eq!(anonymous.status.as_u16(), 401);
    assert_eq!(missing.status.as_u16(), 404);

    let docs = app
        .request(reqwest::Method::GET, "/docs/", None, None)
        .await;
    assert_eq!(docs.status.as_u16(), 200);
    assert_eq!(header(&docs, "x-content-type-options"), "nosniff");
    assert_eq!(header(&docs, "content-security-policy"), "");
}

/// The docs page's stylesheet sets code blocks in a font that renders Vietnamese, and the
/// font it bundles is served from the same place (no CDN).
#[actix_web::test]
async fn docs_set_code_in_a_font_that_renders_vietnamese() {
    let app = TestApp::spawn().await;
    let get = |path: &'static str| app.client.get(format!("{}{path}", app.base_url)).send();
    let html = get("/docs/").await.unwrap().text().await.unwrap();
    assert!(html.contains(r#"href="index.css""#), "{html}");
    let css = get("/docs/index.css").await.unwrap();
    assert_eq!(css.status().as_u16(), 200);
    assert!(css.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    let css = css.text().await.unwrap();
    assert!(
        css.contains("background: #fafafa"),
        "the UI's own rules kept"
    );
    assert!(css.contains(r#"font-family: "cchc-mono", "Cousine", "Noto Sans Mono""#));
    assert!(css.contains(".swagger-ui .opblock-body pre.microlight"));
    for font in ["cousine-regular", "cousine-bold"] {
        assert!(css.contains(&format!("url(\"fonts/{font}.woff2\")")));
        let answer = app
            .client
            .get(format!("{}/docs/fonts/{font}.woff2", app.base_url))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status().as_u16(), 200);
        assert_eq!(answer.headers()["content-type"], "font/woff2");
        assert!(answer.bytes().await.unwrap().starts_with(b"wOF2"));
    }
}
