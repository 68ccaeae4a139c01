//! The consolidated report (báo cáo) as a Word draft in Decree 30/2020/NĐ-CP layout, drafted
//! from the facts the filing archive is made of (`super::report_facts`) and the counted
//! units' narratives; written by `cchc_word::report`.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

use crate::authz;
use crate::authz::Principal;
use crate::config::{Config, LetterheadConfig};
use crate::repo::report_facts::{gather, FilingQuery, Gathered};
use cchc_domain::validation::{Checker, FORBIDDEN_CLASS, SPACE_CLASS};
use cchc_domain::Result;
use cchc_word::report::{
    self, ConsolidatedReport, KeyFigure, ReportingUnit, Signer, UnitNarrative, DEFAULT_RECIPIENT,
    DEFAULT_SIGNER_TITLE,
};

/// Longest "Kính gửi" (`recipient`).
pub const MAX_RECIPIENT: usize = 200;
/// Longest signer's title or name.
pub const MAX_SIGNER: usize = 100;

/// What `signer_title` takes (length aside), as a pattern: one line of lines separated by `/`,
/// each saying something (`KT. GIÁM ĐỐC/PHÓ GIÁM ĐỐC`).
pub fn signer_title_pattern() -> String {
    let forbidden = format!(
        "{FORBIDDEN_CLASS}\\t\\n\\r{}",
        report::SIGNER_TITLE_SEPARATOR
    );
    let line = format!("[^{forbidden}]*[^{forbidden}{SPACE_CLASS}][^{forbidden}]*");
    format!("^{line}(?:{}{line})*$", report::SIGNER_TITLE_SEPARATOR)
}

/// The draft and the period it reports on.
pub struct ReportDraft {
    pub period_code: String,
    pub bytes: Vec<u8>,
}

/// The ASCII file name of the draft of period `code`: `bao-cao-tong-hop-2023-Q1.docx`.
pub fn file_name(code: &str) -> String {
    format!("bao-cao-tong-hop-{code}.docx")
}

/// Who the draft goes to and who signs it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReportOptions {
    recipient: String,
    signer: Signer,
}

impl ReportOptions {
    /// `recipient`, `signer_title` and `signer_name` of the query, or their defaults; each
    /// given one is one non-blank line within its length (422 naming every bad one).
    pub(crate) fn from_query(query: &FilingQuery) -> Result<Self> {
        let mut check = Checker::new();
        for (field, value, max) in [
            ("recipient", &query.recipient, MAX_RECIPIENT),
            ("signer_title", &query.signer_title, MAX_SIGNER),
            ("signer_name", &query.signer_name, MAX_SIGNER),
        ] {
            let Some(value) = value else { continue };
            if value.contains(['\n', '\r', '\t']) {
                check.push(field, "invalid_character", "must be one line");
            } else {
                check.text(field, value, max);
            }
        }
        if let Some(title) = &query.signer_title {
            let lines = title.split(report::SIGNER_TITLE_SEPARATOR);
            if !title.trim().is_empty() && lines.clone().any(|line| line.trim().is_empty()) {
                check.push(
                    "signer_title",
                    "invalid_value",
                    "each line between `/` must say something, e.g. KT. GIÁM ĐỐC/PHÓ GIÁM ĐỐC",
                );
            }
        }
        check.finish()?;
        Ok(Self {
            recipient: query
                .recipient
                .as_deref()
                .map_or(DEFAULT_RECIPIENT, str::trim)
                .to_owned(),
            signer: Signer::from_title(
                query
                    .signer_title
                    .as_deref()
                    .unwrap_or(DEFAULT_SIGNER_TITLE),
                query.signer_name.as_deref(),
            ),
        })
    }
}

/// The report's draft for a period at `now`. For the Office and viewers; a draft period has
/// nothing to report (409 `period_not_open`).
pub async fn consolidation_report(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    query: &FilingQuery,
    config: &Config,
    principal: &Principal,
    now: DateTime<Utc>,
) -> Result<ReportDraft> {
    authz::view_across_units(principal, "drafting the consolidated report")?;
    let options = ReportOptions::from_query(query)?;
    let gathered = gather(conn, period_id, query, principal, now).await?;
    let bytes = draft(conn, &gathered, &options, &config.letterhead).await?;
    Ok(ReportDraft {
        period_code: gathered.period.code,
        bytes,
    })
}

