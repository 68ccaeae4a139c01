//! Files of a submission through the HTTP API, with real file bytes: types decided by content
//! per purpose, the size limit while reading, names and checksums, downloads, who sees and
//! changes what, the submission's ETag, evidence citations linking files, and failures of the
//! file store or of the row write.
//!
//! Fixture: units KHTC and QLTM of the department SCT take part in the open period 2026-Q4
//! (indicators TL-DUNGHAN, a ratio, and SL-VANBAN, a count); each unit's reporter has a draft.

use std::io::{Cursor, Write};

use cchc_app::config::Config;
use cchc_domain::model::token::Role;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::common::{errors, pairs, pdf, Answer, Files, TestApp};

const DEADLINE: &str = "2026-12-15T16:30:00+07:00";

const PNG: &[u8] = include_bytes!("../fixtures/stamp.png");
const JPEG: &[u8] = include_bytes!("../fixtures/stamp.jpg");

const DOCX_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A PDF of exactly `size` bytes (padded with a comment before the end).
fn pdf_of_size(size: usize) -> Vec<u8> {
    let mut bytes = pdf();
    assert!(size > bytes.len() + 2);
    bytes.push(b'%');
    bytes.resize(size - 1, b'x');
    bytes.push(b'\n');
    bytes
}

pub(crate) fn zip_of(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in entries {
        writer
            .start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(content.as_bytes()).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// A minimal DOCX that Word opens: content types, package relationships, one paragraph.
fn docx() -> Vec<u8> {
    zip_of(&[
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
        ),
        (
            "word/document.xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Báo cáo kết quả cải cách hành chính Quý IV năm 2026</w:t></w:r></w:p></w:body></w:document>"#,
        ),
    ])
}

/// A real XLSX workbook.
fn xlsx() -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "Chỉ tiêu").unwrap();
    sheet.write_string(0, 1, "Số liệu").unwrap();
    sheet
        .write_string(1, 0, "Tỷ lệ hồ sơ giải quyết đúng hạn")
        .unwrap();
    sheet.write_number(1, 1, 95.0).unwrap();
    workbook.save_to_buffer().unwrap()
}

/// A Word 97–2003 or Excel 97–2003 file: a compound file with the application's stream.
fn compound(stream: &str) -> Vec<u8> {
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    file.create_stream(stream)
        .unwrap()
        .write_all(&[0u8; 4096])
        .unwrap();
    file.flush().unwrap();
    file.into_inner().into_inner()
}

/// The start of a Windows program.
fn exe() -> Vec<u8> {
    let mut bytes = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF".to_vec();
    bytes.resize(0x3C, 0);
    bytes.extend_from_slice(&0x80u32.to_le_bytes());
    bytes.resize(0x80, 0);
    bytes.extend_from_slice(b"PE\0\0");
    bytes.resize(512, 0);
    bytes
}

fn sha256(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// One part of a form.
fn file_part(filename: &str, bytes: Vec<u8>, declared_type: &str) -> Part {
    Part::bytes(bytes)
        .file_name(filename.to_owned())
        .mime_str(declared_type)
        .unwrap()
}

async fn post_form(app: &TestApp, token: &str, submission: i64, form: Form) -> Answer {
    TestApp::send(
        app.client
            .post(format!(
                "{}/api/v1/submissions/{submission}/attachments",
                app.base_url
            ))
            .bearer_auth(token)
            .multipart(form),
    )
    .await
}

/// Uploads `bytes` as `filename` for `purpose`, declared as a generic binary.
pub(crate) async fn upload(
    app: &TestApp,
    token: &str,
    submission: i64,
    purpose: &str,
    filename: &str,
    bytes: Vec<u8>,
) -> Answer {
    let form = Form::new().text("purpose", purpose.to_owned()).part(
        "file",
        file_part(filename, bytes, "application/octet-stream"),
    );
    post_form(app, token, submission, form).await
}

/// A download: status, headers and the raw bytes.
async fn download(
    app: &TestApp,
    token: &str,
    path: &str,
    if_none_match: Option<&str>,
) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let mut request = app
        .client
        .get(format!("{}{path}", app.base_url))
        .bearer_auth(token);
    if let Some(tag) = if_none_match {
        request = request.header("if-none-match", tag);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("body").to_vec();
    (status, headers, bytes)
}

fn header<'a>(headers: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
}

/// Regular files under the app's store.
pub(crate) fn stored_objects(app: &TestApp) -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, found);
            } else {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(&app.files_dir(), &mut found);
    found
}

pub(crate) async fn attachment_rows(app: &TestApp) -> i64 {
    diesel::table! { submission_attachments (id) { id -> Int8, } }
    let mut conn = app.state.pool.get().await.unwrap();
    submission_attachments::table
        .count()
        .get_result(&mut *conn)
        .await
        .unwrap()
}

