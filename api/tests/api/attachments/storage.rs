//! The file store and the rows together: deleting both, an unwritable store, a row that cannot
//! be written.

use super::*;

#[actix_web::test]
async fn an_unwritable_store_answers_503_and_records_nothing() {
    let app =
        TestApp::spawn_with_files(Config::from_lookup(|_| None).unwrap(), Files::Unwritable).await;
    let scene = scene(&app).await;
    let (_, before) = submission(&app, scene.khtc.submission).await;
    let problem = upload(
        &app,
        &scene.khtc.token,
        scene.khtc.submission,
        "narrative",
        "bao-cao.docx",
        docx(),
    )
    .await
    .problem(503, "storage_unavailable");
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("nothing was saved"), "{detail}");
    // The store's own message (paths) stays in the log.
    assert!(!detail.contains(app.files.path().to_str().unwrap()));
    assert_eq!(attachment_rows(&app).await, 0);
    let (_, after) = submission(&app, scene.khtc.submission).await;
    assert_eq!(after["revision"], before["revision"]);
    assert_eq!(after["attachments"], json!([]));
}

#[actix_web::test]
async fn the_object_is_removed_when_the_row_cannot_be_written() {
    let app = TestApp::spawn().await;
    let scene = scene(&app).await;
    // A real failure of the database write, after the object was stored.
    let mut conn = app.state.pool.get().await.unwrap();
    diesel::sql_query(
        "CREATE FUNCTION refuse_attachment() RETURNS trigger LANGUAGE plpgsql AS \
         $$ BEGIN RAISE EXCEPTION 'disk full'; END $$",
    )
    .execute(&mut *conn)
    .await
    .unwrap();
    diesel::sql_query(
        "CREATE TRIGGER refuse_attachment BEFORE INSERT ON submission_attachments \
         FOR EACH ROW EXECUTE FUNCTION refuse_attachment()",
    )
    .execute(&mut *conn)
    .await
    .unwrap();
    drop(conn);
    upload(
        &app,
        &scene.khtc.token,
        scene.khtc.submission,
        "evidence",
        "a.pdf",
        pdf(),
    )
    .await
    .problem(500, "internal_error");
    assert_eq!(attachment_rows(&app).await, 0);
    assert!(
        stored_objects(&app).is_empty(),
        "{:?}",
        stored_objects(&app)
    );
}

#[actix_web::test]
async fn delete_removes_the_row_and_the_object() {
    let app = TestApp::spawn().await;
    let scene = scene(&app).await;
    let (token, id) = (&scene.khtc.token, scene.khtc.submission);
    let kept = upload(&app, token, id, "evidence", "giu.png", PNG.to_vec())
        .await
        .expect(201);
    let gone = upload(&app, token, id, "evidence", "xoa.jpg", JPEG.to_vec())
        .await
        .expect(201);
    let objects = stored_objects(&app);
    assert_eq!(objects.len(), 2);
    let gone_object = objects
        .iter()
        .find(|path| std::fs::read(path).unwrap() == JPEG)
        .expect("the JPEG is stored")
        .clone();
    let path = format!("/api/v1/attachments/{}", gone["id"]);
    let answer = app
        .request(reqwest::Method::DELETE, &path, Some(token), None)
        .await;
    assert_eq!(answer.status, 204);
    assert_eq!(answer.body, Value::Null);
    assert!(!gone_object.exists());
    assert_eq!(stored_objects(&app).len(), 1);
    app.get_as(token, &path).await.problem(404, "not_found");
    app.get_as(token, &format!("{path}/content"))
        .await
        .problem(404, "not_found");
    app.request(reqwest::Method::DELETE, &path, Some(token), None)
        .await
        .problem(404, "not_found");
    let list = app
        .get_as(token, &format!("/api/v1/submissions/{id}/attachments"))
        .await
        .expect(200);
    assert_eq!(list["items"], json!([kept]));
}
