//! Evidence a part cites: registry documents, each with the section and page that show the
//! work, and files uploaded to the round by the part's unit or by the Office (`files`).

use diesel_async::AsyncPgConnection;

use cchc_db::assessment_files;
use cchc_db::assessments::Citation;
use cchc_domain::error::Result;
use cchc_domain::model::assessment::AssessmentEvidenceInput;
use cchc_domain::rules::evidence::{check_sources, CitedSource, SourcesToFind};
use cchc_domain::validation::Checker;

/// The most citations a part carries.
const MAX_EVIDENCE: usize = 20;

/// Checks the evidence a part of round `round_id` given to `unit` cites: at most 20
/// citations, each of exactly one registry document or one file of this round uploaded by the
/// part's unit or the Office, with an optional section (at most 200 characters) and page
/// (1–100 000).
pub(super) async fn check_evidence(
    conn: &mut AsyncPgConnection,
    check: &mut Checker,
    round_id: i64,
    unit: Option<i64>,
    evidence: &[AssessmentEvidenceInput],
) -> Result<()> {
    let cited: Vec<CitedSource<'_>> = evidence
        .iter()
        .map(|e| CitedSource {
            document_id: e.document_id,
            file_id: e.file_id,
            section: e.section.as_deref(),
            page: e.page,
        })
        .collect();
    let SourcesToFind { documents, files } =
        check_sources(check, &cited, MAX_EVIDENCE, "this round");
    crate::repo::plans::resolve::check_documents(conn, check, &documents).await?;
    let ids: Vec<i64> = files.iter().map(|(_, id)| *id).collect();
    let found = assessment_files::refs(conn, &ids).await?;
    for (i, id) in files {
        let usable = found.get(&id).is_some_and(|(round, owner, _)| {
            *round == round_id && (owner.is_none() || *owner == unit)
        });
        if !usable {
            check.push(
                format!("evidence[{i}].file_id"),
                "unknown_file",
                format!(
                    "no file {id} of this part's unit or the Office in this round; upload it with \
                     POST /api/v1/assessments/{round_id}/files"
                ),
            );
        }
    }
    Ok(())
}

/// Evidence as stored.
pub(super) fn citations(evidence: &[AssessmentEvidenceInput]) -> Vec<Citation<'_>> {
    evidence
        .iter()
        .map(|cited| Citation {
            document_id: cited.document_id,
            file_id: cited.file_id,
            section: non_blank_str(cited.section.as_deref()),
            page: cited.page,
        })
        .collect()
}

fn non_blank_str(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}
