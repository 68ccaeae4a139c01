//! Changing units: renames, kinds, contacts, timestamps, and moves in the tree (never into a
//! cycle, even concurrently).

use super::*;

#[actix_web::test]
async fn patch_renames_changes_kind_deactivates_and_replaces_contacts() {
    let app = TestApp::spawn().await;
    app.unit("SCT", "department", None).await;
    let unit = app.unit("QLTM", "division", Some("SCT")).await;
    let path = format!("/api/v1/units/{}", id_of(&unit));
    assert_eq!(unit["head"]["name"], "Nguyễn Văn An");
    assert_eq!(unit["focal_persons"].as_array().unwrap().len(), 1);

    let renamed = app
        .patch(
            &path,
            json!({"name": " Phòng Quản lý Thương mại ", "kind": "other"}),
        )
        .await
        .expect(200);
    assert_eq!(renamed["name"], "Phòng Quản lý Thương mại");
    assert_eq!(renamed["kind"], "other");
    // Absent fields stay as they were.
    assert_eq!(renamed["code"], "QLTM");
    assert_eq!(renamed["active"], true);
    assert_eq!(renamed["parent_code"], "SCT");
    assert_eq!(renamed["head"], unit["head"]);
    assert_eq!(renamed["focal_persons"], unit["focal_persons"]);

    let deactivated = app.patch(&path, json!({"active": false})).await.expect(200);
    assert_eq!(deactivated["active"], false);
    assert_eq!(deactivated["name"], "Phòng Quản lý Thương mại");

    // The list is replaced as a whole, in the order sent.
    let focal_persons = json!([
        {"name": "Đặng Thị Yến", "position_title": "Chuyên viên", "email": "yendt@example.vn", "phone": "0258 3822 200"},
        {"name": "Bùi Văn Ân", "position_title": null, "email": "anbv@example.vn", "phone": null},
        {"name": "Hoàng Ngọc Ánh", "position_title": "Chuyên viên chính", "email": "anhhn@example.vn", "phone": "0912345678"}
    ]);
    let replaced = app
        .patch(&path, json!({"focal_persons": focal_persons}))
        .await
        .expect(200);
    assert_eq!(replaced["focal_persons"], focal_persons);
    assert_eq!(replaced["head"], unit["head"], "the head is left alone");

    let reordered = json!([focal_persons[2], focal_persons[0]]);
    let again = app
        .patch(&path, json!({"focal_persons": reordered}))
        .await
        .expect(200);
    assert_eq!(again["focal_persons"], reordered);

    let new_head = json!({"name": "Lưu Quang Dũng", "position_title": "Trưởng phòng", "email": "dunglq@example.vn", "phone": null});
    let rehead = app
        .patch(&path, json!({"head": new_head}))
        .await
        .expect(200);
    assert_eq!(rehead["head"], new_head);

    let headless = app.patch(&path, json!({"head": null})).await.expect(200);
    assert_eq!(headless["head"], Value::Null);
    assert_eq!(headless["focal_persons"], reordered);

    let cleared = app
        .patch(&path, json!({"focal_persons": []}))
        .await
        .expect(200);
    assert_eq!(cleared["focal_persons"], json!([]));

    // Everything sticks.
    let fetched = app.get(&path).await.expect(200);
    assert_eq!(fetched["name"], "Phòng Quản lý Thương mại");
    assert_eq!(fetched["kind"], "other");
    assert_eq!(fetched["active"], false);
    assert_eq!(fetched["head"], Value::Null);
    assert_eq!(fetched["focal_persons"], json!([]));
    assert_eq!(fetched["parent_code"], "SCT");
}

#[actix_web::test]
async fn unit_timestamps_follow_the_application_clock() {
    let app = TestApp::spawn().await;
    let unit = app.unit("VP", "office", None).await;
    assert_eq!(unit["created_at"], "2026-11-20T09:00:00+07:00");
    assert_eq!(unit["updated_at"], "2026-11-20T09:00:00+07:00");

    app.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-11-20T10:30:00+07:00")
            .unwrap()
            .into(),
    );
    let patched = app
        .patch(
            &format!("/api/v1/units/{}", id_of(&unit)),
            json!({"name": "Văn phòng"}),
        )
        .await
        .expect(200);
    assert_eq!(patched["created_at"], "2026-11-20T09:00:00+07:00");
    assert_eq!(patched["updated_at"], "2026-11-20T10:30:00+07:00");
}

