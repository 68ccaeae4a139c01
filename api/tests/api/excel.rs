//! Excel files through the HTTP API: downloading a unit's statistics form, filling it in as a
//! person would in Excel (cells typed into the downloaded workbook with umya-spreadsheet),
//! importing it into the submission, and the consolidated report as a workbook, read back with
//! calamine and compared with the JSON consolidation.
//!
//! Fixture: divisions KHTC, QLTM and TCHC of the department SCT take part in period 2026-Q4
//! (deadline Tuesday 2026-12-15 16:30 local); TTRA does not. The form lists the period's
//! indicators on rows 8–12 in the period's order.

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, SheetVisible, Xlsx};
use cchc_domain::model::token::Role;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::{json, Value};
use umya_spreadsheet::structs::{DataValidationOperatorValues, DataValidationValues};

use crate::common::{errors, pairs, Answer, TestApp};

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
enum Typed {
    Number(f64),
    Text(&'static str),
    Clear,
}

/// Opens a downloaded form, types into its cells and saves it, as Excel would.
fn fill(bytes: &[u8], cells: &[(&str, Typed)]) -> Vec<u8> {
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

// ---------------------------------------------------------------------------------------
// The form
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn the_form_is_protected_validated_and_prefilled_with_the_units_values() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut draft = start(&app, period, "KHTC").await;
    let answer = app
        .client
        .patch(format!("{}/api/v1/submissions/{}", app.base_url, draft.id))
        .bearer_auth(&draft.token)
        .header("if-match", &draft.etag)
        .json(&json!({"values": {
            "TL-DUNGHAN": {"numerator": 95, "denominator": 100, "system_value": 96.5,
                           "explanation": "Hai hồ sơ cập nhật chậm."},
            "SL-VANBAN": {"number": 12, "note": "Gồm 2 quyết định"},
            "CO-MOTCUA": {"flag": true},
            "ND-SANGKIEN": {"not_applicable": true, "explanation": "Không phát sinh"},
        }}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    draft.etag = etag_of(answer.headers());

    let file = download(&app, &draft.token, &template_path(period, None)).await;
    assert_eq!(
        attachment_names(&file),
        (
            "bieu-mau-2026-Q4-KHTC.xlsx".to_owned(),
            "Biểu mẫu thống kê 2026-Q4 KHTC.xlsx".to_owned()
        )
    );
    let mut workbook = file.workbook();
    let sheets = workbook.sheets_metadata().to_vec();
    assert_eq!(sheets[0].name, FORM_SHEET);
    assert_eq!(
        sheets[1].visible,
        SheetVisible::VeryHidden,
        "metadata sheet"
    );
    let form = workbook.worksheet_range(FORM_SHEET).unwrap();
    assert_eq!(
        cell(&form, "A2"),
        Data::String("Kỳ báo cáo: Báo cáo CCHC Quý 4/2026 (mã kỳ 2026-Q4)".into())
    );
    assert_eq!(
        cell(&form, "A3"),
        Data::String("Đơn vị báo cáo: Đơn vị KHTC (mã KHTC)".into())
    );
    assert_eq!(
        cell(&form, "A4"),
        Data::String("Thời hạn gửi báo cáo: 16:30 ngày 15/12/2026".into())
    );
    let headers: Vec<String> = "ABCDEFGHIJKLM"
        .chars()
        .map(|c| cell(&form, &format!("{c}7")).to_string())
        .collect();
    assert_eq!(
        headers,
        [
            "STT",
            "Mã chỉ tiêu",
            "Tên chỉ tiêu",
            "Đơn vị tính",
            "Tử số",
            "Mẫu số",
            "Số liệu",
            "Có/Không",
            "Nội dung",
            "Không áp dụng",
            "Số liệu hệ thống",
            "Giải trình",
            "Ghi chú"
        ]
    );
    let codes: Vec<String> = (8..=12)
        .map(|row| cell(&form, &format!("B{row}")).to_string())
        .collect();
    assert_eq!(codes, INDICATORS);
    assert_eq!(cell(&form, "C9"), Data::String("Chỉ tiêu SL-VANBAN".into()));
    assert_eq!(cell(&form, "D10"), Data::String("triệu đồng".into()));
    // Prefilled: numbers as numbers, choices as the lists offer them.
    assert_eq!(cell(&form, "E8"), Data::Float(95.0));
    assert_eq!(cell(&form, "F8"), Data::Float(100.0));
    assert_eq!(cell(&form, "K8"), Data::Float(96.5));
    assert_eq!(
        cell(&form, "L8"),
        Data::String("Hai hồ sơ cập nhật chậm.".into())
    );
    assert_eq!(cell(&form, "G9"), Data::Float(12.0));
    assert_eq!(cell(&form, "M9"), Data::String("Gồm 2 quyết định".into()));
    assert_eq!(cell(&form, "G10"), Data::Empty);
    assert_eq!(cell(&form, "H11"), Data::String("Có".into()));
    assert_eq!(cell(&form, "J12"), Data::String("x".into()));

    // Labels locked, each kind's input cells unlocked.
    let styles = workbook.worksheet_style(FORM_SHEET).unwrap();
    let locked = |name: &str| {
        styles
            .get(position(name))
            .and_then(|s| s.protection.as_ref())
            .is_none_or(|p| p.locked)
    };
    for name in ["B8", "C8", "E7", "G8", "E9", "H8", "I8", "K12"] {
        assert!(locked(name), "{name} locked");
    }
    for name in [
        "E8", "F8", "K8", "L8", "G9", "G10", "H11", "K11", "I12", "J12", "M12",
    ] {
        assert!(!locked(name), "{name} unlocked");
    }

    // Sheet protection and data validations, which calamine does not read.
    let book =
        umya_spreadsheet::reader::xlsx::read_reader(Cursor::new(file.bytes.clone()), true).unwrap();
    let sheet = book.get_sheet_by_name(FORM_SHEET).unwrap();
    assert!(*sheet.get_sheet_protection().expect("protected").get_sheet());
    let validations = sheet.get_data_validations().expect("validations");
    let rule_of = |name: &str| {
        validations
            .get_data_validation_list()
            .iter()
            .find(|v| v.get_sequence_of_references().get_sqref() == name)
            .unwrap_or_else(|| panic!("a validation on {name}"))
    };
    for name in ["E8", "F8", "K8", "G10"] {
        let rule = rule_of(name);
        assert_eq!(*rule.get_type(), DataValidationValues::Decimal, "{name}");
        assert_eq!(
            *rule.get_operator(),
            DataValidationOperatorValues::GreaterThanOrEqual
        );
        assert_eq!(rule.get_formula1(), "0");
    }
    assert_eq!(*rule_of("G9").get_type(), DataValidationValues::Whole);
    for name in ["H11", "K11"] {
        assert_eq!(*rule_of(name).get_type(), DataValidationValues::List);
        assert_eq!(rule_of(name).get_formula1(), "\"Có,Không\"");
    }
    assert_eq!(rule_of("J8").get_formula1(), "\"x\"");
    assert!(validations
        .get_data_validation_list()
        .iter()
        .all(|v| v.get_sequence_of_references().get_sqref() != "G8"));
}

#[actix_web::test]
async fn a_reporter_gets_only_its_own_units_form_and_others_name_a_participating_unit() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let reporter = app.token(Role::Reporter, Some("KHTC")).await;
    let viewer = app.token(Role::Viewer, None).await;

    let own = download(&app, &reporter, &template_path(period, Some("KHTC"))).await;
    let mut workbook = own.workbook();
    let form = workbook.worksheet_range(FORM_SHEET).unwrap();
    assert!(cell(&form, "A3").to_string().contains("(mã KHTC)"));
    // No submission yet: an empty form with the period's deadline.
    assert_eq!(cell(&form, "E8"), Data::Empty);
    assert!(cell(&form, "A4")
        .to_string()
        .ends_with("16:30 ngày 15/12/2026"));

    download(&app, &reporter, &template_path(period, Some("QLTM")))
        .await
        .problem(404, "not_found");
    download(&app, &reporter, &template_path(period, Some("KHONGCO")))
        .await
        .problem(404, "not_found");

    for token in [&viewer, &app.admin] {
        let problem = download(&app, token, &template_path(period, None))
            .await
            .problem(422, "validation_failed");
        assert_eq!(errors(&problem), pairs(&[("unit", "required")]));
        let mut workbook = download(&app, token, &template_path(period, Some("QLTM")))
            .await
            .workbook();
        let form = workbook.worksheet_range(FORM_SHEET).unwrap();
        assert!(cell(&form, "A3").to_string().contains("(mã QLTM)"));
        let problem = download(&app, token, &template_path(period, Some("TTRA")))
            .await
            .problem(422, "validation_failed");
        assert_eq!(errors(&problem), pairs(&[("unit", "not_participating")]));
        let problem = download(&app, token, &template_path(period, Some("KHONGCO")))
            .await
            .problem(422, "validation_failed");
        assert_eq!(errors(&problem), pairs(&[("unit", "unknown_code")]));
    }
    download(&app, &viewer, &template_path(period + 100, Some("KHTC")))
        .await
        .problem(404, "not_found");
    let anonymous = app
        .client
        .get(format!(
            "{}{}",
            app.base_url,
            template_path(period, Some("KHTC"))
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

// ---------------------------------------------------------------------------------------
// The round trip
// ---------------------------------------------------------------------------------------

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

#[actix_web::test]
async fn forms_filled_in_excel_flow_through_review_into_the_consolidated_workbook() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;

    let mut khtc = start(&app, period, "KHTC").await;
    let imported = fill_and_import(
        &app,
        &mut khtc,
        period,
        &[
            ("E8", Typed::Number(193.0)),
            ("F8", Typed::Number(200.0)),
            ("K8", Typed::Number(97.0)),
            ("G9", Typed::Number(12.0)),
            ("M9", Typed::Text("Gồm 2 quyết định")),
            // Pasted as text, Vietnamese separators.
            ("G10", Typed::Text("1.234,5")),
            ("H11", Typed::Text("Có")),
            ("I12", Typed::Text("Triển khai một cửa điện tử")),
        ],
    )
    .await;
    let ratio = value(&imported, "TL-DUNGHAN");
    assert_eq!(num(&ratio["numerator"]), 193.0);
    assert_eq!(num(&ratio["denominator"]), 200.0);
    assert_eq!(num(&ratio["percentage"]), 96.5);
    assert_eq!(num(&ratio["system_value"]), 97.0);
    assert_eq!(ratio["system_value_source"], "unit");
    assert_eq!(num(&value(&imported, "KP-CCHC")["number"]), 1234.5);
    assert_eq!(value(&imported, "SL-VANBAN")["note"], "Gồm 2 quyết định");
    assert_eq!(value(&imported, "CO-MOTCUA")["flag"], true);
    assert_eq!(
        value(&imported, "ND-SANGKIEN")["text"],
        "Triển khai một cửa điện tử"
    );

    let mut qltm = start(&app, period, "QLTM").await;
    let imported = fill_and_import(
        &app,
        &mut qltm,
        period,
        &[
            ("E8", Typed::Number(92.0)),
            ("F8", Typed::Text("100")),
            ("K8", Typed::Number(94.0)),
            ("L8", Typed::Text("Hai hồ sơ cập nhật chậm trên hệ thống.")),
            ("G9", Typed::Number(3.0)),
            ("G10", Typed::Number(250.75)),
            ("H11", Typed::Text("Không")),
            ("J12", Typed::Text("x")),
            ("L12", Typed::Text("Không phát sinh sáng kiến trong kỳ.")),
        ],
    )
    .await;
    assert!(value(&imported, "TL-DUNGHAN")["explanation_required"]
        .as_bool()
        .unwrap());
    assert_eq!(value(&imported, "ND-SANGKIEN")["not_applicable"], true);

    for draft in [&mut khtc, &mut qltm] {
        let submitted = app
            .post_as(
                &draft.token,
                &format!("/api/v1/submissions/{}/submit", draft.id),
                json!({}),
            )
            .await
            .expect(200);
        assert_eq!(submitted["status"], "submitted");
        app.post(
            &format!("/api/v1/submissions/{}/accept", draft.id),
            json!({}),
        )
        .await
        .expect(200);
    }

    let report = app
        .get(&format!("/api/v1/periods/{period}/consolidation"))
        .await
        .expect(200);
    assert_eq!(report["units"], json!(["KHTC", "QLTM"]));
    let file = download(
        &app,
        &app.admin,
        &format!("/api/v1/periods/{period}/consolidation.xlsx"),
    )
    .await;
    assert_eq!(
        attachment_names(&file),
        (
            "tong-hop-2026-Q4.xlsx".to_owned(),
            "Báo cáo tổng hợp 2026-Q4.xlsx".to_owned()
        )
    );
    let mut workbook = file.workbook();
    assert_eq!(
        workbook.sheet_names(),
        ["Tổng hợp", "Chi tiết theo đơn vị", "Giải trình chênh lệch"]
    );
    // Frozen header rows and set column widths, which calamine does not read.
    let book =
        umya_spreadsheet::reader::xlsx::read_reader(Cursor::new(file.bytes.clone()), true).unwrap();
    for name in workbook.sheet_names() {
        let sheet = book.get_sheet_by_name(&name).unwrap();
        let view = &sheet.get_sheets_views().get_sheet_view_list()[0];
        let pane = view
            .get_pane()
            .unwrap_or_else(|| panic!("{name}: frozen panes"));
        assert_eq!(pane.get_top_left_cell().get_coordinate(), "A7", "{name}");
        let width = sheet.get_column_dimension("C").map(|c| *c.get_width());
        assert!(
            width.is_some_and(|w| w >= 30.0),
            "{name}: column C width {width:?}"
        );
    }
    let summary = workbook.worksheet_range("Tổng hợp").unwrap();
    assert_eq!(
        cell(&summary, "A2"),
        Data::String("Kỳ báo cáo: Báo cáo CCHC Quý 4/2026 (mã kỳ 2026-Q4)".into())
    );
    assert_eq!(
        cell(&summary, "A4"),
        Data::String("Lập lúc 09:00 ngày 20/11/2026".into())
    );
    assert_eq!(cell(&summary, "H6"), Data::String("Kết quả".into()));

    // Every summary number is the JSON consolidation's, as a number cell.
    let indicators = report["indicators"].as_array().unwrap();
    for (i, indicator) in indicators.iter().enumerate() {
        let row = 7 + i;
        assert_eq!(
            cell(&summary, &format!("B{row}")).to_string(),
            indicator["code"].as_str().unwrap()
        );
        assert_eq!(
            float(&cell(&summary, &format!("E{row}"))),
            num(&indicator["units_reporting"])
        );
        for (column, field) in [
            ("F", "numerator_sum"),
            ("G", "denominator_sum"),
            ("H", "value"),
        ] {
            match &indicator[field] {
                Value::Null => assert_eq!(cell(&summary, &format!("{column}{row}")), Data::Empty),
                number => assert_eq!(
                    float(&cell(&summary, &format!("{column}{row}"))),
                    num(number),
                    "{column}{row}"
                ),
            }
        }
    }
    // …and what was typed into the forms: Σnumerator / Σdenominator, sums, yes counts.
    assert_eq!(float(&cell(&summary, "F7")), 193.0 + 92.0);
    assert_eq!(float(&cell(&summary, "G7")), 200.0 + 100.0);
    assert_eq!(
        float(&cell(&summary, "H7")),
        (193.0 + 92.0) / (200.0 + 100.0) * 100.0
    );
    assert_eq!(cell(&summary, "I7"), Data::String("≥ 95%".into()));
    assert_eq!(cell(&summary, "J7"), Data::String("Đạt".into()));
    assert_eq!(float(&cell(&summary, "K7")), 92.0);
    assert_eq!(cell(&summary, "L7"), Data::String("QLTM".into()));
    assert_eq!(float(&cell(&summary, "M7")), 96.5);
    assert_eq!(cell(&summary, "N7"), Data::String("KHTC".into()));
    assert_eq!(float(&cell(&summary, "H8")), 12.0 + 3.0);
    assert_eq!(float(&cell(&summary, "H9")), 1234.5 + 250.75);
    assert_eq!(float(&cell(&summary, "H10")), 1.0);
    assert_eq!(cell(&summary, "H11"), Data::Empty);

    let breakdown = workbook.worksheet_range("Chi tiết theo đơn vị").unwrap();
    let unit_rows: Vec<(String, String)> = (7..=16)
        .map(|row| {
            (
                cell(&breakdown, &format!("B{row}")).to_string(),
                cell(&breakdown, &format!("D{row}")).to_string(),
            )
        })
        .collect();
    assert_eq!(unit_rows[0], ("TL-DUNGHAN".into(), "KHTC".into()));
    assert_eq!(unit_rows[1], ("TL-DUNGHAN".into(), "QLTM".into()));
    assert_eq!(unit_rows[9], ("ND-SANGKIEN".into(), "QLTM".into()));
    assert_eq!(float(&cell(&breakdown, "F7")), 193.0);
    assert_eq!(float(&cell(&breakdown, "G7")), 200.0);
    assert_eq!(float(&cell(&breakdown, "H7")), 96.5);
    assert_eq!(float(&cell(&breakdown, "H11")), 1234.5);
    assert_eq!(cell(&breakdown, "I14"), Data::String("Không".into()));
    assert_eq!(cell(&breakdown, "K16"), Data::String("x".into()));
    assert_eq!(
        cell(&breakdown, "L16"),
        Data::String("Không phát sinh sáng kiến trong kỳ.".into())
    );

    let gaps = workbook.worksheet_range("Giải trình chênh lệch").unwrap();
    let json_gaps = indicators[0]["discrepancies"].as_array().unwrap();
    assert_eq!(json_gaps.len(), 1);
    assert_eq!(cell(&gaps, "B7"), Data::String("TL-DUNGHAN".into()));
    assert_eq!(cell(&gaps, "D7"), Data::String("QLTM".into()));
    assert_eq!(float(&cell(&gaps, "F7")), num(&json_gaps[0]["unit_figure"]));
    assert_eq!(float(&cell(&gaps, "G7")), 94.0);
    assert_eq!(float(&cell(&gaps, "H7")), num(&json_gaps[0]["difference"]));
    assert_eq!(
        cell(&gaps, "I7"),
        Data::String("Hai hồ sơ cập nhật chậm trên hệ thống.".into())
    );
    assert_eq!(cell(&gaps, "B8"), Data::Empty);
}

/// KHTC fills every indicator of its form (TL-DUNGHAN as `numerator`/`denominator`), imports
/// it and submits.
async fn submit_full_form(app: &TestApp, period: i64, numerator: f64, denominator: f64) -> Draft {
    let mut khtc = start(app, period, "KHTC").await;
    fill_and_import(
        app,
        &mut khtc,
        period,
        &[
            ("E8", Typed::Number(numerator)),
            ("F8", Typed::Number(denominator)),
            ("G9", Typed::Number(4.0)),
            ("G10", Typed::Number(10.0)),
            ("H11", Typed::Text("Có")),
            ("I12", Typed::Text("Nội dung")),
        ],
    )
    .await;
    app.post_as(
        &khtc.token,
        &format!("/api/v1/submissions/{}/submit", khtc.id),
        json!({}),
    )
    .await
    .expect(200);
    khtc
}

#[actix_web::test]
async fn the_consolidated_workbook_takes_the_same_parameters_and_roles_as_the_json() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let khtc = submit_full_form(&app, period, 50.0, 100.0).await;

    let path = |query: &str| format!("/api/v1/periods/{period}/consolidation.xlsx{query}");
    // Not accepted yet: counted only with include=submitted.
    let mut accepted = download(&app, &app.admin, &path("")).await.workbook();
    let summary = accepted.worksheet_range("Tổng hợp").unwrap();
    assert_eq!(float(&cell(&summary, "E7")), 0.0);
    assert!(cell(&summary, "A3")
        .to_string()
        .contains("đã được Văn phòng chấp nhận: 0 đơn vị"));

    let viewer = app.token(Role::Viewer, None).await;
    let mut submitted = download(&app, &viewer, &path("?include=submitted&under=SCT"))
        .await
        .workbook();
    let summary = submitted.worksheet_range("Tổng hợp").unwrap();
    assert_eq!(float(&cell(&summary, "E7")), 1.0);
    assert_eq!(float(&cell(&summary, "H7")), 50.0);
    assert_eq!(cell(&summary, "J7"), Data::String("Không đạt".into()));
    assert!(cell(&summary, "A3")
        .to_string()
        .contains("các đơn vị thuộc SCT: 1 đơn vị (KHTC)"));
    let mut under_other = download(&app, &viewer, &path("?include=submitted&under=QLTM"))
        .await
        .workbook();
    let summary = under_other.worksheet_range("Tổng hợp").unwrap();
    assert_eq!(float(&cell(&summary, "E7")), 0.0);

    download(&app, &khtc.token, &path(""))
        .await
        .problem(403, "forbidden");
    let problem = download(&app, &viewer, &path("?under=KHONGCO"))
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), pairs(&[("under", "unknown_code")]));
    download(&app, &viewer, &path("?include=all"))
        .await
        .problem(400, "invalid_query");
    download(
        &app,
        &viewer,
        &format!("/api/v1/periods/{}/consolidation.xlsx", period + 100),
    )
    .await
    .problem(404, "not_found");
}

/// The files of a ZIP archive, by name.
fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("a ZIP archive");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut content = Vec::new();
            file.read_to_end(&mut content).unwrap();
            (file.name().unwrap().into_owned(), content)
        })
        .collect()
}

