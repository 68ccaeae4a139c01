//! The plan's appendix as Excel: exported as offices write it (areas I, II…, unit names,
//! dues as written, statuses), read back after editing, typed by an office with its own
//! numbering, and refused naming every bad cell with nothing written.

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Range, Reader, Xlsx};
use cchc_domain::model::token::Role;
use reqwest::Method;
use rust_xlsxwriter::Workbook;
use serde_json::json;

use super::{department, issued_plan};
use crate::common::{errors, pairs, TestApp};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn download(app: &TestApp, token: &str, path: &str) -> (u16, Vec<u8>) {
    let response = app
        .client
        .get(format!("{}{path}", app.base_url))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.bytes().await.unwrap().to_vec())
}

fn sheet(bytes: Vec<u8>) -> Range<Data> {
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    workbook.worksheet_range("Phụ lục").unwrap()
}

fn row(range: &Range<Data>, r: u32) -> Vec<String> {
    (0..7)
        .map(|c| match range.get_value((r, c)) {
            Some(Data::String(s)) => s.clone(),
            Some(Data::Empty) | None => String::new(),
            Some(other) => other.to_string(),
        })
        .collect()
}

/// A workbook as an office would type it: a title, then `rows` under the header.
fn typed(header: &[&str], rows: &[[&str; 6]]) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet
        .write_string(0, 0, "KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2026")
        .unwrap();
    for (c, label) in header.iter().enumerate() {
        sheet.write_string(2, c as u16, *label).unwrap();
    }
    for (r, cells) in rows.iter().enumerate() {
        for (c, text) in cells.iter().enumerate() {
            if !text.is_empty() {
                sheet.write_string(3 + r as u32, c as u16, *text).unwrap();
            }
        }
    }
    workbook.save_to_buffer().unwrap()
}

const HEADER: [&str; 6] = [
    "TT",
    "Nội dung công việc",
    "Đơn vị chủ trì",
    "Don vi phoi hop",
    "Thời gian hoàn thành",
    "Sản phẩm",
];

async fn import(app: &TestApp, plan: i64, bytes: Vec<u8>) -> crate::common::Answer {
    app.raw(
        Method::POST,
        &format!("/api/v1/plans/{plan}/tasks/import.xlsx"),
        XLSX,
        bytes,
    )
    .await
}

#[actix_web::test]
async fn the_appendix_is_exported_as_offices_write_it_and_read_back() {
    let app = TestApp::spawn().await;
    department(&app).await;
    let plan = issued_plan(&app, "KH-2026").await;
    for (code, area, lead, coordinating, due) in [
        (
            "2.1",
            Some("administrative_procedure_reform"),
            "QLTM",
            vec!["KHTC", "VP"],
            json!({"kind": "month", "year": 2026, "month": 12}),
        ),
        (
            "1.1",
            Some("institutional_reform"),
            "VP",
            vec![],
            json!({"kind": "date", "date": "2026-11-10"}),
        ),
        (
            "9",
            None,
            "KHTC",
            vec![],
            json!({"kind": "recurring", "every": "quarter"}),
        ),
    ] {
        app.post(
            &format!("/api/v1/plans/{plan}/tasks"),
            json!({"code": code, "title": format!("Nhiệm vụ {code}"), "content_area": area,
                   "lead_unit_code": lead, "coordinating_unit_codes": coordinating,
                   "expected_output": "Báo cáo", "due": due}),
        )
        .await
        .expect(201);
    }
    let path = format!("/api/v1/plans/{plan}/appendix.xlsx");
    let (status, bytes) = download(&app, &app.admin, &path).await;
    assert_eq!(status, 200);
    let range = sheet(bytes.clone());
    assert_eq!(row(&range, 0)[0], "PHỤ LỤC");
    assert_eq!(
        row(&range, 1)[0],
        "DANH MỤC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2026"
    );
    assert!(
        row(&range, 2)[0].starts_with("(Kèm theo Kế hoạch số "),
        "{:?}",
        row(&range, 2)
    );
    assert_eq!(
        &row(&range, 4)[..6],
        [
            "STT",
            "Nội dung nhiệm vụ",
            "Đơn vị chủ trì",
            "Đơn vị phối hợp",
            "Thời gian hoàn thành",
            "Sản phẩm"
        ]
    );
    assert!(row(&range, 4)[6].starts_with("Tình trạng"));
    // Areas in the national order (the plan lists none), tasks without one last.
    assert_eq!(&row(&range, 5)[..2], ["I", "Cải cách thể chế"]);
    assert_eq!(
        &row(&range, 6)[..6],
        [
            "1.1",
            "Nhiệm vụ 1.1",
            "Đơn vị VP",
            "",
            "10/11/2026",
            "Báo cáo"
        ]
    );
    assert_eq!(
        row(&range, 6)[6],
        "Quá hạn chưa hoàn thành",
        "due 10/11, read on 20/11"
    );
    assert_eq!(&row(&range, 7)[..2], ["II", "Cải cách thủ tục hành chính"]);
    assert_eq!(
        &row(&range, 8)[..5],
        [
            "2.1",
            "Nhiệm vụ 2.1",
            "Đơn vị QLTM",
            "Đơn vị VP;\nĐơn vị KHTC",
            "Tháng 12/2026"
        ]
    );
    assert_eq!(&row(&range, 9)[..2], ["III", "Nhiệm vụ khác"]);
    assert_eq!(row(&range, 10)[4], "Thường xuyên (báo cáo hằng quý)");

    // The same workbook imported back changes nothing but rewrites the three tasks.
    let answer = import(&app, plan, bytes).await.expect(200);
    assert_eq!(
        (&answer["created"], &answer["updated"]),
        (&json!(0), &json!(3))
    );
    let task = app
        .get(&format!("/api/v1/plans/{plan}/tasks?q=2.1"))
        .await
        .expect(200);
    let task = &task["items"][0];
    assert_eq!(task["content_area"], "administrative_procedure_reform");
    assert_eq!(task["coordinating_units"].as_array().unwrap().len(), 2);

    // Viewers read it; reporters neither read nor import it.
    let viewer = app.token(Role::Viewer, None).await;
    assert_eq!(download(&app, &viewer, &path).await.0, 200);
    let reporter = app.token(Role::Reporter, Some("QLTM")).await;
    assert_eq!(download(&app, &reporter, &path).await.0, 403);
}

