//! The consolidated report's workbook: the figures, and what the appendix says beside them
//! (the data window, the report it goes with, where every expected unit stands).

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

use crate::authz::Principal;
use crate::repo::{local, periods, submissions, tasks};
use cchc_db::units;
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::model::submission::{ComplianceRow, Consolidation, ConsolidationQuery};
use cchc_domain::Result;
use cchc_excel::filing::REPORT_TYPE;
use cchc_excel::report::{build_consolidation, ReportContext};

/// The units the board lists that are within `under` (all of them without it).
pub(crate) async fn roster_under(
    conn: &mut AsyncPgConnection,
    rows: Vec<ComplianceRow>,
    under: Option<&str>,
) -> Result<Vec<ComplianceRow>> {
    let Some(code) = under else {
        return Ok(rows);
    };
    let Some(root) = units::find_id_by_code(conn, code).await? else {
        return Ok(Vec::new());
    };
    let within = units::subtree_ids(conn, root).await?;
    Ok(rows
        .into_iter()
        .filter(|row| within.contains(&row.unit_id))
        .collect())
}

/// The agency the report is issued by: the unit `under` names, else the only top-level unit
/// (the department); its name and the report's symbol (`BC-SCT`).
pub(crate) async fn issuing_agency(
    conn: &mut AsyncPgConnection,
    code: Option<&str>,
) -> Result<Option<(String, String)>> {
    let found = match code {
        Some(code) => units::name_by_code(conn, code)
            .await?
            .map(|name| (code.to_owned(), name)),
        None => match units::active_roots(conn, 2).await?.as_slice() {
            [(code, name)] => Some((code.clone(), name.clone())),
            _ => None,
        },
    };
    Ok(found.map(|(code, name)| (name, format!("{REPORT_TYPE}-{code}"))))
}

/// What the workbook of `report` says beside the figures, at `now`.
pub(crate) async fn context_of(
    conn: &mut AsyncPgConnection,
    report: &Consolidation,
    issuer: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ReportContext> {
    let period = periods::load(conn, report.period_id).await?;
    let board = submissions::compliance_of_all_units(conn, report.period_id, now).await?;
    let roster = roster_under(conn, board.units, report.under.as_deref()).await?;
    let issuer = issuing_agency(conn, issuer.or(report.under.as_deref())).await?;
    Ok(ReportContext {
        generated_at: local(now),
        data_from: period.data_window.data_from,
        data_to: period.data_window.data_to,
        issuer,
        roster,
    })
}

/// `GET /periods/{id}/consolidation.xlsx`: the period's code and the workbook. For the Office
/// and viewers, like the JSON report.
pub async fn consolidation_workbook(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    query: &ConsolidationQuery,
    policy: &ReminderPolicy,
    principal: &Principal,
    now: DateTime<Utc>,
) -> Result<(String, Vec<u8>)> {
    let report = submissions::consolidation(conn, period_id, query, true, principal).await?;
    let tasks = tasks::of_period(conn, period_id, policy, principal, now).await?;
    let context = context_of(conn, &report, None, now).await?;
    let bytes = build_consolidation(&report, &context, Some(&tasks))?;
    Ok((report.period_code, bytes))
}
