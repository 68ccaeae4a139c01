//! Bad input through the real stack: every kind of malformed request gets a precise 4xx
//! problem, never a 500, and nothing is half-written.

use cchc_app::config::Config;
use cchc_domain::model::token::Role;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{Answer, TestApp};

fn unit_body() -> Value {
    json!({
        "code": "KHTC",
        "name": "Phòng Kế hoạch – Tài chính",
        "kind": "division",
        "head": {"name": "Nguyễn Văn An", "email": "annv@example.vn"},
        "focal_persons": [{"name": "Trần Thị Bình", "email": "binhtt@example.vn", "phone": "0905 123 456"}],
    })
}

fn bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

/// The one field error of a 400 problem: `(field, code)`.
#[track_caller]
fn only_error(problem: &Value) -> (String, String) {
    let errors = problem["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "one error expected: {problem:#}");
    (
        errors[0]["field"].as_str().unwrap().to_owned(),
        errors[0]["code"].as_str().unwrap().to_owned(),
    )
}

fn pair(field: &str, code: &str) -> (String, String) {
    (field.to_owned(), code.to_owned())
}

/// Asserts the full RFC 9457 shape of a problem answer.
#[track_caller]
fn assert_problem_shape(answer: Answer, status: u16, code: &str) -> Value {
    let content_type = answer
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = answer.problem(status, code);
    assert_eq!(content_type, "application/problem+json");
    assert_eq!(body["type"], format!("urn:cchc:problem:{code}"));
    assert_eq!(body["status"], status);
    assert_eq!(body["code"], code);
    let title = body["title"].as_str().expect("title");
    assert_eq!(
        title,
        reqwest::StatusCode::from_u16(status)
            .unwrap()
            .canonical_reason()
            .unwrap()
    );
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| !d.trim().is_empty()),
        "detail: {body:#}"
    );
    body
}

/// Sends a JSON body with `Transfer-Encoding: chunked` (no Content-Length) over a raw socket;
/// returns the status and the response body.
async fn send_chunked(app: &TestApp, path: &str, body: Vec<u8>) -> (u16, String) {
    use std::io::{Read, Write};
    let address = app.base_url.trim_start_matches("http://").to_owned();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        app.admin
    );
    let response = actix_web::rt::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(&address).unwrap();
        let mut request = head.into_bytes();
        for chunk in body.chunks(100) {
            request.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            request.extend_from_slice(chunk);
            request.extend_from_slice(b"\r\n");
        }
        request.extend_from_slice(b"0\r\n\r\n");
        // The server may answer and close before reading everything; the answer is what counts.
        let _ = stream.write_all(&request);
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        String::from_utf8_lossy(&response).into_owned()
    })
    .await
    .unwrap();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {response:?}"));
    let (headers, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    assert!(
        headers
            .to_ascii_lowercase()
            .contains("content-type: application/problem+json")
            || status < 400,
        "{headers}"
    );
    (status, body.to_owned())
}

async fn unit_total(app: &TestApp) -> i64 {
    app.get("/api/v1/units").await.expect(200)["total"]
        .as_i64()
        .unwrap()
}

