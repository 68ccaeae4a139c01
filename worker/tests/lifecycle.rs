//! The worker starts against a migrated database, refuses an unmigrated one, and exits cleanly
//! on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cchc_testkit::test_db::TestDatabase;

fn worker(database_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cchc-worker"));
    command
        .arg("run")
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

#[test]
fn exits_cleanly_on_sigterm() {
    let db = TestDatabase::migrated();
    let mut child = worker(db.url()).spawn().expect("start the worker");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let started = Instant::now();
    loop {
        let line = lines
            .next()
            .expect("the worker logs before it exits")
            .expect("log line");
        if line.contains("worker ready") {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the worker did not become ready"
        );
    }
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("send SIGTERM");
    assert!(status.success());
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let exit = child.wait().expect("wait");
    assert!(exit.success(), "exit status {exit:?}; log: {rest:?}");
    assert!(
        rest.iter()
            .any(|l| l.contains("shutting down") && l.contains("SIGTERM")),
        "{rest:?}"
    );
}

#[test]
fn refuses_a_database_with_pending_migrations() {
    let db = TestDatabase::empty();
    let output = worker(db.url()).output().expect("run the worker");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("pending migrations"), "{stderr}");
}

#[test]
fn once_plans_drains_reports_and_exits() {
    let db = TestDatabase::migrated();
    let mail_dir = std::env::temp_dir().join(format!("cchc-once-{}", std::process::id()));
    let output = Command::new(env!("CARGO_BIN_EXE_cchc-worker"))
        .arg("once")
        .env("DATABASE_URL", db.url())
        .env("CCHC_MAIL_DIR", &mail_dir)
        .env_remove("SMTP_URL")
        .env("NO_COLOR", "1")
        .output()
        .expect("run the worker once");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("planned 0 item(s)") && stdout.contains("ran 0 job(s)"),
        "{stdout}"
    );
    std::fs::remove_dir_all(&mail_dir).ok();
}
