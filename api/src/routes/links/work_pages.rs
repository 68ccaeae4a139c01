//! The pages of the task, self-assessment and campaign links: what the views of their
//! templates see, strings already in Vietnamese.

use minijinja::context;
use minijinja::value::{Serde, Value};
use rust_decimal::Decimal;
use serde::Serialize;

use super::pages::{local, render};
use cchc_app::signed_links::AssessmentPage;
use cchc_domain::model::assessment::{
    AssessmentStatus, ItemStatus, ReadinessFigures, ReadinessProblem,
};
use cchc_domain::model::campaign::{Campaign, Leaderboard};
use cchc_domain::model::task::{TaskCompletion, TaskDetail, TaskEventKind};

/// `2`, `1,5`, `0,25`: points as Vietnamese writes decimals.
fn points(value: Decimal) -> String {
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

fn item_status_label(status: ItemStatus) -> &'static str {
    match status {
        ItemStatus::Pending => "Chưa tự chấm",
        ItemStatus::Proposed => "Đã tự chấm, chờ Văn phòng Sở xem xét",
        ItemStatus::Returned => "Bị trả lại",
        ItemStatus::Accepted => "Đã được chấp nhận",
    }
}

/// What the task waits for, and from whom.
fn task_awaited(detail: &TaskDetail) -> String {
    let task = &detail.task;
    match task.completion {
        TaskCompletion::Confirmed => {
            "Không chờ gì thêm: Văn phòng Sở đã xác nhận hoàn thành.".to_owned()
        }
        TaskCompletion::Declared => format!(
            "{} đã báo cáo hoàn thành; chờ Văn phòng Sở xác nhận.",
            task.lead_unit.name
        ),
        TaskCompletion::Open => {
            let mut awaited = match (&task.return_reason, task.reports_every) {
                (Some(reason), _) => format!(
                    "Văn phòng Sở đã trả lại báo cáo hoàn thành ({reason}); chờ {} hoàn thiện và báo cáo lại",
                    task.lead_unit.name
                ),
                (None, Some(_)) => format!(
                    "Chờ {} báo cáo tiến độ định kỳ",
                    task.lead_unit.name
                ),
                (None, None) => format!(
                    "Chờ {} thực hiện và báo cáo hoàn thành",
                    task.lead_unit.name
                ),
            };
            if let Some(output) = &task.expected_output {
                awaited.push_str(&format!(", kèm sản phẩm: {output}"));
            }
            if let Some(deadline) = task.effective_deadline {
                awaited.push_str(&format!(" trước {}", local(deadline)));
            }
            awaited.push('.');
            awaited
        }
    }
}

pub(super) fn task(detail: &TaskDetail) -> String {
    let task = &detail.task;
    let source = match (&task.plan, &task.source_document) {
        (Some(plan), _) => format!("{} ({})", plan.title, plan.code),
        (None, Some(document)) => format!("Văn bản số {}", document.number),
        (None, None) => String::new(),
    };
    let latest_progress = detail
        .history
        .iter()
        .rev()
        .find(|e| {
            matches!(
                e.kind,
                TaskEventKind::Progress | TaskEventKind::Contribution
            )
        })
        .map(|e| {
            let who = e.unit.as_ref().map(|u| u.name.as_str()).unwrap_or("");
            let percent = e.percent.map(|p| format!(" – {p}%")).unwrap_or_default();
            let note = e
                .note
                .as_deref()
                .map(|n| format!(": {n}"))
                .unwrap_or_default();
            format!("{} {who}{percent}{note}", local(e.at))
        });
    let coordinating: Vec<&str> = task
        .coordinating_units
        .iter()
        .map(|u| u.name.as_str())
        .collect();
    render(
        "task.html",
        context! {
            title => format!("Nhiệm vụ {}: {}", task.code, task.title),
            code => &task.code,
            task_title => &task.title,
            source,
            lead_unit => &task.lead_unit.name,
            coordinating => coordinating.join(", "),
            expected_output => &task.expected_output,
            due_text => &task.due_text,
            deadline => task.deadline.map(local),
            effective_deadline => task.effective_deadline.map(local),
            extended => task.extended_deadline.is_some(),
            status => &task.status_label,
            progress_percent => task.progress_percent,
            latest_progress,
            awaited => task_awaited(detail),
        },
    )
}

#[derive(Serialize)]
struct PartLine<'a> {
    code: &'a str,
    title: &'a str,
    unit: &'a str,
    max_points: String,
    self_points: String,
    status: &'static str,
    problems: Vec<&'static str>,
    return_reason: Option<&'a str>,
}

#[derive(Serialize)]
struct FiguresLine {
    label: String,
    criteria: i64,
    resolved: i64,
    max_points: String,
    self_points: String,
    points_at_risk: String,
}

