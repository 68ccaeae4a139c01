//! A plan's appendix (phụ lục) as offices write it: the task list grouped by content area
//! (I, II, …), with STT, nội dung nhiệm vụ, đơn vị chủ trì, đơn vị phối hợp, thời gian hoàn
//! thành, sản phẩm and tình trạng; A4 landscape in Times New Roman, the header repeated on
//! every printed page. `read` reads such a workbook back (the exported one, or one an office
//! typed with the same header), naming every cell it cannot use.

mod read;

pub use read::{fold, read_appendix, AppendixRow, AppendixRows};

use chrono::{DateTime, FixedOffset};
use rust_xlsxwriter::{Format, FormatAlign, Worksheet};

use super::internal;
use crate::print;
use cchc_domain::model::indicator::ContentArea;
use cchc_domain::model::plan::Plan;
use cchc_domain::model::task::Task;
use cchc_domain::rules::numerals::roman;
use cchc_domain::Result;

pub const SHEET: &str = "Phụ lục";

/// The columns, in order; `read` finds them by these labels.
pub const HEADERS: [&str; 7] = [
    "STT",
    "Nội dung nhiệm vụ",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Thời gian hoàn thành",
    "Sản phẩm",
    "Tình trạng",
];

/// Zero-based row of the header in the exported appendix.
pub const HEADER_ROW: u32 = 4;

/// The title of tasks without a content area, after the areas.
pub const OTHER_TASKS: &str = "Nhiệm vụ khác";

struct Styles {
    title: Format,
    subtitle: Format,
    header: Format,
    group: Format,
    centered: Format,
    text: Format,
}

impl Styles {
    fn new() -> Self {
        let base = print::title_base();
        let cell = print::cell_base();
        Self {
            title: base.clone().set_bold().set_align(FormatAlign::Center),
            subtitle: base.set_italic().set_align(FormatAlign::Center),
            header: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            group: cell.clone().set_bold(),
            centered: cell.clone().set_align(FormatAlign::Center),
            text: cell,
        }
    }
}

/// `(Kèm theo Kế hoạch số 383/KH-SCT ngày 21/02/2022 của Sở Công Thương)`, or the plan's title
/// when it has no document yet.
fn attached_to(plan: &Plan) -> String {
    match &plan.document {
        Some(document) => format!(
            "(Kèm theo Kế hoạch số {} ngày {} của {})",
            document.number,
            document.issued_on.format("%d/%m/%Y"),
            document.issuing_agency
        ),
        None => format!("(Kèm theo {})", plan.title),
    }
}

/// The plan's tasks by content area in the plan's order of areas (then any other area in the
/// national order), tasks without an area last.
fn groups<'a>(plan: &Plan, tasks: &'a [Task]) -> Vec<(String, Vec<&'a Task>)> {
    let mut order: Vec<ContentArea> = plan.areas.iter().map(|a| a.content_area).collect();
    for area in ContentArea::ALL {
        if !order.contains(area) {
            order.push(*area);
        }
    }
    let mut groups: Vec<(String, Vec<&Task>)> = order
        .iter()
        .map(|area| {
            let of_area: Vec<&Task> = tasks
                .iter()
                .filter(|t| t.content_area == Some(*area))
                .collect();
            (area.label_vi().to_owned(), of_area)
        })
        .filter(|(_, tasks)| !tasks.is_empty())
        .collect();
    let other: Vec<&Task> = tasks.iter().filter(|t| t.content_area.is_none()).collect();
    if !other.is_empty() {
        groups.push((OTHER_TASKS.to_owned(), other));
    }
    groups
}

fn due_cell(task: &Task) -> String {
    match task.extended_deadline {
        Some(extended) => format!(
            "{}\n(gia hạn đến {})",
            task.due_text,
            extended.format("%d/%m/%Y")
        ),
        None => task.due_text.clone(),
    }
}

/// Column widths, in characters of the default font.
const WIDTHS: [f64; 7] = [5.0, 38.5, 16.0, 19.0, 12.0, 17.5, 14.0];