/// The period, its units and each unit's draft.
pub(crate) struct Scene {
    period: i64,
    pub(crate) khtc: Unit,
    qltm: Unit,
}

pub(crate) struct Unit {
    pub(crate) token: String,
    pub(crate) submission: i64,
}

pub(crate) async fn scene(app: &TestApp) -> Scene {
    app.unit("SCT", "department", None).await;
    app.unit("KHTC", "division", Some("SCT")).await;
    app.unit("QLTM", "division", Some("SCT")).await;
    app.indicator("TL-DUNGHAN", "ratio").await;
    app.indicator("SL-VANBAN", "count").await;
    let period = app
        .post(
            "/api/v1/periods",
            json!({
                "code": "2026-Q4",
                "title": "Báo cáo CCHC Quý IV/2026",
                "report_type": "periodic",
                "frequency": "quarterly",
                "year": 2026,
                "sequence": 4,
                "deadline": DEADLINE,
                "indicator_codes": ["TL-DUNGHAN", "SL-VANBAN"],
                "unit_codes": ["KHTC", "QLTM"],
            }),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    app.post(&format!("/api/v1/periods/{period}/open"), json!({}))
        .await
        .expect(200);
    let mut units = Vec::new();
    for code in ["KHTC", "QLTM"] {
        let token = app.token(Role::Reporter, Some(code)).await;
        let submission = app
            .post_as(
                &token,
                &format!("/api/v1/periods/{period}/submissions"),
                json!({}),
            )
            .await
            .expect(201)["id"]
            .as_i64()
            .unwrap();
        units.push(Unit { token, submission });
    }
    let qltm = units.pop().unwrap();
    let khtc = units.pop().unwrap();
    Scene { period, khtc, qltm }
}

fn etag_of(answer: &Answer) -> String {
    header(&answer.headers, "etag").to_owned()
}

async fn submission(app: &TestApp, id: i64) -> (String, Value) {
    let answer = app.get(&format!("/api/v1/submissions/{id}")).await;
    let etag = etag_of(&answer);
    (etag, answer.expect(200))
}

#[actix_web::test]
async fn each_type_is_accepted_for_its_purposes_and_refused_for_others() {
    let app = TestApp::spawn().await;
    let scene = scene(&app).await;
    let files: [(&str, Vec<u8>, &str, &[&str]); 7] = [
        ("PDF", pdf(), "application/pdf", &["narrative", "evidence"]),
        ("DOCX", docx(), DOCX_TYPE, &["narrative", "evidence"]),
        (
            "DOC",
            compound("/WordDocument"),
            "application/msword",
            &["narrative"],
        ),
        ("XLSX", xlsx(), XLSX_TYPE, &["statistics", "evidence"]),
        (
            "XLS",
            compound("/Workbook"),
            "application/vnd.ms-excel",
            &["statistics"],
        ),
        ("PNG", PNG.to_vec(), "image/png", &["evidence"]),
        ("JPEG", JPEG.to_vec(), "image/jpeg", &["evidence"]),
    ];
    // The download serves the detected type; the OpenAPI document must list each one for its
    // 200 (schemathesis' content_type_conformance found image/png documented as
    // application/octet-stream only).
    let document: Value = serde_json::from_str(&cchc_api::app::openapi_json()).unwrap();
    let documented: Vec<&str> = document
        .pointer("/paths/~1api~1v1~1attachments~1{id}~1content/get/responses/200/content")
        .and_then(Value::as_object)
        .expect("the download's 200 content")
        .keys()
        .map(String::as_str)
        .collect();
    let mut accepted = 0;
    for (label, bytes, content_type, purposes) in &files {
        for purpose in ["narrative", "statistics", "evidence"] {
            let answer = upload(
                &app,
                &scene.khtc.token,
                scene.khtc.submission,
                purpose,
                &format!("tài liệu.{}", label.to_lowercase()),
                bytes.clone(),
            )
            .await;
            if purposes.contains(&purpose) {
                let body = answer.expect(201);
                assert_eq!(body["content_type"], *content_type, "{label} as {purpose}");
                assert_eq!(body["purpose"], purpose);
                let url = body["download_url"].as_str().unwrap();
                let (status, headers, _) = download(&app, &scene.khtc.token, url, None).await;
                assert_eq!(status, StatusCode::OK);
                assert_eq!(header(&headers, "content-type"), *content_type);
                assert!(
                    documented.contains(content_type),
                    "{content_type} is not documented for the download: {documented:?}"
                );
                accepted += 1;
            } else {
                let problem = answer.problem(415, "unsupported_file_type");
                assert_eq!(
                    errors(&problem),
                    pairs(&[("file", "unsupported_file_type")]),
                    "{label} as {purpose}"
                );
                let message = problem["errors"][0]["message"].as_str().unwrap();
                assert!(
                    message.starts_with(&format!("the file's content is {label} (")),
                    "{message}"
                );
                let allowed = match purpose {
                    "narrative" => "DOCX, DOC, PDF",
                    "statistics" => "XLSX, XLS",
                    _ => "PDF, DOCX, XLSX, PNG, JPEG",
                };
                assert!(
                    message.ends_with(&format!("a {purpose} file must be {allowed}")),
                    "{message}"
                );
            }
        }
    }
    let list = app
        .get(&format!(
            "/api/v1/submissions/{}/attachments",
            scene.khtc.submission
        ))
        .await
        .expect(200);
    assert_eq!(list["total"], accepted);
    assert_eq!(accepted, 10);
    assert_eq!(stored_objects(&app).len(), 10);
}

#[actix_web::test]
async fn the_type_comes_from_the_content_not_the_name_or_declared_type() {
    let app = TestApp::spawn().await;
    let scene = scene(&app).await;
    let (token, id) = (&scene.khtc.token, scene.khtc.submission);
    let send = |filename: &'static str, bytes: Vec<u8>, declared: &'static str| {
        let form = Form::new()
            .text("purpose", "evidence")
            .part("file", file_part(filename, bytes, declared));
        post_form(&app, token, id, form)
    };
    let text = send(
        "Quyết định 125.pdf",
        "Quyết định số 125/QĐ-SCT".as_bytes().to_vec(),
        "application/pdf",
    )
    .await
    .problem(415, "unsupported_file_type");
    assert!(text["detail"].as_str().unwrap().contains("plain text"));
    let program = send("bao-cao.pdf", exe(), "application/pdf")
        .await
        .problem(415, "unsupported_file_type");
    assert!(
        program["detail"].as_str().unwrap().contains(".exe"),
        "{program:#}"
    );
    let archive = send(
        "so-lieu.docx",
        zip_of(&[("word/document.xml", "<w:document/>"), ("readme.txt", "x")]),
        DOCX_TYPE,
    )
    .await
    .problem(415, "unsupported_file_type");
    assert!(archive["detail"]
        .as_str()
        .unwrap()
        .contains("ZIP archive that is not a Word or Excel document"));
    let macro_document = send(
        "bao-cao.docx",
        zip_of(&[
            (
                "[Content_Types].xml",
                r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>"#,
            ),
            ("word/document.xml", "<w:document/>"),
        ]),
        DOCX_TYPE,
    )
    .await
    .problem(415, "unsupported_file_type");
    assert!(macro_document["detail"].as_str().unwrap().contains("DOCM"));
    assert_eq!(attachment_rows(&app).await, 0);
    assert!(stored_objects(&app).is_empty());
    // A real DOCX under a PDF name and type is recorded as what it is, keeping its name.
    let docx_named_pdf = send("bao-cao.pdf", docx(), "application/pdf")
        .await
        .expect(201);
    assert_eq!(docx_named_pdf["content_type"], DOCX_TYPE);
    assert_eq!(docx_named_pdf["filename"], "bao-cao.pdf");
}

#[actix_web::test]
async fn upload_records_the_checksum_and_download_returns_the_same_bytes() {
    let app = TestApp::spawn().await;
    let scene = scene(&app).await;
    let (token, id) = (&scene.khtc.token, scene.khtc.submission);
    let bytes = docx();
    let name = "Báo cáo CCHC Quý IV – Sở Công Thương.docx";
    let form = Form::new()
        .text("purpose", "narrative")
        .text("indicator_code", "TL-DUNGHAN")
        .part("file", file_part(name, bytes.clone(), DOCX_TYPE));
    let answer = post_form(&app, token, id, form).await;
    let location = header(&answer.headers, "location").to_owned();
    let created = answer.expect(201);
    let attachment_id = created["id"].as_i64().unwrap();
    assert_eq!(location, format!("/api/v1/attachments/{attachment_id}"));
    assert_eq!(created["submission_id"], id);
    assert_eq!(created["purpose"], "narrative");
    assert_eq!(created["filename"], name);
    assert_eq!(created["content_type"], DOCX_TYPE);
    assert_eq!(created["size_bytes"], bytes.len());
    assert_eq!(created["sha256"], sha256(&bytes));
    assert_eq!(created["indicator_code"], "TL-DUNGHAN");
    assert_eq!(created["uploaded_by"], "test reporter");
    assert_eq!(created["uploaded_at"], "2026-11-20T09:00:00+07:00");
    let download_url = format!("/api/v1/attachments/{attachment_id}/content");
    assert_eq!(created["download_url"], download_url.as_str());

    // The description, alone, in the list and in the submission.
    assert_eq!(app.get_as(token, &location).await.expect(200), created);
    let list = app
        .get_as(token, &format!("/api/v1/submissions/{id}/attachments"))
        .await
        .expect(200);
    assert_eq!(list["items"], json!([created.clone()]));
    let (_, report) = submission(&app, id).await;
    assert_eq!(report["attachments"], json!([created.clone()]));

    let (status, headers, downloaded) = download(&app, token, &download_url, None).await;
    assert_eq!(status, 200);
    assert_eq!(downloaded, bytes);
    assert_eq!(header(&headers, "content-type"), DOCX_TYPE);
    assert_eq!(
        header(&headers, "content-disposition"),
        "attachment; filename=\"Bao cao CCHC Quy IV - So Cong Thuong.docx\"; \
         filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20CCHC%20Qu%C3%BD%20IV%20%E2%80%93%20S%E1%BB%9F%20C%C3%B4ng%20Th%C6%B0%C6%A1ng.docx"
    );
    let etag = format!("\"{}\"", sha256(&bytes));
    assert_eq!(header(&headers, "etag"), etag);
    assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
    assert_eq!(header(&headers, "content-length"), bytes.len().to_string());
    let (status, headers, body) = download(&app, token, &download_url, Some(&etag)).await;
    assert_eq!(status, 304);
    assert_eq!(header(&headers, "etag"), etag);
    assert!(body.is_empty());
    let (status, _, body) = download(&app, token, &download_url, Some("\"other\"")).await;
    assert_eq!(status, 200);
    assert_eq!(body, bytes);

    // A path sent as the name keeps only the name; an image comes back byte for byte.
    let image = upload(
        &app,
        token,
        id,
        "evidence",
        r"C:\fakepath\con dấu.png",
        PNG.to_vec(),
    )
    .await
    .expect(201);
    assert_eq!(image["filename"], "con dấu.png");
    let (_, headers, body) =
        download(&app, token, image["download_url"].as_str().unwrap(), None).await;
    assert_eq!(body, PNG);
    assert_eq!(header(&headers, "content-type"), "image/png");
    assert_eq!(
        header(&headers, "content-disposition"),
        "attachment; filename=\"con dau.png\"; filename*=UTF-8''con%20d%E1%BA%A5u.png"
    );
}

#[actix_web::test]
async fn a_file_over_the_limit_is_refused_while_reading() {
    const LIMIT: usize = 8 * 1024;
    let config =
        Config::from_lookup(|name| (name == "CCHC_MAX_UPLOAD_BYTES").then(|| LIMIT.to_string()))
            .unwrap();
    let app = TestApp::spawn_with(config).await;
    let scene = scene(&app).await;
    let (token, id) = (&scene.khtc.token, scene.khtc.submission);

    let at_limit = upload(&app, token, id, "evidence", "du.pdf", pdf_of_size(LIMIT))
        .await
        .expect(201);
    assert_eq!(at_limit["size_bytes"], LIMIT);

    let problem = upload(
        &app,
        token,
        id,
        "evidence",
        "thua.pdf",
        pdf_of_size(LIMIT + 1),
    )
    .await
    .problem(413, "payload_too_large");
    assert_eq!(errors(&problem), pairs(&[("file", "too_large")]));

    // Without Content-Length (a chunked stream) the limit holds all the same.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = pdf_of_size(4 * LIMIT)
        .chunks(1024)
        .map(|c| Ok(c.to_vec()))
        .collect();
    let streamed = Part::stream(reqwest::Body::wrap_stream(futures_util::stream::iter(
        chunks,
    )))
    .file_name("luong.pdf");
    let form = Form::new()
        .text("purpose", "evidence")
        .part("file", streamed);
    post_form(&app, token, id, form)
        .await
        .problem(413, "payload_too_large");

    // A declared length far over the limit is refused before reading.
    upload(
        &app,
        token,
        id,
        "evidence",
        "lon.pdf",
        pdf_of_size(LIMIT + 128 * 1024),
    )
    .await
    .problem(413, "payload_too_large");

    assert_eq!(attachment_rows(&app).await, 1);
    assert_eq!(stored_objects(&app).len(), 1);
}

#[actix_web::test]
async fn missing_empty_and_unknown_fields_are_named() {
    let app = TestApp::spawn().await;
    let scene = scene(&app).await;
    let (token, id) = (&scene.khtc.token, scene.khtc.submission);

    let empty = upload(&app, token, id, "evidence", "rong.pdf", Vec::new())
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&empty), pairs(&[("file", "empty")]));

    let form = Form::new().text("indicator_code", "SL-VANBAN");
    let nothing = post_form(&app, token, id, form)
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&nothing),
        pairs(&[("purpose", "required"), ("file", "required")])
    );

    let form = Form::new()
        .text("purpose", "appendix")
        .text("indicator_code", "KHONG-CO")
        .text("comment", "xin xem")
        .part("file", file_part("a.pdf", pdf(), "application/pdf"));
    let wrong = post_form(&app, token, id, form)
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&wrong),
        pairs(&[
            ("comment", "unknown_field"),
            ("purpose", "invalid_value"),
            ("indicator_code", "unknown_indicator"),
        ])
    );

    // A plain text part named file is not a file.
    let form = Form::new()
        .text("purpose", "evidence")
        .text("file", "%PDF-1.4 nội dung");
    let not_a_file = post_form(&app, token, id, form)
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&not_a_file), pairs(&[("file", "not_a_file")]));

    let form = Form::new()
        .text("purpose", "evidence")
        .part("file", file_part("a.pdf", pdf(), "application/pdf"))
        .part("file", file_part("b.pdf", pdf(), "application/pdf"));
    let twice = post_form(&app, token, id, form)
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&twice), pairs(&[("file", "repeated")]));

    // Not a form at all.
    let json_body = TestApp::send(
        app.client
            .post(format!(
                "{}/api/v1/submissions/{id}/attachments",
                app.base_url
            ))
            .bearer_auth(token)
            .json(&json!({"purpose": "evidence"})),
    )
    .await
    .problem(415, "unsupported_media_type");
    assert!(json_body["detail"]
        .as_str()
        .unwrap()
        .contains("multipart/form-data"));

    assert_eq!(attachment_rows(&app).await, 0);
    assert!(stored_objects(&app).is_empty());
}

