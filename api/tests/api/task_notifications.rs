//! A task's notification schedule (`GET /tasks/{id}/notifications`): the reminders and
//! escalations still ahead while it runs, at the instants the worker's planner then really
//! enqueues them (each planned line is checked by running the planner at its time), and the
//! mails recorded, the leadership's listing the task included.

use cchc_domain::model::token::Role;
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{json, Value};

use crate::common::{config_of, TestApp};
use crate::plans::{department, id, issued_plan, task};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

/// `(kind, step, status)` of each line.
fn lines(schedule: &Value) -> Vec<(String, String, String)> {
    let text = |v: &Value| v.as_str().unwrap_or("").to_owned();
    schedule["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (text(&i["kind"]), text(&i["step"]), text(&i["status"])))
        .collect()
}

fn line(kind: &str, step: &str, status: &str) -> (String, String, String) {
    (kind.into(), step.into(), status.into())
}

/// The planned line of `kind` (and `step`): when it is planned for.
fn planned_at(schedule: &Value, kind: &str, step: Option<&str>) -> DateTime<Utc> {
    let item = schedule["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| {
            i["kind"] == kind && i["status"] == "planned" && step.is_none_or(|s| i["step"] == s)
        })
        .unwrap_or_else(|| panic!("no planned {kind} {step:?} in {schedule:#}"));
    at(item["at"].as_str().unwrap())
}

/// Runs the worker's planner at `now`, then reads the schedule an hour later.
async fn plan_then_read(app: &TestApp, path: &str, now: DateTime<Utc>) -> Value {
    {
        let mut conn = app.state.pool.get().await.unwrap();
        cchc_app::repo::schedule::plan(&mut conn, &app.state.config.notifications, now)
            .await
            .unwrap();
    }
    app.clock.set(now + TimeDelta::hours(1));
    app.get(path).await.expect(200)
}

#[actix_web::test]
async fn a_tasks_schedule_plans_what_the_planner_then_enqueues_and_lists_what_was_sent() {
    let app = TestApp::spawn_with(config_of(&[(
        "CCHC_LEADERSHIP_EMAILS",
        "Giám đốc Sở <giamdoc@sct.example.vn>",
    )]))
    .await;
    department(&app).await;
    let plan = issued_plan(&app, "KH-2026").await;
    let december = json!({"kind": "month", "year": 2026, "month": 12});
    let task_id = id(&task(&app, plan, "1", "QLTM", december).await);
    let path = format!("/api/v1/tasks/{task_id}/notifications");

    let schedule = app.get(&path).await.expect(200);
    assert_eq!(schedule["task_code"], "1");
    assert_eq!(schedule["as_of"], "2026-11-20T09:00:00+07:00");
    assert_eq!(
        lines(&schedule),
        [
            line("task_reminder", "d5", "planned"),
            line("task_reminder", "d2", "planned"),
            line("task_reminder", "d0", "planned"),
            line("task_reminder", "deadline_day", "planned"),
            line("task_escalation_head", "", "planned"),
            line("task_escalation_leadership", "", "planned"),
        ]
    );
    let items = schedule["items"].as_array().unwrap();
    for item in items {
        assert!(item["at"].as_str().unwrap().ends_with("+07:00"), "{item}");
    }
    assert_eq!(items[0]["unit_code"], "QLTM");
    assert_eq!(
        items[0]["recipients"],
        json!([{"name": "Trần Thị Bình", "email": "focal.qltm@example.vn"}])
    );
    assert_eq!(items[4]["recipients"][0]["email"], "head.qltm@example.vn");
    assert_eq!(items[5]["unit_code"], Value::Null);
    assert_eq!(items[5]["recipients"][0]["email"], "giamdoc@sct.example.vn");

    // At the d5 line's instant the planner enqueues that reminder: it is recorded, first.
    let d5 = planned_at(&schedule, "task_reminder", Some("d5"));
    let schedule = plan_then_read(&app, &path, d5).await;
    assert_eq!(lines(&schedule)[0], line("task_reminder", "d5", "queued"));
    assert!(schedule["items"][0]["job_id"].as_i64().is_some());
    assert_eq!(
        lines(&schedule)[1..],
        [
            line("task_reminder", "d2", "planned"),
            line("task_reminder", "d0", "planned"),
            line("task_reminder", "deadline_day", "planned"),
            line("task_escalation_head", "", "planned"),
            line("task_escalation_leadership", "", "planned"),
        ]
    );

    // The head's escalation at its instant, then the leadership's, which lists the task.
    let head = planned_at(&schedule, "task_escalation_head", None);
    let schedule = plan_then_read(&app, &path, head).await;
    assert!(
        lines(&schedule).contains(&line("task_escalation_head", "", "queued")),
        "{schedule:#}"
    );
    let leadership = planned_at(&schedule, "task_escalation_leadership", None);
    let schedule = plan_then_read(&app, &path, leadership).await;
    let lines = lines(&schedule);
    assert!(
        lines.contains(&line("task_escalation_leadership", "", "queued")),
        "{schedule:#}"
    );
    // Nothing is planned any more: every reminder's time passed, both escalations are made.
    assert!(
        lines.iter().all(|(_, _, status)| status != "planned"),
        "{lines:?}"
    );
    let listing = schedule["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "task_escalation_leadership")
        .unwrap();
    assert_eq!(listing["unit_code"], Value::Null);
    assert_eq!(listing["recipients"][0]["email"], "giamdoc@sct.example.vn");
}

#[actix_web::test]
async fn a_task_declared_done_plans_nothing_and_reporters_may_not_read_the_schedule() {
    let app = TestApp::spawn().await;
    department(&app).await;
    let plan = issued_plan(&app, "KH-2026").await;
    let december = json!({"kind": "month", "year": 2026, "month": 12});
    let task_id = id(&task(&app, plan, "1", "QLTM", december).await);
    let path = format!("/api/v1/tasks/{task_id}/notifications");
    assert_eq!(lines(&app.get(&path).await.expect(200)).len(), 6);

    let reporter = app.token(Role::Reporter, Some("QLTM")).await;
    app.get_as(&reporter, &path).await.problem(403, "forbidden");
    app.get(&format!("/api/v1/tasks/{}/notifications", task_id + 1000))
        .await
        .problem(404, "not_found");

    app.post_as(
        &reporter,
        &format!("/api/v1/tasks/{task_id}/completion"),
        json!({"note": "Đã hoàn thành rà soát"}),
    )
    .await
    .expect(200);
    let schedule = app.get(&path).await.expect(200);
    assert_eq!(lines(&schedule), Vec::<(String, String, String)>::new());
    assert_eq!(schedule["task_id"], task_id);
}
