//! The evidence a unit cites for its report (căn cứ, tài liệu kiểm chứng): each citation names
//! a document (title, number, section, page), may tie it to one indicator of the period and to
//! a file uploaded with the report. The checks here decide what a report's citations may say;
//! the use case passes in what the report has (its files, its period's indicators).

use crate::model::submission::EvidenceCitation;
use crate::validation::{non_blank, Checker};

/// Most citations one report may carry.
pub const MAX_CITATIONS: usize = 200;

/// Where a cited document shows the work, under `evidence[i]`: a section of at most 200
/// characters and a page from 1 to 100 000 (a task's or a self-assessment's citation).
pub fn check_location(check: &mut Checker, i: usize, section: Option<&str>, page: Option<i32>) {
    check.optional_text(&format!("evidence[{i}].section"), section, 200);
    if page.is_some_and(|p| !(1..=100_000).contains(&p)) {
        check.push(
            format!("evidence[{i}].page"),
            "out_of_range",
            "must be between 1 and 100000",
        );
    }
}

/// A task's or a self-assessment part's citation as written: a registry document or a file
/// uploaded to the task or round, with where it shows the work.
#[derive(Debug, Clone, Copy)]
pub struct CitedSource<'a> {
    pub document_id: Option<i64>,
    pub file_id: Option<i64>,
    pub section: Option<&'a str>,
    pub page: Option<i32>,
}

/// What [`check_sources`] leaves to look up: the documents by field, the files by position.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SourcesToFind {
    pub documents: Vec<(String, i64)>,
    pub files: Vec<(usize, i64)>,
}

/// Checks citations of a task or a self-assessment part: at most `max`, each of exactly one
/// registry document or one file (`file_of` names where files come from: "this task"), with
/// its location. Returns the documents and files to look up.
pub fn check_sources(
    check: &mut Checker,
    cited: &[CitedSource<'_>],
    max: usize,
    file_of: &str,
) -> SourcesToFind {
    if cited.len() > max {
        check.push("evidence", "too_many", format!("at most {max} citations"));
    }
    let mut found = SourcesToFind::default();
    for (i, source) in cited.iter().enumerate() {
        check_location(check, i, source.section, source.page);
        match (source.document_id, source.file_id) {
            (Some(document), None) => found
                .documents
                .push((format!("evidence[{i}].document_id"), document)),
            (None, Some(file)) => found.files.push((i, file)),
            (Some(_), Some(_)) => check.push(
                format!("evidence[{i}]"),
                "one_source",
                format!("cite a registry document (document_id) or a file of {file_of} (file_id), not both"),
            ),
            (None, None) => check.push(
                format!("evidence[{i}].document_id"),
                "required",
                format!("cite a registry document (document_id) or a file of {file_of} (file_id)"),
            ),
        }
    }
    found
}

/// A checked citation, as it is stored: trimmed, and tied to its indicator's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedCitation {
    pub indicator_id: Option<i64>,
    pub citation: EvidenceCitation,
}