fn names(task: &Task) -> String {
    task.coordinating_units
        .iter()
        .map(|u| u.name.as_str())
        .collect::<Vec<_>>()
        .join(";\n")
}

/// The appendix of `plan` listing `tasks` (with their statuses at `as_of`).
pub fn build_appendix(
    plan: &Plan,
    tasks: &[Task],
    as_of: DateTime<FixedOffset>,
) -> Result<Vec<u8>> {
    let styles = Styles::new();
    let mut workbook = crate::print::new_workbook()?;
    let sheet = workbook.add_worksheet();
    setup(sheet, plan, as_of, &styles)?;
    let mut row = HEADER_ROW;
    for (number, (title, tasks)) in groups(plan, tasks).into_iter().enumerate() {
        row += 1;
        let numeral = roman(u32::try_from(number + 1).unwrap_or(u32::MAX));
        sheet
            .write_string_with_format(row, 0, &numeral, &styles.group)
            .map_err(internal)?;
        sheet
            .merge_range(row, 1, row, 6, &title, &styles.group)
            .map_err(internal)?;
        sheet
            .set_row_height(row, print::LINE_POINTS + 3.0)
            .map_err(internal)?;
        for task in tasks {
            row += 1;
            let cells = [
                task.code.clone(),
                task.title.clone(),
                task.lead_unit.name.clone(),
                names(task),
                due_cell(task),
                task.expected_output.clone().unwrap_or_default(),
                task.status_label.clone(),
            ];
            sheet
                .set_row_height(row, print::row_height(&cells, &WIDTHS))
                .map_err(internal)?;
            for (col, text) in cells.iter().enumerate() {
                let format = if matches!(col, 0 | 4) {
                    &styles.centered
                } else {
                    &styles.text
                };
                let col = u16::try_from(col).unwrap_or(u16::MAX);
                sheet
                    .write_string_with_format(row, col, text, format)
                    .map_err(internal)?;
            }
        }
    }
    workbook.save_to_buffer().map_err(internal)
}

fn setup(
    sheet: &mut Worksheet,
    plan: &Plan,
    as_of: DateTime<FixedOffset>,
    styles: &Styles,
) -> Result<()> {
    sheet.set_name(SHEET).map_err(internal)?;
    let titles = [
        ("PHỤ LỤC".to_owned(), &styles.title),
        (
            format!("DANH MỤC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM {}", plan.year),
            &styles.title,
        ),
        (attached_to(plan), &styles.subtitle),
    ];
    for (row, (text, format)) in titles.iter().enumerate() {
        let row = u32::try_from(row).unwrap_or(u32::MAX);
        sheet
            .merge_range(row, 0, row, 6, text, format)
            .map_err(internal)?;
    }
    for (col, (header, width)) in HEADERS.iter().zip(WIDTHS).enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        let label = if col == 6 {
            format!("{header}\n(đến ngày {})", as_of.format("%d/%m/%Y"))
        } else {
            (*header).to_owned()
        };
        sheet
            .write_string_with_format(HEADER_ROW, col, &label, &styles.header)
            .map_err(internal)?;
        sheet.set_column_width(col, width).map_err(internal)?;
    }
    sheet.set_row_height(HEADER_ROW, 36).map_err(internal)?;
    sheet
        .set_freeze_panes(HEADER_ROW + 1, 0)
        .map_err(internal)?;
    sheet
        .set_repeat_rows(HEADER_ROW, HEADER_ROW)
        .map_err(internal)?;
    print::a4_landscape(sheet);
    Ok(())
}

/// Every column on one A4 landscape page with 12-point text printing at 11 points or more.
#[cfg(test)]
#[test]
fn the_table_prints_readably_on_a4_landscape() {
    assert!(crate::print::prints_readably(
        &WIDTHS,
        crate::print::Orientation::Landscape,
        crate::print::TEXT_SIZE
    ));
}