#[actix_web::test]
async fn unknown_fields_are_named() {
    let app = TestApp::spawn().await;
    let mut body = unit_body();
    body["nickname"] = json!("Phòng KH");
    let problem = app
        .post("/api/v1/units", body)
        .await
        .problem(400, "invalid_body");
    assert_eq!(only_error(&problem), pair("nickname", "unknown_field"));
    assert!(problem["detail"].as_str().unwrap().contains("nickname"));

    let mut body = unit_body();
    body["head"]["nickname"] = json!("Anh An");
    let problem = app
        .post("/api/v1/units", body)
        .await
        .problem(400, "invalid_body");
    assert_eq!(only_error(&problem), pair("head.nickname", "unknown_field"));

    let mut body = unit_body();
    body["focal_persons"][0]["zalo"] = json!("0905123456");
    let problem = app
        .post("/api/v1/units", body)
        .await
        .problem(400, "invalid_body");
    assert_eq!(
        only_error(&problem),
        pair("focal_persons[0].zalo", "unknown_field")
    );
    assert_eq!(unit_total(&app).await, 0);

    let unit = app.unit("VP", "office", None).await;
    let path = format!("/api/v1/units/{}", unit["id"]);
    let problem = app
        .patch(&path, json!({"name": "Văn phòng", "code": "VP2"}))
        .await
        .problem(400, "invalid_body");
    assert_eq!(only_error(&problem), pair("code", "unknown_field"));
    let problem = app
        .patch(
            &path,
            json!({"head": {"name": "A", "email": "a@example.vn", "age": 40}}),
        )
        .await
        .problem(400, "invalid_body");
    assert_eq!(only_error(&problem), pair("head.age", "unknown_field"));
    assert_eq!(app.get(&path).await.expect(200)["name"], "Đơn vị VP");

    let problem = app
        .post(
            "/api/v1/indicators",
            json!({"code": "A", "name": "A", "content_area": "inspection", "kind": "count", "target": {"comparator": "gte", "threshold": 1, "unit": "%"}}),
        )
        .await
        .problem(400, "invalid_body");
    assert_eq!(only_error(&problem), pair("target.unit", "unknown_field"));
}

#[actix_web::test]
async fn wrong_types_are_named() {
    let app = TestApp::spawn().await;
    let mut body = unit_body();
    body["active"] = json!("yes");
    let problem = app
        .post("/api/v1/units", body)
        .await
        .problem(400, "invalid_body");
    assert_eq!(only_error(&problem), pair("active", "invalid_type"));
    assert!(problem["detail"].as_str().unwrap().starts_with("active"));

    let mut body = unit_body();
    body["kind"] = json!("castle");
    let problem = app
        .post("/api/v1/units", body)
        .await
        .problem(400, "invalid_body");
    assert_eq!(only_error(&problem), pair("kind", "invalid_value"));

    let mut body = unit_body();
    body["focal_persons"] = json!({"name": "not a list"});
    let problem = app
        .post("/api/v1/units", body)
        .await
        .problem(400, "invalid_body");
    assert_eq!(only_error(&problem), pair("focal_persons", "invalid_type"));

    let mut body = unit_body();
    body["focal_persons"][0]["phone"] = json!(905123456);
    let problem = app
        .post("/api/v1/units", body)
        .await
        .problem(400, "invalid_body");
    assert_eq!(
        only_error(&problem),
        pair("focal_persons[0].phone", "invalid_type")
    );
    assert_eq!(unit_total(&app).await, 0);

    let unit = app.unit("VP", "office", None).await;
    let path = format!("/api/v1/units/{}", unit["id"]);
    let problem = app
        .patch(&path, json!({"active": "yes"}))
        .await
        .problem(400, "invalid_body");
    assert_eq!(only_error(&problem), pair("active", "invalid_type"));
    let problem = app
        .patch(&path, json!({"name": 42}))
        .await
        .problem(400, "invalid_body");
    assert_eq!(only_error(&problem), pair("name", "invalid_type"));
    assert_eq!(app.get(&path).await.expect(200)["active"], true);

    let problem = app
        .post(
            "/api/v1/indicators",
            json!({"code": "A", "name": "A", "content_area": "inspection", "kind": "ratio", "tolerance": "nhiều"}),
        )
        .await
        .problem(400, "invalid_body");
    assert_eq!(only_error(&problem).0, "tolerance");

    // A body that is JSON but not an object.
    let problem = app
        .post("/api/v1/units", json!(["KHTC"]))
        .await
        .problem(400, "invalid_body");
    assert_eq!(only_error(&problem).1, "invalid_type");
}