/// Checks a report's citations, every problem into `check` under `evidence[i].…`: a title, the
/// lengths of the texts, pages from 1, a file that is one of the report's (`has_attachment`)
/// and an indicator of the period (`indicator_id` by code). Returns the citations as they would
/// be stored; they are only stored if `check` holds no problem.
pub fn check_citations(
    check: &mut Checker,
    citations: &[EvidenceCitation],
    has_attachment: impl Fn(i64) -> bool,
    indicator_id: impl Fn(&str) -> Option<i64>,
) -> Vec<CheckedCitation> {
    let mut checked = Vec::with_capacity(citations.len());
    for (i, citation) in citations.iter().enumerate() {
        let field = |name: &str| format!("evidence[{i}].{name}");
        check.text(&field("title"), &citation.title, 500);
        check.optional_text(
            &field("document_number"),
            citation.document_number.as_deref(),
            100,
        );
        check.optional_text(&field("section"), citation.section.as_deref(), 200);
        if citation.page.is_some_and(|p| p < 1) {
            check.push(field("page"), "out_of_range", "pages start at 1");
        }
        if let Some(attachment_id) = citation.attachment_id {
            if !has_attachment(attachment_id) {
                check.push(
                    field("attachment_id"),
                    "unknown_attachment",
                    format!("{attachment_id} is not a file of this submission"),
                );
            }
        }
        let indicator = match &citation.indicator_code {
            Some(code) => {
                let id = indicator_id(code);
                if id.is_none() {
                    check.push(
                        field("indicator_code"),
                        "unknown_indicator",
                        format!("{code} is not an indicator of this period"),
                    );
                }
                id
            }
            None => None,
        };
        checked.push(CheckedCitation {
            indicator_id: indicator,
            citation: EvidenceCitation {
                indicator_code: indicator.and(citation.indicator_code.clone()),
                document_number: non_blank(citation.document_number.as_deref()),
                title: citation.title.trim().to_owned(),
                section: non_blank(citation.section.as_deref()),
                page: citation.page,
                attachment_id: citation.attachment_id,
            },
        });
    }
    if citations.len() > MAX_CITATIONS {
        check.push(
            "evidence",
            "too_many",
            format!("at most {MAX_CITATIONS} citations"),
        );
    }
    checked
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_source_is_one_document_or_one_file_located() {
        let mut check = Checker::new();
        let cited = [
            CitedSource {
                document_id: Some(7),
                file_id: None,
                section: Some("Mục I"),
                page: Some(2),
            },
            CitedSource {
                document_id: None,
                file_id: Some(3),
                section: None,
                page: Some(0),
            },
            CitedSource {
                document_id: Some(1),
                file_id: Some(1),
                section: None,
                page: None,
            },
            CitedSource {
                document_id: None,
                file_id: None,
                section: None,
                page: None,
            },
        ];
        let found = check_sources(&mut check, &cited, 3, "this round");
        assert_eq!(found.documents, [("evidence[0].document_id".to_owned(), 7)]);
        assert_eq!(found.files, [(1, 3)]);
        let Err(crate::error::Invalid { errors }) = check.finish() else {
            panic!("the faults are found");
        };
        let fields: Vec<(String, String)> = errors.into_iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            fields,
            [
                ("evidence".to_owned(), "too_many".to_owned()),
                ("evidence[1].page".to_owned(), "out_of_range".to_owned()),
                ("evidence[2]".to_owned(), "one_source".to_owned()),
                ("evidence[3].document_id".to_owned(), "required".to_owned()),
            ]
        );
    }

    use super::*;

    fn citation(title: &str) -> EvidenceCitation {
        EvidenceCitation {
            indicator_code: None,
            document_number: None,
            title: title.into(),
            section: None,
            page: None,
            attachment_id: None,
        }
    }

    fn problems(check: Checker) -> Vec<(String, String)> {
        match check.finish() {
            Ok(()) => Vec::new(),
            Err(invalid) => invalid
                .errors
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect(),
        }
    }

    fn indicator(code: &str) -> Option<i64> {
        (code == "TTHC-CONGKHAI").then_some(7)
    }

    #[test]
    fn a_good_citation_is_trimmed_and_tied_to_its_indicator() {
        let mut check = Checker::new();
        let sent = EvidenceCitation {
            indicator_code: Some("TTHC-CONGKHAI".into()),
            document_number: Some(" 125/QĐ-SCT ".into()),
            title: "  Quyết định công bố danh mục thủ tục hành chính ".into(),
            section: Some(" Mục II.2 ".into()),
            page: Some(3),
            attachment_id: Some(42),
        };
        let checked = check_citations(&mut check, &[sent], |id| id == 42, indicator);
        assert_eq!(problems(check), []);
        assert_eq!(checked[0].indicator_id, Some(7));
        assert_eq!(
            checked[0].citation,
            EvidenceCitation {
                indicator_code: Some("TTHC-CONGKHAI".into()),
                document_number: Some("125/QĐ-SCT".into()),
                title: "Quyết định công bố danh mục thủ tục hành chính".into(),
                section: Some("Mục II.2".into()),
                page: Some(3),
                attachment_id: Some(42),
            }
        );
    }

    #[test]
    fn every_problem_is_named_by_its_place() {
        let mut check = Checker::new();
        let mut bad = citation(" ");
        bad.page = Some(0);
        bad.attachment_id = Some(9);
        bad.indicator_code = Some("KHAC".into());
        let checked = check_citations(
            &mut check,
            &[citation("Báo cáo"), bad],
            |_| false,
            indicator,
        );
        assert_eq!(
            problems(check),
            [
                ("evidence[1].title".into(), "required".into()),
                ("evidence[1].page".into(), "out_of_range".into()),
                (
                    "evidence[1].attachment_id".into(),
                    "unknown_attachment".into()
                ),
                (
                    "evidence[1].indicator_code".into(),
                    "unknown_indicator".into()
                ),
            ]
        );
        // An unknown indicator is not kept on the citation.
        assert_eq!(checked[1].indicator_id, None);
        assert_eq!(checked[1].citation.indicator_code, None);
    }

    #[test]
    fn at_most_two_hundred_citations() {
        let mut check = Checker::new();
        let many = vec![citation("Kế hoạch"); MAX_CITATIONS];
        check_citations(&mut check, &many, |_| false, indicator);
        assert_eq!(problems(check), []);
        let mut check = Checker::new();
        let too_many = vec![citation("Kế hoạch"); MAX_CITATIONS + 1];
        check_citations(&mut check, &too_many, |_| false, indicator);
        assert_eq!(problems(check), [("evidence".into(), "too_many".into())]);
    }
}
