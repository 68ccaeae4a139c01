//! The consolidated report as a Word draft (`consolidation.docx`) and inside the filing
//! archive.

use std::collections::BTreeMap;
use std::io::Read;

use chrono::{DateTime, Utc};
use quick_xml::events::Event;
use quick_xml::Reader;

use super::*;
use crate::common::config_of;

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The files of a ZIP package, by name.
fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("a ZIP package");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut content = Vec::new();
            file.read_to_end(&mut content).unwrap();
            (file.name().unwrap().into_owned(), content)
        })
        .collect()
}

/// The paragraphs of a Word document's body, as text.
fn paragraphs(docx: &[u8]) -> Vec<String> {
    let files = unzip(docx);
    let xml = std::str::from_utf8(&files["word/document.xml"]).expect("UTF-8 XML");
    let mut reader = Reader::from_str(xml);
    let (mut paragraphs, mut current, mut in_text) = (Vec::new(), String::new(), false);
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Eof => break,
            Event::Start(tag) if tag.name().as_ref() == b"w:t" => in_text = true,
            Event::Start(tag) if tag.name().as_ref() == b"w:p" => current.clear(),
            Event::Text(text) if in_text => current.push_str(&text.xml10_content().unwrap()),
            Event::GeneralRef(reference) if in_text => {
                current.push_str(match reference.decode().unwrap().as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    _ => "'",
                })
            }
            Event::End(tag) if tag.name().as_ref() == b"w:t" => in_text = false,
            Event::End(tag) if tag.name().as_ref() == b"w:p" => paragraphs.push(current.clone()),
            _ => {}
        }
    }
    paragraphs
}

/// Every indicator of the period answered, with this on-time ratio.
fn values(numerator: u32, denominator: u32) -> Value {
    json!({
        "TL-DUNGHAN": {"numerator": numerator, "denominator": denominator},
        "SL-VANBAN": {"number": 1234},
        "KP-CCHC": {"number": 12.5},
        "CO-MOTCUA": {"flag": true},
        "ND-SANGKIEN": {"text": "Một cửa điện tử"},
    })
}

/// A unit's report: values and narrative written as JSON, then submitted.
async fn report(app: &TestApp, period: i64, unit: &str, values: Value, narrative: &str) -> Draft {
    let draft = start(app, period, unit).await;
    let answer = TestApp::send(
        app.client
            .patch(format!("{}/api/v1/submissions/{}", app.base_url, draft.id))
            .bearer_auth(&draft.token)
            .header("if-match", &draft.etag)
            .json(&json!({"narrative": narrative, "values": values})),
    )
    .await;
    answer.expect(200);
    app.post_as(
        &draft.token,
        &format!("/api/v1/submissions/{}/submit", draft.id),
        json!({}),
    )
    .await
    .expect(200);
    draft
}

