//! Gathers what the filing archive of a period's consolidated report needs (see `cchc_excel::filing`).

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::authz;
use crate::authz::Principal;
use crate::repo::{documents, local, periods, submissions};
use cchc_db::units;
use cchc_domain::error::Error;
use cchc_domain::model::period::PeriodStatus;
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::model::submission::{ConsolidationQuery, ConsolidationScope};
use cchc_domain::Result;
use cchc_excel::filing::{self, FilingFacts, FilingManifest, FilingPeriod, FilingScope, Issuer};
use cchc_excel::report::build_consolidation;

/// What to file.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FilingQuery {
    /// Which reports to count; default `accepted`.
    pub include: Option<ConsolidationScope>,
    /// Only units in the subtree of this unit code.
    pub under: Option<String>,
    /// Code of the unit that issues the report (its symbol's agency part, e.g. `SCT`). Default:
    /// `under` if given, else the only top-level unit.
    pub issuer: Option<String>,
}

/// The archive and what is in it.
pub struct Filing {
    /// ASCII file name of the archive.
    pub name: String,
    pub bytes: Vec<u8>,
    pub manifest: FilingManifest,
}

/// The issuing agency: the named unit, else the only top-level unit (the department itself).
async fn issuer(
    conn: &mut AsyncPgConnection,
    code: Option<&str>,
    field: &str,
) -> Result<Option<Issuer>> {
    let Some(code) = code else {
        let roots = units::active_roots(conn, 2).await?;
        return Ok(match roots.as_slice() {
            [(code, name)] => Some(Issuer {
                code: code.clone(),
                name: name.clone(),
            }),
            _ => None,
        });
    };
    match units::name_by_code(conn, code).await? {
        Some(name) => Ok(Some(Issuer {
            code: code.to_owned(),
            name,
        })),
        None => Err(Error::invalid(
            field,
            "unknown_code",
            format!("no unit has code {code:?}"),
        )),
    }
}

/// The filing archive of a period's consolidated report at `now`. For the Office and viewers.
pub async fn filing(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    query: &FilingQuery,
    policy: &ReminderPolicy,
    principal: &Principal,
    now: DateTime<Utc>,
) -> Result<Filing> {
    authz::view_across_units(principal, "filing the consolidated report")?;
    let period = periods::load(conn, period_id).await?;
    if period.status == PeriodStatus::Draft {
        return Err(Error::Conflict {
            code: "period_not_open",
            detail: format!(
                "period {} is a draft: open it and collect the reports before filing",
                period.code
            ),
            errors: Vec::new(),
        });
    }
    let issuer = match (&query.issuer, &query.under) {
        (Some(code), _) => issuer(conn, Some(code), "issuer").await?,
        (None, Some(code)) => issuer(conn, Some(code), "under").await?,
        (None, None) => issuer(conn, None, "issuer").await?,
    };
    let consolidation = submissions::consolidate(
        conn,
        period_id,
        &ConsolidationQuery {
            include: query.include,
            under: query.under.clone(),
        },
        true,
    )
    .await?;
    let board = submissions::compliance_of_all_units(conn, period_id, now).await?;
    let (reply_to, registered_basis) = documents::of_period(conn, period_id).await?;
    let mut sent_with = documents::numbers_by_submission(conn, period_id).await?;
    // The period's own legal basis first, then registry documents linked as legal basis that
    // it does not already name.
    let mut legal_basis = period.legal_basis.clone();
    for document in registered_basis {
        if !legal_basis.iter().any(|d| d.number == document.number) {
            legal_basis.push(document);
        }
    }
    let generated_at = local(now);
    let tasks = crate::repo::tasks::of_period(conn, period_id, policy, principal, now).await?;
    let context = crate::repo::report_workbook::context_of(
        conn,
        &consolidation,
        issuer.as_ref().map(|i| i.code.as_str()),
        now,
    )
    .await?;
    let workbook = build_consolidation(&consolidation, &context, Some(&tasks))?;
    let workbook_name = format!("tong-hop-{}.xlsx", period.code);
    let facts = FilingFacts {
        generated_at,
        issuer,
        reply_to,
        legal_basis,
        period: FilingPeriod {
            id: period.id,
            code: period.code.clone(),
            title: period.title.clone(),
            data_from: period.data_window.data_from,
            data_to: period.data_window.data_to,
            deadline: period.deadline.effective,
            status: period.status,
            is_final: period.status == PeriodStatus::Closed,
        },
        consolidation: FilingScope {
            include: consolidation.include,
            under: consolidation.under.clone(),
            units: consolidation.units.clone(),
            indicators: consolidation.indicators.len(),
        },
        reporting: board.totals,
        units: board
            .units
            .into_iter()
            .map(|row| {
                let numbers = row
                    .submission_id
                    .and_then(|id| sent_with.remove(&id))
                    .unwrap_or_default();
                (row, numbers)
            })
            .collect(),
    };
    let manifest = filing::manifest(facts, &workbook_name, &workbook);
    let bytes = filing::archive(&manifest, &workbook_name, &workbook)?;
    Ok(Filing {
        name: format!("ho-so-qlvb-{}.zip", period.code),
        bytes,
        manifest,
    })
}
