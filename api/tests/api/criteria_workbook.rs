//! A criteria set as a workbook through the HTTP API: exported as offices read a province's
//! set, read back into an equal set, a province's typed set (Roman areas, numbering restarting
//! inside them) imported, and every fault named by its cell with nothing written.

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Range, Reader, Xlsx};
use cchc_domain::model::token::Role;
use reqwest::Method;
use rust_xlsxwriter::Workbook;
use serde_json::{json, Value};

use crate::assessments::round;
use crate::common::{errors, TestApp};
use crate::criteria_sets::{fixtures, set_body};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn download(app: &TestApp, path: &str) -> (u16, Option<String>, Vec<u8>) {
    let response = app
        .client
        .get(format!("{}{path}", app.base_url))
        .bearer_auth(&app.admin)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let disposition = response
        .headers()
        .get("content-disposition")
        .map(|h| h.to_str().unwrap().to_owned());
    (
        status,
        disposition,
        response.bytes().await.unwrap().to_vec(),
    )
}

fn sheet(bytes: &[u8]) -> Range<Data> {
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    workbook.worksheet_range("Bộ tiêu chí").unwrap()
}

fn cell(range: &Range<Data>, r: u32, c: u32) -> String {
    match range.get_value((r, c)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// What a set says about its criteria, ids aside.
fn tree(set: &Value) -> Vec<Value> {
    set["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            json!([
                c["code"],
                c["parent_code"],
                c["title"],
                c["max_points"],
                c["content_area"],
                c["scoring"],
                c["evidence_hint"]
            ])
        })
        .collect()
}

/// A province's set as an office types it: a title, the header on row 3, `rows` under it.
fn typed(rows: &[[&str; 5]]) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet
        .write_string(0, 0, "BỘ TIÊU CHÍ CHỈ SỐ CCHC CÁC SỞ NĂM 2026")
        .unwrap();
    let header = [
        "TT",
        "Lĩnh vực/Tiêu chí/Tiêu chí thành phần",
        "Điểm tối đa",
        "Cách chấm điểm",
        "Thang diem",
    ];
    for (c, label) in header.iter().enumerate() {
        sheet.write_string(2, c as u16, *label).unwrap();
    }
    for (r, cells) in rows.iter().enumerate() {
        for (c, text) in cells.iter().enumerate() {
            let (row, col) = (3 + r as u32, c as u16);
            match (c, text.parse::<f64>()) {
                _ if text.is_empty() => {}
                (2, Ok(number)) => {
                    sheet.write_number(row, col, number).unwrap();
                }
                _ => {
                    sheet.write_string(row, col, *text).unwrap();
                }
            }
        }
    }
    workbook.save_to_buffer().unwrap()
}

const IMPORT: &str = "/api/v1/criteria-sets/import.xlsx?code=PAR-TINH&year=2026&title=B%E1%BB%99%20ti%C3%AAu%20ch%C3%AD%202026&restored_share_percent=70&ranking_classes=T%E1%BB%91t%3A%2090%3B%20Kh%C3%A1%3A%2080";

#[actix_web::test]
async fn a_set_is_exported_as_offices_read_it_and_reads_back_equal() {
    let app = TestApp::spawn().await;
    fixtures(&app).await;
    let set = app
        .post("/api/v1/criteria-sets", set_body("PAR-SO-2026"))
        .await
        .expect(201);
    let id = set["id"].as_i64().unwrap();
    let (status, disposition, bytes) =
        download(&app, &format!("/api/v1/criteria-sets/{id}/criteria.xlsx")).await;
    assert_eq!(status, 200);
    assert!(disposition
        .unwrap()
        .contains("bo-tieu-chi-PAR-SO-2026-v1.xlsx"));
    let range = sheet(&bytes);
    assert_eq!(
        cell(&range, 0, 0),
        "BỘ TIÊU CHÍ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH"
    );
    assert_eq!(cell(&range, 4, 0), "STT");
    assert_eq!(cell(&range, 4, 4), "Thang điểm");
    // Codes tell the parents: no "Thuộc mục" column.
    assert_eq!(cell(&range, 4, 7), "");
    assert_eq!(cell(&range, 6, 0), "1.1");
    assert_eq!(cell(&range, 6, 3), "Chọn mức");
    assert_eq!(
        cell(&range, 6, 4),
        "Ban hành đúng thời hạn: 1\nBan hành chậm: 0,5\nKhông ban hành: 0"
    );
    assert_eq!(cell(&range, 6, 5), "Cải cách thể chế");
    assert_eq!(cell(&range, 9, 3), "Chỉ tiêu TTHC-TRUCTUYEN, kỳ 2026-Q4");
    assert_eq!(cell(&range, 9, 4), "Từ 30 trở lên: 0,5\nTừ 50 trở lên: 1");
    assert_eq!(cell(&range, 11, 1), "TỔNG ĐIỂM");
    assert_eq!(cell(&range, 11, 2), "4.5");

    let copy = app.raw(Method::POST, IMPORT, XLSX, bytes).await.expect(201);
    assert_eq!(copy["code"], "PAR-TINH");
    assert_eq!(copy["status"], "draft");
    assert_eq!(copy["restored_share_percent"], 70.0);
    assert_eq!(
        copy["ranking_classes"],
        json!([{"label": "Tốt", "min_points": 90.0},
                                               {"label": "Khá", "min_points": 80.0}])
    );
    assert_eq!(tree(&copy), tree(&set));
}

