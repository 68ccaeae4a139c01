//! The emulation campaign mails' templates against committed snapshots: the Office's reminder
//! of a review moved off a day off with more competing units than the top lines shown (a unit's
//! name escaped in HTML), the same on the review day, and a unit's reminder with computed,
//! entered, bonus and penalty criteria on the round's last day.

use cchc_domain::model::campaign::CriterionKind;
use cchc_worker::email::campaign_content::{
    BoardLine, CampaignLabel, CampaignOfficeReminderContext, CampaignUnitReminderContext,
    CriterionLine, RoundDates,
};
use cchc_worker::email::{Composer, MailContent, ReminderStep, Rendered, UnitRef};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;

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

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn campaign() -> CampaignLabel {
    CampaignLabel {
        id: 4,
        code: "TD-TTHC-2017".into(),
        title: "Phong trào thi đua \"Giải quyết nhanh thủ tục hành chính cho cá nhân, tổ chức và doanh nghiệp\"".into(),
        year: 2017,
    }
}

/// Round 1: 01/03 to Thursday 29/06/2017, reviewed Saturday 01/07 (Monday 03/07).
fn round() -> RoundDates {
    RoundDates {
        number: 1,
        starts_on: day("2017-03-01"),
        ends_on: day("2017-06-29"),
        review_on: day("2017-07-01"),
        review_effective_on: day("2017-07-03"),
    }
}

fn unit(id: i64, code: &str, name: &str) -> UnitRef {
    UnitRef {
        id,
        code: code.into(),
        name: name.into(),
        office: false,
    }
}

fn top() -> Vec<BoardLine> {
    [
        (1, "VP", "Văn phòng Sở", "92.5"),
        (2, "QLTM", "Phòng Quản lý thương mại", "88"),
        (2, "KHTC", "Phòng Kế hoạch - Tài chính", "88"),
        (4, "QLCN", "Phòng Quản lý công nghiệp & năng lượng", "75.25"),
        (5, "TTKC", "Trung tâm Khuyến công", "60"),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (rank, code, name, points))| BoardLine {
        rank,
        unit: unit(i64::try_from(i).unwrap() + 10, code, name),
        points: d(points),
    })
    .collect()
}

#[test]
fn the_office_reminder_shows_the_top_five_and_the_moved_review_date() {
    let rendered = render(&MailContent::CampaignOfficeReminder(
        CampaignOfficeReminderContext {
            campaign: campaign(),
            round: round(),
            due: local(2017, 7, 3, 17, 0),
            step: ReminderStep::WorkingDaysBefore(5),
            scale: d("100"),
            competing: 7,
            top: top(),
        },
    ));
    assert_eq!(
        rendered.subject,
        "Nhắc sơ kết đợt 1 phong trào thi đua TD-TTHC-2017 – còn 5 ngày làm việc"
    );
    assert!(rendered.text.contains("1. Văn phòng Sở: 92,5 điểm\n"));
    assert!(rendered
        .text
        .contains("4. Phòng Quản lý công nghiệp & năng lượng: 75,25 điểm\n"));
    assert!(rendered.text.contains("… và 2 đơn vị khác."));
    assert!(rendered
        .html
        .contains("Phòng Quản lý công nghiệp &amp; năng lượng"));
    assert!(rendered
        .html
        .contains("href=\"https://cchc.example.gov.vn/l/campaign/campaign.4.1."));
    insta::assert_snapshot!("campaign_office_reminder_d5", snapshot(&rendered));
}

#[test]
fn the_office_reminder_on_the_review_day() {
    let rendered = render(&MailContent::CampaignOfficeReminder(
        CampaignOfficeReminderContext {
            campaign: campaign(),
            round: RoundDates {
                review_on: day("2017-07-03"),
                ..round()
            },
            due: local(2017, 7, 3, 17, 0),
            step: ReminderStep::DeadlineDay,
            scale: d("100"),
            competing: 3,
            top: top().into_iter().take(3).collect(),
        },
    ));
    assert!(!rendered.text.contains("ngày nghỉ"), "{}", rendered.text);
    assert!(!rendered.text.contains("đơn vị khác"));
    insta::assert_snapshot!("campaign_office_reminder_review_day", snapshot(&rendered));
}

#[test]
fn a_unit_reminder_lists_every_criterion_with_how_it_was_reached() {
    let line = |code: &str, title: &str, kind, max: &str, points: &str, counts| {
        let (counted, out_of) = match counts {
            Some((counted, out_of)) => (Some(counted), Some(out_of)),
            None => (None, None),
        };
        CriterionLine {
            code: code.into(),
            title: title.into(),
            kind,
            max_points: d(max),
            points: d(points),
            counted,
            out_of,
        }
    };
    let rendered = render(&MailContent::CampaignUnitReminder(
        CampaignUnitReminderContext {
            campaign: campaign(),
            round: round(),
            unit: unit(12, "KHTC", "Phòng Kế hoạch - Tài chính"),
            due: local(2017, 6, 29, 17, 0),
            step: ReminderStep::WorkingDaysBefore(0),
            scale: d("100"),
            competing: 7,
            rank: 2,
            points: d("88"),
            criteria: vec![
                line(
                    "TC1",
                    "Nộp báo cáo đúng hạn",
                    CriterionKind::Scored,
                    "40",
                    "30",
                    Some((3, 4)),
                ),
                line(
                    "TC2",
                    "Báo cáo được chấp nhận ngay lần đầu",
                    CriterionKind::Scored,
                    "30",
                    "30",
                    Some((4, 4)),
                ),
                line(
                    "TC3",
                    "Nhiệm vụ chủ trì hoàn thành đúng hạn",
                    CriterionKind::Scored,
                    "20",
                    "20",
                    Some((0, 0)),
                ),
                line(
                    "TC4",
                    "Chất lượng tham mưu",
                    CriterionKind::Scored,
                    "10",
                    "8.5",
                    None,
                ),
                line("TC5", "Sáng kiến", CriterionKind::Bonus, "5", "2", None),
                line(
                    "TC6",
                    "Vi phạm kỷ luật hành chính",
                    CriterionKind::Penalty,
                    "5",
                    "-2.5",
                    None,
                ),
            ],
        },
    ));
    assert_eq!(
        rendered.subject,
        "Phong trào thi đua TD-TTHC-2017: đợt 1 kết thúc ngày 29/06/2017 – hôm nay là ngày làm việc cuối"
    );
    for expected in [
        "đơn vị đạt 88 điểm (thang điểm 100), xếp hạng 2/7 đơn vị tham gia.",
        "- TC1. Nộp báo cáo đúng hạn: 30/40 điểm (3/4 đạt yêu cầu)\n",
        "- TC3. Nhiệm vụ chủ trì hoàn thành đúng hạn: 20/20 điểm (chưa có việc đến hạn trong đợt)\n",
        "- TC4. Chất lượng tham mưu: 8,5/10 điểm\n",
        "- TC5. Sáng kiến (điểm thưởng): 2 điểm\n",
        "- TC6. Vi phạm kỷ luật hành chính (điểm trừ): -2,5 điểm\n",
        "Văn phòng Sở sơ kết đợt ngày 03/07/2017.",
        "https://cchc.example.gov.vn/l/campaign/campaign.4.1.",
    ] {
        assert!(
            rendered.text.contains(expected),
            "{expected:?} missing from:\n{}",
            rendered.text
        );
    }
    insta::assert_snapshot!("campaign_unit_reminder_d0", snapshot(&rendered));
}