#[actix_web::test]
async fn reporters_see_only_their_unit_and_viewers_only_read() {
    let app = TestApp::spawn().await;
    let scene = scene(&app).await;
    let own = upload(
        &app,
        &scene.khtc.token,
        scene.khtc.submission,
        "evidence",
        "kiem-chung.pdf",
        pdf(),
    )
    .await
    .expect(201);
    let path = format!("/api/v1/attachments/{}", own["id"]);
    let content = format!("{path}/content");
    let list = format!("/api/v1/submissions/{}/attachments", scene.khtc.submission);

    // Another unit's reporter: the file and the submission do not exist.
    let other = &scene.qltm.token;
    app.get_as(other, &path).await.problem(404, "not_found");
    app.get_as(other, &content).await.problem(404, "not_found");
    app.get_as(other, &list).await.problem(404, "not_found");
    upload(
        &app,
        other,
        scene.khtc.submission,
        "evidence",
        "x.pdf",
        pdf(),
    )
    .await
    .problem(404, "not_found");
    app.request(reqwest::Method::DELETE, &path, Some(other), None)
        .await
        .problem(404, "not_found");

    // A viewer reads everything and changes nothing.
    let viewer = app.token(Role::Viewer, None).await;
    assert_eq!(app.get_as(&viewer, &path).await.expect(200), own);
    assert_eq!(app.get_as(&viewer, &list).await.expect(200)["total"], 1);
    let (status, _, bytes) = download(&app, &viewer, &content, None).await;
    assert_eq!((status.as_u16(), bytes), (200, pdf()));
    upload(
        &app,
        &viewer,
        scene.khtc.submission,
        "evidence",
        "x.pdf",
        pdf(),
    )
    .await
    .problem(403, "forbidden");
    app.request(reqwest::Method::DELETE, &path, Some(&viewer), None)
        .await
        .problem(403, "forbidden");

    // The Office uploads for a unit.
    let by_office = upload(
        &app,
        &app.admin,
        scene.qltm.submission,
        "statistics",
        "bieu.xlsx",
        xlsx(),
    )
    .await
    .expect(201);
    assert_eq!(by_office["uploaded_by"], "test admin");
    app.get_as(
        &scene.khtc.token,
        &format!("/api/v1/attachments/{}", by_office["id"]),
    )
    .await
    .problem(404, "not_found");
    app.get("/api/v1/submissions/999999/attachments")
        .await
        .problem(404, "not_found");
    app.get("/api/v1/attachments/999999")
        .await
        .problem(404, "not_found");
    assert_eq!(attachment_rows(&app).await, 2);
}

