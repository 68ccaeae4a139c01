//! Excel files through the HTTP API: downloading a unit's statistics form, filling it in as a
//! person would in Excel (cells typed into the downloaded workbook with umya-spreadsheet),
//! importing it into the submission, and the consolidated report as a workbook, read back with
//! calamine and compared with the JSON consolidation.
//!
//! Fixture: divisions KHTC, QLTM and TCHC of the department SCT take part in period 2026-Q4
//! (deadline Tuesday 2026-12-15 16:30 local); TTRA does not. The form lists the period's
//! indicators on rows 8–12 in the period's order.
//!
//! Tests by topic live in the submodules; this file holds the helpers they share.

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, SheetVisible, Xlsx};
use cchc_domain::model::token::Role;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::{json, Value};
use umya_spreadsheet::structs::{DataValidationOperatorValues, DataValidationValues};

use crate::common::{errors, pairs, Answer, TestApp};

mod consolidated;
mod form;
mod import_errors;
mod report_docx;
mod round_trip;

pub(crate) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const FORM_SHEET: &str = "Biểu mẫu";

/// The period's indicators in the period's order (rows 8 to 12 of the form).
const INDICATORS: [&str; 5] = [
    "TL-DUNGHAN",
    "SL-VANBAN",
    "KP-CCHC",
    "CO-MOTCUA",
    "ND-SANGKIEN",
];

async fn organisation(app: &TestApp) {
    app.unit("SCT", "department", None).await;
    for unit in ["KHTC", "QLTM", "TCHC", "TTRA"] {
        app.unit(unit, "division", Some("SCT")).await;
    }
    let indicators = [
        json!({"code": "TL-DUNGHAN", "kind": "ratio", "tolerance": 1, "unit_of_measure": "%",
               "target": {"comparator": "gte", "threshold": 95}}),
        json!({"code": "SL-VANBAN", "kind": "count", "unit_of_measure": "văn bản"}),
        json!({"code": "KP-CCHC", "kind": "decimal", "unit_of_measure": "triệu đồng"}),
        json!({"code": "CO-MOTCUA", "kind": "boolean"}),
        json!({"code": "ND-SANGKIEN", "kind": "text"}),
    ];
    for mut indicator in indicators {
        indicator["name"] = json!(format!("Chỉ tiêu {}", indicator["code"].as_str().unwrap()));
        indicator["content_area"] = json!("administrative_procedure_reform");
        app.post("/api/v1/indicators", indicator).await.expect(201);
    }
}

async fn create_period(app: &TestApp, code: &str, year: i32, sequence: i32, deadline: &str) -> i64 {
    let period = app
        .post(
            "/api/v1/periods",
            json!({
                "code": code,
                "title": format!("Báo cáo CCHC Quý {sequence}/{year}"),
                "report_type": "periodic",
                "frequency": "quarterly",
                "year": year,
                "sequence": sequence,
                "deadline": deadline,
                "indicator_codes": INDICATORS,
                "unit_codes": ["KHTC", "QLTM", "TCHC"],
            }),
        )
        .await
        .expect(201);
    period["id"].as_i64().unwrap()
}

/// The organisation and the open period 2026-Q4; returns its id.
pub(crate) async fn open_period(app: &TestApp) -> i64 {
    organisation(app).await;
    let period = create_period(app, "2026-Q4", 2026, 4, "2026-12-15T16:30:00+07:00").await;
    app.post(&format!("/api/v1/periods/{period}/open"), json!({}))
        .await
        .expect(200);
    period
}

/// A unit's draft as its reporter holds it.
pub(crate) struct Draft {
    pub(crate) token: String,
    pub(crate) id: i64,
    pub(crate) etag: String,
}

pub(crate) async fn start(app: &TestApp, period: i64, unit: &str) -> Draft {
    let token = app.token(Role::Reporter, Some(unit)).await;
    let answer = app
        .post_as(
            &token,
            &format!("/api/v1/periods/{period}/submissions"),
            json!({}),
        )
        .await;
    let etag = etag_of(&answer.headers);
    let body = answer.expect(201);
    Draft {
        token,
        id: body["id"].as_i64().unwrap(),
        etag,
    }
}

pub(crate) fn etag_of(headers: &HeaderMap) -> String {
    headers
        .get("etag")
        .expect("an ETag")
        .to_str()
        .unwrap()
        .to_owned()
}

/// A downloaded file.
struct Download {
    status: StatusCode,
    headers: HeaderMap,
    bytes: Vec<u8>,
}

impl Download {
    fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }

    /// The problem document of a failed download.
    #[track_caller]
    fn problem(&self, status: u16, code: &str) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "{}",
            String::from_utf8_lossy(&self.bytes)
        );
        assert_eq!(self.header("content-type"), "application/problem+json");
        let problem: Value = serde_json::from_slice(&self.bytes).unwrap();
        assert_eq!(problem["code"], code, "{problem:#}");
        problem
    }

    #[track_caller]
    fn workbook(&self) -> Xlsx<Cursor<Vec<u8>>> {
        assert_eq!(
            self.status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&self.bytes)
        );
        assert_eq!(self.header("content-type"), XLSX);
        open_workbook_from_rs(Cursor::new(self.bytes.clone())).expect("a readable workbook")
    }
}

