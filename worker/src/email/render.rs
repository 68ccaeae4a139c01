//! Subject, plain text and HTML of every mail, from minijinja templates embedded in the binary.
//!
//! Templates see a *view* built here: strings already formatted (dates in Vietnam time,
//! durations, labels) and links already built, so the templates hold the wording and nothing
//! else. Templates whose name ends in `.html` are HTML-escaped automatically; `.txt` ones are not
//! (plain text needs no escaping, and subjects are made one line before use).

use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Serde, Value};
use minijinja::{
    context, escape_formatter, AutoEscape, Environment, Error, Output, State, UndefinedBehavior,
};
use serde::Serialize;

use super::address::{head_view, HeadView};
use super::content::{
    DigestContext, EscalationHeadContext, EscalationLeadershipContext, MailContent, MissingStatus,
    PeriodRef, ReceiptContext, ReceiptEvent, ReminderContext, ReminderStep, Timeliness,
};
use super::format;
use super::views::UnitView;
use super::{assessment_render, campaign_render, qlvb_import_render, task_render};

/// A mail's three renderings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// One line, no control characters.
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub use super::links::{InvalidBaseUrl, Links};

const TEMPLATES: &[(&str, &str)] = &[
    ("layout.txt", include_str!("templates/layout.txt")),
    ("layout.html", include_str!("templates/layout.html")),
    ("macros.html", include_str!("templates/macros.html")),
    (
        "reminder.subject.txt",
        include_str!("templates/reminder.subject.txt"),
    ),
    ("reminder.txt", include_str!("templates/reminder.txt")),
    ("reminder.html", include_str!("templates/reminder.html")),
    (
        "escalation_head.subject.txt",
        include_str!("templates/escalation_head.subject.txt"),
    ),
    (
        "escalation_head.txt",
        include_str!("templates/escalation_head.txt"),
    ),
    (
        "escalation_head.html",
        include_str!("templates/escalation_head.html"),
    ),
    (
        "escalation_leadership.subject.txt",
        include_str!("templates/escalation_leadership.subject.txt"),
    ),
    (
        "escalation_leadership.txt",
        include_str!("templates/escalation_leadership.txt"),
    ),
    (
        "escalation_leadership.html",
        include_str!("templates/escalation_leadership.html"),
    ),
    (
        "receipt.subject.txt",
        include_str!("templates/receipt.subject.txt"),
    ),
    ("receipt.txt", include_str!("templates/receipt.txt")),
    ("receipt.html", include_str!("templates/receipt.html")),
    (
        "digest.subject.txt",
        include_str!("templates/digest.subject.txt"),
    ),
    ("digest.txt", include_str!("templates/digest.txt")),
    ("digest.html", include_str!("templates/digest.html")),
    (
        "task_reminder.subject.txt",
        include_str!("templates/task_reminder.subject.txt"),
    ),
    (
        "task_reminder.txt",
        include_str!("templates/task_reminder.txt"),
    ),
    (
        "task_reminder.html",
        include_str!("templates/task_reminder.html"),
    ),
    (
        "task_escalation_head.subject.txt",
        include_str!("templates/task_escalation_head.subject.txt"),
    ),
    (
        "task_escalation_head.txt",
        include_str!("templates/task_escalation_head.txt"),
    ),
    (
        "task_escalation_head.html",
        include_str!("templates/task_escalation_head.html"),
    ),
    (
        "task_escalation_leadership.subject.txt",
        include_str!("templates/task_escalation_leadership.subject.txt"),
    ),
    (
        "task_escalation_leadership.txt",
        include_str!("templates/task_escalation_leadership.txt"),
    ),
    (
        "task_escalation_leadership.html",
        include_str!("templates/task_escalation_leadership.html"),
    ),
    (
        "plan_digest.subject.txt",
        include_str!("templates/plan_digest.subject.txt"),
    ),
    ("plan_digest.txt", include_str!("templates/plan_digest.txt")),
    (
        "plan_digest.html",
        include_str!("templates/plan_digest.html"),
    ),
];

/// The template environment and the links it renders with.
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
    links: Links,
}

impl Templates {
    pub fn new(links: Links) -> Result<Self, minijinja::Error> {
        let mut env = Environment::new();
        // Any field a template names must exist: a typo fails the snapshot tests, not a mail.
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        let syntax = SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()?;
        env.set_syntax(syntax);
        env.set_formatter(html_formatter);
        env.add_filter("capitalize_first", capitalize_first);
        let all = TEMPLATES
            .iter()
            .chain(assessment_render::TEMPLATES)
            .chain(campaign_render::TEMPLATES)
            .chain(qlvb_import_render::TEMPLATES);
        for (name, source) in all {
            env.add_template(name, source)?;
        }
        Ok(Self { env, links })
    }

