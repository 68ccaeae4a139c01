//! Setting a period up in the database: its codes resolved to indicators and units, its
//! documents, indicators and units replaced. What is checked and derived from its state is the
//! pure rule `cchc_domain::rules::period_setup`.

use std::collections::{HashMap, HashSet};

use diesel_async::AsyncPgConnection;

use cchc_db::indicators;
use cchc_db::units;
use cchc_domain::error::Result;
use cchc_domain::validation::Checker;

/// Resolves codes to ids in the given order, reporting unknown, inactive and repeated codes.
pub(super) fn resolve_codes<T: Copy>(
    check: &mut Checker,
    field: &str,
    codes: &[String],
    found: &HashMap<String, (T, bool)>,
    what: &str,
) -> Vec<T> {
    let mut seen = HashSet::new();
    let mut resolved = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        let path = format!("{field}[{i}]");
        if !seen.insert(code) {
            check.push(path, "duplicate", format!("{code:?} is listed twice"));
            continue;
        }
        match found.get(code) {
            None => check.push(path, "unknown_code", format!("no {what} has code {code:?}")),
            Some((_, false)) => {
                check.push(path, "inactive", format!("{what} {code:?} is inactive"))
            }
            Some((id, true)) => resolved.push(*id),
        }
    }
    resolved
}

pub(super) async fn resolve_indicators(
    conn: &mut AsyncPgConnection,
    check: &mut Checker,
    codes: Option<&[String]>,
) -> Result<Vec<(i64, i64)>> {
    let codes = match codes {
        Some(codes) => codes.to_vec(),
        None => indicators::active_codes(conn).await?,
    };
    let found: HashMap<String, ((i64, i64), bool)> =
        indicators::current_versions_by_code(conn, &codes)
            .await?
            .into_iter()
            .map(|(code, id, version_id, active)| (code, ((id, version_id), active)))
            .collect();
    Ok(resolve_codes(
        check,
        "indicator_codes",
        &codes,
        &found,
        "indicator",
    ))
}

pub(super) async fn resolve_units(
    conn: &mut AsyncPgConnection,
    check: &mut Checker,
    codes: Option<&[String]>,
) -> Result<Vec<i64>> {
    let codes: Vec<String> = match codes {
        Some(codes) => codes.to_vec(),
        // The department consolidates; its units report.
        None => units::reporting_codes(conn).await?,
    };
    let found: HashMap<String, (i64, bool)> = units::ids_by_codes(conn, &codes)
        .await?
        .into_iter()
        .map(|(code, id, active)| (code, (id, active)))
        .collect();
    Ok(resolve_codes(check, "unit_codes", &codes, &found, "unit"))
}