#[actix_web::test]
async fn a_provinces_typed_set_is_read_with_its_numbering() {
    let app = TestApp::spawn().await;
    let bytes = typed(&[
        ["I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "3", "", ""],
        ["1", "Kế hoạch CCHC năm", "2", "", ""],
        [
            "1.1",
            "Ban hành kế hoạch đúng thời hạn",
            "1",
            "Chọn mức",
            "Đúng hạn: 1\nChậm: 0,5 điểm",
        ],
        ["1.2", "Mức độ hoàn thành kế hoạch", "1", "", ""],
        ["2", "Kiểm tra CCHC", "1", "tự chấm", ""],
        ["II", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "2", "", ""],
        ["1", "Chỉ số hài lòng", "2", "Điều tra SIPAS", ""],
        ["", "Tổng điểm", "5", "", ""],
    ]);
    let set = app.raw(Method::POST, IMPORT, XLSX, bytes).await.expect(201);
    let read: Vec<(String, Option<String>, String)> = set["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["code"].as_str().unwrap().to_owned(),
                c["parent_code"].as_str().map(str::to_owned),
                c["scoring"]["method"].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect();
    let expected = [
        ("1", None, "-"),
        ("1.1", Some("1"), "-"),
        ("1.1.1", Some("1.1"), "levels"),
        ("1.1.2", Some("1.1"), "entered"),
        ("1.2", Some("1"), "entered"),
        ("2", None, "-"),
        ("2.1", Some("2"), "survey"),
    ]
    .map(|(code, parent, method)| {
        (
            code.to_owned(),
            parent.map(str::to_owned),
            method.to_owned(),
        )
    });
    assert_eq!(read, expected);
    assert_eq!(set["total_points"], 5.0);
}

#[actix_web::test]
async fn every_fault_is_named_by_its_cell_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let bytes = typed(&[
        ["1", "Chỉ đạo, điều hành", "3", "", ""],
        ["1.1", "Kế hoạch", "hai", "", ""],
        ["1.2", "Báo cáo", "1", "Theo cảm tính", ""],
        ["1.3", "Kiểm tra", "1", "Chọn mức", "Có kiểm tra 1"],
        ["2", "Thủ tục hành chính", "2", "", ""],
        [
            "2.1",
            "Trực tuyến",
            "1",
            "Chỉ tiêu KHONG-CO, kỳ 2026-Q9",
            "Từ 50 trở lên: 1",
        ],
        ["", "", "", "Tự chấm", ""],
    ]);
    let problem = app
        .raw(Method::POST, IMPORT, XLSX, bytes)
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        [
            ("C5".into(), "not_a_number".into()),
            ("D6".into(), "unknown_method".into()),
            ("E7".into(), "invalid_scale".into()),
            ("A10".into(), "required".into()),
        ]
    );
    // The cells read, the tree's own faults are named by cell too.
    let bytes = typed(&[
        ["1", "Chỉ đạo, điều hành", "3", "", ""],
        ["1.1", "Kế hoạch", "1", "", ""],
        ["2", "Thủ tục hành chính", "2", "", ""],
        [
            "2.1",
            "Trực tuyến",
            "2",
            "Chỉ tiêu KHONG-CO, kỳ 2026-Q9",
            "Từ 50 trở lên: 1",
        ],
    ]);
    let problem = app
        .raw(Method::POST, IMPORT, XLSX, bytes)
        .await
        .problem(422, "validation_failed");
    let found = errors(&problem);
    assert!(
        found.contains(&("C4".into(), "sum_mismatch".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("D7".into(), "unknown_indicator".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("D7".into(), "unknown_period".into())),
        "{found:?}"
    );
    assert_eq!(
        app.get("/api/v1/criteria-sets").await.expect(200)["total"],
        0
    );

    // Not a workbook of this kind; a bad query parameter; the wrong media type; not the Office.
    app.raw(Method::POST, IMPORT, XLSX, typed(&[]))
        .await
        .problem(422, "not_a_criteria_set");
    let bad = IMPORT.replace("T%E1%BB%91t%3A%2090", "T%E1%BB%91t%2090");
    let problem = app
        .raw(Method::POST, &bad, XLSX, typed(&[["1", "A", "1", "", ""]]))
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        [("ranking_classes".into(), "invalid_classes".into())]
    );
    app.raw(Method::POST, IMPORT, "text/csv", b"STT,A".to_vec())
        .await
        .problem(415, "unsupported_media_type");
    app.unit("VP", "office", None).await;
    let reporter = app.token(Role::Reporter, Some("VP")).await;
    let response = app
        .client
        .post(format!("{}{IMPORT}", app.base_url))
        .bearer_auth(&reporter)
        .header("content-type", XLSX)
        .body(typed(&[["1", "A", "1", "", ""]]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
}

#[actix_web::test]
async fn a_workbook_edit_after_a_round_was_sent_makes_the_next_version() {
    let app = TestApp::spawn().await;
    let (id, created, _) = round(&app).await;
    let set_id = created["criteria_set_id"].as_i64().unwrap();
    app.post(
        &format!("/api/v1/assessments/{id}/send"),
        json!({"override_reason": "Gửi đúng hạn theo yêu cầu của tỉnh"}),
    )
    .await
    .expect(200);
    let (_, _, bytes) = download(
        &app,
        &format!("/api/v1/criteria-sets/{set_id}/criteria.xlsx"),
    )
    .await;
    let next = app
        .raw(
            Method::PUT,
            &format!("/api/v1/criteria-sets/{set_id}/criteria.xlsx"),
            XLSX,
            bytes,
        )
        .await
        .expect(201);
    assert_eq!(next["version"], 2);
    assert_eq!(next["previous_version_id"], set_id);
    assert_eq!(next["ranking_classes"].as_array().unwrap().len(), 4);
    let old = app
        .get(&format!("/api/v1/criteria-sets/{set_id}"))
        .await
        .expect(200);
    assert_eq!(tree(&next), tree(&old));
}
