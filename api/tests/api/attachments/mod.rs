//! Files of a submission through the HTTP API, with real file bytes: types decided by content
//! per purpose, the size limit while reading, names and checksums, downloads, who sees and
//! changes what, the submission's ETag, evidence citations linking files, and failures of the
//! file store or of the row write.
//!
//! Fixture: units KHTC and QLTM of the department SCT take part in the open period 2026-Q4
//! (indicators TL-DUNGHAN, a ratio, and SL-VANBAN, a count); each unit's reporter has a draft.
//!
//! Tests by topic live in the submodules; this file holds the helpers they share.

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

mod access;
mod evidence;
mod storage;
mod types;
mod uploads;

const DEADLINE: &str = "2026-12-15T16:30:00+07:00";

const PNG: &[u8] = include_bytes!("../../fixtures/stamp.png");
const JPEG: &[u8] = include_bytes!("../../fixtures/stamp.jpg");

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
pub(crate) fn docx() -> Vec<u8> {
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
pub(crate) fn exe() -> Vec<u8> {
    let mut bytes = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF".to_vec();
    bytes.resize(0x3C, 0);
    bytes.extend_from_slice(&0x80u32.to_le_bytes());
    bytes.resize(0x80, 0);
    bytes.extend_from_slice(b"PE\0\0");
    bytes.resize(512, 0);
    bytes
}

pub(crate) fn sha256(bytes: &[u8]) -> String {
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
pub(crate) async fn download(
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

pub(crate) fn header<'a>(headers: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
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