/// The ASCII `filename` and the decoded UTF-8 `filename*` of an attachment.
fn attachment_names(file: &Download) -> (String, String) {
    let disposition = file.header("content-disposition");
    let parts: Vec<&str> = disposition.split("; ").collect();
    assert_eq!(parts[0], "attachment", "{disposition}");
    let ascii = parts[1]
        .strip_prefix("filename=\"")
        .and_then(|p| p.strip_suffix('"'))
        .unwrap_or_else(|| panic!("an ASCII filename in {disposition}"));
    assert!(ascii.is_ascii());
    let encoded = parts[2]
        .strip_prefix("filename*=UTF-8''")
        .unwrap_or_else(|| panic!("a UTF-8 filename* in {disposition}"));
    let decoded = form_urlencoded::parse(format!("name={encoded}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap();
    (ascii.to_owned(), decoded)
}

async fn download(app: &TestApp, token: &str, path: &str) -> Download {
    let response = app
        .client
        .get(format!("{}{path}", app.base_url))
        .bearer_auth(token)
        .send()
        .await
        .expect("request");
    Download {
        status: response.status(),
        headers: response.headers().clone(),
        bytes: response.bytes().await.expect("body").to_vec(),
    }
}

fn template_path(period: i64, unit: Option<&str>) -> String {
    match unit {
        Some(unit) => format!("/api/v1/periods/{period}/template.xlsx?unit={unit}"),
        None => format!("/api/v1/periods/{period}/template.xlsx"),
    }
}

/// POSTs a workbook to the import endpoint.
pub(crate) async fn import(
    app: &TestApp,
    token: &str,
    id: i64,
    if_match: Option<&str>,
    content_type: &str,
    bytes: Vec<u8>,
) -> Answer {
    let mut request = app
        .client
        .post(format!(
            "{}/api/v1/submissions/{id}/import.xlsx",
            app.base_url
        ))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(bytes);
    if let Some(if_match) = if_match {
        request = request.header("if-match", if_match);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body");
    Answer {
        status,
        headers,
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
    }
}

/// Imports as the draft's reporter with its ETag; expects 200 and keeps the new ETag.
async fn import_ok(app: &TestApp, draft: &mut Draft, bytes: Vec<u8>) -> Value {
    let answer = import(app, &draft.token, draft.id, Some(&draft.etag), XLSX, bytes).await;
    let etag = answer
        .headers
        .get("etag")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = answer.expect(200);
    let revision = body["revision"].as_i64().unwrap();
    assert_eq!(draft.etag, format!("\"{}.{}\"", draft.id, revision - 1));
    assert_eq!(
        etag.as_deref(),
        Some(format!("\"{}.{revision}\"", draft.id).as_str())
    );
    draft.etag = etag.unwrap();
    body
}

/// What a person types into a cell.
pub(crate) enum Typed {
    Number(f64),
    Text(&'static str),
    Clear,
}

/// Opens a downloaded form, types into its cells and saves it, as Excel would.
pub(crate) fn fill(bytes: &[u8], cells: &[(&str, Typed)]) -> Vec<u8> {
    let mut book = umya_spreadsheet::reader::xlsx::read_reader(Cursor::new(bytes.to_vec()), true)
        .expect("umya reads the form");
    let sheet = book
        .get_sheet_by_name_mut(FORM_SHEET)
        .expect("the form sheet");
    for (cell, typed) in cells {
        let cell = sheet.get_cell_mut(*cell);
        match typed {
            Typed::Number(n) => cell.set_value_number(*n),
            Typed::Text(t) => cell.set_value_string(*t),
            Typed::Clear => cell.set_blank(),
        };
    }
    let mut out = Vec::new();
    umya_spreadsheet::writer::xlsx::write_writer(&book, &mut out).expect("umya writes the form");
    out
}

/// `(row, column)`, zero-based, of an A1 name.
fn position(name: &str) -> (u32, u32) {
    let split = name.find(|c: char| c.is_ascii_digit()).unwrap();
    let col = name[..split]
        .bytes()
        .fold(0u32, |acc, b| acc * 26 + u32::from(b - b'A' + 1))
        - 1;
    (name[split..].parse::<u32>().unwrap() - 1, col)
}

fn cell(range: &calamine::Range<Data>, name: &str) -> Data {
    range
        .get_value(position(name))
        .cloned()
        .unwrap_or(Data::Empty)
}

fn value<'a>(submission: &'a Value, code: &str) -> &'a Value {
    submission["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["code"] == code)
        .unwrap()
}

fn num(value: &Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("expected a number, got {value}"))
}

fn float(data: &Data) -> f64 {
    match data {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("expected a number cell, got {other:?}"),
    }
}

/// Downloads the unit's form as its reporter, fills it in and imports it.
async fn fill_and_import(
    app: &TestApp,
    draft: &mut Draft,
    period: i64,
    cells: &[(&str, Typed)],
) -> Value {
    let form = download(app, &draft.token, &template_path(period, None)).await;
    assert_eq!(form.status, StatusCode::OK);
    import_ok(app, draft, fill(&form.bytes, cells)).await
}