#[actix_web::test]
async fn missing_required_fields_are_named() {
    let app = TestApp::spawn().await;
    for field in ["code", "name", "kind"] {
        let mut body = unit_body();
        body.as_object_mut().unwrap().remove(field);
        let problem = app
            .post("/api/v1/units", body)
            .await
            .problem(400, "invalid_body");
        assert_eq!(only_error(&problem), pair(field, "required"), "{field}");
    }
    let mut body = unit_body();
    body["head"].as_object_mut().unwrap().remove("email");
    let problem = app
        .post("/api/v1/units", body)
        .await
        .problem(400, "invalid_body");
    assert_eq!(only_error(&problem), pair("head.email", "required"));

    let mut body = unit_body();
    body["focal_persons"][0]
        .as_object_mut()
        .unwrap()
        .remove("name");
    let problem = app
        .post("/api/v1/units", body)
        .await
        .problem(400, "invalid_body");
    assert_eq!(
        only_error(&problem),
        pair("focal_persons[0].name", "required")
    );

    let problem = app
        .post(
            "/api/v1/indicators",
            json!({"code": "A", "name": "A", "kind": "count"}),
        )
        .await
        .problem(400, "invalid_body");
    assert_eq!(only_error(&problem), pair("content_area", "required"));
    assert_eq!(unit_total(&app).await, 0);
}

#[actix_web::test]
async fn malformed_empty_and_trailing_bodies_are_400() {
    let app = TestApp::spawn().await;
    let cases: [(&str, Vec<u8>); 5] = [
        ("malformed", b"{\"code\": \"KHTC\", \"name\": }".to_vec()),
        ("truncated", b"{\"code\": \"KHTC\"".to_vec()),
        ("not json at all", b"code=KHTC&name=x".to_vec()),
        ("empty", Vec::new()),
        ("trailing garbage", {
            let mut body = bytes(&unit_body());
            body.extend_from_slice(b" garbage");
            body
        }),
    ];
    for (case, body) in cases {
        let answer = app
            .raw(Method::POST, "/api/v1/units", "application/json", body)
            .await;
        let problem = assert_problem_shape(answer, 400, "invalid_json");
        assert!(
            problem.get("errors").is_none(),
            "{case}: no field errors for unparseable JSON: {problem:#}"
        );
    }
    // A second JSON document after the first is garbage too.
    let mut twice = bytes(&unit_body());
    twice.extend_from_slice(&bytes(&unit_body()));
    let answer = app
        .raw(Method::POST, "/api/v1/units", "application/json", twice)
        .await;
    assert_problem_shape(answer, 400, "invalid_json");
    // Whitespace around the document is fine.
    let mut padded = b"\n  ".to_vec();
    padded.extend_from_slice(&bytes(&unit_body()));
    padded.extend_from_slice(b" \r\n");
    app.raw(Method::POST, "/api/v1/units", "application/json", padded)
        .await
        .expect(201);
    assert_eq!(unit_total(&app).await, 1);

    let unit_path = "/api/v1/units/1";
    let answer = app
        .raw(
            Method::PATCH,
            unit_path,
            "application/json",
            b"{\"name\": ".to_vec(),
        )
        .await;
    assert_problem_shape(answer, 400, "invalid_json");
    let answer = app
        .raw(Method::PATCH, unit_path, "application/json", Vec::new())
        .await;
    assert_problem_shape(answer, 400, "invalid_json");
}

#[actix_web::test]
async fn only_json_content_types_are_accepted() {
    let app = TestApp::spawn().await;
    let body = bytes(&unit_body());
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/xml",
        "text/json",
    ] {
        let answer = app
            .raw(Method::POST, "/api/v1/units", content_type, body.clone())
            .await;
        assert_problem_shape(answer, 415, "unsupported_media_type");
    }
    // No content type at all.
    let response = app
        .client
        .post(format!("{}/api/v1/units", app.base_url))
        .bearer_auth(&app.admin)
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 415);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    assert_eq!(unit_total(&app).await, 0);

    // JSON with parameters and the +json family are JSON.
    app.raw(
        Method::POST,
        "/api/v1/units",
        "Application/JSON; charset=utf-8",
        body,
    )
    .await
    .expect(201);
    app.raw(
        Method::PATCH,
        "/api/v1/units/1",
        "application/merge-patch+json",
        bytes(&json!({"name": "Phòng KH-TC"})),
    )
    .await
    .expect(200);
    assert_eq!(
        app.get("/api/v1/units/1").await.expect(200)["name"],
        "Phòng KH-TC"
    );
}