    pub fn links(&self) -> &Links {
        &self.links
    }

    pub fn set_links(&mut self, links: Links) {
        self.links = links;
    }

    pub fn render(&self, content: &MailContent) -> Result<Rendered, minijinja::Error> {
        let links = &self.links;
        match content {
            MailContent::Reminder(c) => self.render_kind(content.kind(), &reminder_view(c, links)),
            MailContent::EscalationHead(c) => {
                self.render_kind(content.kind(), &escalation_head_view(c, links))
            }
            MailContent::EscalationLeadership(c) => {
                self.render_kind(content.kind(), &escalation_leadership_view(c, links))
            }
            MailContent::Receipt(c) => self.render_kind(content.kind(), &receipt_view(c, links)),
            MailContent::Digest(c) => self.render_kind(content.kind(), &digest_view(c, links)),
            MailContent::TaskReminder(c) => {
                self.render_kind(content.kind(), &task_render::task_reminder_view(c, links))
            }
            MailContent::TaskEscalationHead(c) => {
                let view = task_render::task_escalation_head_view(c, links);
                self.render_kind(content.kind(), &view)
            }
            MailContent::TaskEscalationLeadership(c) => {
                let view = task_render::task_escalation_leadership_view(c, links);
                self.render_kind(content.kind(), &view)
            }
            MailContent::PlanDigest(c) => {
                self.render_kind(content.kind(), &task_render::plan_digest_view(c, links))
            }
            MailContent::AssessmentReminder(c) => {
                self.render_kind(content.kind(), &assessment_render::reminder_view(c, links))
            }
            MailContent::AssessmentEscalationHead(c) => {
                let view = assessment_render::escalation_head_view(c, links);
                self.render_kind(content.kind(), &view)
            }
            MailContent::AssessmentEscalationLeadership(c) => {
                let view = assessment_render::escalation_leadership_view(c, links);
                self.render_kind(content.kind(), &view)
            }
            MailContent::AssessmentOfficeReminder(c) => {
                let view = assessment_render::office_reminder_view(c, links);
                self.render_kind(content.kind(), &view)
            }
            MailContent::AssessmentDigest(c) => {
                self.render_kind(content.kind(), &assessment_render::digest_view(c, links))
            }
            MailContent::CampaignOfficeReminder(c) => {
                let view = campaign_render::office_reminder_view(c, links);
                self.render_kind(content.kind(), &view)
            }
            MailContent::CampaignUnitReminder(c) => {
                let view = campaign_render::unit_reminder_view(c, links);
                self.render_kind(content.kind(), &view)
            }
            MailContent::QlvbImportProblems(c) => {
                self.render_kind(content.kind(), &qlvb_import_render::view(c, links))
            }
        }
    }

    fn render_kind<V: Serialize>(
        &self,
        kind: &str,
        view: &V,
    ) -> Result<Rendered, minijinja::Error> {
        let view = Value::from(Serde(view));
        let subject = self
            .env
            .get_template(&format!("{kind}.subject.txt"))?
            .render(view.clone())?;
        let subject = one_line(&subject);
        let context = context! { subject => subject.clone(), ..view };
        let text = self
            .env
            .get_template(&format!("{kind}.txt"))?
            .render(context.clone())?;
        let html = self
            .env
            .get_template(&format!("{kind}.html"))?
            .render(context)?;
        Ok(Rendered {
            subject,
            text: end_with_newline(text),
            html: end_with_newline(html),
        })
    }
}

/// HTML-escapes `& < > " '` only. minijinja's default also escapes `/`, which turns every link
/// into `https:&#x2f;&#x2f;…`: valid, but hard to read and a pattern spam filters dislike.
fn html_formatter(out: &mut Output, state: &mut State, value: &Value) -> Result<(), Error> {
    if *state.auto_escape() != AutoEscape::Html || value.is_safe() {
        return escape_formatter(out, state, value);
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
    out.write_str(&escaped).map_err(Error::from)
}

/// `báo cáo CCHC Quý I/2023` → `Báo cáo CCHC Quý I/2023`: the first letter only (minijinja's
/// `capitalize` lowercases the rest).
fn capitalize_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Collapses whitespace and drops control characters: a subject is one header line.
fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn end_with_newline(mut text: String) -> String {
    let trimmed_len = text.trim_end().len();
    text.truncate(trimmed_len);
    text.push('\n');
    text
}

#[derive(Serialize)]
struct PeriodView<'a> {
    code: &'a str,
    title: &'a str,
    /// `báo cáo CCHC Quý I/2023`, for use inside a sentence.
    report_phrase: String,
}

