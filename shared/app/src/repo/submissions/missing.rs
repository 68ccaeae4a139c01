//! What a unit's report still lacks before it can be submitted, in words staff read: the
//! same completeness rules as submitting, grouped per indicator (the signed report page and
//! the reminders show it).

use std::collections::HashMap;

use diesel_async::AsyncPgConnection;
use serde::Serialize;

use super::{load, read_head, reported};
use crate::repo::pinned_versions::PinnedVersions;
use cchc_domain::error::Result;
use cchc_domain::rules::completeness::{completeness_problems, problem_codes, ReportedValue};

/// One thing a report still lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingItem {
    pub indicator_code: String,
    pub indicator_name: String,
    /// `value`, `evidence`, `explanation` or `invalid`.
    pub what: &'static str,
    /// In Vietnamese: `chưa nhập số liệu`, `chưa trích dẫn minh chứng`, `cần giải trình`,
    /// `số liệu chưa hợp lệ`.
    pub label: &'static str,
}

fn what(code: &str) -> (&'static str, &'static str) {
    match code {
        problem_codes::REQUIRED => ("value", "chưa nhập số liệu"),
        problem_codes::EVIDENCE_REQUIRED => ("evidence", "chưa trích dẫn minh chứng"),
        problem_codes::EXPLANATION_REQUIRED => ("explanation", "cần giải trình"),
        _ => ("invalid", "số liệu chưa hợp lệ"),
    }
}

/// What submission `id` still lacks, in the period's indicator order, one line per indicator
/// and kind of lack. The caller has checked access (a signed link, or the worker).
pub async fn missing_items(
    conn: &mut AsyncPgConnection,
    versions: &PinnedVersions,
    id: i64,
) -> Result<Vec<MissingItem>> {
    let (head, values) = read_head(conn, id, false).await?;
    let loaded = load(conn, versions, head, values).await?;
    let specs: Vec<_> = loaded
        .indicators
        .iter()
        .map(|f| f.version.spec.clone())
        .collect();
    let reported_values: HashMap<String, ReportedValue> = loaded
        .indicators
        .iter()
        .filter_map(|facts| {
            loaded.values.get(&facts.indicator_id).map(|row| {
                (
                    facts.version.row.code.clone(),
                    reported(row, loaded.evidence_count(facts)),
                )
            })
        })
        .collect();
    let problems = completeness_problems(&specs, &reported_values);
    let mut items: Vec<MissingItem> = Vec::new();
    for facts in &loaded.indicators {
        let code = &facts.version.row.code;
        let prefix = format!("values.{code}");
        for problem in &problems {
            let mine = problem.field == prefix
                || problem
                    .field
                    .strip_prefix(&prefix)
                    .is_some_and(|rest| rest.starts_with('.'));
            if !mine {
                continue;
            }
            let (what, label) = what(problem.code);
            if items
                .iter()
                .any(|item| item.indicator_code == *code && item.what == what)
            {
                continue;
            }
            items.push(MissingItem {
                indicator_code: code.clone(),
                indicator_name: facts.version.row.name.clone(),
                what,
                label,
            });
        }
    }
    Ok(items)
}