#[actix_web::test]
async fn the_filing_archive_holds_the_consolidated_workbook_and_its_qlvb_manifest() {
    use sha2::{Digest, Sha256};

    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let khtc = submit_full_form(&app, period, 249.0, 260.0).await;
    app.post(
        &format!("/api/v1/submissions/{}/accept", khtc.id),
        json!({}),
    )
    .await
    .expect(200);

    // The request letter and another legal basis in the registry, and the official document
    // KHTC sent its report with.
    let register = |number: &str, subject: &str| {
        app.post(
            "/api/v1/documents",
            json!({
                "number": number,
                "issued_on": "2026-11-02",
                "issuing_agency": "Sở Công Thương",
                "subject": subject,
                "direction": "outgoing",
            }),
        )
    };
    let letter = register("3394/SCT-VP", "V/v báo cáo công tác CCHC Quý IV năm 2026")
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let plan = register("383/KH-SCT", "Kế hoạch cải cách hành chính năm 2026")
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let sent = register("12/BC-KHTC", "Báo cáo công tác CCHC Quý IV năm 2026")
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    for (document, link) in [
        (
            letter,
            json!({"period_id": period, "role": "request_letter"}),
        ),
        (plan, json!({"period_id": period, "role": "legal_basis"})),
        (sent, json!({"submission_id": khtc.id})),
    ] {
        app.post(&format!("/api/v1/documents/{document}/link"), link)
            .await
            .expect(200);
    }

    let viewer = app.token(Role::Viewer, None).await;
    let path = format!("/api/v1/periods/{period}/filing.zip");
    let archive = download(&app, &viewer, &path).await;
    assert_eq!(archive.status, StatusCode::OK);
    assert_eq!(archive.header("content-type"), "application/zip");
    let (ascii, vietnamese) = attachment_names(&archive);
    assert_eq!(ascii, "ho-so-qlvb-2026-Q4.zip");
    assert_eq!(
        vietnamese,
        "Hồ sơ trình QLVB - báo cáo tổng hợp 2026-Q4.zip"
    );
    let files = unzip(&archive.bytes);
    assert_eq!(
        files.keys().collect::<Vec<_>>(),
        ["manifest.json", "tong-hop-2026-Q4.xlsx"]
    );
    let manifest: Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    let workbook = &files["tong-hop-2026-Q4.xlsx"];

    // What a QLVB clerk registers: a report of the department, number to be given by QLVB.
    let document = &manifest["document"];
    assert_eq!(document["document_type"], "BC");
    assert_eq!(document["type_name"], "Báo cáo");
    assert_eq!(document["number"], Value::Null);
    assert_eq!(document["symbol"], "BC-SCT");
    assert_eq!(document["issuer"]["code"], "SCT");
    assert!(document["subject"]
        .as_str()
        .unwrap()
        .contains("Báo cáo CCHC Quý 4/2026"));
    // The workbook is described by its real size and hash.
    assert_eq!(document["reply_to"], "3394/SCT-VP");
    assert_eq!(
        document["legal_basis"],
        json!([{
            "number": "383/KH-SCT",
            "issued_on": "2026-11-02",
            "title": "Kế hoạch cải cách hành chính năm 2026",
        }])
    );
    assert_eq!(
        manifest["unit_reports"][0]["official_documents"],
        json!(["12/BC-KHTC"])
    );
    assert_eq!(manifest["unit_reports"][1]["official_documents"], json!([]));
    assert_eq!(manifest["files"][0]["name"], "tong-hop-2026-Q4.xlsx");
    assert_eq!(manifest["files"][0]["size_bytes"], workbook.len());
    assert_eq!(
        manifest["files"][0]["sha256"],
        format!("{:x}", Sha256::digest(workbook))
    );
    assert_eq!(manifest["period"]["code"], "2026-Q4");
    assert_eq!(manifest["period"]["is_final"], false);
    assert_eq!(manifest["consolidation"]["units"], json!(["KHTC"]));
    assert_eq!(manifest["reporting"]["expected"], 3);
    assert_eq!(manifest["reporting"]["reported"], 1);
    let standings: Vec<(&str, &str)> = manifest["unit_reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["unit_code"].as_str().unwrap(),
                u["standing"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        standings,
        [("KHTC", "early"), ("QLTM", "pending"), ("TCHC", "pending")]
    );
    // The workbook is the consolidated report: 249/260 for the on-time rate.
    let mut book = open_workbook_from_rs::<Xlsx<_>, _>(Cursor::new(workbook.clone())).unwrap();
    let summary = book.worksheet_range("Tổng hợp").unwrap();
    assert_eq!(float(&cell(&summary, "F7")), 249.0);
    assert_eq!(float(&cell(&summary, "G7")), 260.0);

    // Another issuer can be named; unknown ones and reporters are refused.
    let other = download(&app, &viewer, &format!("{path}?issuer=KHTC")).await;
    let files = unzip(&other.bytes);
    let manifest: Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    assert_eq!(manifest["document"]["symbol"], "BC-KHTC");
    let problem = download(&app, &viewer, &format!("{path}?issuer=KHONGCO"))
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), pairs(&[("issuer", "unknown_code")]));
    download(&app, &khtc.token, &path)
        .await
        .problem(403, "forbidden");

    // A draft period has nothing to file.
    let draft = create_period(&app, "2027-Q1", 2027, 1, "2027-03-15T16:30:00+07:00").await;
    download(
        &app,
        &viewer,
        &format!("/api/v1/periods/{draft}/filing.zip"),
    )
    .await
    .problem(409, "period_not_open");
}

