//! The views the self-assessment mails' templates see: strings already formatted (points with
//! a decimal comma, times in Vietnam time), labels in Vietnamese, links already built.

use rust_decimal::Decimal;
use serde::Serialize;

use super::address::{head_view, HeadView};
use super::assessment_content::{
    AssessmentDigestContext, AssessmentEscalationHeadContext,
    AssessmentEscalationLeadershipContext, AssessmentOfficeReminderContext,
    AssessmentReminderContext, Figures, FiguresLine, LateAssessmentUnit, OwedPart,
    ReadinessSummary, RoundLabel,
};
use super::content::{ReminderStep, UnitRef};
use super::format;
use super::links::Links;
use super::views::UnitView;
use cchc_domain::model::assessment::{ItemStatus, ReadinessProblem};

/// The templates of the five kinds, added to the others' by `render`.
pub(super) const TEMPLATES: &[(&str, &str)] = &[
    (
        "assessment_summary.txt",
        include_str!("templates/assessment_summary.txt"),
    ),
    (
        "assessment_summary.html",
        include_str!("templates/assessment_summary.html"),
    ),
    (
        "assessment_reminder.subject.txt",
        include_str!("templates/assessment_reminder.subject.txt"),
    ),
    (
        "assessment_reminder.txt",
        include_str!("templates/assessment_reminder.txt"),
    ),
    (
        "assessment_reminder.html",
        include_str!("templates/assessment_reminder.html"),
    ),
    (
        "assessment_escalation_head.subject.txt",
        include_str!("templates/assessment_escalation_head.subject.txt"),
    ),
    (
        "assessment_escalation_head.txt",
        include_str!("templates/assessment_escalation_head.txt"),
    ),
    (
        "assessment_escalation_head.html",
        include_str!("templates/assessment_escalation_head.html"),
    ),
    (
        "assessment_escalation_leadership.subject.txt",
        include_str!("templates/assessment_escalation_leadership.subject.txt"),
    ),
    (
        "assessment_escalation_leadership.txt",
        include_str!("templates/assessment_escalation_leadership.txt"),
    ),
    (
        "assessment_escalation_leadership.html",
        include_str!("templates/assessment_escalation_leadership.html"),
    ),
    (
        "assessment_office_reminder.subject.txt",
        include_str!("templates/assessment_office_reminder.subject.txt"),
    ),
    (
        "assessment_office_reminder.txt",
        include_str!("templates/assessment_office_reminder.txt"),
    ),
    (
        "assessment_office_reminder.html",
        include_str!("templates/assessment_office_reminder.html"),
    ),
    (
        "assessment_digest.subject.txt",
        include_str!("templates/assessment_digest.subject.txt"),
    ),
    (
        "assessment_digest.txt",
        include_str!("templates/assessment_digest.txt"),
    ),
    (
        "assessment_digest.html",
        include_str!("templates/assessment_digest.html"),
    ),
];

/// `2`, `1,5`, `0,25`: points as Vietnamese writes decimals.
pub(super) fn points(value: Decimal) -> String {
    value.normalize().to_string().replace('.', ",")
}

fn problem_label(problem: ReadinessProblem) -> &'static str {
    match problem {
        ReadinessProblem::Unassigned => "Chưa giao đơn vị phụ trách",
        ReadinessProblem::NotScored => "Chưa tự chấm điểm",
        ReadinessProblem::NoEvidence => "Có điểm nhưng chưa có tài liệu kiểm chứng hoặc giải trình",
        ReadinessProblem::EvidenceUnlocated => "Tài liệu kiểm chứng chưa ghi rõ mục, trang",
        ReadinessProblem::NotAccepted => "Chưa được Văn phòng Sở chấp nhận",
        ReadinessProblem::NoData => "Tiêu chí tính tự động chưa có số liệu",
    }
}

/// `before` (working days ahead), `deadline_morning` (d0) or `last_call` (deadline_day), and
/// the working days left.
fn step(step: ReminderStep) -> (&'static str, u32) {
    match step {
        ReminderStep::WorkingDaysBefore(0) => ("deadline_morning", 0),
        ReminderStep::WorkingDaysBefore(days) => ("before", days),
        ReminderStep::DeadlineDay => ("last_call", 0),
    }
}