fn figures(label: String, f: &ReadinessFigures) -> FiguresLine {
    FiguresLine {
        label,
        criteria: f.criteria,
        resolved: f.resolved,
        max_points: points(f.max_points),
        self_points: points(f.self_points),
        points_at_risk: points(f.points_at_risk),
    }
}

pub(super) fn assessment(page: &AssessmentPage) -> String {
    let a = &page.assessment;
    let parts: Vec<PartLine> = a
        .items
        .iter()
        .map(|item| PartLine {
            code: &item.code,
            title: &item.title,
            unit: item.unit.as_ref().map_or("Chưa giao", |u| u.name.as_str()),
            max_points: points(item.max_points),
            self_points: item.self_points.map(points).unwrap_or_else(|| "—".into()),
            status: item_status_label(item.status),
            problems: item.problems.iter().map(|p| problem_label(*p)).collect(),
            return_reason: item
                .return_reason
                .as_deref()
                .filter(|_| item.status == ItemStatus::Returned),
        })
        .collect();
    let pending = a
        .items
        .iter()
        .filter(|i| matches!(i.status, ItemStatus::Pending | ItemStatus::Returned))
        .count();
    let no_evidence = a
        .items
        .iter()
        .filter(|i| {
            i.problems.iter().any(|p| {
                matches!(
                    p,
                    ReadinessProblem::NoEvidence | ReadinessProblem::EvidenceUnlocated
                )
            })
        })
        .count();
    let (total, units) = match &page.readiness {
        Some(r) => (
            Some(figures("Toàn bộ".into(), &r.total)),
            r.units
                .iter()
                .map(|u| {
                    let name = u
                        .unit
                        .as_ref()
                        .map_or("Chưa giao đơn vị", |u| u.name.as_str());
                    figures(name.to_owned(), &u.figures)
                })
                .collect(),
        ),
        None => (None, Vec::new()),
    };
    let (due_label, due) = match page.unit {
        Some(_) => ("Hạn đơn vị gửi phần tự chấm", local(a.units_due_at)),
        None => ("Hạn gửi kết quả tự đánh giá", local(a.send_due_at)),
    };
    render(
        "assessment.html",
        context! {
            title => &a.title,
            round_title => &a.title,
            code => &a.code,
            unit => page.unit.as_ref().map(|u| &u.name),
            status => match a.status {
                AssessmentStatus::Open => "Đang tự chấm",
                AssessmentStatus::Sent => "Đã gửi kết quả tự đánh giá",
                AssessmentStatus::Appraised => "Đã có kết quả thẩm định",
            },
            due_label,
            due,
            units_due => local(a.units_due_at),
            send_due => local(a.send_due_at),
            part_count => parts.len(),
            pending,
            scored => parts.len() - pending,
            no_evidence,
            ready => page.readiness.as_ref().map(|r| r.ready),
            total => Value::from(Serde(&total)),
            units => Value::from(Serde(&units)),
            parts => Value::from(Serde(&parts)),
        },
    )
}

#[derive(Serialize)]
struct BoardLine<'a> {
    rank: i32,
    unit: &'a str,
    points: String,
    criteria: Vec<String>,
}

pub(super) fn campaign(campaign: &Campaign, board: &Leaderboard, round: i32) -> String {
    let dates = campaign.rounds.iter().find(|r| r.number == round);
    let lines: Vec<BoardLine> = board
        .rows
        .iter()
        .map(|row| BoardLine {
            rank: row.rank,
            unit: &row.unit_name,
            points: points(row.points),
            criteria: row
                .criteria
                .iter()
                .map(|c| match (c.counted, c.out_of) {
                    (Some(counted), Some(out_of)) if out_of > 0 => {
                        format!("{}: {} điểm ({counted}/{out_of})", c.code, points(c.points))
                    }
                    _ => format!("{}: {} điểm", c.code, points(c.points)),
                })
                .collect(),
        })
        .collect();
    let criteria: Vec<String> = campaign
        .criteria
        .iter()
        .map(|c| {
            format!(
                "{} {} (tối đa {} điểm)",
                c.code,
                c.title,
                points(c.max_points)
            )
        })
        .collect();
    render(
        "campaign.html",
        context! {
            title => format!("{} – đợt {round}", campaign.title),
            campaign_title => &campaign.title,
            code => &campaign.code,
            round,
            starts_on => dates.map(|d| d.starts_on.format("%d/%m/%Y").to_string()),
            ends_on => dates.map(|d| d.ends_on.format("%d/%m/%Y").to_string()),
            review_on => dates.map(|d| d.review_effective_on.format("%d/%m/%Y").to_string()),
            frozen => board.state == "frozen",
            reviewed_at => board.reviewed_at.map(local),
            scale => points(board.scale),
            criteria,
            rows => Value::from(Serde(&lines)),
        },
    )
}