// ---------------------------------------------------------------------------------------
// Import errors
// ---------------------------------------------------------------------------------------

/// Imports with the draft's ETag, expecting a problem; the submission must not have changed.
async fn import_refused(app: &TestApp, draft: &Draft, bytes: Vec<u8>, code: &str) -> Value {
    let problem = import(app, &draft.token, draft.id, Some(&draft.etag), XLSX, bytes)
        .await
        .problem(422, code);
    assert!(problem["detail"].as_str().is_some_and(|d| !d.is_empty()));
    let current = app
        .get_as(&draft.token, &format!("/api/v1/submissions/{}", draft.id))
        .await;
    assert_eq!(etag_of(&current.headers), draft.etag, "nothing written");
    problem
}

#[actix_web::test]
async fn import_errors_name_every_cell_at_once_in_vietnamese() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let draft = start(&app, period, "KHTC").await;
    let form = download(&app, &draft.token, &template_path(period, None))
        .await
        .bytes;

    let bytes = fill(
        &form,
        &[
            ("E8", Typed::Text("chín mươi")),
            ("F8", Typed::Number(-5.0)),
            ("G9", Typed::Text("1.5")),
            ("H11", Typed::Text("Có lẽ")),
            ("J12", Typed::Text("có")),
            // A row added below the form, with a code that is not the period's.
            ("B14", Typed::Text("TL-KHAC")),
            ("G14", Typed::Number(1.0)),
        ],
    );
    let problem = import_refused(&app, &draft, bytes, "validation_failed").await;
    assert_eq!(
        errors(&problem),
        pairs(&[
            ("E8", "not_a_number"),
            ("F8", "negative"),
            ("G9", "not_a_number"),
            ("H11", "invalid_choice"),
            ("J12", "invalid_mark"),
            ("B14", "unknown_indicator"),
        ])
    );
    let messages: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages[0], "phải là số");
    assert_eq!(messages[1], "không được là số âm");
    assert!(messages[2].contains("dấu phẩy"), "{}", messages[2]);
    assert_eq!(messages[3], "chỉ chọn Có hoặc Không");
    assert_eq!(
        messages[5],
        "mã chỉ tiêu TL-KHAC không thuộc kỳ báo cáo này"
    );
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("E8, F8, G9, H11, J12, B14"));

    // A form of another unit, and of another period.
    let qltm = app.token(Role::Reporter, Some("QLTM")).await;
    let other_unit = download(&app, &qltm, &template_path(period, None))
        .await
        .bytes;
    let problem = import_refused(&app, &draft, other_unit, "form_mismatch").await;
    assert_eq!(errors(&problem), pairs(&[("A3", "form_mismatch")]));
    assert_eq!(
        problem["errors"][0]["message"],
        "biểu mẫu của đơn vị QLTM, không phải đơn vị KHTC"
    );
    let next = create_period(&app, "2027-Q1", 2027, 1, "2027-04-09T16:30:00+07:00").await;
    let other_period = download(&app, &draft.token, &template_path(next, None))
        .await
        .bytes;
    let problem = import_refused(&app, &draft, other_period, "form_mismatch").await;
    assert_eq!(errors(&problem), pairs(&[("A2", "form_mismatch")]));

    // Not a workbook at all, a damaged one, and a workbook that is no form.
    import_refused(
        &app,
        &draft,
        b"STT;Ma chi tieu;So lieu".to_vec(),
        "invalid_workbook",
    )
    .await;
    import_refused(
        &app,
        &draft,
        form[..form.len() / 2].to_vec(),
        "invalid_workbook",
    )
    .await;
    import_refused(&app, &draft, Vec::new(), "invalid_workbook").await;
    let mut book = umya_spreadsheet::new_file();
    book.get_sheet_mut(&0)
        .unwrap()
        .get_cell_mut("A1")
        .set_value_string("Bảng lương");
    let mut plain = Vec::new();
    umya_spreadsheet::writer::xlsx::write_writer(&book, &mut plain).unwrap();
    let problem = import_refused(&app, &draft, plain, "form_mismatch").await;
    assert_eq!(errors(&problem), pairs(&[("A1", "not_a_form")]));
}