#[derive(Serialize)]
struct RoundView<'a> {
    code: &'a str,
    title: &'a str,
    year: i32,
}

fn round(round: &RoundLabel) -> RoundView<'_> {
    RoundView {
        code: &round.code,
        title: &round.title,
        year: round.year,
    }
}

fn unit(unit: &UnitRef) -> UnitView<'_> {
    UnitView::new(unit)
}

#[derive(Serialize)]
struct PartView<'a> {
    code: &'a str,
    title: &'a str,
    max_points: String,
    /// `chưa chấm điểm` or `bị trả lại`.
    status: &'static str,
    return_reason: Option<&'a str>,
}

fn parts(parts: &[OwedPart]) -> Vec<PartView<'_>> {
    parts
        .iter()
        .map(|p| PartView {
            code: &p.code,
            title: &p.title,
            max_points: points(p.max_points),
            status: match p.status {
                ItemStatus::Returned => "bị trả lại",
                _ => "chưa chấm điểm",
            },
            return_reason: p
                .return_reason
                .as_deref()
                .filter(|_| p.status == ItemStatus::Returned),
        })
        .collect()
}

#[derive(Serialize)]
pub(super) struct AssessmentReminderView<'a> {
    round: RoundView<'a>,
    unit: UnitView<'a>,
    parts: Vec<PartView<'a>>,
    /// `17:00 ngày 15/12/2026`.
    due: String,
    due_time: String,
    due_date: String,
    step: &'static str,
    working_days_left: u32,
    link: String,
}

pub(super) fn reminder_view<'a>(
    c: &'a AssessmentReminderContext,
    links: &Links,
) -> AssessmentReminderView<'a> {
    let (step, working_days_left) = step(c.step);
    AssessmentReminderView {
        round: round(&c.round),
        unit: unit(&c.unit),
        parts: parts(&c.parts),
        due: format::date_time(c.due),
        due_time: format::time_of_day(c.due),
        due_date: format::date(format::local_date(c.due)),
        step,
        working_days_left,
        link: links.assessment(c.round.id, c.unit.id, c.due),
    }
}

#[derive(Serialize)]
pub(super) struct AssessmentEscalationHeadView<'a> {
    round: RoundView<'a>,
    unit: UnitView<'a>,
    parts: Vec<PartView<'a>>,
    deadline: String,
    late: String,
    head: HeadView,
    link: String,
}

pub(super) fn escalation_head_view<'a>(
    c: &'a AssessmentEscalationHeadContext,
    links: &Links,
) -> AssessmentEscalationHeadView<'a> {
    AssessmentEscalationHeadView {
        round: round(&c.round),
        unit: unit(&c.unit),
        parts: parts(&c.parts),
        deadline: format::date_time(c.deadline),
        late: c.late.phrase(),
        head: head_view(
            c.head_name.as_deref(),
            c.head_title.as_deref(),
            &c.unit.name,
        ),
        link: links.assessment(c.round.id, c.unit.id, c.deadline),
    }
}

#[derive(Serialize)]
struct LateUnitView<'a> {
    unit: UnitView<'a>,
    pending: u32,
    returned: u32,
    max_points: String,
}

fn late_units(units: &[LateAssessmentUnit]) -> Vec<LateUnitView<'_>> {
    units
        .iter()
        .map(|u| LateUnitView {
            unit: unit(&u.unit),
            pending: u.pending,
            returned: u.returned,
            max_points: points(u.max_points),
        })
        .collect()
}

#[derive(Serialize)]
pub(super) struct AssessmentEscalationLeadershipView<'a> {
    round: RoundView<'a>,
    deadline: String,
    late: String,
    units: Vec<LateUnitView<'a>>,
    link: String,
}

pub(super) fn escalation_leadership_view<'a>(
    c: &'a AssessmentEscalationLeadershipContext,
    links: &Links,
) -> AssessmentEscalationLeadershipView<'a> {
    AssessmentEscalationLeadershipView {
        round: round(&c.round),
        deadline: format::date_time(c.deadline),
        late: c.late.phrase(),
        units: late_units(&c.units),
        link: links.assessment_readiness(c.round.id, c.deadline),
    }
}

