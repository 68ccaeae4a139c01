//! Macro-enabled Office files disguised as plain ones are refused as attachments of a report
//! and as files of an official document: the main part is the one the package relationships
//! name, and a VBA project is refused wherever it sits.

use crate::attachments::{attachment_rows, scene, stored_objects, upload, zip_of};
use crate::common::{errors, pairs, TestApp};

const XLSX_MAIN: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml";
const XLSM_MAIN: &str = "application/vnd.ms-excel.sheet.macroEnabled.main+xml";

/// The reported bypass: a decoy XLSX main part listed first in `[Content_Types].xml`, the
/// real macro-enabled workbook after it (the one `_rels/.rels` names), and its VBA project.
fn decoy_xlsm() -> Vec<u8> {
    let content_types = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="bin" ContentType="application/octet-stream"/><Override PartName="/xl/decoy.xml" ContentType="{XLSX_MAIN}"/><Override PartName="/xl/workbook.xml" ContentType="{XLSM_MAIN}"/></Types>"#
    );
    zip_of(&[
        ("[Content_Types].xml", &content_types),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        ("xl/decoy.xml", "<workbook/>"),
        (
            "xl/workbook.xml",
            r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>"#,
        ),
        (
            "xl/vbaProject.bin",
            "\u{1}Attribute VB_Name = \"ThisWorkbook\"",
        ),
    ])
}

#[actix_web::test]
async fn a_macro_workbook_behind_a_decoy_override_is_refused() {
    let app = TestApp::spawn().await;
    let scene = scene(&app).await;
    let (token, id) = (&scene.khtc.token, scene.khtc.submission);
    for purpose in ["statistics", "evidence"] {
        let problem = upload(&app, token, id, purpose, "bao-cao.xlsm", decoy_xlsm())
            .await
            .problem(415, "unsupported_file_type");
        assert_eq!(
            errors(&problem),
            pairs(&[("file", "unsupported_file_type")])
        );
        assert!(
            problem["detail"].as_str().unwrap().contains("macros"),
            "{problem:#}"
        );
    }
    assert_eq!(attachment_rows(&app).await, 0);
    assert!(stored_objects(&app).is_empty());

    // A file of an official document goes through the same check.
    let document = crate::documents::register(&app, "3394/SCT-VP", "2026-11-02").await;
    let document = document["id"].as_i64().unwrap();
    crate::documents::upload(&app, &app.admin, document, "phu-luc.xlsx", decoy_xlsm())
        .await
        .problem(415, "unsupported_file_type");
}
