//! Statuses are derived from the dues, the completion, the calendar and the time: never typed
//! in. The clock stands at Friday 20/11/2026 09:00 unless a test moves it; "due soon" is the
//! reminders' widest window (5 working days by default).

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::{department, id, issued_plan, task};
use crate::common::TestApp;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

async fn status_of(app: &TestApp, task: i64) -> Value {
    app.get(&format!("/api/v1/tasks/{task}")).await.expect(200)
}

#[actix_web::test]
async fn statuses_follow_the_dues_and_the_working_day_calendar() {
    let app = TestApp::spawn().await;
    department(&app).await;
    let plan = issued_plan(&app, "KH-2026").await;

    let overdue = task(
        &app,
        plan,
        "1",
        "VP",
        json!({"kind": "date", "date": "2026-11-10"}),
    )
    .await;
    assert_eq!(overdue["status"], "overdue");
    assert_eq!(overdue["status_label"], "Quá hạn chưa hoàn thành");
    assert_eq!(overdue["due_text"], "10/11/2026");
    assert_eq!(overdue["deadline"], "2026-11-10T17:00:00+07:00");

    let soon = task(
        &app,
        plan,
        "2",
        "QLTM",
        json!({"kind": "date", "date": "2026-11-24"}),
    )
    .await;
    assert_eq!(soon["status"], "due_soon");

    // "Trong tháng 12/2026": the end of the month's last working day.
    let month = task(
        &app,
        plan,
        "3",
        "KHTC",
        json!({"kind": "month", "year": 2026, "month": 12}),
    )
    .await;
    assert_eq!(month["status"], "in_progress");
    assert_eq!(month["due_text"], "Tháng 12/2026");
    assert_eq!(month["deadline"], "2026-12-31T17:00:00+07:00");

    // January 2027 ends on a Sunday: the deadline is Friday 29/01.
    let january = task(
        &app,
        plan,
        "4",
        "VP",
        json!({"kind": "month", "year": 2027, "month": 1}),
    )
    .await;
    assert_eq!(january["deadline"], "2027-01-29T17:00:00+07:00");

    // Not started yet.
    let later = app
        .post(
            &format!("/api/v1/plans/{plan}/tasks"),
            json!({"code": "5", "title": "Tổng kết", "lead_unit_code": "VP", "start_date": "2026-12-01",
                   "due": {"kind": "quarter", "year": 2026, "quarter": 4}}),
        )
        .await
        .expect(201);
    assert_eq!(later["status"], "not_due");
    assert_eq!(later["due_text"], "Quý IV/2026");

    // A holiday announced late moves a deadline that falls on it.
    app.post(
        "/api/v1/holidays",
        json!({"date": "2026-11-24", "kind": "day_off", "name": "Nghỉ bù"}),
    )
    .await
    .expect(201);
    let moved = status_of(&app, id(&soon)).await;
    assert_eq!(moved["deadline"], "2026-11-25T17:00:00+07:00");

    // The board counts by status, per lead unit and in total.
    let board = app
        .get(&format!("/api/v1/plans/{plan}/board"))
        .await
        .expect(200);
    assert_eq!(board["totals"]["total"], 5);
    assert_eq!(board["totals"]["overdue"], 1);
    assert_eq!(board["totals"]["due_soon"], 1);
    assert_eq!(board["totals"]["in_progress"], 2);
    assert_eq!(board["totals"]["not_due"], 1);
    // Judged so far: one overdue task, none done on time.
    assert_eq!(board["totals"]["on_time_rate"], 0.0);
    let vp = board["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["unit"]["code"] == "VP")
        .expect("a row for VP");
    assert_eq!(vp["counts"]["total"], 3);

    // The list filters by derived status.
    let overdue_list = app
        .get(&format!("/api/v1/plans/{plan}/tasks?status=overdue"))
        .await
        .expect(200);
    assert_eq!(overdue_list["total"], 1);
    assert_eq!(overdue_list["items"][0]["code"], "1");
}

#[actix_web::test]
async fn an_extension_keeps_both_deadlines_and_must_be_later() {
    let app = TestApp::spawn().await;
    department(&app).await;
    let plan = issued_plan(&app, "KH-2026").await;
    let late = task(
        &app,
        plan,
        "1",
        "VP",
        json!({"kind": "date", "date": "2026-11-10"}),
    )
    .await;
    let task_id = id(&late);
    let problem = app
        .post(
            &format!("/api/v1/tasks/{task_id}/extensions"),
            json!({"due": {"kind": "date", "date": "2026-11-06"}, "reason": "Chờ ý kiến"}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["code"], "not_later");
    let extended = app
        .post(
            &format!("/api/v1/tasks/{task_id}/extensions"),
            json!({"due": {"kind": "date", "date": "2026-12-04"}, "reason": "Chờ ý kiến của Sở Tư pháp"}),
        )
        .await
        .expect(200);
    assert_eq!(extended["deadline"], "2026-11-10T17:00:00+07:00");
    assert_eq!(extended["extended_deadline"], "2026-12-04T17:00:00+07:00");
    assert_eq!(extended["effective_deadline"], "2026-12-04T17:00:00+07:00");
    assert_eq!(extended["status"], "in_progress");
    assert_eq!(
        extended["extensions"][0]["previous_deadline"],
        "2026-11-10T17:00:00+07:00"
    );
    assert_eq!(
        extended["extensions"][0]["reason"],
        "Chờ ý kiến của Sở Tư pháp"
    );
}

#[actix_web::test]
async fn a_task_done_on_a_holiday_before_its_shifted_deadline_is_on_time() {
    let app = TestApp::spawn().await;
    department(&app).await;
    let plan = issued_plan(&app, "KH-2026").await;
    // Due on New Year's Day 2027 (a Friday off): the deadline moves to Monday 04/01.
    let new_year = task(
        &app,
        plan,
        "1",
        "VP",
        json!({"kind": "date", "date": "2027-01-01"}),
    )
    .await;
    assert_eq!(new_year["deadline"], "2027-01-04T17:00:00+07:00");
    let year_end = task(
        &app,
        plan,
        "2",
        "VP",
        json!({"kind": "date", "date": "2026-12-31"}),
    )
    .await;
    // Both declared on Saturday 02/01/2027.
    app.clock.set(at("2027-01-02T10:00:00+07:00"));
    for task in [&new_year, &year_end] {
        let declared = app
            .post(
                &format!("/api/v1/tasks/{}/completion", id(task)),
                json!({"note": "Đã hoàn thành"}),
            )
            .await
            .expect(200);
        assert_eq!(declared["completion"], "declared");
        assert_eq!(declared["progress_percent"], 100);
        let confirmed = app
            .post(&format!("/api/v1/tasks/{}/confirm", id(task)), json!({}))
            .await
            .expect(200);
        assert_eq!(confirmed["completion"], "confirmed");
    }
    assert_eq!(
        status_of(&app, id(&new_year)).await["status"],
        "done_on_time"
    );
    assert_eq!(status_of(&app, id(&year_end)).await["status"], "done_late");
    assert_eq!(
        status_of(&app, id(&year_end)).await["status_label"],
        "Hoàn thành quá hạn"
    );
}

#[actix_web::test]
async fn ongoing_work_is_overdue_without_a_progress_report_for_the_last_month() {
    let app = TestApp::spawn().await;
    department(&app).await;
    let plan = issued_plan(&app, "KH-2026").await;
    let ongoing = app
        .post(
            &format!("/api/v1/plans/{plan}/tasks"),
            json!({"code": "7", "title": "Tuyên truyền cải cách hành chính", "lead_unit_code": "VP",
                   "start_date": "2026-10-01", "due": {"kind": "recurring", "every": "month"}}),
        )
        .await
        .expect(201);
    assert_eq!(ongoing["due_text"], "Thường xuyên (báo cáo hằng tháng)");
    assert_eq!(ongoing["deadline"], Value::Null);
    assert_eq!(ongoing["status"], "overdue");
    let reported = app
        .post(
            &format!("/api/v1/tasks/{}/progress", id(&ongoing)),
            json!({"percent": 60, "note": "Đã đăng 4 tin bài trên cổng thông tin"}),
        )
        .await
        .expect(200);
    assert_eq!(reported["status"], "in_progress");
    assert_eq!(reported["progress_percent"], 60);
    // Ongoing work is not declared done, and has no deadline to extend.
    app.post(
        &format!("/api/v1/tasks/{}/completion", id(&ongoing)),
        json!({}),
    )
    .await
    .problem(409, "ongoing_task");
}
