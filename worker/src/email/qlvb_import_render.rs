//! The view the template of the QLVB import mail sees: dates as the other mails write them,
//! the report's link built by the shared [`Links`].

use serde::Serialize;

use super::format;
use super::links::Links;
use super::qlvb_import_content::QlvbImportProblemsContext;
use super::views::UnitView;
use cchc_domain::model::qlvb_import::ImportProblem;

/// The kind's templates, added to the others' by `render`.
pub(super) const TEMPLATES: &[(&str, &str)] = &[
    (
        "qlvb_import_problems.subject.txt",
        include_str!("templates/qlvb_import_problems.subject.txt"),
    ),
    (
        "qlvb_import_problems.txt",
        include_str!("templates/qlvb_import_problems.txt"),
    ),
    (
        "qlvb_import_problems.html",
        include_str!("templates/qlvb_import_problems.html"),
    ),
];

#[derive(Serialize)]
struct PeriodView<'a> {
    code: &'a str,
    report_phrase: String,
}

#[derive(Serialize)]
struct LineView<'a> {
    field: &'a str,
    message: &'a str,
}

fn lines(problems: &[ImportProblem]) -> Vec<LineView<'_>> {
    problems
        .iter()
        .map(|p| LineView {
            field: &p.field,
            message: &p.message,
        })
        .collect()
}

#[derive(Serialize)]
pub(super) struct QlvbImportProblemsView<'a> {
    period: PeriodView<'a>,
    unit: UnitView<'a>,
    deadline: String,
    document_number: &'a str,
    form_filename: Option<&'a str>,
    problems: Vec<LineView<'a>>,
    missing: Vec<LineView<'a>>,
    link: String,
}

pub(super) fn view<'a>(
    c: &'a QlvbImportProblemsContext,
    links: &Links,
) -> QlvbImportProblemsView<'a> {
    QlvbImportProblemsView {
        period: PeriodView {
            code: &c.period.code,
            report_phrase: format::report_phrase(&c.period.title),
        },
        unit: UnitView::new(&c.unit),
        deadline: format::date_time(c.deadline),
        document_number: &c.document_number,
        form_filename: c.form_filename.as_deref(),
        problems: lines(&c.problems),
        missing: lines(&c.missing),
        link: links.report(c.period.id, c.unit.id, &c.unit.code, c.deadline),
    }
}
