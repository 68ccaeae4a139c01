//! A PAR Index criteria set as a workbook, both ways: every area, criterion and sub-criterion
//! with STT, its title, điểm tối đa, how it is scored (cách chấm điểm), its scale (thang
//! điểm: levels or thresholds), its content area and the evidence the province expects; A4
//! landscape in Times New Roman, the header repeated on every printed page. `read` reads such
//! a workbook back (the exported one, or a province's set typed with the same header), naming
//! every cell it cannot use.

mod read;
mod scale;

pub use read::{read_criteria_set, CriteriaRows, RowCells};

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, FormatAlign, Worksheet};

use super::internal;
use crate::print;
use cchc_domain::model::criteria::{CriteriaSet, Criterion, Scoring};
use cchc_domain::Result;

pub const SHEET: &str = "Bộ tiêu chí";

/// The columns, in order; `read` finds them by these labels. "Thuộc mục" (the parent's STT)
/// is written only when a parent cannot be told from the STT itself.
pub const HEADERS: [&str; 8] = [
    "STT",
    "Lĩnh vực, tiêu chí, tiêu chí thành phần",
    "Điểm tối đa",
    "Cách chấm điểm",
    "Thang điểm",
    "Nội dung cải cách hành chính",
    "Tài liệu kiểm chứng",
    "Thuộc mục",
];

/// Zero-based row of the header in the exported workbook.
pub const HEADER_ROW: u32 = 4;

/// Column widths, in characters of the default font.
const WIDTHS: [f64; 8] = [5.5, 31.5, 7.0, 19.0, 23.0, 14.0, 21.0, 7.0];

/// How each method is written in "Cách chấm điểm".
pub const ENTERED: &str = "Tự chấm";
pub const LEVELS: &str = "Chọn mức";
pub const SURVEY: &str = "Điều tra xã hội học";

struct Styles {
    title: Format,
    subtitle: Format,
    header: Format,
    text: Format,
    bold_text: Format,
    centered: Format,
    bold_centered: Format,
    points: Format,
    bold_points: Format,
}

impl Styles {
    fn new() -> Self {
        let base = print::title_base();
        let cell = print::cell_base();
        let points = cell
            .clone()
            .set_num_format("0.##")
            .set_align(FormatAlign::Center);
        Self {
            title: base.clone().set_bold().set_align(FormatAlign::Center),
            subtitle: base.set_italic().set_align(FormatAlign::Center),
            header: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            bold_text: cell.clone().set_bold(),
            centered: cell.clone().set_align(FormatAlign::Center),
            bold_centered: cell.clone().set_bold().set_align(FormatAlign::Center),
            bold_points: points.clone().set_bold(),
            points,
            text: cell,
        }
    }
}

/// "Cách chấm điểm" of a leaf.
pub fn method_text(scoring: &Scoring) -> String {
    match scoring {
        Scoring::Entered => ENTERED.to_owned(),
        Scoring::Levels { .. } => LEVELS.to_owned(),
        Scoring::Indicator {
            indicator_code,
            period_code,
            ..
        } => format!("Chỉ tiêu {indicator_code}, kỳ {period_code}"),
        Scoring::PlanOnTime { plan_code, .. } => {
            format!("Tỷ lệ nhiệm vụ đúng hạn, kế hoạch {plan_code}")
        }
        Scoring::ReportTimeliness { year, .. } => format!("Tỷ lệ báo cáo đúng hạn, năm {year}"),
        Scoring::Survey => SURVEY.to_owned(),
    }
}

/// Whether every criterion's parent is the longest STT before it that its own starts with
/// (`1.2` under `1`): then "Thuộc mục" says nothing and is left out.
fn parents_follow_codes(set: &CriteriaSet) -> bool {
    let codes: Vec<&str> = set.criteria.iter().map(|c| c.code.as_str()).collect();
    set.criteria
        .iter()
        .enumerate()
        .all(|(i, c)| read::parent_by_code(&codes[..i], &c.code) == c.parent_code.as_deref())
}

