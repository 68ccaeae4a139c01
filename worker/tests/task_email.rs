//! The task mails' templates against committed snapshots: reminders of a deadline (with a
//! returned declaration) and of a progress report, the head's escalation, the leadership's
//! list across sources, and the working group's digest.

use cchc_worker::email::task_content::{
    DigestOverdueTask, DueTask, OverdueTask, PlanDigestContext, PlanLabel, TaskCounts,
    TaskEscalationHeadContext, TaskEscalationLeadershipContext, TaskLabel, TaskReminderContext,
    TaskReminderPurpose, UnitCounts,
};
use cchc_worker::email::{Composer, Lateness, MailContent, ReminderStep, Rendered, UnitRef};
use chrono::{DateTime, TimeZone, Utc};

/// A Vietnam local time (UTC+7) as an instant.
fn local(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, minute, 0)
        .unwrap()
        - chrono::Duration::hours(7)
}

fn render(content: &MailContent) -> Rendered {
    Composer::new(
        "Văn phòng Sở <cchc@localhost>".parse().unwrap(),
        "https://cchc.example.gov.vn",
        "cchc.localhost",
    )
    .unwrap()
    .with_link_secret(b"a-fixed-secret-for-the-snapshots!")
    .render(content)
    .unwrap()
}

fn snapshot(rendered: &Rendered) -> String {
    format!(
        "Subject: {}\n\n===== text/plain =====\n{}\n===== text/html =====\n{}",
        rendered.subject, rendered.text, rendered.html
    )
}

fn plan() -> PlanLabel {
    PlanLabel {
        id: 3,
        code: "KH-CCHC-2022".into(),
        title: "Kế hoạch cải cách hành chính năm 2022 của Sở Công Thương".into(),
        document_number: Some("383/KH-SCT".into()),
    }
}

fn khtc() -> UnitRef {
    UnitRef {
        id: 34,
        code: "KHTC".into(),
        name: "Phòng Kế hoạch - Tài chính".into(),
        office: false,
    }
}

fn vp() -> UnitRef {
    UnitRef {
        id: 30,
        code: "VP".into(),
        name: "Văn phòng Sở".into(),
        office: true,
    }
}

fn review_task() -> TaskLabel {
    TaskLabel {
        id: 17,
        code: "2.3".into(),
        title: "Rà soát, đánh giá thủ tục hành chính thuộc thẩm quyền giải quyết của Sở".into(),
        plan: Some(plan()),
        source_document: None,
        due_text: "Tháng 5/2022".into(),
        expected_output: Some("Báo cáo kết quả rà soát".into()),
        progress_percent: 60,
    }
}

fn conclusion_task() -> TaskLabel {
    TaskLabel {
        id: 21,
        code: "1".into(),
        title: "Rà soát các TTHC mức độ 3, 4 không phát sinh hồ sơ trực tuyến".into(),
        plan: None,
        source_document: Some("52/TB-SCT".into()),
        due_text: "Tháng 5/2022".into(),
        expected_output: None,
        progress_percent: 0,
    }
}

fn ongoing_task() -> TaskLabel {
    TaskLabel {
        id: 19,
        code: "8.1".into(),
        title: "Theo dõi, đôn đốc, kiểm tra việc thực hiện kế hoạch CCHC".into(),
        plan: Some(plan()),
        source_document: None,
        due_text: "Thường xuyên (báo cáo hằng tháng)".into(),
        expected_output: None,
        progress_percent: 40,
    }
}

#[test]
fn a_deadline_reminder_with_a_returned_declaration() {
    let rendered = render(&MailContent::TaskReminder(TaskReminderContext {
        task: review_task(),
        unit: khtc(),
        purpose: TaskReminderPurpose::Deadline,
        due: local(2022, 5, 31, 17, 0),
        step: ReminderStep::WorkingDaysBefore(2),
        return_reason: Some("Chưa kèm báo cáo kết quả rà soát đã ký.".into()),
    }));
    assert_eq!(
        rendered.subject,
        "Nhắc hạn hoàn thành nhiệm vụ 2.3 – còn 2 ngày làm việc"
    );
    insta::assert_snapshot!("task_reminder_deadline_returned", snapshot(&rendered));
}