#[actix_web::test]
async fn files_change_only_while_the_report_may_change() {
    let app = TestApp::spawn().await;
    let scene = scene(&app).await;
    let (token, id) = (&scene.khtc.token, scene.khtc.submission);
    let kept = upload(&app, token, id, "evidence", "a.pdf", pdf())
        .await
        .expect(201);
    let (etag, _) = submission(&app, id).await;
    let filled = TestApp::send(
        app.client
            .patch(format!("{}/api/v1/submissions/{id}", app.base_url))
            .bearer_auth(token)
            .header("if-match", etag)
            .json(&json!({"values": {
                "TL-DUNGHAN": {"numerator": 95, "denominator": 100},
                "SL-VANBAN": {"number": 12},
            }})),
    )
    .await;
    filled.expect(200);
    app.post_as(
        token,
        &format!("/api/v1/submissions/{id}/submit"),
        json!({}),
    )
    .await
    .expect(200);

    let refused = upload(&app, token, id, "evidence", "b.pdf", pdf())
        .await
        .problem(409, "submission_not_editable");
    assert!(refused["detail"].as_str().unwrap().contains("submitted"));
    app.request(
        reqwest::Method::DELETE,
        &format!("/api/v1/attachments/{}", kept["id"]),
        Some(token),
        None,
    )
    .await
    .problem(409, "submission_not_editable");
    // What was submitted records the file by checksum.
    let versions = app
        .get(&format!("/api/v1/submissions/{id}/versions"))
        .await
        .expect(200);
    let recorded = &versions["items"][0]["content"]["attachments"];
    assert_eq!(recorded[0]["sha256"], sha256(&pdf()));
    assert_eq!(recorded[0]["filename"], "a.pdf");

    // Returned for changes: files may change again.
    app.post(
        &format!("/api/v1/submissions/{id}/return"),
        json!({"reason": "Bổ sung tài liệu kiểm chứng."}),
    )
    .await
    .expect(200);
    upload(&app, token, id, "evidence", "b.pdf", pdf())
        .await
        .expect(201);

    // Closed without an extension: no more.
    app.post(
        &format!("/api/v1/periods/{}/close", scene.period),
        json!({}),
    )
    .await
    .expect(200);
    upload(&app, token, id, "evidence", "c.pdf", pdf())
        .await
        .problem(409, "period_closed");
    // An extension lets the unit change its files again.
    app.post(
        &format!("/api/v1/periods/{}/extensions", scene.period),
        json!({
            "unit_code": "KHTC",
            "deadline": "2026-12-22T16:30:00+07:00",
            "reason": "Đơn vị đề nghị gia hạn để bổ sung tài liệu.",
        }),
    )
    .await
    .expect(200);
    upload(&app, token, id, "evidence", "c.pdf", pdf())
        .await
        .expect(201);
    assert_eq!(attachment_rows(&app).await, 3);
}

