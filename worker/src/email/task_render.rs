//! The views the task mails' templates see: strings already formatted, links already built.

use cchc_domain::rules::figures::quantity_vi;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use super::address::{head_view, HeadView};
use super::content::{ReminderStep, UnitRef};
use super::format;
use super::links::Links;
use super::task_content::{
    DigestOverdueTask, DueTask, OverdueTask, PlanDigestContext, PlanLabel, TaskCounts,
    TaskEscalationHeadContext, TaskEscalationLeadershipContext, TaskLabel, TaskReminderContext,
    TaskReminderPurpose,
};
use super::views::UnitView;

fn unit(unit: &UnitRef) -> UnitView<'_> {
    UnitView::new(unit)
}

#[derive(Serialize)]
pub(super) struct PlanView<'a> {
    code: &'a str,
    title: &'a str,
    document_number: Option<&'a str>,
}

fn plan(plan: &PlanLabel) -> PlanView<'_> {
    PlanView {
        code: &plan.code,
        title: &plan.title,
        document_number: plan.document_number.as_deref(),
    }
}

#[derive(Serialize)]
pub(super) struct TaskView<'a> {
    code: &'a str,
    title: &'a str,
    /// `Kế hoạch số 383/KH-SCT` or `Thông báo 52/TB-SCT…`: where the task comes from.
    source: String,
    due_text: &'a str,
    expected_output: Option<&'a str>,
    progress_percent: i16,
    link: String,
}

/// `anchor`: the deadline the mail is about (the task's link works 30 days past it).
fn task<'a>(task: &'a TaskLabel, links: &Links, anchor: DateTime<Utc>) -> TaskView<'a> {
    let source = match (&task.plan, &task.source_document) {
        (Some(p), _) => match &p.document_number {
            Some(number) => format!("Kế hoạch số {number}"),
            None => p.title.clone(),
        },
        (None, Some(document)) => format!("văn bản số {document}"),
        (None, None) => String::new(),
    };
    TaskView {
        code: &task.code,
        title: &task.title,
        source,
        due_text: &task.due_text,
        expected_output: task.expected_output.as_deref(),
        progress_percent: task.progress_percent,
        link: links.task(task.id, anchor),
    }
}

#[derive(Serialize)]
pub(super) struct TaskReminderView<'a> {
    task: TaskView<'a>,
    unit: UnitView<'a>,
    /// `deadline` or `progress_report`.
    purpose: &'static str,
    /// `16:30 ngày 10/03/2023`.
    due: String,
    due_time: String,
    due_date: String,
    /// `before`, `deadline_morning` or `last_call`.
    step: &'static str,
    working_days_left: u32,
    return_reason: Option<&'a str>,
}

pub(super) fn task_reminder_view<'a>(
    c: &'a TaskReminderContext,
    links: &Links,
) -> TaskReminderView<'a> {
    let (step, working_days_left) = match c.step {
        ReminderStep::WorkingDaysBefore(0) => ("deadline_morning", 0),
        ReminderStep::WorkingDaysBefore(days) => ("before", days),
        ReminderStep::DeadlineDay => ("last_call", 0),
    };
    TaskReminderView {
        task: task(&c.task, links, c.due),
        unit: unit(&c.unit),
        purpose: match c.purpose {
            TaskReminderPurpose::Deadline => "deadline",
            TaskReminderPurpose::ProgressReport => "progress_report",
        },
        due: format::date_time(c.due),
        due_time: format::time_of_day(c.due),
        due_date: format::date(format::local_date(c.due)),
        step,
        working_days_left,
        return_reason: c.return_reason.as_deref(),
    }
}

#[derive(Serialize)]
pub(super) struct TaskEscalationHeadView<'a> {
    task: TaskView<'a>,
    unit: UnitView<'a>,
    deadline: String,
    late: String,
    head: HeadView,
}

pub(super) fn task_escalation_head_view<'a>(
    c: &'a TaskEscalationHeadContext,
    links: &Links,
) -> TaskEscalationHeadView<'a> {
    TaskEscalationHeadView {
        task: task(&c.task, links, c.deadline),
        unit: unit(&c.unit),
        deadline: format::date_time(c.deadline),
        late: c.late.phrase(),
        head: head_view(
            c.head_name.as_deref(),
            c.head_title.as_deref(),
            &c.unit.name,
        ),
    }
}

#[derive(Serialize)]
struct OverdueView<'a> {
    task: TaskView<'a>,
    unit: UnitView<'a>,
    deadline: String,
    late: String,
}

fn overdue<'a>(o: &'a OverdueTask, links: &Links, as_of: DateTime<Utc>) -> OverdueView<'a> {
    OverdueView {
        task: task(&o.task, links, o.deadline.max(as_of)),
        unit: unit(&o.unit),
        deadline: format::date_time(o.deadline),
        late: o.late.phrase(),
    }
}