#[actix_web::test]
async fn an_office_typed_appendix_is_imported_with_its_numbering_or_refused_naming_each_cell() {
    let app = TestApp::spawn().await;
    department(&app).await;
    let plan = issued_plan(&app, "KH-2026").await;
    // Numbers restart in each area: the codes take the area's number.
    let rows = [
        ["I", "CẢI CÁCH THỂ CHẾ", "", "", "", ""],
        [
            "1",
            "Rà soát văn bản quy phạm pháp luật",
            "Đơn vị VP",
            "",
            "Quý II/2026",
            "",
        ],
        ["II.", "Cải cách thủ tục hành chính", "", "", "", ""],
        [
            "1",
            "Rà soát TTHC mức độ 3, 4 không phát sinh hồ sơ",
            "qltm",
            "Đơn vị KHTC; VP",
            "trong tháng 5/2026",
            "Báo cáo",
        ],
    ];
    let answer = import(&app, plan, typed(&HEADER, &rows)).await.expect(200);
    assert_eq!(answer["codes"], json!(["1.1", "2.1"]));
    assert_eq!(
        (&answer["created"], &answer["updated"]),
        (&json!(2), &json!(0))
    );
    let listed = app
        .get(&format!("/api/v1/plans/{plan}/tasks?q=2.1"))
        .await
        .expect(200);
    let review = &listed["items"][0];
    assert_eq!(review["content_area"], "administrative_procedure_reform");
    assert_eq!(review["lead_unit"]["code"], "QLTM");
    assert_eq!(review["coordinating_units"].as_array().unwrap().len(), 2);
    assert_eq!(review["due_text"], "Tháng 5/2026");
    assert_eq!(
        review["deadline"], "2026-05-29T17:00:00+07:00",
        "31/05 is a Sunday"
    );

    // Every bad cell at once; nothing written.
    let bad = [
        ["II", "Cải cách thủ tục hành chính", "", "", "", ""],
        ["1", "Rà soát TTHC", "", "", "sớm nhất có thể", ""],
        ["IX", "Việc không thuộc nội dung nào", "", "", "", ""],
        ["", "", "Đơn vị VP", "", "", ""],
    ];
    let problem = import(&app, plan, typed(&HEADER, &bad))
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[
            ("C5", "required"),
            ("E5", "invalid_due"),
            ("B6", "unknown_content_area"),
            ("B7", "required"),
        ])
    );
    let unknown = [[
        "1",
        "Rà soát TTHC",
        "Phòng Không Có",
        "VP, Phòng Cũng Không",
        "Tháng 6/2026",
        "",
    ]];
    let problem = import(&app, plan, typed(&HEADER, &unknown))
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[("C4", "unknown_unit"), ("D4", "unknown_unit")])
    );
    let listed = app
        .get(&format!("/api/v1/plans/{plan}/tasks"))
        .await
        .expect(200);
    assert_eq!(listed["total"], 2, "nothing written");

    let headerless = typed(&["A", "B", "C"], &unknown);
    import(&app, plan, headerless)
        .await
        .problem(422, "not_an_appendix");
    let reporter = app.token(Role::Reporter, Some("QLTM")).await;
    let refused = app
        .client
        .post(format!(
            "{}/api/v1/plans/{plan}/tasks/import.xlsx",
            app.base_url
        ))
        .bearer_auth(&reporter)
        .header("content-type", XLSX)
        .body(typed(&HEADER, &rows))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 403);
}
