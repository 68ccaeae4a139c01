//! The consolidated workbook's last sheet: task completion per unit at the period's cut-off,
//! so the quarterly report states "tiến độ thực hiện các mục tiêu, nhiệm vụ" beside the
//! figures.

use rust_decimal::Decimal;
use rust_xlsxwriter::Workbook;

use crate::local_time_vi;
use crate::report_layout::{
    appendix_titles, setup_sheet, ReportContext, SheetWriter, Styles, Title, TitleStyle,
};
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

const TASK_WIDTHS: [f64; 12] = [4.0, 8.0, 24.5, 8.0, 8.0, 8.0, 8.5, 8.0, 8.5, 8.0, 9.0, 8.0];

pub(crate) fn write_sheet(
    workbook: &mut Workbook,
    report: &Consolidation,
    context: &ReportContext,
    tasks: &PeriodTaskCompletion,
    styles: &Styles,
) -> Result<()> {
    let mut heading = appendix_titles(
        report,
        context,
        "TIẾN ĐỘ THỰC HIỆN NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH",
    );
    heading.push(Title::new(
        TitleStyle::Plain,
        format!(
            "Nhiệm vụ do đơn vị chủ trì, tình trạng tại thời điểm chốt số liệu {}",
            local_time_vi(tasks.as_of)
        ),
    ));
    let sheet = workbook.add_worksheet();
    let header_row = setup_sheet(
        sheet,
        TASK_SHEET,
        &TASK_HEADERS,
        &TASK_WIDTHS,
        &heading,
        styles,
    )?;
    let mut out = SheetWriter::new(sheet, styles, &TASK_WIDTHS, header_row);
    for (i, line) in tasks.units.iter().enumerate() {
        out.next_row()?;
        out.ordinal(0, Some(Decimal::from(i + 1)))?;
        out.text(1, &line.unit.code)?;
        out.text(2, &line.unit.name)?;
        counts(&mut out, &line.counts)?;
        out.number(11, Some(Decimal::from(line.coordinating)))?;
    }
    out.next_row()?;
    out.text(0, "")?;
    out.text(1, "")?;
    out.text(2, "Tổng cộng")?;
    counts(&mut out, &tasks.totals)?;
    out.text(11, "")?;
    out.finish_row()
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