impl<'a> PeriodView<'a> {
    fn new(period: &'a PeriodRef) -> Self {
        Self {
            code: &period.code,
            title: &period.title,
            report_phrase: format::report_phrase(&period.title),
        }
    }
}

fn missing_status_label(status: MissingStatus) -> &'static str {
    match status {
        MissingStatus::NotSubmitted => "chưa nộp",
        MissingStatus::Returned => "bị trả lại, chưa nộp lại",
    }
}

fn missing_status_code(status: MissingStatus) -> &'static str {
    match status {
        MissingStatus::NotSubmitted => "not_submitted",
        MissingStatus::Returned => "returned",
    }
}

#[derive(Serialize)]
struct ReminderView<'a> {
    period: PeriodView<'a>,
    unit: UnitView<'a>,
    /// `16:30 ngày 10/03/2023`.
    deadline: String,
    /// `16:30`.
    deadline_time: String,
    /// `10/03/2023`.
    deadline_date: String,
    /// `before` (working days ahead), `deadline_morning` (d0) or `last_call` (deadline_day).
    step: &'static str,
    working_days_left: u32,
    return_reason: Option<&'a str>,
    /// What the report still lacks, one line per indicator and kind of lack.
    missing: Vec<MissingLineView<'a>>,
    /// The unit has not started its report: every indicator is to fill.
    not_started: bool,
    link: String,
    /// The unit's statistics form, prefilled.
    form_link: String,
}

#[derive(Serialize)]
struct MissingLineView<'a> {
    code: &'a str,
    name: &'a str,
    label: &'a str,
}

fn reminder_view<'a>(c: &'a ReminderContext, links: &Links) -> ReminderView<'a> {
    let (step, working_days_left) = match c.step {
        ReminderStep::WorkingDaysBefore(0) => ("deadline_morning", 0),
        ReminderStep::WorkingDaysBefore(days) => ("before", days),
        ReminderStep::DeadlineDay => ("last_call", 0),
    };
    ReminderView {
        period: PeriodView::new(&c.period),
        unit: UnitView::new(&c.unit),
        deadline: format::date_time(c.deadline),
        deadline_time: format::time_of_day(c.deadline),
        deadline_date: format::date(format::local_date(c.deadline)),
        step,
        working_days_left,
        return_reason: c.return_reason.as_deref(),
        missing: c
            .missing
            .iter()
            .map(|m| MissingLineView {
                code: &m.indicator_code,
                name: &m.indicator_name,
                label: &m.label,
            })
            .collect(),
        not_started: c.submission_id.is_none(),
        link: links.report(c.period.id, c.unit.id, &c.unit.code, c.deadline),
        form_link: links.form(c.period.id, c.unit.id, &c.unit.code, c.deadline),
    }
}

#[derive(Serialize)]
struct EscalationHeadView<'a> {
    period: PeriodView<'a>,
    unit: UnitView<'a>,
    deadline: String,
    /// `1 giờ 15 phút`, `1 ngày làm việc`.
    late: String,
    /// `not_submitted` or `returned`.
    status: &'static str,
    head: HeadView,
    link: String,
}

fn escalation_head_view<'a>(c: &'a EscalationHeadContext, links: &Links) -> EscalationHeadView<'a> {
    EscalationHeadView {
        period: PeriodView::new(&c.period),
        unit: UnitView::new(&c.unit),
        deadline: format::date_time(c.deadline),
        late: c.late.phrase(),
        status: missing_status_code(c.status),
        head: head_view(
            c.head_name.as_deref(),
            c.head_title.as_deref(),
            &c.unit.name,
        ),
        link: links.report(c.period.id, c.unit.id, &c.unit.code, c.deadline),
    }
}

#[derive(Serialize)]
struct LateUnitView<'a> {
    code: &'a str,
    name: &'a str,
    late: String,
    status_label: &'static str,
}

#[derive(Serialize)]
struct EscalationLeadershipView<'a> {
    period: PeriodView<'a>,
    deadline: String,
    late_units: Vec<LateUnitView<'a>>,
    link: String,
}

fn escalation_leadership_view<'a>(
    c: &'a EscalationLeadershipContext,
    links: &Links,
) -> EscalationLeadershipView<'a> {
    EscalationLeadershipView {
        period: PeriodView::new(&c.period),
        deadline: format::date_time(c.deadline),
        late_units: c
            .late_units
            .iter()
            .map(|late| LateUnitView {
                code: &late.unit.code,
                name: &late.unit.name,
                late: late.late.phrase(),
                status_label: missing_status_label(late.status),
            })
            .collect(),
        link: links.compliance(c.period.id, c.deadline),
    }
}

