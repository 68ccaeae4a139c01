//! What the office tables share (a plan's appendix, the self-assessment): Times New Roman, the
//! base formats of titles and bordered cells, row heights for wrapped text, and A4 landscape
//! page setup with Decree 30's margins.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Worksheet};

pub const FONT: &str = "Times New Roman";

/// Points per line of 12-point Times New Roman, with its leading.
pub const LINE_POINTS: f64 = 15.75;

/// 13-point Times New Roman, for titles.
pub fn title_base() -> Format {
    Format::new().set_font_name(FONT).set_font_size(13)
}

/// A 12-point bordered cell with wrapped text, aligned to the top.
pub fn cell_base() -> Format {
    title_base()
        .set_font_size(12)
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Top)
}

/// A row's height for `cells` wrapped in columns of `widths`: spreadsheets do not grow a row
/// to fit wrapped text written by a program, so the lines are estimated (12-point Times New
/// Roman fits about 1.15 characters per unit of width).
pub fn row_height<S: AsRef<str>>(cells: &[S], widths: &[f64]) -> f64 {
    let lines = cells
        .iter()
        .zip(widths)
        .map(|(text, width)| {
            let per_line = (width * 1.15).floor().max(1.0);
            text.as_ref()
                .split('\n')
                .map(|line| (line.chars().count() as f64 / per_line).ceil().max(1.0))
                .sum::<f64>()
        })
        .fold(1.0, f64::max);
    lines * LINE_POINTS + 3.0
}

/// A4 (paper size 9), landscape, the table's width on one page, 2 cm left margin for binding
/// and 1.5 cm elsewhere (Decree 30's margins for landscape pages, in inches), page numbers.
pub fn a4_landscape(sheet: &mut Worksheet) {
    sheet
        .set_paper_size(9)
        .set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_margins(0.79, 0.59, 0.59, 0.59, 0.3, 0.3)
        .set_print_center_horizontally(true)
        .set_footer("&C&\"Times New Roman\"&12Trang &P/&N");
}
