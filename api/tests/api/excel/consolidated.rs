//! The consolidated workbook's parameters and roles, and the filing archive with its QLVB
//! manifest.

use super::*;

/// KHTC fills every indicator of its form (TL-DUNGHAN as `numerator`/`denominator`), imports
/// it and submits.
async fn submit_full_form(app: &TestApp, period: i64, numerator: f64, denominator: f64) -> Draft {
    let mut khtc = start(app, period, "KHTC").await;
    fill_and_import(
        app,
        &mut khtc,
        period,
        &[
            ("F12", Typed::Number(numerator)),
            ("G12", Typed::Number(denominator)),
            ("I13", Typed::Number(4.0)),
            ("I14", Typed::Number(10.0)),
            ("I15", Typed::Text("Có")),
            ("I16", Typed::Text("Nội dung")),
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
    assert_eq!(float(&cell(&summary, "F11")), 0.0);
    assert!(cell(&summary, "A6")
        .to_string()
        .contains("Số liệu tổng hợp từ 0 báo cáo đã được Văn phòng chấp nhận: không có."));

    let viewer = app.token(Role::Viewer, None).await;
    let mut submitted = download(&app, &viewer, &path("?include=submitted&under=SCT"))
        .await
        .workbook();
    let summary = submitted.worksheet_range("Tổng hợp").unwrap();
    assert_eq!(float(&cell(&summary, "F11")), 1.0);
    assert_eq!(float(&cell(&summary, "I11")), 50.0);
    assert_eq!(cell(&summary, "K11"), Data::String("Không đạt".into()));
    let record = cell(&summary, "A6").to_string();
    assert!(
        record.starts_with("Đơn vị phải báo cáo thuộc SCT: "),
        "{record}"
    );
    assert!(
        record.contains("từ 1 báo cáo đã gửi (kể cả chưa được duyệt): Đơn vị KHTC (KHTC)."),
        "{record}"
    );
    let mut under_other = download(&app, &viewer, &path("?include=submitted&under=QLTM"))
        .await
        .workbook();
    let summary = under_other.worksheet_range("Tổng hợp").unwrap();
    assert_eq!(float(&cell(&summary, "F11")), 0.0);

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
        [
            "bao-cao-tong-hop-2026-Q4.docx",
            "manifest.json",
            "tong-hop-2026-Q4.xlsx"
        ]
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
    assert_eq!(
        document["subject"],
        "Kết quả thực hiện công tác cải cách hành chính quý IV năm 2026"
    );
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
    assert_eq!(float(&cell(&summary, "G11")), 249.0);
    assert_eq!(float(&cell(&summary, "H11")), 260.0);

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
