//! Evidence a progress report or a declaration cites: registry documents, and files uploaded
//! to the task (`files`), each with the section and page that show the work.

use diesel_async::AsyncPgConnection;

use cchc_db::tasks;
use cchc_domain::error::Result;
use cchc_domain::model::task::EvidenceInput;
use cchc_domain::rules::evidence::{check_sources, CitedSource, SourcesToFind};
use cchc_domain::validation::Checker;

/// The most citations an entry carries.
const MAX_EVIDENCE: usize = 20;

/// Checks cited evidence of task `task_id`: at most 20 citations, each of exactly one registry
/// document or one file of this task, with an optional section (at most 200 characters) and
/// page (1–100 000).
pub(super) async fn check_evidence(
    conn: &mut AsyncPgConnection,
    check: &mut Checker,
    task_id: i64,
    evidence: &[EvidenceInput],
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
        check_sources(check, &cited, MAX_EVIDENCE, "this task");
    crate::repo::plans::resolve::check_documents(conn, check, &documents).await?;
    let ids: Vec<i64> = files.iter().map(|(_, id)| *id).collect();
    let found = tasks::file_refs(conn, &ids).await?;
    for (i, id) in files {
        if found.get(&id).is_none_or(|(task, _, _)| *task != task_id) {
            check.push(
                format!("evidence[{i}].file_id"),
                "unknown_file",
                format!(
                    "no file {id} on this task; upload it with POST /api/v1/tasks/{task_id}/files"
                ),
            );
        }
    }
    Ok(())
}

/// Evidence as stored.
pub(super) fn evidence_rows(evidence: &[EvidenceInput]) -> Vec<tasks::NewEvidence<'_>> {
    evidence
        .iter()
        .map(|cited| tasks::NewEvidence {
            document_id: cited.document_id,
            file_id: cited.file_id,
            section: cited
                .section
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty()),
            page: cited.page,
        })
        .collect()
}