#[actix_web::test]
async fn patch_moves_units_and_null_parent_makes_a_root() {
    let app = TestApp::spawn().await;
    let sct = app.unit("SCT", "department", None).await;
    let khtc = app.unit("KHTC", "division", Some("SCT")).await;
    app.unit("QLCN", "division", Some("SCT")).await;
    let tt = app.unit("TTKC", "service_unit", Some("KHTC")).await;
    let tt_path = format!("/api/v1/units/{}", id_of(&tt));

    let moved = app
        .patch(&tt_path, json!({"parent_code": "QLCN"}))
        .await
        .expect(200);
    assert_eq!(moved["parent_code"], "QLCN");
    let under_khtc = app.get("/api/v1/units?under=KHTC").await.expect(200);
    assert_eq!(codes(&under_khtc), ["KHTC"]);
    let under_qlcn = app.get("/api/v1/units?under=QLCN").await.expect(200);
    assert_eq!(codes(&under_qlcn), ["QLCN", "TTKC"]);

    // A sibling may become the parent of another sibling.
    let khtc_path = format!("/api/v1/units/{}", id_of(&khtc));
    let nested = app
        .patch(&khtc_path, json!({"parent_code": "QLCN"}))
        .await
        .expect(200);
    assert_eq!(nested["parent_code"], "QLCN");

    let root = app
        .patch(&khtc_path, json!({"parent_code": null}))
        .await
        .expect(200);
    assert_eq!(root["parent_id"], Value::Null);
    assert_eq!(root["parent_code"], Value::Null);
    let roots: Vec<String> = app.get("/api/v1/units").await.expect(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["parent_id"].is_null())
        .map(|u| u["code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(roots, ["KHTC", "SCT"]);
    // Absent parent_code leaves the parent alone.
    let renamed = app
        .patch(&tt_path, json!({"name": "Trung tâm"}))
        .await
        .expect(200);
    assert_eq!(renamed["parent_code"], "QLCN");
    assert_eq!(
        app.get(&format!("/api/v1/units/{}", id_of(&sct)))
            .await
            .expect(200)["parent_code"],
        Value::Null
    );
}

#[actix_web::test]
async fn a_unit_cannot_move_under_itself_or_a_descendant() {
    let app = TestApp::spawn().await;
    let sct = app.unit("SCT", "department", None).await;
    app.unit("KHTC", "division", Some("SCT")).await;
    app.unit("TTKC", "service_unit", Some("KHTC")).await;
    let sct_path = format!("/api/v1/units/{}", id_of(&sct));

    for descendant in ["KHTC", "TTKC"] {
        let problem = app
            .patch(&sct_path, json!({"parent_code": descendant}))
            .await
            .problem(422, "validation_failed");
        assert_eq!(Answer::fields(&problem), ["parent_code"]);
        assert_eq!(problem["errors"][0]["code"], "parent_cycle");
    }
    let problem = app
        .patch(&sct_path, json!({"parent_code": "SCT"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(Answer::fields(&problem), ["parent_code"]);
    assert_eq!(problem["errors"][0]["code"], "parent_cycle");

    // Nothing changed, not even the other fields of the rejected request.
    let problem = app
        .patch(&sct_path, json!({"name": "Đổi tên", "parent_code": "TTKC"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["code"], "parent_cycle");
    let fetched = app.get(&sct_path).await.expect(200);
    assert_eq!(fetched["parent_code"], Value::Null);
    assert_eq!(fetched["name"], "Đơn vị SCT");
    let under = app.get("/api/v1/units?under=SCT").await.expect(200);
    assert_eq!(codes(&under), ["KHTC", "SCT", "TTKC"]);
}

#[derive(diesel::QueryableByName)]
struct Waiting {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Waits until `n` sessions of the test database wait on a lock, or `done()` holds.
async fn wait_for_lock_waiters(
    watcher: &mut diesel_async::AsyncPgConnection,
    n: i64,
    done: impl Fn() -> bool,
) {
    use diesel_async::RunQueryDsl;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let waiting: Waiting = diesel::sql_query(
            "SELECT count(*) AS n FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .get_result(watcher)
        .await
        .expect("pg_stat_activity");
        if waiting.n >= n || done() {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never saw {n} sessions waiting on a lock"
        );
        actix_web::rt::task::yield_now().await;
    }
}

/// Sends a PATCH as admin from a spawned task; answers status and body.
fn spawn_patch(
    app: &TestApp,
    path: String,
    body: Value,
) -> actix_web::rt::task::JoinHandle<(u16, Value)> {
    let client = app.client.clone();
    let url = format!("{}{path}", app.base_url);
    let token = app.admin.clone();
    actix_web::rt::spawn(async move {
        let response = client
            .patch(url)
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(Value::Null);
        (status, body)
    })
}

/// Two moves that each look fine alone but together would close a loop (KHTC under TTKC, whose
/// parent QLCN moves under KHTC) must not both succeed, however their transactions interleave.
/// The first move is held open (a lock on its unit's contacts, which it replaces) until the
/// second has done its own check and is waiting.
#[actix_web::test]
async fn concurrent_moves_cannot_create_a_cycle() {
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

    let app = TestApp::spawn().await;
    let qlcn = app.unit("QLCN", "division", None).await;
    app.unit("TTKC", "service_unit", Some("QLCN")).await;
    let khtc = app.unit("KHTC", "division", None).await;
    assert_eq!(khtc["focal_persons"].as_array().unwrap().len(), 1);

    let mut locker = AsyncPgConnection::establish(app.db.url()).await.unwrap();
    let mut watcher = AsyncPgConnection::establish(app.db.url()).await.unwrap();
    diesel::sql_query("BEGIN")
        .execute(&mut locker)
        .await
        .unwrap();
    diesel::sql_query(format!(
        "SELECT id FROM unit_contacts WHERE unit_id = {} FOR UPDATE",
        id_of(&khtc)
    ))
    .execute(&mut locker)
    .await
    .unwrap();

    // KHTC under TTKC: checks, moves, then waits to replace its focal persons.
    let first = spawn_patch(
        &app,
        format!("/api/v1/units/{}", id_of(&khtc)),
        json!({"parent_code": "TTKC", "focal_persons": []}),
    );
    wait_for_lock_waiters(&mut watcher, 1, || first.is_finished()).await;
    // QLCN under KHTC, while the first move is not yet committed.
    let second = spawn_patch(
        &app,
        format!("/api/v1/units/{}", id_of(&qlcn)),
        json!({"parent_code": "KHTC"}),
    );
    wait_for_lock_waiters(&mut watcher, 2, || second.is_finished()).await;
    diesel::sql_query("COMMIT")
        .execute(&mut locker)
        .await
        .unwrap();
    let (first_status, first_body) = first.await.unwrap();
    let (second_status, second_body) = second.await.unwrap();

    assert_eq!(first_status, 200, "{first_body:#}");
    assert_eq!(first_body["parent_code"], "TTKC");
    assert_eq!(second_status, 422, "{second_body:#}");
    assert_eq!(second_body["code"], "validation_failed");
    assert_eq!(second_body["errors"][0]["field"], "parent_code");
    assert_eq!(second_body["errors"][0]["code"], "parent_cycle");

    // Whatever happened, every unit still reaches a root.
    let all = app.get("/api/v1/units").await.expect(200);
    let parents: std::collections::HashMap<String, Option<String>> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["code"].as_str().unwrap().to_owned(),
                u["parent_code"].as_str().map(str::to_owned),
            )
        })
        .collect();
    for start in parents.keys() {
        let mut at = start.clone();
        let mut steps = 0;
        while let Some(parent) = parents[&at].clone() {
            at = parent;
            steps += 1;
            assert!(steps <= parents.len(), "{start} is in a cycle: {parents:?}");
        }
    }
    assert_eq!(parents["QLCN"], None);
}
