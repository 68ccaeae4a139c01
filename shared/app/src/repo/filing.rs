//! The filing archive of a period's consolidated report (see `cchc_excel::filing`): the
//! consolidated workbook, the report's Word draft and the manifest, from the facts
//! `super::report_facts` gathers.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

use crate::authz;
use crate::authz::Principal;
use crate::config::Config;
use crate::repo::consolidation_report::{self, ReportOptions};
use crate::repo::documents;
use crate::repo::report_facts::{gather, Gathered};
use cchc_domain::Result;
use cchc_excel::filing::{
    self, FilingFacts, FilingFile, FilingManifest, FilingScope, ROLE_DRAFT, ROLE_MAIN,
};
use cchc_excel::report::build_consolidation;

pub use crate::repo::report_facts::FilingQuery;

/// The archive and what is in it.
pub struct Filing {
    /// ASCII file name of the archive.
    pub name: String,
    pub bytes: Vec<u8>,
    pub manifest: FilingManifest,
}

/// The filing archive of a period's consolidated report at `now`: the consolidated workbook,
/// the report's Word draft (as `consolidation.docx` gives it) and the manifest. For the
/// Office and viewers.
pub async fn filing(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    query: &FilingQuery,
    config: &Config,
    principal: &Principal,
    now: DateTime<Utc>,
) -> Result<Filing> {
    authz::view_across_units(principal, "filing the consolidated report")?;
    let options = ReportOptions::from_query(query)?;
    let gathered = gather(conn, period_id, query, principal, now).await?;
    let tasks =
        crate::repo::tasks::of_period(conn, period_id, &config.default_policy, principal, now)
            .await?;
    // The appendix's context from what was gathered: no second read of the period or board.
    let context = cchc_excel::report::ReportContext {
        generated_at: gathered.generated_at,
        data_from: gathered.period.data_from,
        data_to: gathered.period.data_to,
        issuer: gathered.issuer.as_ref().map(|issuer| {
            let symbol = format!("{}-{}", filing::REPORT_TYPE, issuer.code);
            (issuer.name.clone(), symbol)
        }),
        roster: crate::repo::report_workbook::roster_under(
            conn,
            gathered.board.units.clone(),
            gathered.consolidation.under.as_deref(),
        )
        .await?,
    };
    let workbook = build_consolidation(&gathered.consolidation, &context, Some(&tasks))?;
    let report = consolidation_report::draft(conn, &gathered, &options, &config.letterhead).await?;
    let code = &gathered.period.code;
    let workbook_name = format!("tong-hop-{code}.xlsx");
    let report_name = consolidation_report::file_name(code);
    let files = [
        FilingFile {
            name: &workbook_name,
            role: ROLE_MAIN,
            content_type: cchc_excel::XLSX_MIME,
            bytes: &workbook,
        },
        FilingFile {
            name: &report_name,
            role: ROLE_DRAFT,
            content_type: cchc_word::DOCX_MIME,
            bytes: &report,
        },
    ];
    let mut sent_with = documents::numbers_by_submission(conn, period_id).await?;
    let Gathered {
        period,
        issuer,
        consolidation,
        board,
        request_letter,
        legal_basis,
        generated_at,
    } = gathered;
    let facts = FilingFacts {
        generated_at,
        issuer,
        reply_to: request_letter.map(|letter| letter.number),
        legal_basis,
        consolidation: FilingScope {
            include: consolidation.include,
            under: consolidation.under.clone(),
            units: consolidation.units.clone(),
            indicators: consolidation.indicators.len(),
        },
        period,
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
    let manifest = filing::manifest(facts, &files);
    let bytes = filing::archive(&manifest, &files)?;
    Ok(Filing {
        name: format!("ho-so-qlvb-{code}.zip", code = manifest.period.code),
        bytes,
        manifest,
    })
}
