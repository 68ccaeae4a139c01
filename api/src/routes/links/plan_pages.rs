//! The pages of a plan's board and of the overdue tasks, for the leadership's task mails:
//! what their templates see, strings already in Vietnamese. Each task links its own page.

use minijinja::context;
use minijinja::value::{Serde, Value};
use serde::Serialize;

use super::pages::{local, render};
use cchc_app::signed_links::{OverdueTasks, PlanBoardPage};
use cchc_domain::model::plan::{TargetProgress, TargetState};
use cchc_domain::model::task::{StatusCounts, Task};
use cchc_domain::rules::figures::{number_vi, quantity_vi};
use rust_decimal::Decimal;

/// One task's line, with the link to its page.
#[derive(Serialize)]
struct TaskLine<'a> {
    code: &'a str,
    title: &'a str,
    source: String,
    lead_unit: &'a str,
    deadline: String,
    status: &'a str,
    progress_percent: i16,
    link: String,
}

fn task_line(task: &Task, link: String) -> TaskLine<'_> {
    let source = match (&task.plan, &task.source_document) {
        (Some(plan), _) => plan.code.clone(),
        (None, Some(document)) => format!("Văn bản số {}", document.number),
        (None, None) => String::new(),
    };
    TaskLine {
        code: &task.code,
        title: &task.title,
        source,
        lead_unit: &task.lead_unit.name,
        deadline: task
            .effective_deadline
            .map(local)
            .unwrap_or_else(|| task.due_text.clone()),
        status: &task.status_label,
        progress_percent: task.progress_percent,
        link,
    }
}

/// The counts of one line of the board.
#[derive(Serialize)]
struct CountsLine {
    label: String,
    total: i64,
    not_due: i64,
    in_progress: i64,
    due_soon: i64,
    overdue: i64,
    done_on_time: i64,
    done_late: i64,
    /// `87,5 %`, or `—` when no task is done or overdue.
    on_time_rate: String,
}

fn counts_line(label: String, c: &StatusCounts) -> CountsLine {
    CountsLine {
        label,
        total: c.total,
        not_due: c.not_due,
        in_progress: c.in_progress,
        due_soon: c.due_soon,
        overdue: c.overdue,
        done_on_time: c.done_on_time,
        done_late: c.done_late,
        on_time_rate: c
            .on_time_rate
            .and_then(|rate| Decimal::try_from(rate).ok())
            .map(|rate| quantity_vi(rate.round_dp(1), Some("%")))
            .unwrap_or_else(|| "—".to_owned()),
    }
}

#[derive(Serialize)]
struct TargetLine<'a> {
    position: i32,
    description: &'a str,
    target: String,
    value: String,
    state: &'static str,
}

fn target_line(progress: &TargetProgress) -> TargetLine<'_> {
    let target = &progress.target;
    TargetLine {
        position: target.position,
        description: &target.description,
        target: target
            .target
            .as_ref()
            .map(|t| format!("{} {}", t.comparator.symbol(), number_vi(t.threshold)))
            .unwrap_or_else(|| "—".to_owned()),
        value: match (&progress.value, &progress.measured_in) {
            (Some(value), Some(period)) => format!("{} (kỳ {})", number_vi(*value), period.code),
            (Some(value), None) => number_vi(*value),
            _ => "Chưa có số liệu".to_owned(),
        },
        state: match progress.state {
            TargetState::Met => "Đạt",
            TargetState::NotMet => "Chưa đạt",
            TargetState::NotMeasured => "Chưa đo được",
        },
    }
}

/// A plan's board; `task_link` gives each overdue task's page.
pub(super) fn plan_board(page: &PlanBoardPage, task_link: impl Fn(i64) -> String) -> String {
    let plan = &page.plan;
    let board = &page.board;
    let mut rows = vec![counts_line("Toàn kế hoạch".to_owned(), &board.totals)];
    rows.extend(
        board
            .units
            .iter()
            .map(|row| counts_line(row.unit.name.clone(), &row.counts)),
    );
    let areas: Vec<CountsLine> = board
        .areas
        .iter()
        .map(|row| counts_line(row.label.clone(), &row.counts))
        .collect();
    let overdue: Vec<TaskLine> = page
        .overdue
        .tasks
        .iter()
        .map(|task| task_line(task, task_link(task.id)))
        .collect();
    let plan_title = match plan.title.strip_prefix("Kế hoạch") {
        Some(rest) => format!("kế hoạch{rest}"),
        None => plan.title.clone(),
    };
    render(
        "plan.html",
        context! {
            title => format!("Tình hình thực hiện {plan_title}"),
            plan_title,
            code => &plan.code,
            document => plan.document.as_ref().map(|d| &d.number),
            as_of => local(board.as_of),
            rows => Value::from(Serde(&rows)),
            areas => Value::from(Serde(&areas)),
            targets => Value::from(Serde(&board.targets.iter().map(target_line).collect::<Vec<_>>())),
            overdue => Value::from(Serde(&overdue)),
            more => page.overdue.total - i64::try_from(page.overdue.tasks.len()).unwrap_or(0),
        },
    )
}

/// Every overdue task; `task_link` gives each task's page.
pub(super) fn overdue_tasks(
    overdue: &OverdueTasks,
    as_of: String,
    task_link: impl Fn(i64) -> String,
) -> String {
    let tasks: Vec<TaskLine> = overdue
        .tasks
        .iter()
        .map(|task| task_line(task, task_link(task.id)))
        .collect();
    render(
        "overdue.html",
        context! {
            title => "Nhiệm vụ quá hạn chưa hoàn thành",
            as_of,
            tasks => Value::from(Serde(&tasks)),
            total => overdue.total,
            more => overdue.total - i64::try_from(overdue.tasks.len()).unwrap_or(0),
        },
    )
}
