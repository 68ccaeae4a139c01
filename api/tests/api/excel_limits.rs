//! Hostile workbooks posted to the form import: each is refused with its own code and a
//! Vietnamese message, nothing is written, and the server keeps answering. The files are
//! built here by hand, as an attacker would write them.
//!
//! Fixture: as in `excel`, period 2026-Q4 is open and KHTC's reporter has a draft.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

use crate::common::{errors, pairs, TestApp};
use crate::excel::{etag_of, import, open_period, start, Draft, XLSX};

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
/// The form's metadata sheet, the first one the import reads.
const META_SHEET: &str = "cchc";

/// A workbook with one worksheet, `META_SHEET`, whose XML is `sheet`.
fn workbook(sheet: &str) -> Vec<u8> {
    let entries: [(&str, String); 5] = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.into(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into(),
        ),
        (
            "xl/workbook.xml",
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{META_SHEET}" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.into(),
        ),
        ("xl/worksheets/sheet1.xml", sheet.to_owned()),
    ];
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, content) in entries {
        writer.start_file(name, options).unwrap();
        writer.write_all(content.as_bytes()).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// The reported file: only `A1` and `XFD1048576`, the first and last cells of the grid.
fn far_corners(declared: bool) -> Vec<u8> {
    let dimension = if declared {
        r#"<dimension ref="A1:XFD1048576"/>"#
    } else {
        ""
    };
    workbook(&format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{dimension}<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>form</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#
    ))
}

/// A sheet of `padding` blanks: a few kilobytes that inflate to megabytes.
fn deflate_bomb(padding: usize) -> Vec<u8> {
    workbook(&format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>{}</sheetData></worksheet>"#,
        " ".repeat(padding)
    ))
}

async fn refused(
    app: &TestApp,
    draft: &Draft,
    bytes: Vec<u8>,
    status: u16,
    code: &str,
) -> serde_json::Value {
    let problem = import(app, &draft.token, draft.id, Some(&draft.etag), XLSX, bytes)
        .await
        .problem(status, code);
    let current = app
        .get_as(&draft.token, &format!("/api/v1/submissions/{}", draft.id))
        .await;
    assert_eq!(etag_of(&current.headers), draft.etag, "nothing written");
    problem
}

#[actix_web::test]
async fn hostile_workbooks_are_refused_and_the_server_keeps_answering() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let draft = start(&app, period, "KHTC").await;

    let declared = refused(&app, &draft, far_corners(true), 422, "sheet_too_large").await;
    assert_eq!(
        declared["detail"],
        "tệp không được đọc: trang \"cchc\" khai báo vùng dữ liệu A1:XFD1048576, vượt \
         quá giới hạn 5000 dòng × 64 cột của bảng tính"
    );

    let cell = refused(&app, &draft, far_corners(false), 422, "sheet_too_large").await;
    assert_eq!(errors(&cell), pairs(&[("XFD1048576", "sheet_too_large")]));
    assert_eq!(
        cell["errors"][0]["message"],
        "trang \"cchc\" có ô XFD1048576 nằm ngoài giới hạn 5000 dòng × 64 cột của bảng tính"
    );

    let bomb = deflate_bomb(16 * 1024 * 1024);
    assert!(bomb.len() < 64 * 1024, "{} bytes", bomb.len());
    let inflated = refused(&app, &draft, bomb, 413, "workbook_too_large").await;
    assert_eq!(
        inflated["detail"],
        "tệp không được đọc: phần \"xl/worksheets/sheet1.xml\" của tệp giải nén ra gấp \
         hơn 100 lần kích thước nén; tệp bất thường nên không được đọc"
    );

    // The server is still up and answering.
    app.get("/api/v1/periods").await.expect(200);
    app.get("/healthz").await.expect(200);
}
