//! Uploads: checksums and downloads of the same bytes, the size limit while reading, and the
//! form's fields.

use super::*;

#[actix_web::test]
async fn upload_records_the_checksum_and_download_returns_the_same_bytes() {
    let app = TestApp::spawn().await;
    let scene = scene(&app).await;
    let (token, id) = (&scene.khtc.token, scene.khtc.submission);
    let bytes = docx();
    let name = "Báo cáo CCHC Quý IV – Sở Công Thương.docx";
    let form = Form::new()
        .text("purpose", "narrative")
        .text("indicator_code", "TL-DUNGHAN")
        .part("file", file_part(name, bytes.clone(), DOCX_TYPE));
    let answer = post_form(&app, token, id, form).await;
    let location = header(&answer.headers, "location").to_owned();
    let created = answer.expect(201);
    let attachment_id = created["id"].as_i64().unwrap();
    assert_eq!(location, format!("/api/v1/attachments/{attachment_id}"));
    assert_eq!(created["submission_id"], id);
    assert_eq!(created["purpose"], "narrative");
    assert_eq!(created["filename"], name);
    assert_eq!(created["content_type"], DOCX_TYPE);
    assert_eq!(created["size_bytes"], bytes.len());
    assert_eq!(created["sha256"], sha256(&bytes));
    assert_eq!(created["indicator_code"], "TL-DUNGHAN");
    assert_eq!(created["uploaded_by"], "test reporter");
    assert_eq!(created["uploaded_at"], "2026-11-20T09:00:00+07:00");
    let download_url = format!("/api/v1/attachments/{attachment_id}/content");
    assert_eq!(created["download_url"], download_url.as_str());

    // The description, alone, in the list and in the submission.
    assert_eq!(app.get_as(token, &location).await.expect(200), created);
    let list = app
        .get_as(token, &format!("/api/v1/submissions/{id}/attachments"))
        .await
        .expect(200);
    assert_eq!(list["items"], json!([created.clone()]));
    let (_, report) = submission(&app, id).await;
    assert_eq!(report["attachments"], json!([created.clone()]));

    let (status, headers, downloaded) = download(&app, token, &download_url, None).await;
    assert_eq!(status, 200);
    assert_eq!(downloaded, bytes);
    assert_eq!(header(&headers, "content-type"), DOCX_TYPE);
    assert_eq!(
        header(&headers, "content-disposition"),
        "attachment; filename=\"Bao cao CCHC Quy IV - So Cong Thuong.docx\"; \
         filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20CCHC%20Qu%C3%BD%20IV%20%E2%80%93%20S%E1%BB%9F%20C%C3%B4ng%20Th%C6%B0%C6%A1ng.docx"
    );
    let etag = format!("\"{}\"", sha256(&bytes));
    assert_eq!(header(&headers, "etag"), etag);
    assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
    assert_eq!(header(&headers, "content-length"), bytes.len().to_string());
    let (status, headers, body) = download(&app, token, &download_url, Some(&etag)).await;
    assert_eq!(status, 304);
    assert_eq!(header(&headers, "etag"), etag);
    assert!(body.is_empty());
    let (status, _, body) = download(&app, token, &download_url, Some("\"other\"")).await;
    assert_eq!(status, 200);
    assert_eq!(body, bytes);

    // A path sent as the name keeps only the name; an image comes back byte for byte.
    let image = upload(
        &app,
        token,
        id,
        "evidence",
        r"C:\fakepath\con dấu.png",
        PNG.to_vec(),
    )
    .await
    .expect(201);
    assert_eq!(image["filename"], "con dấu.png");
    let (_, headers, body) =
        download(&app, token, image["download_url"].as_str().unwrap(), None).await;
    assert_eq!(body, PNG);
    assert_eq!(header(&headers, "content-type"), "image/png");
    assert_eq!(
        header(&headers, "content-disposition"),
        "attachment; filename=\"con dau.png\"; filename*=UTF-8''con%20d%E1%BA%A5u.png"
    );
}