#[derive(Serialize)]
struct FiguresView {
    criteria: u32,
    resolved: u32,
    unresolved: u32,
    max_points: String,
    self_points: String,
    points_at_risk: String,
}

fn figures(f: &Figures) -> FiguresView {
    FiguresView {
        criteria: f.criteria,
        resolved: f.resolved,
        unresolved: f.criteria.saturating_sub(f.resolved),
        max_points: points(f.max_points),
        self_points: points(f.self_points),
        points_at_risk: points(f.points_at_risk),
    }
}

#[derive(Serialize)]
struct ProblemView {
    label: &'static str,
    count: u32,
}

#[derive(Serialize)]
struct SummaryView<'a> {
    total: FiguresView,
    problems: Vec<ProblemView>,
    units_not_done: Vec<LateUnitView<'a>>,
}

fn summary(s: &ReadinessSummary) -> SummaryView<'_> {
    SummaryView {
        total: figures(&s.total),
        problems: s
            .problems
            .iter()
            .map(|(problem, count)| ProblemView {
                label: problem_label(*problem),
                count: *count,
            })
            .collect(),
        units_not_done: late_units(&s.units_not_done),
    }
}

#[derive(Serialize)]
pub(super) struct AssessmentOfficeReminderView<'a> {
    round: RoundView<'a>,
    summary: SummaryView<'a>,
    due: String,
    due_time: String,
    due_date: String,
    step: &'static str,
    working_days_left: u32,
    link: String,
}

pub(super) fn office_reminder_view<'a>(
    c: &'a AssessmentOfficeReminderContext,
    links: &Links,
) -> AssessmentOfficeReminderView<'a> {
    let (step, working_days_left) = step(c.step);
    AssessmentOfficeReminderView {
        round: round(&c.round),
        summary: summary(&c.summary),
        due: format::date_time(c.due),
        due_time: format::time_of_day(c.due),
        due_date: format::date(format::local_date(c.due)),
        step,
        working_days_left,
        link: links.assessment_readiness(c.round.id, c.due),
    }
}

#[derive(Serialize)]
struct LineView<'a> {
    label: &'a str,
    figures: FiguresView,
}

fn lines(lines: &[FiguresLine]) -> Vec<LineView<'_>> {
    lines
        .iter()
        .map(|l| LineView {
            label: &l.label,
            figures: figures(&l.figures),
        })
        .collect()
}

#[derive(Serialize)]
pub(super) struct AssessmentDigestView<'a> {
    round: RoundView<'a>,
    /// `07:30 ngày 08/12/2026`.
    as_of: String,
    /// `08/12/2026`.
    date: String,
    units_due_at: String,
    units_due_passed: bool,
    send_due_at: String,
    summary: SummaryView<'a>,
    areas: Vec<LineView<'a>>,
    units: Vec<LineView<'a>>,
    link: String,
}

pub(super) fn digest_view<'a>(
    c: &'a AssessmentDigestContext,
    links: &Links,
) -> AssessmentDigestView<'a> {
    AssessmentDigestView {
        round: round(&c.round),
        as_of: format::date_time(c.as_of),
        date: format::date(format::local_date(c.as_of)),
        units_due_at: format::date_time(c.units_due_at),
        units_due_passed: c.as_of >= c.units_due_at,
        send_due_at: format::date_time(c.send_due_at),
        summary: summary(&c.summary),
        areas: lines(&c.areas),
        units: lines(&c.units),
        link: links.assessment_readiness(c.round.id, c.send_due_at.max(c.as_of)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_take_a_decimal_comma_and_no_trailing_zeros() {
        let d = |text: &str| text.parse::<Decimal>().unwrap();
        assert_eq!(points(d("2.00")), "2");
        assert_eq!(points(d("1.50")), "1,5");
        assert_eq!(points(d("0.25")), "0,25");
        assert_eq!(points(d("10")), "10");
    }
}