#[actix_web::test]
async fn bodies_over_the_limit_are_413() {
    let mut config = Config::from_lookup(|_| None).unwrap();
    config.max_body_bytes = 512;
    let app = TestApp::spawn_with(config).await;

    let mut big = unit_body();
    big["name"] = json!("Phòng ".repeat(100));
    let payload = bytes(&big);
    assert!(payload.len() > 512);
    let answer = app
        .raw(Method::POST, "/api/v1/units", "application/json", payload)
        .await;
    let problem = assert_problem_shape(answer, 413, "payload_too_large");
    assert!(problem["detail"].as_str().unwrap().contains("512"));

    // Also when the size is not declared up front (chunked transfer).
    let mut chunked = bytes(&unit_body());
    chunked.extend(std::iter::repeat_n(b' ', 600));
    let (status, body) = send_chunked(&app, "/api/v1/units", chunked).await;
    assert_eq!(status, 413, "{body}");
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["code"], "payload_too_large");
    assert_eq!(unit_total(&app).await, 0);

    // Just under the limit is fine.
    let small = bytes(&unit_body());
    assert!(small.len() <= 512);
    app.raw(Method::POST, "/api/v1/units", "application/json", small)
        .await
        .expect(201);
    assert_eq!(unit_total(&app).await, 1);
}

#[actix_web::test]
async fn invalid_query_parameters_are_named() {
    let app = TestApp::spawn().await;
    for (path, field, code) in [
        ("/api/v1/units?per_page=abc", "per_page", "invalid_type"),
        ("/api/v1/units?page=1.5", "page", "invalid_type"),
        ("/api/v1/units?page=-", "page", "invalid_type"),
        (
            "/api/v1/units?per_page=99999999999999999999",
            "per_page",
            "invalid_type",
        ),
        ("/api/v1/units?active=maybe", "active", "invalid_type"),
        ("/api/v1/units?active=1", "active", "invalid_type"),
        ("/api/v1/units?kind=castle", "kind", "invalid_value"),
        ("/api/v1/indicators?kind=castle", "kind", "invalid_value"),
        ("/api/v1/indicators?active=maybe", "active", "invalid_type"),
        (
            "/api/v1/indicators?per_page=abc",
            "per_page",
            "invalid_type",
        ),
        (
            "/api/v1/indicators?content_area=x",
            "content_area",
            "invalid_value",
        ),
        (
            "/api/v1/indicators/1/versions?page=abc",
            "page",
            "invalid_type",
        ),
    ] {
        let problem = assert_problem_shape(app.get(path).await, 400, "invalid_query");
        assert_eq!(only_error(&problem), pair(field, code), "{path}");
        assert!(
            problem["detail"].as_str().unwrap().contains(field),
            "{path}: {problem:#}"
        );
    }
}

#[actix_web::test]
async fn out_of_range_pagination_is_422() {
    let app = TestApp::spawn().await;
    app.indicator("A", "count").await;
    for (query, fields) in [
        ("per_page=0", vec!["per_page"]),
        ("page=0", vec!["page"]),
        ("page=-3", vec!["page"]),
        ("per_page=201", vec!["per_page"]),
        ("page=0&per_page=0", vec!["page", "per_page"]),
    ] {
        for list in [
            "/api/v1/units",
            "/api/v1/indicators",
            "/api/v1/indicators/1/versions",
        ] {
            let path = format!("{list}?{query}");
            let problem = assert_problem_shape(app.get(&path).await, 422, "validation_failed");
            assert_eq!(Answer::fields(&problem), fields, "{path}");
            assert!(problem["errors"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["code"] == "out_of_range"));
        }
    }
    // Far beyond the last page is an empty page, not an error.
    let far = app
        .get("/api/v1/units?page=9223372036854775807&per_page=200")
        .await
        .expect(200);
    assert_eq!(far["items"], json!([]));
    assert_eq!(far["total"], 0);
}

