//! The command line as operators and other tools drive it.

use std::process::{Command, Output};

use cchc_testkit::test_db::TestDatabase;
use serde_json::Value;

use serde_json::json;

use crate::common::TestApp;

fn cchc_api(database_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cchc-api"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run cchc-api")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn migrate_applies_then_reports_up_to_date() {
    let db = TestDatabase::empty();
    let first = cchc_api(db.url(), &["migrate"]);
    assert!(first.status.success(), "{first:?}");
    assert!(stdout(&first).contains("Applied migration 20261122000000"));
    let second = cchc_api(db.url(), &["migrate"]);
    assert!(second.status.success());
    assert_eq!(stdout(&second).trim(), "Database is up to date.");
}

#[test]
fn migrate_names_the_database_it_cannot_reach() {
    let output = cchc_api("postgres://postgres:hunter2@127.0.0.1:1/cchc", &["migrate"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("127.0.0.1:1"), "{stderr}");
    assert!(
        !stderr.contains("hunter2"),
        "the password is redacted: {stderr}"
    );
}

#[actix_web::test]
async fn token_create_prints_a_working_secret_last() {
    let app = TestApp::spawn().await;
    app.unit("KHTC", "division", None).await;
    let output = cchc_api(
        app.db.url(),
        &[
            "token",
            "create",
            "--role",
            "reporter",
            "--unit",
            "KHTC",
            "--name",
            "Chuyên viên KHTC",
        ],
    );
    assert!(output.status.success(), "{output:?}");
    let text = stdout(&output);
    let secret = text.lines().last().expect("a last line").trim().to_owned();
    assert!(secret.starts_with("cchc_"), "{text}");
    let me = app.get_as(&secret, "/api/v1/me").await.expect(200);
    assert_eq!(me["role"], "reporter");
    assert_eq!(me["unit_code"], "KHTC");
    assert_eq!(me["name"], "Chuyên viên KHTC");

    let bad = cchc_api(
        app.db.url(),
        &["token", "create", "--role", "reporter", "--name", "x"],
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unit_code"));
    let bad_role = cchc_api(
        app.db.url(),
        &["token", "create", "--role", "root", "--name", "x"],
    );
    assert!(!bad_role.status.success());
    assert!(String::from_utf8_lossy(&bad_role.stderr)
        .contains("expected one of admin, reporter, viewer, integration"));
}

#[actix_web::test]
async fn seed_demo_loads_the_source_documents_once() {
    let app = TestApp::spawn().await;
    let first = cchc_api(app.db.url(), &["seed-demo"]);
    assert!(first.status.success(), "{first:?}");
    assert!(
        stdout(&first).contains(
            "8 units, 18 indicators, 1 periods, 12 plan tasks, 2 PAR Index rounds, 1 emulation campaigns created"
        ),
        "{}",
        stdout(&first)
    );
    let second = cchc_api(app.db.url(), &["seed-demo"]);
    assert!(
        stdout(&second)
            .contains("0 units, 0 indicators, 0 periods, 0 plan tasks, 0 PAR Index rounds, 0 emulation campaigns created"),
        "idempotent"
    );

    // The 2022 plan (seed 002): eight areas with their lead units, history replayed in 2022.
    let plans = app.get("/api/v1/plans?year=2022").await.expect(200);
    assert_eq!(plans["items"][0]["code"], "KH-CCHC-2022");
    let plan_id = plans["items"][0]["id"].as_i64().unwrap();
    let plan = app
        .get(&format!("/api/v1/plans/{plan_id}"))
        .await
        .expect(200);
    assert_eq!(plan["status"], "issued");
    assert_eq!(plan["document"]["number"], "383/KH-SCT");
    assert_eq!(plan["legal_basis"][0]["number"], "4289/KH-UBND");
    let leads: Vec<&str> = plan["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["lead_unit"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(leads, ["TTRA", "VP", "VP", "VP", "KHTC", "VP", "VP", "VP"]);
    assert_eq!(plan["targets"][0]["target"]["comparator"], "gt");
    let board = app
        .get(&format!("/api/v1/plans/{plan_id}/board"))
        .await
        .expect(200);
    let totals = &board["totals"];
    assert_eq!(
        (
            &totals["total"],
            &totals["done_on_time"],
            &totals["done_late"],
            &totals["overdue"]
        ),
        (&json!(10), &json!(4), &json!(2), &json!(4)),
        "{board:#}"
    );
    assert_eq!(totals["on_time_rate"], 40.0);
    // The meeting conclusion's review task, due "trong tháng 5/2022", was done in June.
    let directive = app
        .get("/api/v1/tasks?q=kh%C3%B4ng%20ph%C3%A1t%20sinh")
        .await
        .expect(200);
    assert_eq!(
        directive["items"][0]["source_document"]["number"],
        "52/TB-SCT"
    );
    assert_eq!(
        directive["items"][0]["deadline"],
        "2022-05-31T17:00:00+07:00"
    );
    assert_eq!(directive["items"][0]["status"], "done_late");

    let units = app.get("/api/v1/units?per_page=200").await.expect(200);
    let codes: Vec<&str> = units["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["KHTC", "QLCNMT", "QLNL", "QLTM", "SCT", "TTKC", "TTRA", "VP"]
    );
    let vp = units["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == "VP")
        .unwrap();
    assert_eq!(vp["name"], "Văn phòng Sở");
    assert_eq!(vp["head"]["name"], "Trần Hồng Minh");
    assert_eq!(vp["parent_code"], "SCT");

    let periods = app.get("/api/v1/periods?q=2023-Q1").await.expect(200);
    let id = periods["items"][0]["id"].as_i64().unwrap();
    let period: Value = app.get(&format!("/api/v1/periods/{id}")).await.expect(200);
    assert_eq!(period["title"], "Báo cáo CCHC Quý I/2023");
    assert_eq!(period["status"], "open");
    assert_eq!(period["deadline"]["effective"], "2023-03-10T16:30:00+07:00");
    let numbers: Vec<&str> = period["legal_basis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["733/SNV-TT", "383/KH-SCT", "3394/SCT-VP"]);
    assert_eq!(
        period["units"].as_array().unwrap().len(),
        7,
        "every unit but the department"
    );
    assert_eq!(period["indicators"].as_array().unwrap().len(), 18);
    assert_eq!(period["warnings"], Value::Array(vec![]));
    let online = period["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "HS-TRUCTUYEN")
        .unwrap();
    assert_eq!(online["target"]["comparator"], "gte");
    assert_eq!(online["target"]["threshold"], 50.0);
    assert_eq!(online["kind"], "ratio");

    // The PAR Index (seed 001): 2021 appraised "Khá" with 70 % of the explained points kept;
    // 2022 in progress with points at risk.
    let rounds = app.get("/api/v1/assessments").await.expect(200);
    let round_id = |code: &str| {
        rounds["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == code)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let results = app
        .get(&format!(
            "/api/v1/assessments/{}/results",
            round_id("TDG-CCHC-2021")
        ))
        .await
        .expect(200);
    assert_eq!(results["max_points"], 100.0);
    assert_eq!(results["self_points"], 62.0, "{results:#}");
    assert_eq!(results["final_points"], 85.3);
    assert_eq!(results["ranking_class"], "Khá");
    let readiness = app
        .get(&format!(
            "/api/v1/assessments/{}/readiness",
            round_id("TDG-CCHC-2022")
        ))
        .await
        .expect(200);
    assert_eq!(readiness["ready"], false);
    assert_eq!(readiness["points_at_risk"], 6.0, "{readiness:#}");
    assert_eq!(readiness["criteria"], 36);
    assert_eq!(readiness["resolved"], 6);

    // Seed 004's campaign in 2022: round 1 reviewed and frozen, scored from the plan's tasks.
    let campaigns = app.get("/api/v1/campaigns?year=2022").await.expect(200);
    assert_eq!(campaigns["items"][0]["code"], "TD-TTHC-2022");
    let campaign = campaigns["items"][0]["id"].as_i64().unwrap();
    let first = app
        .get(&format!(
            "/api/v1/campaigns/{campaign}/rounds/1/leaderboard"
        ))
        .await
        .expect(200);
    assert_eq!(first["state"], "frozen");
    assert_eq!(first["rows"].as_array().unwrap().len(), 7);
    // VP confirmed 1 of its 3 tasks due in March–June on time: a third of 60 points.
    let vp = first["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit_code"] == "VP")
        .unwrap();
    assert_eq!(
        (&vp["criteria"][0]["counted"], &vp["criteria"][0]["out_of"]),
        (&json!(1), &json!(3)),
        "{first:#}"
    );
    assert_eq!(vp["criteria"][0]["points"], 20.0);
    assert_eq!(first["rows"][0]["rank"], 1);
    let second = app
        .get(&format!(
            "/api/v1/campaigns/{campaign}/rounds/2/leaderboard"
        ))
        .await
        .expect(200);
    assert_eq!(second["state"], "live");
}
