//! A period's notification schedule (`GET /periods/{id}/notifications`): the reminders and
//! escalations still ahead for the units that have not reported, at the worker's local
//! instants (office hours, working days, a holiday skipped), and the mails the planner
//! recorded, listed once they are jobs.
//!
//! Fixture: [`crate::documents::period_scene`] (QLCN and KHTC in the open period 2026-Q4, due
//! Tuesday 15/12/2026 at 16:30, default policy: d5, d2, d0 at 08:00, deadline day at 14:00,
//! the head an hour after the deadline, the leadership two working days after); Thursday
//! 10/12/2026 is made a day off.

use cchc_domain::model::token::Role;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::common::TestApp;
use crate::documents::period_scene;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

/// `(unit, kind, step, at, status)` of each line.
fn lines(schedule: &Value) -> Vec<(String, String, String, String, String)> {
    let text = |v: &Value| v.as_str().unwrap_or("").to_owned();
    schedule["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                text(&i["unit_code"]),
                text(&i["kind"]),
                text(&i["step"]),
                text(&i["at"]),
                text(&i["status"]),
            )
        })
        .collect()
}

fn line(
    unit: &str,
    kind: &str,
    step: &str,
    at: &str,
    status: &str,
) -> (String, String, String, String, String) {
    (
        unit.into(),
        kind.into(),
        step.into(),
        at.into(),
        status.into(),
    )
}

/// KHTC's report, filled and submitted by its reporter.
pub(crate) async fn submit_khtc(app: &TestApp, period: i64) {
    let reporter = app.token(Role::Reporter, Some("KHTC")).await;
    let created = app
        .post_as(
            &reporter,
            &format!("/api/v1/periods/{period}/submissions"),
            json!({}),
        )
        .await
        .expect(201);
    let id = created["id"].as_i64().unwrap();
    let response = app
        .client
        .patch(format!("{}/api/v1/submissions/{id}", app.base_url))
        .bearer_auth(&reporter)
        .header("if-match", format!("\"{id}.{}\"", created["revision"]))
        .json(&json!({"values": {"SL-VANBAN": {"number": 4}}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    app.post_as(
        &reporter,
        &format!("/api/v1/submissions/{id}/submit"),
        json!({}),
    )
    .await
    .expect(200);
}

#[actix_web::test]
async fn the_schedule_lists_what_is_planned_at_local_working_instants_and_what_was_recorded() {
    let app = TestApp::spawn().await;
    let period = period_scene(&app).await;
    app.post(
        "/api/v1/holidays",
        json!({"date": "2026-12-10", "kind": "day_off", "name": "Nghỉ bù"}),
    )
    .await
    .expect(201);
    submit_khtc(&app, period).await;
    let path = format!("/api/v1/periods/{period}/notifications");

    let schedule = app.get(&path).await.expect(200);
    assert_eq!(schedule["period_code"], "2026-Q4");
    assert_eq!(schedule["office_hours"], "07:30–17:00");
    assert_eq!(schedule["as_of"], "2026-11-20T09:00:00+07:00");
    // KHTC reported: nothing for it. QLCN has no report: five working days before Tuesday
    // 15/12 skip the weekend and the day off (Monday 07/12, not Tuesday 08/12); the head is
    // told an hour after the deadline, which is after office hours, so at 07:30 the next day.
    assert_eq!(
        lines(&schedule),
        [
            line(
                "QLCN",
                "reminder",
                "d5",
                "2026-12-07T08:00:00+07:00",
                "planned"
            ),
            line(
                "QLCN",
                "reminder",
                "d2",
                "2026-12-11T08:00:00+07:00",
                "planned"
            ),
            line(
                "QLCN",
                "reminder",
                "d0",
                "2026-12-15T08:00:00+07:00",
                "planned"
            ),
            line(
                "QLCN",
                "reminder",
                "deadline_day",
                "2026-12-15T14:00:00+07:00",
                "planned"
            ),
            line(
                "QLCN",
                "escalation_head",
                "",
                "2026-12-16T07:30:00+07:00",
                "planned"
            ),
            line(
                "QLCN",
                "escalation_leadership",
                "",
                "2026-12-17T16:30:00+07:00",
                "planned"
            ),
        ]
    );
    assert_eq!(
        schedule["items"][0]["recipients"],
        json!([{"name": "Trần Thị Bình", "email": "focal.qlcn@example.vn"}])
    );
    assert_eq!(
        schedule["items"][4]["recipients"][0]["email"],
        "head.qlcn@example.vn"
    );

    // The worker's planner runs on Monday 07/12 at 08:00: the d5 reminder is a job now.
    let d5 = at("2026-12-07T08:00:00+07:00");
    {
        let mut conn = app.state.pool.get().await.unwrap();
        let report = cchc_app::repo::schedule::plan(&mut conn, &app.state.config.notifications, d5)
            .await
            .unwrap();
        assert_eq!(report.reminders, 1);
    }
    app.clock.set(at("2026-12-07T09:00:00+07:00"));
    let schedule = app.get(&path).await.expect(200);
    let lines = lines(&schedule);
    assert_eq!(
        lines[0],
        line(
            "QLCN",
            "reminder",
            "d5",
            "2026-12-07T08:00:00+07:00",
            "queued"
        )
    );
    assert!(schedule["items"][0]["job_id"].as_i64().is_some());
    assert_eq!(
        lines[1],
        line(
            "QLCN",
            "reminder",
            "d2",
            "2026-12-11T08:00:00+07:00",
            "planned"
        )
    );
    assert_eq!(
        lines.len(),
        6,
        "the d5 step is no longer planned: {lines:?}"
    );

    // Reporters do not see the schedule.
    let reporter = app.token(Role::Reporter, Some("QLCN")).await;
    app.get_as(&reporter, &path).await.problem(403, "forbidden");
    app.get("/api/v1/periods/999999/notifications")
        .await
        .problem(404, "not_found");
}
