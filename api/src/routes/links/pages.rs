//! The pages' HTML, from minijinja templates embedded in the binary (the engine the worker's
//! mails use); values are HTML-escaped.

use std::sync::OnceLock;

use chrono::{DateTime, FixedOffset, Utc};
use minijinja::value::{Serde, Value};
use minijinja::{context, Environment};
use serde::Serialize;

use cchc_app::signed_links::ReportStatus;
use cchc_domain::model::submission::{ComplianceBoard, Standing};
use cchc_domain::rules::local_time::vietnamese_date_time;

const TEMPLATES: &[(&str, &str)] = &[
    ("layout.html", include_str!("templates/layout.html")),
    ("report.html", include_str!("templates/report.html")),
    ("board.html", include_str!("templates/board.html")),
    ("periods.html", include_str!("templates/periods.html")),
    ("error.html", include_str!("templates/error.html")),
    ("task.html", include_str!("templates/task.html")),
    ("assessment.html", include_str!("templates/assessment.html")),
    ("campaign.html", include_str!("templates/campaign.html")),
    ("plan.html", include_str!("templates/plan.html")),
    ("overdue.html", include_str!("templates/overdue.html")),
];

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        env.set_formatter(html_formatter);
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .expect("the link pages' templates parse");
        }
        env
    })
}

/// HTML-escapes `& < > " '` only: minijinja's default also escapes `/`, which garbles links
/// and dates (`15&#x2f;12&#x2f;2026`) for anyone reading the source or copying a link.
fn html_formatter(
    out: &mut minijinja::Output,
    state: &mut minijinja::State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    if *state.auto_escape() != minijinja::AutoEscape::Html || value.is_safe() {
        return minijinja::escape_formatter(out, state, value);
    }
    let text = value.to_string();
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    out.write_str(&escaped).map_err(minijinja::Error::from)
}

pub(super) fn render(name: &str, ctx: Value) -> String {
    env()
        .get_template(name)
        .and_then(|t| t.render(ctx))
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, template = name, "a link page failed to render");
            "<!DOCTYPE html><html lang=\"vi\"><meta charset=\"utf-8\"><title>Lỗi</title><p>Chưa hiển thị được trang này.</p></html>".to_owned()
        })
}

pub(super) fn local(instant: DateTime<FixedOffset>) -> String {
    vietnamese_date_time(instant.with_timezone(&Utc))
}

/// `báo cáo CCHC Quý I/2023` for a title starting with "Báo cáo", else `báo cáo “title”`.
fn report_phrase(title: &str) -> String {
    match title.strip_prefix("Báo cáo") {
        Some(rest) => format!("báo cáo{rest}"),
        None => format!("báo cáo “{title}”"),
    }
}

pub(super) fn error(title: &str, message: &str) -> String {
    render("error.html", context! { title, message })
}

pub(super) fn report(status: &ReportStatus, form_link: &str) -> String {
    let row = &status.row;
    let open_report = status.period_open
        && !matches!(
            row.status,
            Some(
                cchc_domain::model::submission::SubmissionStatus::Submitted
                    | cchc_domain::model::submission::SubmissionStatus::Accepted
            )
        );
    render(
        "report.html",
        context! {
            title => format!("{} – {}", status.period_title, row.unit_name),
            period_title => &status.period_title,
            period_code => &status.period_code,
            unit_name => &row.unit_name,
            deadline => local(row.deadline),
            has_extension => row.has_extension,
            status => row.status.map_or("Chưa lập báo cáo", |s| s.label_vi()),
            standing => row.standing.label_vi(),
            submitted_at => row.first_submitted_at.map(local),
            submitted_by => &row.submitted_by,
            reviewed_by => &row.reviewed_by,
            return_reason => &status.return_reason,
            not_started => row.submission_id.is_none() && status.period_open,
            indicator_count => status.indicator_count,
            missing => Value::from(Serde(&status.missing)),
            open_report,
            form_link => status.period_open.then_some(form_link),
        },
    )
}

#[derive(Serialize)]
struct BoardUnit<'a> {
    name: &'a str,
    standing: &'static str,
    submitted_at: Option<String>,
    /// Who submitted the report last (a token's or a person's name).
    submitted_by: Option<&'a str>,
    /// A returned or accepted report: the outcome and who decided it, e.g.
    /// `Đã chấp nhận (Lê Văn Phòng)`.
    review: Option<String>,
}

pub(super) fn board(board: &ComplianceBoard) -> String {
    // Who is missing first, then late, pending, on time and early.
    let order = |s: Standing| match s {
        Standing::Missing => 0,
        Standing::Late => 1,
        Standing::Pending => 2,
        Standing::OnTime => 3,
        Standing::Early => 4,
    };
    let mut rows: Vec<_> = board.units.iter().collect();
    rows.sort_by_key(|r| (order(r.standing), r.unit_code.clone()));
    let units: Vec<BoardUnit> = rows
        .into_iter()
        .map(|r| BoardUnit {
            name: &r.unit_name,
            standing: r.standing.label_vi(),
            submitted_at: r.first_submitted_at.map(local),
            submitted_by: r.submitted_by.as_deref(),
            review: r
                .status
                .zip(r.reviewed_by.as_deref())
                .map(|(status, by)| format!("{} ({by})", status.label_vi())),
        })
        .collect();
    render(
        "board.html",
        context! {
            title => format!("Tình hình nộp {}", report_phrase(&board.period_title)),
            report_phrase => report_phrase(&board.period_title),
            period_code => &board.period_code,
            deadline => local(board.deadline),
            as_of => local(board.as_of),
            totals => Value::from(Serde(&board.totals)),
            units => Value::from(Serde(&units)),
        },
    )
}

#[derive(Serialize)]
struct PeriodLine<'a> {
    title: &'a str,
    deadline: String,
    reported: u32,
    expected: u32,
    missing: u32,
    link: &'a str,
}

pub(super) fn periods(boards: &[ComplianceBoard], links: &[String], now: DateTime<Utc>) -> String {
    let periods: Vec<PeriodLine> = boards
        .iter()
        .zip(links)
        .map(|(b, link)| PeriodLine {
            title: &b.period_title,
            deadline: local(b.deadline),
            reported: b.totals.reported,
            expected: b.totals.expected,
            missing: b.totals.missing,
            link,
        })
        .collect();
    render(
        "periods.html",
        context! {
            title => "Các kỳ báo cáo đang mở",
            as_of => vietnamese_date_time(now),
            periods => Value::from(Serde(&periods)),
        },
    )
}
