//! The consolidated workbook's last sheet: task completion per unit at the period's cut-off,
//! so the quarterly report states "tiến độ thực hiện các mục tiêu, nhiệm vụ" beside the
//! figures.

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use rust_xlsxwriter::Workbook;

use crate::local_time_vi;
use crate::report_layout::{setup_sheet, titles, SheetWriter, Styles, HEADER_ROW};
use cchc_domain::model::submission::Consolidation;
use cchc_domain::model::task::StatusCounts;
use cchc_domain::model::task_cutoff::PeriodTaskCompletion;
use cchc_domain::Result;

pub const TASK_SHEET: &str = "Tiến độ nhiệm vụ";

pub const TASK_HEADERS: [&str; 12] = [
    "STT",
    "Mã đơn vị",
    "Tên đơn vị",
    "Số nhiệm vụ chủ trì",
    "Hoàn thành đúng hạn",
    "Hoàn thành quá hạn",
    "Quá hạn chưa hoàn thành",
    "Sắp đến hạn",
    "Đang thực hiện trong hạn",
    "Chưa đến hạn",
    "Tỷ lệ hoàn thành đúng hạn (%)",
    "Số nhiệm vụ phối hợp",
];

pub(crate) fn write_sheet(
    workbook: &mut Workbook,
    report: &Consolidation,
    tasks: &PeriodTaskCompletion,
    generated_at: DateTime<FixedOffset>,
    styles: &Styles,
) -> Result<()> {
    let mut heading = titles(
        report,
        generated_at,
        "TIẾN ĐỘ THỰC HIỆN NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH",
    );
    // The third title line speaks of the reports counted; this sheet counts tasks at the cut-off.
    if let Some(line) = heading.get_mut(2) {
        *line = format!(
            "Nhiệm vụ do đơn vị chủ trì, tình trạng tại thời điểm chốt số liệu {}",
            local_time_vi(tasks.as_of)
        );
    }
    let sheet = workbook.add_worksheet();
    setup_sheet(
        sheet,
        TASK_SHEET,
        &TASK_HEADERS,
        &[
            5.0, 11.0, 48.0, 12.0, 12.0, 12.0, 14.0, 10.0, 14.0, 10.0, 16.0, 13.0,
        ],
        &heading,
        styles,
    )?;
    let mut out = SheetWriter {
        sheet,
        styles,
        row: HEADER_ROW,
    };
    for (i, line) in tasks.units.iter().enumerate() {
        out.row += 1;
        out.number(0, Some(Decimal::from(i + 1)))?;
        out.text(1, &line.unit.code)?;
        out.wrapped(2, Some(&line.unit.name))?;
        counts(&mut out, &line.counts)?;
        out.number(11, Some(Decimal::from(line.coordinating)))?;
    }
    out.row += 1;
    out.text(0, "")?;
    out.text(1, "")?;
    out.text(2, "Tổng cộng")?;
    counts(&mut out, &tasks.totals)?;
    out.text(11, "")?;
    Ok(())
}

fn counts(out: &mut SheetWriter, counts: &StatusCounts) -> Result<()> {
    for (col, value) in [
        (3, counts.total),
        (4, counts.done_on_time),
        (5, counts.done_late),
        (6, counts.overdue),
        (7, counts.due_soon),
        (8, counts.in_progress),
        (9, counts.not_due),
    ] {
        out.number(col, Some(Decimal::from(value)))?;
    }
    let rate = counts
        .on_time_rate
        .and_then(|rate| Decimal::try_from(rate).ok());
    out.number(10, rate)
}