fn setup(sheet: &mut Worksheet, set: &CriteriaSet, columns: u16, styles: &Styles) -> Result<()> {
    sheet.set_name(SHEET).map_err(internal)?;
    let decided = match &set.document {
        Some(document) => format!(
            "(Kèm theo {} số {} ngày {} của {})",
            document.subject,
            document.number,
            document.issued_on.format("%d/%m/%Y"),
            document.issuing_agency
        ),
        None => format!("Năm {}", set.year),
    };
    let titles = [
        (
            "BỘ TIÊU CHÍ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH".to_owned(),
            &styles.title,
        ),
        (set.title.to_uppercase(), &styles.title),
        (decided, &styles.subtitle),
    ];
    for (row, (text, format)) in titles.iter().enumerate() {
        let row = u32::try_from(row).unwrap_or(u32::MAX);
        sheet
            .merge_range(row, 0, row, columns - 1, text, format)
            .map_err(internal)?;
    }
    for (col, (header, width)) in HEADERS.iter().zip(WIDTHS).take(columns.into()).enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        sheet
            .write_string_with_format(HEADER_ROW, col, *header, &styles.header)
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

fn number(value: Decimal) -> f64 {
    value.to_f64().unwrap_or_default()
}

/// The texts of a criterion's row, in the columns' order.
fn cells(criterion: &Criterion) -> [String; 8] {
    let (method, scale) = match &criterion.scoring {
        Some(scoring) => (method_text(scoring), scale::scale_text(scoring)),
        None => (String::new(), String::new()),
    };
    [
        criterion.code.clone(),
        criterion.title.clone(),
        String::new(),
        method,
        scale,
        criterion
            .content_area
            .map(|a| a.label_vi().to_owned())
            .unwrap_or_default(),
        criterion.evidence_hint.clone().unwrap_or_default(),
        criterion.parent_code.clone().unwrap_or_default(),
    ]
}

/// The workbook of `set`.
pub fn build_criteria_set(set: &CriteriaSet) -> Result<Vec<u8>> {
    let styles = Styles::new();
    let columns: u16 = if parents_follow_codes(set) { 7 } else { 8 };
    let mut workbook = crate::print::new_workbook()?;
    let sheet = workbook.add_worksheet();
    setup(sheet, set, columns, &styles)?;
    let mut row = HEADER_ROW;
    for criterion in &set.criteria {
        row += 1;
        let cells = cells(criterion);
        let widths = &WIDTHS[..usize::from(columns)];
        sheet
            .set_row_height(row, print::row_height(&cells[..widths.len()], widths))
            .map_err(internal)?;
        let area = criterion.parent_code.is_none();
        let (text, centered, points) = if area {
            (
                &styles.bold_text,
                &styles.bold_centered,
                &styles.bold_points,
            )
        } else {
            (&styles.text, &styles.centered, &styles.points)
        };
        for (col, value) in cells.iter().enumerate().take(usize::from(columns)) {
            let col16 = u16::try_from(col).unwrap_or(u16::MAX);
            match col {
                2 => {
                    sheet.write_number_with_format(row, col16, number(criterion.max_points), points)
                }
                0 | 7 => sheet.write_string_with_format(row, col16, value, centered),
                1 => sheet.write_string_with_format(row, col16, value, text),
                _ => sheet.write_string_with_format(row, col16, value, &styles.text),
            }
            .map_err(internal)?;
        }
    }
    row += 1;
    sheet
        .write_blank(row, 0, &styles.bold_centered)
        .map_err(internal)?;
    sheet
        .write_string_with_format(row, 1, "TỔNG ĐIỂM", &styles.bold_text)
        .map_err(internal)?;
    sheet
        .write_number_with_format(row, 2, number(set.total_points), &styles.bold_points)
        .map_err(internal)?;
    for col in 3..columns {
        sheet
            .write_blank(row, col, &styles.text)
            .map_err(internal)?;
    }
    workbook.save_to_buffer().map_err(internal)
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