/// The `.docx` bytes of the draft of `gathered`.
pub(crate) async fn draft(
    conn: &mut AsyncPgConnection,
    gathered: &Gathered,
    options: &ReportOptions,
    letterhead: &LetterheadConfig,
) -> Result<Vec<u8>> {
    let consolidation = &gathered.consolidation;
    let narratives =
        cchc_db::submissions::narratives_of_units(conn, gathered.period.id, &consolidation.units)
            .await?
            .into_iter()
            .map(|(_, unit_name, text)| UnitNarrative { unit_name, text })
            .collect();
    let agency = gathered
        .issuer
        .as_ref()
        .map_or("", |issuer| issuer.name.as_str());
    let report = ConsolidatedReport {
        letterhead: letterhead.for_agency(agency),
        issuer_code: gathered.issuer.as_ref().map(|issuer| issuer.code.clone()),
        subject: cchc_excel::filing::subject(&gathered.period),
        recipient: options.recipient.clone(),
        request_letter: gathered.request_letter.clone(),
        legal_basis: gathered.legal_basis.clone(),
        data_from: gathered.period.data_from,
        data_to: gathered.period.data_to,
        scope: consolidation.include,
        narratives,
        figures: consolidation
            .indicators
            .iter()
            .map(|indicator| KeyFigure {
                name: indicator.name.clone(),
                kind: indicator.kind,
                unit_of_measure: indicator.unit_of_measure.clone(),
                target: indicator.target,
                value: indicator.value,
                units_reporting: indicator.units_reporting,
                target_met: indicator.target_met,
            })
            .collect(),
        reporting: gathered.board.totals.clone(),
        units: gathered
            .board
            .units
            .iter()
            .map(|row| ReportingUnit {
                name: row.unit_name.clone(),
                standing: row.standing,
                status: row.status,
            })
            .collect(),
        signer: options.signer.clone(),
        generated_at: gathered.generated_at,
    };
    report::build(&report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(recipient: Option<&str>, title: Option<&str>, name: Option<&str>) -> FilingQuery {
        FilingQuery {
            recipient: recipient.map(Into::into),
            signer_title: title.map(Into::into),
            signer_name: name.map(Into::into),
            ..FilingQuery::default()
        }
    }

    /// The document's pattern for `signer_title` is the check: compared on titles made of
    /// letters, separators, spaces of several kinds, a tab and an invisible character.
    #[test]
    fn the_signer_title_pattern_is_the_check() {
        use proptest::test_runner::{Config, TestRunner};
        let pattern = regex::Regex::new(&signer_title_pattern()).expect("a regex");
        let titles = proptest::string::string_regex("[aĐ/ \u{A0}\u{3000}\t\u{200B}]{0,8}")
            .expect("a strategy");
        let mut runner = TestRunner::new(Config {
            cases: 4000,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&titles, |title| {
                let taken = ReportOptions::from_query(&query(None, Some(&title), None)).is_ok();
                proptest::prop_assert_eq!(pattern.is_match(&title), taken, "{:?}", title);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn without_options_the_draft_goes_to_home_affairs_signed_by_a_deputy() {
        let options = ReportOptions::from_query(&FilingQuery::default()).unwrap();
        assert_eq!(options.recipient, "Sở Nội vụ");
        assert_eq!(options.signer.title_lines, ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]);
        assert_eq!(options.signer.name, None);
        let options = ReportOptions::from_query(&query(
            Some(" Ủy ban nhân dân tỉnh "),
            Some("Giám đốc"),
            Some("Nguyễn Văn An"),
        ))
        .unwrap();
        assert_eq!(options.recipient, "Ủy ban nhân dân tỉnh");
        assert_eq!(options.signer.title_lines, ["GIÁM ĐỐC"]);
        assert_eq!(options.signer.name.as_deref(), Some("Nguyễn Văn An"));
    }

    #[test]
    fn bad_options_are_refused_naming_each_field() {
        let long = "x".repeat(MAX_RECIPIENT + 1);
        let Err(cchc_domain::Error::Validation { errors }) = ReportOptions::from_query(&query(
            Some(&long),
            Some("KT. GIÁM ĐỐC//"),
            Some("Nguyễn\nVăn An"),
        )) else {
            panic!("expected a validation error");
        };
        let pairs: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("recipient", "too_long"),
                ("signer_name", "invalid_character"),
                ("signer_title", "invalid_value"),
            ]
        );
        let Err(cchc_domain::Error::Validation { errors }) =
            ReportOptions::from_query(&query(Some("  "), None, None))
        else {
            panic!("expected a validation error");
        };
        assert_eq!(errors[0].code, "required");
    }
}
