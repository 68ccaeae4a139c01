//! Evidence a progress report or a declaration cites: registry documents, and files uploaded
//! to the task (`files`), each with the section and page that show the work.

use diesel_async::AsyncPgConnection;

use cchc_db::tasks;
use cchc_domain::error::Result;
use cchc_domain::model::task::EvidenceInput;
use cchc_domain::rules::evidence::check_location;
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
    if evidence.len() > MAX_EVIDENCE {
        check.push(
            "evidence",
            "too_many",
            format!("at most {MAX_EVIDENCE} citations"),
        );
    }
    let mut documents = Vec::new();
    let mut files = Vec::new();
    for (i, cited) in evidence.iter().enumerate() {
        check_location(check, i, cited.section.as_deref(), cited.page);
        match (cited.document_id, cited.file_id) {
            (Some(document), None) => {
                documents.push((format!("evidence[{i}].document_id"), document));
            }
            (None, Some(file)) => files.push((i, file)),
            (Some(_), Some(_)) => check.push(
                format!("evidence[{i}]"),
                "one_source",
                "cite a registry document (document_id) or a file of this task (file_id), not both",
            ),
            (None, None) => check.push(
                format!("evidence[{i}].document_id"),
                "required",
                "cite a registry document (document_id) or a file of this task (file_id)",
            ),
        }
    }
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