#[actix_web::test]
async fn the_report_draft_gathers_the_units_narratives_figures_and_reporting_record() {
    let app = TestApp::spawn_with(config_of(&[
        ("CCHC_GOVERNING_BODY", "UBND tỉnh Điện Biên"),
        ("CCHC_PLACE_NAME", "Điện Biên"),
    ]))
    .await;
    let period = open_period(&app).await;
    // The letter of Sở Nội vụ the report answers, and the plan it rests on.
    for (number, agency, subject, role) in [
        (
            "733/SNV-TT",
            "Sở Nội vụ",
            "Công văn của Sở Nội vụ về việc báo cáo cải cách hành chính định kỳ năm 2026",
            "legal_basis",
        ),
        (
            "383/KH-SCT",
            "Sở Công Thương",
            "Kế hoạch cải cách hành chính năm 2026",
            "legal_basis",
        ),
    ] {
        let document = app
            .post(
                "/api/v1/documents",
                json!({
                    "number": number,
                    "issued_on": "2026-03-06",
                    "issuing_agency": agency,
                    "subject": subject,
                    "direction": "incoming",
                }),
            )
            .await
            .expect(201);
        app.post(
            &format!("/api/v1/documents/{}/link", document["id"]),
            json!({"period_id": period, "role": role}),
        )
        .await
        .expect(200);
    }
    // KHTC and QLTM report; the Office accepts KHTC and returns QLTM; TCHC never reports.
    let khtc = report(
        &app,
        period,
        "KHTC",
        values(249, 260),
        "1. Cải cách thể chế\nRà soát 12 văn bản quy phạm pháp luật.\n\
         2. Cải cách thủ tục hành chính\nGiải quyết đúng hạn 249/260 hồ sơ.",
    )
    .await;
    app.post(
        &format!("/api/v1/submissions/{}/accept", khtc.id),
        json!({}),
    )
    .await
    .expect(200);
    let qltm = report(
        &app,
        period,
        "QLTM",
        values(10, 10),
        "Phòng hoàn thành nhiệm vụ.",
    )
    .await;
    app.post(
        &format!("/api/v1/submissions/{}/return", qltm.id),
        json!({"reason": "Thiếu số liệu văn bản."}),
    )
    .await
    .expect(200);
    // After the deadline: TCHC is missing.
    app.clock.set(
        DateTime::parse_from_rfc3339("2026-12-20T09:00:00+07:00")
            .unwrap()
            .with_timezone(&Utc),
    );

    let viewer = app.token(Role::Viewer, None).await;
    let path = format!("/api/v1/periods/{period}/consolidation.docx");
    let draft = download(&app, &viewer, &path).await;
    assert_eq!(
        draft.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&draft.bytes)
    );
    assert_eq!(draft.header("content-type"), DOCX);
    let (ascii, vietnamese) = attachment_names(&draft);
    assert_eq!(ascii, "bao-cao-tong-hop-2026-Q4.docx");
    assert_eq!(vietnamese, "Báo cáo tổng hợp 2026-Q4.docx");
    let text = paragraphs(&draft.bytes);
    let has = |line: &str| text.iter().any(|p| p == line);
    for line in [
        "UBND TỈNH ĐIỆN BIÊN",
        "ĐƠN VỊ SCT",
        "Số: ……/BC-SCT",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Điện Biên, ngày …… tháng …… năm ……",
        "BÁO CÁO",
        "Kết quả thực hiện công tác cải cách hành chính quý IV năm 2026",
        "Kính gửi: Sở Nội vụ.",
        "Thực hiện Công văn số 733/SNV-TT ngày 06/3/2026 của Sở Nội vụ về việc báo cáo cải cách hành chính định kỳ năm 2026;",
        "Căn cứ Kế hoạch số 383/KH-SCT ngày 06/3/2026 về cải cách hành chính năm 2026;",
        // Only KHTC's accepted report is counted: its narrative by area.
        "1. Cải cách thể chế",
        "Đơn vị KHTC: Rà soát 12 văn bản quy phạm pháp luật.",
        "Đơn vị KHTC: Giải quyết đúng hạn 249/260 hồ sơ.",
        "Số liệu tổng hợp từ báo cáo đã được Văn phòng chấp nhận của 1/3 đơn vị: Đơn vị KHTC.",
        // The figures: 249/260 against ≥ 95 %.
        "95,77\u{202F}%",
        "≥\u{202F}95\u{202F}%",
        "Đạt",
        "1.234\u{A0}văn bản",
        "12,5\u{A0}triệu đồng",
        "Có: 1/1 đơn vị",
        // The reporting record.
        "- Số đơn vị phải báo cáo: 3.",
        "- Đơn vị có báo cáo bị trả lại: Đơn vị QLTM.",
        "- Đơn vị chưa gửi báo cáo: Đơn vị TCHC (quá hạn).",
        "- Đơn vị gửi báo cáo trễ hạn: Không có.",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
    ] {
        assert!(has(line), "{line:?} not in {text:#?}");
    }
    assert!(
        !text.iter().any(|p| p.contains("Phòng hoàn thành nhiệm vụ")),
        "a returned report's narrative is not counted"
    );

    // Another recipient and signer; bad ones are refused naming the field.
    let custom = download(
        &app,
        &app.admin,
        &format!("{path}?recipient=%E1%BB%A6y%20ban%20nh%C3%A2n%20d%C3%A2n%20t%E1%BB%89nh&signer_title=Gi%C3%A1m%20%C4%91%E1%BB%91c&signer_name=Nguy%E1%BB%85n%20V%C4%83n%20An"),
    )
    .await;
    assert_eq!(custom.status, StatusCode::OK);
    let text = paragraphs(&custom.bytes);
    for line in [
        "Kính gửi: Ủy ban nhân dân tỉnh.",
        "GIÁM ĐỐC",
        "Nguyễn Văn An",
        "- Lưu: VT, VP.",
    ] {
        assert!(text.iter().any(|p| p == line), "{line:?} not in {text:#?}");
    }
    assert!(!text.iter().any(|p| p == "- Giám đốc Sở (b/c);"));
    let long = "x".repeat(201);
    let problem = download(
        &app,
        &viewer,
        &format!("{path}?recipient={long}&signer_title=%20"),
    )
    .await
    .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[("recipient", "too_long"), ("signer_title", "required")])
    );
    download(&app, &khtc.token, &path)
        .await
        .problem(403, "forbidden");
    download(
        &app,
        &viewer,
        &format!("/api/v1/periods/{}/consolidation.docx", period + 100),
    )
    .await
    .problem(404, "not_found");
    let draft_period = create_period(&app, "2027-Q1", 2027, 1, "2027-03-15T16:30:00+07:00").await;
    download(
        &app,
        &viewer,
        &format!("/api/v1/periods/{draft_period}/consolidation.docx"),
    )
    .await
    .problem(409, "period_not_open");

    // The filing archive holds the same draft, listed in its manifest.
    let archive = download(
        &app,
        &viewer,
        &format!("/api/v1/periods/{period}/filing.zip"),
    )
    .await;
    assert_eq!(archive.status, StatusCode::OK);
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
    let listed = &manifest["files"][1];
    assert_eq!(listed["name"], "bao-cao-tong-hop-2026-Q4.docx");
    assert_eq!(listed["role"], "draft");
    assert_eq!(listed["content_type"], DOCX);
    let report_bytes = &files["bao-cao-tong-hop-2026-Q4.docx"];
    assert_eq!(listed["size_bytes"], report_bytes.len());
    assert_eq!(
        listed["sha256"],
        format!("{:x}", <sha2::Sha256 as sha2::Digest>::digest(report_bytes))
    );
    assert_eq!(manifest["files"][0]["role"], "main");
    // The manifest's trích yếu is the draft's.
    assert_eq!(
        manifest["document"]["subject"],
        "Kết quả thực hiện công tác cải cách hành chính quý IV năm 2026"
    );
    assert_eq!(paragraphs(report_bytes), paragraphs(&draft.bytes));
}