#[derive(Serialize)]
struct ReceiptView<'a> {
    period: PeriodView<'a>,
    unit: UnitView<'a>,
    deadline: String,
    /// `submitted`, `returned` or `accepted`.
    event: &'static str,
    /// When it happened, `15:02 ngày 09/03/2023`.
    at: String,
    /// Submitted only: `trước hạn`, `đúng hạn`, `trễ 25 phút`, `trễ 1 ngày làm việc`.
    timeliness: Option<String>,
    /// Returned only.
    reason: Option<&'a str>,
    /// Returned only: the deadline had passed when the report was returned.
    deadline_passed: bool,
    /// Who submitted, returned or accepted (a token's or a person's name), when known.
    by: Option<&'a str>,
    link: String,
}

fn receipt_view<'a>(c: &'a ReceiptContext, links: &Links) -> ReceiptView<'a> {
    let (event, at, timeliness, reason, deadline_passed) = match &c.event {
        ReceiptEvent::Submitted {
            submitted_at,
            timeliness,
        } => {
            let label = match timeliness {
                Timeliness::Early => "trước hạn".to_owned(),
                Timeliness::OnTime => "đúng hạn".to_owned(),
                Timeliness::Late { late } => format!("trễ {}", late.phrase()),
            };
            ("submitted", *submitted_at, Some(label), None, false)
        }
        ReceiptEvent::Returned {
            returned_at,
            reason,
        } => (
            "returned",
            *returned_at,
            None,
            Some(reason.as_str()),
            *returned_at >= c.deadline,
        ),
        ReceiptEvent::Accepted { accepted_at } => ("accepted", *accepted_at, None, None, false),
    };
    ReceiptView {
        period: PeriodView::new(&c.period),
        unit: UnitView::new(&c.unit),
        deadline: format::date_time(c.deadline),
        event,
        at: format::date_time(at),
        timeliness,
        reason,
        deadline_passed,
        by: c.by.as_deref(),
        link: links.report(c.period.id, c.unit.id, &c.unit.code, c.deadline.max(at)),
    }
}

#[derive(Serialize)]
struct MissingUnitView<'a> {
    code: &'a str,
    name: &'a str,
    status_label: &'static str,
}

#[derive(Serialize)]
struct DigestPeriodView<'a> {
    code: &'a str,
    title: &'a str,
    deadline: String,
    deadline_passed: bool,
    participating: u32,
    submitted: u32,
    accepted: u32,
    missing: usize,
    missing_units: Vec<MissingUnitView<'a>>,
    link: String,
}

#[derive(Serialize)]
struct DigestView<'a> {
    /// `10/03/2023`.
    date: String,
    /// `Thứ Sáu`.
    weekday: &'static str,
    /// `07:30 ngày 10/03/2023`.
    as_of: String,
    periods: Vec<DigestPeriodView<'a>>,
    /// Missing reports over all periods.
    total_missing: usize,
    link: String,
}

fn digest_view<'a>(c: &'a DigestContext, links: &Links) -> DigestView<'a> {
    let day = format::local_date(c.as_of);
    let periods: Vec<_> = c
        .periods
        .iter()
        .map(|p| DigestPeriodView {
            code: &p.period.code,
            title: &p.period.title,
            deadline: format::date_time(p.deadline),
            deadline_passed: p.deadline < c.as_of,
            participating: p.participating,
            submitted: p.submitted,
            accepted: p.accepted,
            missing: p.missing_units.len(),
            missing_units: p
                .missing_units
                .iter()
                .map(|m| MissingUnitView {
                    code: &m.unit.code,
                    name: &m.unit.name,
                    status_label: missing_status_label(m.status),
                })
                .collect(),
            link: links.compliance(p.period.id, p.deadline.max(c.as_of)),
        })
        .collect();
    DigestView {
        date: format::date(day),
        weekday: format::weekday(day),
        as_of: format::date_time(c.as_of),
        total_missing: periods.iter().map(|p| p.missing).sum(),
        periods,
        link: links.periods(c.as_of),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_url_must_be_absolute() {
        assert!(Links::new("http://127.0.0.1:8080").is_ok());
        for bad in [
            "",
            "cchc.example.gov.vn",
            "ftp://x",
            "https://",
            "javascript:alert(1)",
            "https://a b",
        ] {
            assert!(Links::new(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn capitalize_first_keeps_the_rest() {
        assert_eq!(
            capitalize_first("báo cáo CCHC Quý I/2023"),
            "Báo cáo CCHC Quý I/2023"
        );
        assert_eq!(capitalize_first("đợt"), "Đợt");
        assert_eq!(capitalize_first(""), "");
    }

    #[test]
    fn subjects_are_one_line() {
        assert_eq!(one_line("  Nhắc\r\n hạn\tnộp \u{7}x "), "Nhắc hạn nộp x");
    }
}