#[actix_web::test]
async fn the_submission_rules_problems_also_name_their_cell() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut draft = start(&app, period, "KHTC").await;
    // The Office records the system-of-record figure; the unit's form shows it locked.
    let answer = app
        .client
        .patch(format!("{}/api/v1/submissions/{}", app.base_url, draft.id))
        .bearer_auth(&app.admin)
        .header("if-match", &draft.etag)
        .json(&json!({"values": {"TL-DUNGHAN": {"system_value": 98}}}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    draft.etag = etag_of(answer.headers());
    let form = download(&app, &draft.token, &template_path(period, None)).await;
    let mut workbook = form.workbook();
    let styles = workbook.worksheet_style(FORM_SHEET).unwrap();
    let k8 = styles
        .get(position("K8"))
        .and_then(|s| s.protection.clone());
    assert!(k8.is_none_or(|p| p.locked), "the Office's figure is locked");

    // Overwriting it anyway (protection lifted) is refused at its cell.
    let bytes = fill(
        &form.bytes,
        &[
            ("E8", Typed::Number(90.0)),
            ("F8", Typed::Number(100.0)),
            ("K8", Typed::Number(50.0)),
        ],
    );
    let problem = import_refused(&app, &draft, bytes, "validation_failed").await;
    assert_eq!(errors(&problem), pairs(&[("K8", "set_by_office")]));
    assert_eq!(
        problem["errors"][0]["message"],
        "số liệu hệ thống do Văn phòng nhập; giữ nguyên hoặc để trống"
    );

    // Left as shown, or emptied, the Office's figure stays.
    let bytes = fill(
        &form.bytes,
        &[
            ("E8", Typed::Number(90.0)),
            ("F8", Typed::Number(100.0)),
            ("K8", Typed::Clear),
        ],
    );
    let imported = import_ok(&app, &mut draft, bytes).await;
    let ratio = value(&imported, "TL-DUNGHAN");
    assert_eq!(num(&ratio["system_value"]), 98.0);
    assert_eq!(ratio["system_value_source"], "office");
    assert_eq!(num(&ratio["percentage"]), 90.0);
}

#[actix_web::test]
async fn an_emptied_row_clears_its_indicator_and_the_others_are_replaced_as_shown() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut draft = start(&app, period, "KHTC").await;
    fill_and_import(
        &app,
        &mut draft,
        period,
        &[
            ("G9", Typed::Number(12.0)),
            ("M9", Typed::Text("Gồm 2 quyết định")),
            ("I12", Typed::Text("Một cửa điện tử")),
        ],
    )
    .await;
    // The second download is prefilled; the unit empties the count's row and edits the text.
    let imported = fill_and_import(
        &app,
        &mut draft,
        period,
        &[
            ("G9", Typed::Clear),
            ("M9", Typed::Clear),
            ("I12", Typed::Text("Một cửa điện tử liên thông")),
        ],
    )
    .await;
    let count = value(&imported, "SL-VANBAN");
    assert_eq!(count["answered"], false);
    assert_eq!(count["number"], Value::Null);
    assert_eq!(count["note"], Value::Null);
    assert_eq!(
        value(&imported, "ND-SANGKIEN")["text"],
        "Một cửa điện tử liên thông"
    );
    assert_eq!(value(&imported, "TL-DUNGHAN")["answered"], false);
}