#[actix_web::test]
async fn an_upload_or_delete_gives_the_submission_a_new_etag() {
    let app = TestApp::spawn().await;
    let scene = scene(&app).await;
    let (token, id) = (&scene.khtc.token, scene.khtc.submission);
    let (before, report) = submission(&app, id).await;
    assert_eq!(report["attachments"], json!([]));
    let created = upload(&app, token, id, "statistics", "bieu.xlsx", xlsx())
        .await
        .expect(201);
    let (after, report) = submission(&app, id).await;
    assert_ne!(before, after);
    assert_eq!(after, format!("\"{id}.{}\"", report["revision"]));
    assert_eq!(report["attachments"][0]["id"], created["id"]);
    // An edit based on the old read is refused.
    let stale = TestApp::send(
        app.client
            .patch(format!("{}/api/v1/submissions/{id}", app.base_url))
            .bearer_auth(token)
            .header("if-match", before)
            .json(&json!({"narrative": "Đã cập nhật"})),
    )
    .await;
    stale.problem(412, "precondition_failed");
    app.request(
        reqwest::Method::DELETE,
        &format!("/api/v1/attachments/{}", created["id"]),
        Some(token),
        None,
    )
    .await
    .expect(204);
    let (last, report) = submission(&app, id).await;
    assert_ne!(last, after);
    assert_eq!(report["attachments"], json!([]));
}

