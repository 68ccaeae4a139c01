//! `/`, `/api/v1` and `/api/v1/`: the address quickstart prints answers, without a token, with
//! the service, its version and links that all work.

use crate::common::TestApp;

#[actix_web::test]
async fn the_root_and_the_api_base_answer_an_index_without_a_token() {
    let app = TestApp::spawn().await;
    let root = app
        .request(reqwest::Method::GET, "/", None, None)
        .await
        .expect(200);
    assert_eq!(root["service"], "cchc");
    assert_eq!(root["version"], env!("CARGO_PKG_VERSION"));
    assert!(root["authentication"]
        .as_str()
        .unwrap()
        .contains("Authorization: Bearer"));
    for path in ["/api/v1", "/api/v1/"] {
        let index = app
            .request(reqwest::Method::GET, path, None, None)
            .await
            .expect(200);
        assert_eq!(index, root, "{path}");
    }
    // A token changes nothing, and the index is no way around the others' authentication.
    assert_eq!(app.get("/api/v1").await.expect(200), root);
    app.request(reqwest::Method::GET, "/api/v1/units", None, None)
        .await
        .problem(401, "unauthenticated");
}

#[actix_web::test]
async fn every_link_of_the_index_opens() {
    let app = TestApp::spawn().await;
    let root = app
        .request(reqwest::Method::GET, "/", None, None)
        .await
        .expect(200);
    let base = app.state.config.public_base_url.trim_end_matches('/');
    let links = root["links"].as_object().expect("links");
    let names: Vec<&str> = links.keys().map(String::as_str).collect();
    for wanted in ["docs", "openapi", "health", "readiness", "api"] {
        assert!(names.contains(&wanted), "{wanted} missing from {names:?}");
    }
    for (name, link) in links {
        let link = link.as_str().unwrap();
        let path = link
            .strip_prefix(base)
            .unwrap_or_else(|| panic!("{name}: {link} is not under {base}"));
        let answer = app
            .client
            .get(format!("{}{path}", app.base_url))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status().as_u16(), 200, "{name}: {link}");
    }
    assert_eq!(links["api"], format!("{base}/api/v1"));
    assert_eq!(links["openapi"], format!("{base}/api-docs/openapi.json"));
}