#[actix_web::test]
async fn import_needs_if_match_the_xlsx_type_and_an_editable_report_of_ones_own() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut draft = start(&app, period, "KHTC").await;
    let form = download(&app, &draft.token, &template_path(period, None))
        .await
        .bytes;
    let filled = fill(&form, &[("G9", Typed::Number(7.0))]);

    import(&app, &draft.token, draft.id, None, XLSX, filled.clone())
        .await
        .problem(428, "precondition_required");
    let stale = format!("\"{}.{}\"", draft.id, 99);
    import(
        &app,
        &draft.token,
        draft.id,
        Some(&stale),
        XLSX,
        filled.clone(),
    )
    .await
    .problem(412, "precondition_failed");
    for content_type in ["application/json", "application/octet-stream", "text/csv"] {
        let problem = import(
            &app,
            &draft.token,
            draft.id,
            Some(&draft.etag),
            content_type,
            filled.clone(),
        )
        .await
        .problem(415, "unsupported_media_type");
        assert!(problem["detail"].as_str().unwrap().contains(XLSX));
    }
    let viewer = app.token(Role::Viewer, None).await;
    import(
        &app,
        &viewer,
        draft.id,
        Some(&draft.etag),
        XLSX,
        filled.clone(),
    )
    .await
    .problem(403, "forbidden");
    let qltm = app.token(Role::Reporter, Some("QLTM")).await;
    import(
        &app,
        &qltm,
        draft.id,
        Some(&draft.etag),
        XLSX,
        filled.clone(),
    )
    .await
    .problem(404, "not_found");
    import(
        &app,
        &draft.token,
        draft.id + 100,
        Some("*"),
        XLSX,
        filled.clone(),
    )
    .await
    .problem(404, "not_found");

    // `*` matches any revision; the Office may import too.
    let imported = import(&app, &app.admin, draft.id, Some("*"), XLSX, filled.clone())
        .await
        .expect(200);
    assert_eq!(num(&value(&imported, "SL-VANBAN")["number"]), 7.0);
    draft.etag = format!("\"{}.{}\"", draft.id, imported["revision"]);

    // A submitted report is no longer editable.
    let complete = fill(
        &form,
        &[
            ("E8", Typed::Number(1.0)),
            ("F8", Typed::Number(1.0)),
            ("G9", Typed::Number(1.0)),
            ("G10", Typed::Number(1.0)),
            ("H11", Typed::Text("Có")),
            ("I12", Typed::Text("Có")),
        ],
    );
    import_ok(&app, &mut draft, complete.clone()).await;
    app.post_as(
        &draft.token,
        &format!("/api/v1/submissions/{}/submit", draft.id),
        json!({}),
    )
    .await
    .expect(200);
    import(&app, &draft.token, draft.id, Some("*"), XLSX, complete)
        .await
        .problem(409, "submission_not_editable");
}
