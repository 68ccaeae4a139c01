//! The facts of a period's consolidated report, gathered once for the filing archive
//! (`super::filing`) and the report's Word draft (`super::consolidation_report`): the period,
//! the issuing agency, the consolidation, the compliance board of every unit, the request
//! letter and the legal basis.

use chrono::{DateTime, FixedOffset, Utc};
use diesel_async::AsyncPgConnection;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::authz;
use crate::authz::Principal;
use crate::repo::{documents, local, periods, submissions};
use cchc_db::units;
use cchc_domain::error::Error;
use cchc_domain::model::period::{LegalDocument, PeriodStatus};
use cchc_domain::model::submission::{
    ComplianceBoard, Consolidation, ConsolidationQuery, ConsolidationScope,
};
use cchc_domain::Result;
use cchc_excel::filing::{FilingPeriod, Issuer};

/// What to report and file: which reports count, who issues, whom the report goes to and
/// who signs it.
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
    /// Whom the report's Word draft is addressed to ("Kính gửi"); default `Sở Nội vụ`. One
    /// line of at most 200 characters.
    #[param(example = "Sở Nội vụ tỉnh Điện Biên", max_length = 200)]
    pub recipient: Option<String>,
    /// The signer's title in the draft's signer block, its lines separated by `/` and written
    /// upper case; default `KT. GIÁM ĐỐC/PHÓ GIÁM ĐỐC` (a deputy director signing for the
    /// director). At most 100 characters.
    #[param(example = "GIÁM ĐỐC", max_length = 100)]
    pub signer_title: Option<String>,
    /// The signer's full name; default a dotted blank to fill in. At most 100 characters.
    #[param(example = "Nguyễn Văn An", max_length = 100)]
    pub signer_name: Option<String>,
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

/// What the filing archive and the report's draft are made of.
pub(crate) struct Gathered {
    pub(crate) period: FilingPeriod,
    pub(crate) issuer: Option<Issuer>,
    pub(crate) consolidation: Consolidation,
    /// Every participating unit, at `generated_at`.
    pub(crate) board: ComplianceBoard,
    /// The registry's request letter of the period.
    pub(crate) request_letter: Option<LegalDocument>,
    /// The period's own legal basis, then the registry's documents linked as legal basis
    /// that it does not already name.
    pub(crate) legal_basis: Vec<LegalDocument>,
    pub(crate) generated_at: DateTime<FixedOffset>,
}

/// The facts of a period's consolidated report at `now`, for the Office and viewers; a draft
/// period has nothing to report (409 `period_not_open`).
pub(crate) async fn gather(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    query: &FilingQuery,
    principal: &Principal,
    now: DateTime<Utc>,
) -> Result<Gathered> {
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
    let (request_letter, registered_basis) = documents::of_period(conn, period_id).await?;
    let mut legal_basis = period.legal_basis.clone();
    for document in registered_basis {
        if !legal_basis.iter().any(|d| d.number == document.number) {
            legal_basis.push(document);
        }
    }
    Ok(Gathered {
        period: FilingPeriod {
            id: period.id,
            code: period.code.clone(),
            title: period.title.clone(),
            frequency: period.frequency,
            year: period.year,
            sequence: period.sequence,
            data_from: period.data_window.data_from,
            data_to: period.data_window.data_to,
            deadline: period.deadline.effective,
            status: period.status,
            is_final: period.status == PeriodStatus::Closed,
        },
        issuer,
        consolidation,
        board,
        request_letter,
        legal_basis,
        generated_at: local(now),
    })
}