#[derive(Serialize)]
struct DigestOverdueView<'a> {
    task: TaskView<'a>,
    unit: UnitView<'a>,
    /// `hạn 17:00 ngày 31/05/2022, quá hạn 30 ngày; tiến độ 60%`, or for ongoing work that
    /// missed its progress report `chưa báo cáo tiến độ kỳ trước`.
    state: String,
}

fn digest_overdue<'a>(
    o: &'a DigestOverdueTask,
    links: &Links,
    as_of: DateTime<Utc>,
) -> DigestOverdueView<'a> {
    let state = match o.deadline {
        Some(deadline) => format!(
            "hạn {}, quá hạn {}; tiến độ {}%",
            format::date_time(deadline),
            o.late.map(|late| late.phrase()).unwrap_or_default(),
            o.task.progress_percent
        ),
        None => "chưa báo cáo tiến độ kỳ trước".to_owned(),
    };
    DigestOverdueView {
        task: task(&o.task, links, o.deadline.map_or(as_of, |d| d.max(as_of))),
        unit: unit(&o.unit),
        state,
    }
}

#[derive(Serialize)]
pub(super) struct TaskEscalationLeadershipView<'a> {
    overdue: Vec<OverdueView<'a>>,
    /// The plan's board when every task is of one plan, else the list of overdue tasks.
    link: String,
}

pub(super) fn task_escalation_leadership_view<'a>(
    c: &'a TaskEscalationLeadershipContext,
    links: &Links,
) -> TaskEscalationLeadershipView<'a> {
    // One plan: its board; tasks of several sources: the list of overdue tasks.
    let plans: Vec<i64> = c
        .overdue
        .iter()
        .filter_map(|o| o.task.plan.as_ref().map(|p| p.id))
        .collect();
    let one_plan = plans
        .first()
        .filter(|first| plans.len() == c.overdue.len() && plans.iter().all(|p| p == *first));
    TaskEscalationLeadershipView {
        overdue: c
            .overdue
            .iter()
            .map(|o| overdue(o, links, c.as_of))
            .collect(),
        link: match one_plan {
            Some(plan) => links.plan_board(*plan, c.as_of),
            None => links.overdue_tasks(c.as_of),
        },
    }
}

#[derive(Serialize)]
struct CountsView {
    total: u32,
    not_due: u32,
    in_progress: u32,
    due_soon: u32,
    overdue: u32,
    done_on_time: u32,
    done_late: u32,
    /// `87,5 %`, or `—` when no task is done or overdue.
    on_time_rate: String,
}

fn counts(c: &TaskCounts) -> CountsView {
    CountsView {
        total: c.total,
        not_due: c.not_due,
        in_progress: c.in_progress,
        due_soon: c.due_soon,
        overdue: c.overdue,
        done_on_time: c.done_on_time,
        done_late: c.done_late,
        on_time_rate: c.on_time_permille.map_or_else(
            || "—".to_owned(),
            |permille| quantity_vi(Decimal::new(permille.into(), 1), Some("%")),
        ),
    }
}

#[derive(Serialize)]
struct UnitCountsView<'a> {
    unit: UnitView<'a>,
    counts: CountsView,
}

#[derive(Serialize)]
struct DueView<'a> {
    task: TaskView<'a>,
    unit: UnitView<'a>,
    deadline: String,
}

fn due<'a>(d: &'a DueTask, links: &Links, as_of: DateTime<Utc>) -> DueView<'a> {
    DueView {
        task: task(&d.task, links, d.deadline.max(as_of)),
        unit: unit(&d.unit),
        deadline: format::date_time(d.deadline),
    }
}

#[derive(Serialize)]
pub(super) struct PlanDigestView<'a> {
    plan: PlanView<'a>,
    span: &'a str,
    quarterly: bool,
    /// `07:30 ngày 01/12/2026`.
    as_of: String,
    totals: CountsView,
    units: Vec<UnitCountsView<'a>>,
    completed_in_span: u32,
    overdue: Vec<DigestOverdueView<'a>>,
    due_soon: Vec<DueView<'a>>,
    /// The plan's board.
    link: String,
}

pub(super) fn plan_digest_view<'a>(c: &'a PlanDigestContext, links: &Links) -> PlanDigestView<'a> {
    PlanDigestView {
        plan: plan(&c.plan),
        span: &c.span_label,
        quarterly: c.quarterly,
        as_of: format::date_time(c.as_of),
        totals: counts(&c.totals),
        units: c
            .units
            .iter()
            .map(|u| UnitCountsView {
                unit: unit(&u.unit),
                counts: counts(&u.counts),
            })
            .collect(),
        completed_in_span: c.completed_in_span,
        overdue: c
            .overdue
            .iter()
            .map(|o| digest_overdue(o, links, c.as_of))
            .collect(),
        due_soon: c.due_soon.iter().map(|d| due(d, links, c.as_of)).collect(),
        link: links.plan_board(c.plan.id, c.as_of),
    }
}
