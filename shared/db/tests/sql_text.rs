//! No SQL text is built from strings at run time except a reviewed few that splice only
//! constants or configuration, never request input. Everything else goes through diesel's
//! query builder or `sql_query` with a literal and bound parameters.

use std::path::{Path, PathBuf};

/// `file` and the start of the argument of each reviewed dynamic `sql_query`, with why it is
/// safe. A new one fails the test until it is reviewed and listed here.
const REVIEWED: &[(&str, &str, &str)] = &[
    (
        "shared/db/src/pool.rs",
        "format!(\"SET statement_timeout",
        "a number from configuration",
    ),
    (
        "shared/db/src/standings.rs",
        "format!(\"{STANDINGS} ORDER BY",
        "a constant query",
    ),
    (
        "shared/db/src/jobs.rs",
        "format!(\"LISTEN {NOTIFY_CHANNEL}",
        "a constant channel name",
    ),
    (
        "shared/db/src/tokens.rs",
        "format!(\"LISTEN {CHANGE_CHANNEL}",
        "a constant channel name",
    ),
    (
        "shared/db/src/bootstrap.rs",
        "format!(\"CREATE DATABASE",
        "the operator's DATABASE_URL, quoted as an identifier",
    ),
    (
        "shared/testkit/src/test_db.rs",
        "sql)",
        "test databases' names made by the harness",
    ),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn sql_text_is_literal_or_reviewed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .unwrap();
    let mut files = Vec::new();
    for dir in [
        "shared/domain/src",
        "shared/db/src",
        "shared/excel/src",
        "shared/app/src",
        "shared/testkit/src",
        "api/src",
        "worker/src",
    ] {
        rust_files(&root.join(dir), &mut files);
    }
    let mut unreviewed = Vec::new();
    let mut seen = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let name = file
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        for (at, _) in text.match_indices("sql_query(") {
            seen += 1;
            let argument = text[at + "sql_query(".len()..].trim_start();
            let literal = argument.starts_with('"')
                || argument.starts_with("r\"")
                || argument.starts_with("r#\"");
            let reviewed = REVIEWED
                .iter()
                .any(|(f, start, _)| *f == name && argument.starts_with(start));
            if !literal && !reviewed {
                let line = text[..at].lines().count();
                unreviewed.push(format!(
                    "{name}:{line}: sql_query({}",
                    &argument[..argument.len().min(60)]
                ));
            }
        }
    }
    assert!(seen > 10, "the scan found the queries ({seen})");
    assert!(
        unreviewed.is_empty(),
        "SQL text built at run time; use bound parameters, or review and list it:\n{}",
        unreviewed.join("\n")
    );
}