#[actix_web::test]
async fn a_file_over_the_limit_is_refused_while_reading() {
    const LIMIT: usize = 8 * 1024;
    let config =
        Config::from_lookup(|name| (name == "CCHC_MAX_UPLOAD_BYTES").then(|| LIMIT.to_string()))
            .unwrap();
    let app = TestApp::spawn_with(config).await;
    let scene = scene(&app).await;
    let (token, id) = (&scene.khtc.token, scene.khtc.submission);

    let at_limit = upload(&app, token, id, "evidence", "du.pdf", pdf_of_size(LIMIT))
        .await
        .expect(201);
    assert_eq!(at_limit["size_bytes"], LIMIT);

    let problem = upload(
        &app,
        token,
        id,
        "evidence",
        "thua.pdf",
        pdf_of_size(LIMIT + 1),
    )
    .await
    .problem(413, "payload_too_large");
    assert_eq!(errors(&problem), pairs(&[("file", "too_large")]));

    // Without Content-Length (a chunked stream) the limit holds all the same.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = pdf_of_size(4 * LIMIT)
        .chunks(1024)
        .map(|c| Ok(c.to_vec()))
        .collect();
    let streamed = Part::stream(reqwest::Body::wrap_stream(futures_util::stream::iter(
        chunks,
    )))
    .file_name("luong.pdf");
    let form = Form::new()
        .text("purpose", "evidence")
        .part("file", streamed);
    post_form(&app, token, id, form)
        .await
        .problem(413, "payload_too_large");

    // A declared length far over the limit is refused before reading.
    upload(
        &app,
        token,
        id,
        "evidence",
        "lon.pdf",
        pdf_of_size(LIMIT + 128 * 1024),
    )
    .await
    .problem(413, "payload_too_large");

    assert_eq!(attachment_rows(&app).await, 1);
    assert_eq!(stored_objects(&app).len(), 1);
}

#[actix_web::test]
async fn missing_empty_and_unknown_fields_are_named() {
    let app = TestApp::spawn().await;
    let scene = scene(&app).await;
    let (token, id) = (&scene.khtc.token, scene.khtc.submission);

    let empty = upload(&app, token, id, "evidence", "rong.pdf", Vec::new())
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&empty), pairs(&[("file", "empty")]));

    let form = Form::new().text("indicator_code", "SL-VANBAN");
    let nothing = post_form(&app, token, id, form)
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&nothing),
        pairs(&[("purpose", "required"), ("file", "required")])
    );

    let form = Form::new()
        .text("purpose", "appendix")
        .text("indicator_code", "KHONG-CO")
        .text("comment", "xin xem")
        .part("file", file_part("a.pdf", pdf(), "application/pdf"));
    let wrong = post_form(&app, token, id, form)
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&wrong),
        pairs(&[
            ("comment", "unknown_field"),
            ("purpose", "invalid_value"),
            ("indicator_code", "unknown_indicator"),
        ])
    );

    // A plain text part named file is not a file.
    let form = Form::new()
        .text("purpose", "evidence")
        .text("file", "%PDF-1.4 nội dung");
    let not_a_file = post_form(&app, token, id, form)
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&not_a_file), pairs(&[("file", "not_a_file")]));

    let form = Form::new()
        .text("purpose", "evidence")
        .part("file", file_part("a.pdf", pdf(), "application/pdf"))
        .part("file", file_part("b.pdf", pdf(), "application/pdf"));
    let twice = post_form(&app, token, id, form)
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&twice), pairs(&[("file", "repeated")]));

    // Not a form at all.
    let json_body = TestApp::send(
        app.client
            .post(format!(
                "{}/api/v1/submissions/{id}/attachments",
                app.base_url
            ))
            .bearer_auth(token)
            .json(&json!({"purpose": "evidence"})),
    )
    .await
    .problem(415, "unsupported_media_type");
    assert!(json_body["detail"]
        .as_str()
        .unwrap()
        .contains("multipart/form-data"));

    assert_eq!(attachment_rows(&app).await, 0);
    assert!(stored_objects(&app).is_empty());
}

/// The default limit, 20 MiB, with bodies of realistic size: the client gets its 413 rather
/// than a broken connection, whether it declared the length or streamed.
#[actix_web::test]
async fn the_default_limit_is_20_mib() {
    const MIB: usize = 1024 * 1024;
    let app = TestApp::spawn().await;
    let scene = scene(&app).await;
    let (token, id) = (&scene.khtc.token, scene.khtc.submission);
    let over = pdf_of_size(21 * MIB);
    upload(&app, token, id, "evidence", "lon.pdf", over.clone())
        .await
        .problem(413, "payload_too_large");
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        over.chunks(64 * 1024).map(|c| Ok(c.to_vec())).collect();
    let streamed = Part::stream(reqwest::Body::wrap_stream(futures_util::stream::iter(
        chunks,
    )))
    .file_name("luong.pdf");
    let form = Form::new()
        .text("purpose", "evidence")
        .part("file", streamed);
    post_form(&app, token, id, form)
        .await
        .problem(413, "payload_too_large");
    let at_limit = upload(&app, token, id, "evidence", "du.pdf", pdf_of_size(20 * MIB))
        .await
        .expect(201);
    assert_eq!(at_limit["size_bytes"], 20 * MIB);
    assert_eq!(attachment_rows(&app).await, 1);
}
