//! Reports know the plan: a unit's report shows its tasks as they stood at the period's
//! cut-off (the end of the data window), and the consolidation counts task completion per
//! unit, in its JSON and as the workbook's sheet "Tiến độ nhiệm vụ".
//!
//! Timeline: the plan and its tasks from 01/08/2026; period 2026-Q3 with data to 14/09/2026
//! (cut-off 15/09 00:00); task 1 declared 25/08 and confirmed; task 2 due 10/09, 50 % on
//! 01/09, 80 % on 25/09, extended on 20/09; task 3 led by KHTC with QLTM coordinating; task 4
//! created in October. Read on 05/10/2026.

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use cchc_domain::model::token::Role;
use serde_json::{json, Value};

use super::{department, id, issued_plan, task};
use crate::common::TestApp;

fn at(local: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(local)
        .unwrap()
        .with_timezone(&chrono::Utc)
}

fn date(day: &str) -> Value {
    json!({"kind": "date", "date": day})
}

fn codes_and(tasks: &Value, field: &str) -> Vec<(String, Value)> {
    tasks["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["code"].as_str().unwrap().to_owned(), t[field].clone()))
        .collect()
}

#[actix_web::test]
async fn a_units_report_shows_its_tasks_at_the_cut_off_and_the_consolidation_counts_them() {
    let app = TestApp::spawn().await;
    app.clock.set(at("2026-08-01T09:00:00+07:00"));
    department(&app).await;
    app.indicator("SO-HOA", "count").await;
    let period = app
        .post(
            "/api/v1/periods",
            json!({
                "code": "2026-Q3", "title": "Báo cáo CCHC Quý III/2026",
                "report_type": "periodic", "frequency": "quarterly", "year": 2026, "sequence": 3,
                "data_from": "2026-06-15", "data_to": "2026-09-14",
                "deadline": "2026-09-21T16:30:00+07:00",
                "indicator_codes": ["SO-HOA"], "unit_codes": ["KHTC", "QLTM"],
            }),
        )
        .await
        .expect(201);
    let period = id(&period);
    app.post(&format!("/api/v1/periods/{period}/open"), json!({}))
        .await
        .expect(200);
    let plan = issued_plan(&app, "KH-2026").await;
    let done = id(&task(&app, plan, "1", "QLTM", date("2026-08-31")).await);
    let late = id(&task(&app, plan, "2", "QLTM", date("2026-09-10")).await);
    app.post(
        &format!("/api/v1/plans/{plan}/tasks"),
        json!({"code": "3", "title": "Nhiệm vụ 3", "lead_unit_code": "KHTC",
               "coordinating_unit_codes": ["QLTM"], "due": date("2026-12-31")}),
    )
    .await
    .expect(201);
    let qltm = app.token(Role::Reporter, Some("QLTM")).await;

    app.clock.set(at("2026-08-25T10:00:00+07:00"));
    app.post_as(
        &qltm,
        &format!("/api/v1/tasks/{done}/completion"),
        json!({}),
    )
    .await
    .expect(200);
    app.clock.set(at("2026-08-26T10:00:00+07:00"));
    app.post(&format!("/api/v1/tasks/{done}/confirm"), json!({}))
        .await
        .expect(200);
    app.clock.set(at("2026-09-01T10:00:00+07:00"));
    let progress = |percent: i64| json!({"percent": percent, "note": "Đang thực hiện"});
    app.post_as(
        &qltm,
        &format!("/api/v1/tasks/{late}/progress"),
        progress(50),
    )
    .await
    .expect(200);
    app.clock.set(at("2026-09-20T10:00:00+07:00"));
    app.post(
        &format!("/api/v1/tasks/{late}/extensions"),
        json!({"due": date("2026-10-30"), "reason": "Chờ ý kiến của Sở Tư pháp."}),
    )
    .await
    .expect(200);
    app.clock.set(at("2026-09-25T10:00:00+07:00"));
    app.post_as(
        &qltm,
        &format!("/api/v1/tasks/{late}/progress"),
        progress(80),
    )
    .await
    .expect(200);
    app.clock.set(at("2026-10-01T10:00:00+07:00"));
    task(&app, plan, "4", "QLTM", date("2026-11-30")).await;

    app.clock.set(at("2026-10-05T09:00:00+07:00"));
    let created = app
        .post_as(
            &qltm,
            &format!("/api/v1/periods/{period}/submissions"),
            json!({}),
        )
        .await
        .expect(201);
    let submission = id(&created);
    let tasks = app
        .get_as(&qltm, &format!("/api/v1/submissions/{submission}/tasks"))
        .await
        .expect(200);
    assert_eq!(tasks["as_of"], "2026-09-15T00:00:00+07:00");
    assert_eq!(tasks["unit"]["code"], "QLTM");
    assert_eq!(
        codes_and(&tasks, "status"),
        [
            ("1".to_owned(), json!("done_on_time")),
            ("2".to_owned(), json!("overdue")),
            ("3".to_owned(), json!("in_progress")),
        ],
        "task 4 did not exist at the cut-off: {tasks:#}"
    );
    assert_eq!(
        codes_and(&tasks, "role")
            .iter()
            .map(|(_, r)| r.clone())
            .collect::<Vec<_>>(),
        [json!("lead"), json!("lead"), json!("coordinating")]
    );
    let second = &tasks["tasks"][1];
    assert_eq!(
        second["deadline"], "2026-09-10T17:00:00+07:00",
        "the extension came later"
    );
    assert_eq!(second["progress_percent"], 50);
    assert_eq!(second["status_label"], "Quá hạn chưa hoàn thành");
    assert_eq!(
        tasks["tasks"][0]["completed_at"],
        "2026-08-25T10:00:00+07:00"
    );
    let counts = &tasks["lead_counts"];
    assert_eq!(
        (
            &counts["total"],
            &counts["done_on_time"],
            &counts["overdue"],
            &counts["on_time_rate"]
        ),
        (&json!(2), &json!(1), &json!(1), &json!(50.0))
    );
    // Today the task is extended and 80 % done.
    let today = app.get(&format!("/api/v1/tasks/{late}")).await.expect(200);
    assert_eq!(
        (&today["status"], &today["progress_percent"]),
        (&json!("in_progress"), &json!(80))
    );

    // Another unit's reporter reads neither the report's tasks (as it cannot see the report)
    // nor the period's completion.
    let khtc = app.token(Role::Reporter, Some("KHTC")).await;
    app.get_as(&khtc, &format!("/api/v1/submissions/{submission}"))
        .await
        .problem(404, "not_found");
    app.get_as(&khtc, &format!("/api/v1/submissions/{submission}/tasks"))
        .await
        .problem(404, "not_found");
    app.get_as(&khtc, &format!("/api/v1/periods/{period}/tasks"))
        .await
        .problem(403, "forbidden");

    let completion = app
        .get(&format!("/api/v1/periods/{period}/tasks"))
        .await
        .expect(200);
    let units: Vec<(Value, Value, Value)> = completion["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["unit"]["code"].clone(),
                u["counts"]["total"].clone(),
                u["coordinating"].clone(),
            )
        })
        .collect();
    assert_eq!(
        units,
        [
            (json!("KHTC"), json!(1), json!(0)),
            (json!("QLTM"), json!(2), json!(1)),
        ]
    );
    assert_eq!(completion["totals"]["total"], 3);

    // The consolidated workbook's last sheet.
    let response = app
        .client
        .get(format!(
            "{}/api/v1/periods/{period}/consolidation.xlsx",
            app.base_url
        ))
        .bearer_auth(&app.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let bytes = response.bytes().await.unwrap().to_vec();
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let sheet = workbook.worksheet_range("Tiến độ nhiệm vụ").unwrap();
    let row = |r: u32| -> Vec<Data> {
        (0..12)
            .map(|c| sheet.get_value((r, c)).cloned().unwrap_or(Data::Empty))
            .collect()
    };
    assert_eq!(row(7)[3], Data::String("Số nhiệm vụ chủ trì".into()));
    let qltm_row = row(9);
    assert_eq!(qltm_row[1], Data::String("QLTM".into()));
    assert_eq!(
        (
            &qltm_row[3],
            &qltm_row[4],
            &qltm_row[6],
            &qltm_row[10],
            &qltm_row[11]
        ),
        (
            &Data::Float(2.0),
            &Data::Float(1.0),
            &Data::Float(1.0),
            &Data::Float(50.0),
            &Data::Float(1.0)
        )
    );
    assert_eq!(row(10)[2], Data::String("Tổng cộng".into()));
}