#[test]
fn a_progress_report_reminder_on_its_last_day() {
    let rendered = render(&MailContent::TaskReminder(TaskReminderContext {
        task: ongoing_task(),
        unit: vp(),
        purpose: TaskReminderPurpose::ProgressReport,
        due: local(2022, 6, 30, 17, 0),
        step: ReminderStep::DeadlineDay,
        return_reason: None,
    }));
    assert_eq!(
        rendered.subject,
        "Nhắc báo cáo tiến độ nhiệm vụ 8.1 – hạn cuối 17:00 hôm nay"
    );
    insta::assert_snapshot!("task_reminder_progress_last_call", snapshot(&rendered));
}

#[test]
fn the_head_is_told_of_an_overdue_task() {
    let rendered = render(&MailContent::TaskEscalationHead(
        TaskEscalationHeadContext {
            task: review_task(),
            unit: khtc(),
            deadline: local(2022, 5, 31, 17, 0),
            late: Lateness::Since {
                deadline: local(2022, 5, 31, 17, 0),
            },
            head_name: Some("Phạm Văn Hùng".into()),
            head_title: Some("Trưởng phòng".into()),
        },
    ));
    assert_eq!(
        rendered.subject,
        "Nhiệm vụ 2.3 quá hạn chưa hoàn thành – Phòng Kế hoạch - Tài chính"
    );
    insta::assert_snapshot!("task_escalation_head", snapshot(&rendered));
}

#[test]
fn the_leadership_gets_overdue_tasks_of_several_sources_with_the_overdue_list_link() {
    let rendered = render(&MailContent::TaskEscalationLeadership(
        TaskEscalationLeadershipContext {
            overdue: vec![
                OverdueTask {
                    task: review_task(),
                    unit: khtc(),
                    deadline: local(2022, 5, 31, 17, 0),
                    late: Lateness::WorkingDays { days: 2 },
                },
                OverdueTask {
                    task: conclusion_task(),
                    unit: vp(),
                    deadline: local(2022, 5, 31, 17, 0),
                    late: Lateness::WorkingDays { days: 2 },
                },
            ],
            as_of: local(2022, 6, 2, 8, 0),
        },
    ));
    assert_eq!(rendered.subject, "2 nhiệm vụ CCHC quá hạn chưa hoàn thành");
    // Tasks of a plan and of a directive: the list of every overdue task, besides each task.
    assert!(
        rendered
            .text
            .contains("Theo dõi chung: https://cchc.example.gov.vn/l/overdue-tasks/overdue-tasks."),
        "{}",
        rendered.text
    );
    assert!(!rendered.text.contains("/api/v1"), "{}", rendered.text);
    assert!(rendered
        .text
        .contains("https://cchc.example.gov.vn/l/task/task."));
    insta::assert_snapshot!("task_escalation_leadership", snapshot(&rendered));
}

#[test]
fn the_working_group_digest_of_a_quarter() {
    let counts = |total, on_time, late, overdue, permille| TaskCounts {
        total,
        in_progress: total - on_time - late - overdue,
        done_on_time: on_time,
        done_late: late,
        overdue,
        on_time_permille: permille,
        ..TaskCounts::default()
    };
    let rendered = render(&MailContent::PlanDigest(PlanDigestContext {
        plan: plan(),
        span_label: "quý II/2022".into(),
        quarterly: true,
        as_of: local(2022, 7, 1, 7, 30),
        totals: counts(10, 4, 2, 2, Some(500)),
        units: vec![
            UnitCounts {
                unit: vp(),
                counts: counts(7, 3, 1, 1, Some(600)),
            },
            UnitCounts {
                unit: khtc(),
                counts: counts(3, 1, 1, 1, Some(333)),
            },
        ],
        completed_in_span: 5,
        overdue: vec![
            DigestOverdueTask {
                task: review_task(),
                unit: khtc(),
                deadline: Some(local(2022, 5, 31, 17, 0)),
                late: Some(Lateness::WorkingDays { days: 22 }),
            },
            DigestOverdueTask {
                task: ongoing_task(),
                unit: vp(),
                deadline: None,
                late: None,
            },
        ],
        due_soon: vec![DueTask {
            task: conclusion_task(),
            unit: vp(),
            deadline: local(2022, 7, 5, 17, 0),
        }],
    }));
    assert_eq!(
        rendered.subject,
        "Tình hình thực hiện Kế hoạch cải cách hành chính năm 2022 của Sở Công Thương – quý II/2022"
    );
    assert!(rendered.text.contains("Tỷ lệ hoàn thành đúng hạn: 50 %"));
    assert!(rendered.text.contains("tỷ lệ đúng hạn 33,3 %"));
    insta::assert_snapshot!("plan_digest_quarter", snapshot(&rendered));
}
