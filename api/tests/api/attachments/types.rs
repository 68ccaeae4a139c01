//! File types decided by content, per purpose, whatever the name or declared type.

use super::*;

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
