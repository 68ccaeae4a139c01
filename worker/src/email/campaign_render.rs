//! The views the emulation campaign mails' templates see: points with a decimal comma, dates
//! as dd/mm/yyyy, labels in Vietnamese, links already built.

use serde::Serialize;

use super::assessment_render::points;
use super::campaign_content::{
    BoardLine, CampaignLabel, CampaignOfficeReminderContext, CampaignUnitReminderContext,
    CriterionLine, RoundDates,
};
use super::content::ReminderStep;
use super::format;
use super::links::Links;
use cchc_domain::model::campaign::CriterionKind;

/// The templates of the two kinds, added to the others' by `render`.
pub(super) const TEMPLATES: &[(&str, &str)] = &[
    (
        "campaign_office_reminder.subject.txt",
        include_str!("templates/campaign_office_reminder.subject.txt"),
    ),
    (
        "campaign_office_reminder.txt",
        include_str!("templates/campaign_office_reminder.txt"),
    ),
    (
        "campaign_office_reminder.html",
        include_str!("templates/campaign_office_reminder.html"),
    ),
    (
        "campaign_unit_reminder.subject.txt",
        include_str!("templates/campaign_unit_reminder.subject.txt"),
    ),
    (
        "campaign_unit_reminder.txt",
        include_str!("templates/campaign_unit_reminder.txt"),
    ),
    (
        "campaign_unit_reminder.html",
        include_str!("templates/campaign_unit_reminder.html"),
    ),
];

/// `before` (working days ahead) or `due_day` (D-0 and the deadline-day call), and the
/// working days left.
fn step(step: ReminderStep) -> (&'static str, u32) {
    match step {
        ReminderStep::WorkingDaysBefore(0) | ReminderStep::DeadlineDay => ("due_day", 0),
        ReminderStep::WorkingDaysBefore(days) => ("before", days),
    }
}

#[derive(Serialize)]
struct CampaignView<'a> {
    code: &'a str,
    title: &'a str,
    year: i32,
}

fn campaign(c: &CampaignLabel) -> CampaignView<'_> {
    CampaignView {
        code: &c.code,
        title: &c.title,
        year: c.year,
    }
}

#[derive(Serialize)]
struct RoundView {
    number: i32,
    starts_on: String,
    ends_on: String,
    review_on: String,
    review_effective_on: String,
    /// The review date is a day off: it falls on `review_effective_on`.
    review_moved: bool,
}

fn round(r: &RoundDates) -> RoundView {
    RoundView {
        number: r.number,
        starts_on: format::date(r.starts_on),
        ends_on: format::date(r.ends_on),
        review_on: format::date(r.review_on),
        review_effective_on: format::date(r.review_effective_on),
        review_moved: r.review_effective_on != r.review_on,
    }
}

#[derive(Serialize)]
struct LineView<'a> {
    rank: i32,
    unit_code: &'a str,
    unit_name: &'a str,
    points: String,
}

fn lines(lines: &[BoardLine]) -> Vec<LineView<'_>> {
    lines
        .iter()
        .map(|l| LineView {
            rank: l.rank,
            unit_code: &l.unit.code,
            unit_name: &l.unit.name,
            points: points(l.points),
        })
        .collect()
}

#[derive(Serialize)]
pub(super) struct CampaignOfficeReminderView<'a> {
    campaign: CampaignView<'a>,
    round: RoundView,
    step: &'static str,
    working_days_left: u32,
    scale: String,
    competing: u32,
    top: Vec<LineView<'a>>,
    /// Competing units not in `top`.
    more: u32,
    link: String,
}

pub(super) fn office_reminder_view<'a>(
    c: &'a CampaignOfficeReminderContext,
    links: &Links,
) -> CampaignOfficeReminderView<'a> {
    let (step, working_days_left) = step(c.step);
    let shown = u32::try_from(c.top.len()).unwrap_or(u32::MAX);
    CampaignOfficeReminderView {
        campaign: campaign(&c.campaign),
        round: round(&c.round),
        step,
        working_days_left,
        scale: points(c.scale),
        competing: c.competing,
        top: lines(&c.top),
        more: c.competing.saturating_sub(shown),
        link: links.campaign_round(c.campaign.id, c.round.number, c.due),
    }
}

#[derive(Serialize)]
struct CriterionView<'a> {
    code: &'a str,
    title: &'a str,
    /// `điểm thưởng`, `điểm trừ`, or none for a scored criterion.
    kind: Option<&'static str>,
    max_points: String,
    points: String,
    /// For a computed criterion: `3/4 đạt yêu cầu`, or that nothing was due in the round.
    basis: Option<String>,
}

fn basis(counted: Option<i64>, out_of: Option<i64>) -> Option<String> {
    match (counted, out_of) {
        (Some(counted), Some(out_of)) if out_of > 0 => {
            Some(format!("{counted}/{out_of} đạt yêu cầu"))
        }
        (Some(_), Some(_)) => Some("chưa có việc đến hạn trong đợt".to_owned()),
        _ => None,
    }
}

fn criteria(criteria: &[CriterionLine]) -> Vec<CriterionView<'_>> {
    criteria
        .iter()
        .map(|c| CriterionView {
            code: &c.code,
            title: &c.title,
            kind: match c.kind {
                CriterionKind::Scored => None,
                CriterionKind::Bonus => Some("điểm thưởng"),
                CriterionKind::Penalty => Some("điểm trừ"),
            },
            max_points: points(c.max_points),
            points: points(c.points),
            basis: basis(c.counted, c.out_of),
        })
        .collect()
}

#[derive(Serialize)]
pub(super) struct CampaignUnitReminderView<'a> {
    campaign: CampaignView<'a>,
    round: RoundView,
    unit_name: &'a str,
    step: &'static str,
    working_days_left: u32,
    scale: String,
    competing: u32,
    rank: i32,
    points: String,
    criteria: Vec<CriterionView<'a>>,
    link: String,
}

pub(super) fn unit_reminder_view<'a>(
    c: &'a CampaignUnitReminderContext,
    links: &Links,
) -> CampaignUnitReminderView<'a> {
    let (step, working_days_left) = step(c.step);
    CampaignUnitReminderView {
        campaign: campaign(&c.campaign),
        round: round(&c.round),
        unit_name: &c.unit.name,
        step,
        working_days_left,
        scale: points(c.scale),
        competing: c.competing,
        rank: c.rank,
        points: points(c.points),
        criteria: criteria(&c.criteria),
        link: links.campaign_round(c.campaign.id, c.round.number, c.due),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_computed_criterion_shows_what_it_counted_or_that_nothing_was_due() {
        assert_eq!(basis(Some(3), Some(4)).as_deref(), Some("3/4 đạt yêu cầu"));
        assert_eq!(
            basis(Some(0), Some(0)).as_deref(),
            Some("chưa có việc đến hạn trong đợt")
        );
        assert_eq!(basis(None, None), None, "an entered criterion");
    }

    #[test]
    fn d0_and_the_last_call_are_both_the_due_day() {
        assert_eq!(step(ReminderStep::WorkingDaysBefore(5)), ("before", 5));
        assert_eq!(step(ReminderStep::WorkingDaysBefore(0)), ("due_day", 0));
        assert_eq!(step(ReminderStep::DeadlineDay), ("due_day", 0));
    }
}