/// PATCHes the evidence of a submission as its reporter.
async fn cite(app: &TestApp, unit: &Unit, evidence: Value) -> Answer {
    let (etag, _) = submission(app, unit.submission).await;
    TestApp::send(
        app.client
            .patch(format!(
                "{}/api/v1/submissions/{}",
                app.base_url, unit.submission
            ))
            .bearer_auth(&unit.token)
            .header("if-match", etag)
            .json(&json!({ "evidence": evidence })),
    )
    .await
}

#[actix_web::test]
async fn evidence_citations_link_only_to_files_of_the_same_submission() {
    let app = TestApp::spawn().await;
    let scene = scene(&app).await;
    let own = upload(
        &app,
        &scene.khtc.token,
        scene.khtc.submission,
        "evidence",
        "QĐ 125.pdf",
        pdf(),
    )
    .await
    .expect(201);
    let others = upload(
        &app,
        &scene.qltm.token,
        scene.qltm.submission,
        "evidence",
        "QĐ 200.pdf",
        pdf(),
    )
    .await
    .expect(201);
    let citation = |attachment: &Value| {
        json!([{
            "indicator_code": "SL-VANBAN",
            "document_number": "125/QĐ-SCT",
            "title": "Quyết định công bố danh mục thủ tục hành chính",
            "attachment_id": attachment,
        }])
    };
    let linked = cite(&app, &scene.khtc, citation(&own["id"]))
        .await
        .expect(200);
    assert_eq!(linked["evidence"][0]["attachment_id"], own["id"]);

    let foreign = cite(&app, &scene.khtc, citation(&others["id"]))
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&foreign),
        pairs(&[("evidence[0].attachment_id", "unknown_attachment")])
    );
    cite(&app, &scene.khtc, citation(&json!(987654)))
        .await
        .problem(422, "validation_failed");

    // A cited file is kept until the link goes.
    let own_path = format!("/api/v1/attachments/{}", own["id"]);
    let delete_own = || {
        app.request(
            reqwest::Method::DELETE,
            &own_path,
            Some(&scene.khtc.token),
            None,
        )
    };
    let cited = delete_own().await.problem(409, "attachment_cited");
    assert_eq!(
        errors(&cited),
        pairs(&[("evidence[0].attachment_id", "attachment_cited")])
    );
    let unlinked = cite(&app, &scene.khtc, citation(&Value::Null))
        .await
        .expect(200);
    assert_eq!(unlinked["evidence"][0]["attachment_id"], Value::Null);
    delete_own().await.expect(204);
}