#[actix_web::test]
async fn every_error_is_a_problem_document() {
    let app = TestApp::spawn().await;
    app.unit("KHTC", "division", None).await;
    let viewer = app.token(Role::Viewer, None).await;

    let unauthenticated = app.request(Method::GET, "/api/v1/units", None, None).await;
    assert_problem_shape(unauthenticated, 401, "unauthenticated");
    let forbidden = app.post_as(&viewer, "/api/v1/units", unit_body()).await;
    assert_problem_shape(forbidden, 403, "forbidden");
    assert_problem_shape(app.get("/api/v1/units/424242").await, 404, "not_found");
    assert_problem_shape(app.get("/api/v1/no-such-route").await, 404, "not_found");
    assert_problem_shape(
        app.post("/api/v1/units", unit_body()).await,
        409,
        "duplicate_code",
    );
    let invalid = assert_problem_shape(
        app.post(
            "/api/v1/units",
            json!({"code": "x y", "name": "", "kind": "office"}),
        )
        .await,
        422,
        "validation_failed",
    );
    assert_eq!(Answer::fields(&invalid), ["code", "name"]);
    assert_problem_shape(
        app.post("/api/v1/units", json!({"code": "A"})).await,
        400,
        "invalid_body",
    );
    assert_problem_shape(
        app.raw(Method::POST, "/api/v1/units", "text/plain", b"hi".to_vec())
            .await,
        415,
        "unsupported_media_type",
    );
    assert_problem_shape(app.get("/api/v1/units?kind=x").await, 400, "invalid_query");
    // Body problems are reported only after authentication and the role check.
    let forbidden = app
        .request(
            Method::POST,
            "/api/v1/units",
            Some(&viewer),
            Some(&json!({"nickname": 1})),
        )
        .await;
    assert_problem_shape(forbidden, 403, "forbidden");
}