#[actix_web::test]
async fn an_unwritable_store_answers_503_and_records_nothing() {
    let app =
        TestApp::spawn_with_files(Config::from_lookup(|_| None).unwrap(), Files::Unwritable).await;
    let scene = scene(&app).await;
    let (_, before) = submission(&app, scene.khtc.submission).await;
    let problem = upload(
        &app,
        &scene.khtc.token,
        scene.khtc.submission,
        "narrative",
        "bao-cao.docx",
        docx(),
    )
    .await
    .problem(503, "storage_unavailable");
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("nothing was saved"), "{detail}");
    // The store's own message (paths) stays in the log.
    assert!(!detail.contains(app.files.path().to_str().unwrap()));
    assert_eq!(attachment_rows(&app).await, 0);
    let (_, after) = submission(&app, scene.khtc.submission).await;
    assert_eq!(after["revision"], before["revision"]);
    assert_eq!(after["attachments"], json!([]));
}

#[actix_web::test]
async fn the_object_is_removed_when_the_row_cannot_be_written() {
    let app = TestApp::spawn().await;
    let scene = scene(&app).await;
    // A real failure of the database write, after the object was stored.
    let mut conn = app.state.pool.get().await.unwrap();
    diesel::sql_query(
        "CREATE FUNCTION refuse_attachment() RETURNS trigger LANGUAGE plpgsql AS \
         $$ BEGIN RAISE EXCEPTION 'disk full'; END $$",
    )
    .execute(&mut *conn)
    .await
    .unwrap();
    diesel::sql_query(
        "CREATE TRIGGER refuse_attachment BEFORE INSERT ON submission_attachments \
         FOR EACH ROW EXECUTE FUNCTION refuse_attachment()",
    )
    .execute(&mut *conn)
    .await
    .unwrap();
    drop(conn);
    upload(
        &app,
        &scene.khtc.token,
        scene.khtc.submission,
        "evidence",
        "a.pdf",
        pdf(),
    )
    .await
    .problem(500, "internal_error");
    assert_eq!(attachment_rows(&app).await, 0);
    assert!(
        stored_objects(&app).is_empty(),
        "{:?}",
        stored_objects(&app)
    );
}

#[actix_web::test]
async fn delete_removes_the_row_and_the_object() {
    let app = TestApp::spawn().await;
    let scene = scene(&app).await;
    let (token, id) = (&scene.khtc.token, scene.khtc.submission);
    let kept = upload(&app, token, id, "evidence", "giu.png", PNG.to_vec())
        .await
        .expect(201);
    let gone = upload(&app, token, id, "evidence", "xoa.jpg", JPEG.to_vec())
        .await
        .expect(201);
    let objects = stored_objects(&app);
    assert_eq!(objects.len(), 2);
    let gone_object = objects
        .iter()
        .find(|path| std::fs::read(path).unwrap() == JPEG)
        .expect("the JPEG is stored")
        .clone();
    let path = format!("/api/v1/attachments/{}", gone["id"]);
    let answer = app
        .request(reqwest::Method::DELETE, &path, Some(token), None)
        .await;
    assert_eq!(answer.status, 204);
    assert_eq!(answer.body, Value::Null);
    assert!(!gone_object.exists());
    assert_eq!(stored_objects(&app).len(), 1);
    app.get_as(token, &path).await.problem(404, "not_found");
    app.get_as(token, &format!("{path}/content"))
        .await
        .problem(404, "not_found");
    app.request(reqwest::Method::DELETE, &path, Some(token), None)
        .await
        .problem(404, "not_found");
    let list = app
        .get_as(token, &format!("/api/v1/submissions/{id}/attachments"))
        .await
        .expect(200);
    assert_eq!(list["items"], json!([kept]));
}

/// The default limit, 20 MiB, with bodies of realistic size: the client gets its 413 rather
/// than a broken connection, whether it declared the length or streamed.
#[actix_web::test]
async fn the_default_limit_is_20_mib() {
    const MIB: usize = 1024 * 1024;
    let app = TestApp::spawn().await;
    let scene = scene(&app).await;
    let (token, id) = (&scene.khtc.token, scene.khtc.submission);
    let over = pdf_of_size(21 * MIB);
    upload(&app, token, id, "evidence", "lon.pdf", over.clone())
        .await
        .problem(413, "payload_too_large");
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        over.chunks(64 * 1024).map(|c| Ok(c.to_vec())).collect();
    let streamed = Part::stream(reqwest::Body::wrap_stream(futures_util::stream::iter(
        chunks,
    )))
    .file_name("luong.pdf");
    let form = Form::new()
        .text("purpose", "evidence")
        .part("file", streamed);
    post_form(&app, token, id, form)
        .await
        .problem(413, "payload_too_large");
    let at_limit = upload(&app, token, id, "evidence", "du.pdf", pdf_of_size(20 * MIB))
        .await
        .expect(201);
    assert_eq!(at_limit["size_bytes"], 20 * MIB);
    assert_eq!(attachment_rows(&app).await, 1);
}

/// An indicator that requires evidence is satisfied by an evidence file uploaded for it, as
/// well as by a citation; a file uploaded for another indicator does not count.
#[actix_web::test]
async fn an_evidence_file_for_the_indicator_satisfies_its_evidence_requirement() {
    let app = TestApp::spawn().await;
    let scene = scene(&app).await;
    app.patch("/api/v1/indicators/2", json!({"evidence_required": true}))
        .await
        .expect(200);
    // Draft periods follow the latest definition; this one is open, so use a fresh period.
    let indicator = app.get("/api/v1/indicators/2").await.expect(200);
    assert_eq!(indicator["code"], "SL-VANBAN");
    let period = app
        .post(
            "/api/v1/periods",
            json!({
                "code": "2026-Q4-B",
                "title": "Báo cáo CCHC bổ sung Quý IV/2026",
                "report_type": "periodic",
                "frequency": "quarterly",
                "year": 2026,
                "sequence": 4,
                "deadline": DEADLINE,
                "indicator_codes": ["SL-VANBAN"],
                "unit_codes": ["KHTC"],
            }),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    app.post(&format!("/api/v1/periods/{period}/open"), json!({}))
        .await
        .expect(200);
    let token = &scene.khtc.token;
    let id = app
        .post_as(
            token,
            &format!("/api/v1/periods/{period}/submissions"),
            json!({}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let (etag, _) = submission(&app, id).await;
    TestApp::send(
        app.client
            .patch(format!("{}/api/v1/submissions/{id}", app.base_url))
            .bearer_auth(token)
            .header("if-match", etag)
            .json(&json!({"values": {"SL-VANBAN": {"number": 12}}})),
    )
    .await
    .expect(200);
    let submit = format!("/api/v1/submissions/{id}/submit");
    let problem = app.post_as(token, &submit, json!({})).await.expect(422);
    assert_eq!(
        errors(&problem),
        pairs(&[("values.SL-VANBAN.evidence", "evidence_required")])
    );
    // A file without an indicator is evidence of the report as a whole, not of SL-VANBAN.
    upload(&app, token, id, "evidence", "chung.pdf", pdf())
        .await
        .expect(201);
    app.post_as(token, &submit, json!({})).await.expect(422);
    let form = Form::new()
        .text("purpose", "evidence")
        .text("indicator_code", "SL-VANBAN")
        .part(
            "file",
            file_part("quyet-dinh.pdf", pdf(), "application/pdf"),
        );
    post_form(&app, token, id, form).await.expect(201);
    let submitted = app.post_as(token, &submit, json!({})).await.expect(200);
    assert_eq!(submitted["status"], "submitted");
}