#[actix_web::test]
async fn rejected_writes_leave_nothing_behind() {
    let app = TestApp::spawn().await;
    app.unit("SCT", "department", None).await;
    assert_eq!(unit_total(&app).await, 1);

    // A valid unit with one bad focal person.
    let mut body = unit_body();
    body["parent_code"] = json!("SCT");
    body["focal_persons"] = json!([
        {"name": "Trần Thị Bình", "email": "binhtt@example.vn"},
        {"name": "Lê Văn Cường", "email": "cuong-at-example.vn"}
    ]);
    let problem = app
        .post("/api/v1/units", body)
        .await
        .problem(422, "validation_failed");
    assert_eq!(Answer::fields(&problem), ["focal_persons[1].email"]);
    assert_eq!(unit_total(&app).await, 1);

    // A valid unit under a parent that does not exist.
    let mut body = unit_body();
    body["parent_code"] = json!("KHONG-CO");
    app.post("/api/v1/units", body)
        .await
        .problem(422, "validation_failed");
    assert_eq!(unit_total(&app).await, 1);
    let search = app.get("/api/v1/units?q=KHTC").await.expect(200);
    assert_eq!(search["total"], 0);

    // The same code then goes through, so no row was left holding it.
    let mut body = unit_body();
    body["parent_code"] = json!("SCT");
    let created = app.post("/api/v1/units", body).await.expect(201);
    assert_eq!(created["focal_persons"].as_array().unwrap().len(), 1);
    assert_eq!(unit_total(&app).await, 2);

    // A rejected PATCH changes none of the fields it carried.
    let path = format!("/api/v1/units/{}", created["id"]);
    let problem = app
        .patch(
            &path,
            json!({"name": "Tên mới", "active": false, "head": null, "focal_persons": [{"name": "X", "email": "bad"}]}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(Answer::fields(&problem), ["focal_persons[0].email"]);
    let after = app.get(&path).await.expect(200);
    assert_eq!(after, created);

    // Indicators: a bad target leaves no indicator and no version.
    app.post(
        "/api/v1/indicators",
        json!({"code": "TTHC.01", "name": "Tỷ lệ", "content_area": "inspection", "kind": "ratio", "target": {"comparator": "gte", "threshold": 150}}),
    )
    .await
    .problem(422, "validation_failed");
    assert_eq!(app.get("/api/v1/indicators").await.expect(200)["total"], 0);
    app.indicator("TTHC.01", "ratio").await;
}

#[actix_web::test]
async fn awkward_text_never_causes_a_500() {
    let app = TestApp::spawn().await;
    // NUL characters cannot be stored in PostgreSQL text: they are refused before the database.
    let mut body = unit_body();
    body["name"] = json!("Phòng\u{0}Kế hoạch");
    let problem = assert_problem_shape(app.post("/api/v1/units", body).await, 400, "invalid_body");
    assert!(problem["detail"].as_str().unwrap().contains("NUL"));
    let mut body = unit_body();
    body["focal_persons"][0]["name"] = json!("Trần\u{0}Bình");
    assert_problem_shape(app.post("/api/v1/units", body).await, 400, "invalid_body");
    let unit = app.unit("VP", "office", None).await;
    assert_problem_shape(
        app.patch(
            &format!("/api/v1/units/{}", unit["id"]),
            json!({"head": {"name": "A\u{0}", "email": "a@example.vn"}}),
        )
        .await,
        400,
        "invalid_body",
    );
    assert_problem_shape(
        app.post(
            "/api/v1/indicators",
            json!({"code": "A", "name": "Chỉ\u{0}tiêu", "content_area": "inspection", "kind": "count"}),
        )
        .await,
        400,
        "invalid_body",
    );
    assert_eq!(app.get("/api/v1/indicators").await.expect(200)["total"], 0);
    assert_eq!(
        app.get(&format!("/api/v1/units/{}", unit["id"]))
            .await
            .expect(200)["head"],
        unit["head"]
    );
    // A NUL in a query parameter is a client error naming the parameter.
    for path in [
        "/api/v1/units?q=a%00b",
        "/api/v1/indicators?q=%00",
        "/api/v1/units?under=VP%00",
    ] {
        let problem = assert_problem_shape(app.get(path).await, 400, "invalid_query");
        let field = path.split('?').nth(1).unwrap().split('=').next().unwrap();
        assert_eq!(
            only_error(&problem),
            pair(field, "invalid_character"),
            "{path}"
        );
    }
    // Long, odd but valid text is fine.
    let mut body = unit_body();
    body["name"] = json!("Đ".repeat(300));
    body["code"] = json!("A".repeat(32));
    let created = app.post("/api/v1/units", body).await.expect(201);
    assert_eq!(created["name"].as_str().unwrap().chars().count(), 300);
    let mut body = unit_body();
    body["name"] = json!("Đ".repeat(301));
    body["code"] = json!("B");
    let problem = app
        .post("/api/v1/units", body)
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["code"], "too_long");
    let search = app
        .get("/api/v1/units?q=%27%3B%20DROP%20TABLE%20units%3B--")
        .await
        .expect(200);
    assert_eq!(search["total"], 0);
    assert_eq!(unit_total(&app).await, 2);
}

#[actix_web::test]
async fn a_literal_backslash_u0000_is_ordinary_text() {
    let app = TestApp::spawn().await;
    // The JSON text `C:\\u0000` is a backslash followed by "u0000", not a NUL.
    let mut body = unit_body();
    body["name"] = json!(r"Thư mục C:\u0000\Báo cáo");
    assert!(String::from_utf8(bytes(&body))
        .unwrap()
        .contains(r"C:\\u0000"));
    let created = app.post("/api/v1/units", body).await.expect(201);
    assert_eq!(created["name"], r"Thư mục C:\u0000\Báo cáo");
    let fetched = app
        .get(&format!("/api/v1/units/{}", created["id"]))
        .await
        .expect(200);
    assert_eq!(fetched["name"], r"Thư mục C:\u0000\Báo cáo");
    let found = app
        .get(&format!(
            "/api/v1/units?q={}",
            form_urlencoded::byte_serialize(r"\u0000".as_bytes()).collect::<String>()
        ))
        .await
        .expect(200);
    assert_eq!(found["total"], 1);
}
