//! How every workbook the service produces prints, as Vietnamese offices file them: A4 (landscape
//! for wide tables), Times New Roman, text that still prints at 11 pt or more once the table is
//! scaled to the page's width, rows tall enough for their wrapped text, the header row repeated
//! on every page, "Trang 1/3" in the footer, the Decree 30/2020/NĐ-CP header block where the
//! document is an official one, a signature block, and "Không có" where a section is empty.
//!
//! Every workbook starts from [`new_workbook`], whose default font (the "Normal" style) is
//! 12-point Times New Roman: cells nobody formatted are in it too, and — since spreadsheets
//! measure column widths in the default font's digits — Excel and LibreOffice (with Liberation
//! Serif, metrically the same font) lay columns out alike. Widths are in those units: 8 px a
//! unit at 96 dpi plus 5 px of padding a column.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, FormatUnderline, Workbook, Worksheet};

use crate::internal;
use cchc_domain::model::letterhead::{Letterhead, MOTTO, NATIONAL_TITLE};
use cchc_domain::Result;

pub const FONT: &str = "Times New Roman";
/// Table text.
pub const TEXT_SIZE: f64 = 12.0;
/// Headings, header blocks and signature blocks.
pub const HEADING_SIZE: f64 = 13.0;
/// A document's title.
pub const TITLE_SIZE: f64 = 14.0;
/// The smallest text size a printed page may show once scaled to fit its width.
pub const MIN_PRINTED_SIZE: f64 = 11.0;

/// Points per line of 12-point Times New Roman, with its leading.
pub const LINE_POINTS: f64 = 15.75;

/// The page's orientation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orientation {
    Portrait,
    Landscape,
}

/// Decree 30's margins (Appendix I: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm),
/// in inches, as (left, right, top, bottom). A wide landscape table keeps 20 mm on the left for
/// binding and 15 mm elsewhere, so it keeps a readable size.
fn margins(orientation: Orientation) -> (f64, f64, f64, f64) {
    match orientation {
        Orientation::Portrait => (1.18, 0.59, 0.79, 0.79),
        Orientation::Landscape => (0.79, 0.59, 0.59, 0.59),
    }
}

/// A4 in inches, as (width, height) of the page as it is read.
fn a4(orientation: Orientation) -> (f64, f64) {
    match orientation {
        Orientation::Portrait => (8.27, 11.69),
        Orientation::Landscape => (11.69, 8.27),
    }
}

/// Pixels of one unit of column width: the width of a digit of 12-point Times New Roman.
const DIGIT_PX: f64 = 8.0;

/// A workbook whose default font is 12-point Times New Roman (rows 21 px, columns 72 px).
pub fn new_workbook() -> Result<Workbook> {
    let mut workbook = Workbook::new();
    workbook
        .set_default_format(&font(TEXT_SIZE), 21, 72)
        .map_err(internal)?;
    Ok(workbook)
}

/// Screen pixels (96 a inch) a column of `width` units takes.
pub fn column_px(width: f64) -> f64 {
    (width * DIGIT_PX + 5.0).trunc()
}

/// The width, in pixels, a page of `orientation` can print between its margins.
pub fn printable_px(orientation: Orientation) -> f64 {
    let (left, right, _, _) = margins(orientation);
    (a4(orientation).0 - left - right) * 96.0
}

/// The scale a spreadsheet applies to fit columns of `widths` to one page's width (1.0 when
/// they fit as they are).
pub fn fit_scale(widths: &[f64], orientation: Orientation) -> f64 {
    let total: f64 = widths.iter().copied().map(column_px).sum();
    (printable_px(orientation) / total).min(1.0)
}

/// Whether `size`-point text in columns of `widths` prints at [`MIN_PRINTED_SIZE`] or more.
pub fn prints_readably(widths: &[f64], orientation: Orientation, size: f64) -> bool {
    size * fit_scale(widths, orientation) >= MIN_PRINTED_SIZE - 1e-9
}

/// A4, `orientation`, Decree 30's margins, the columns scaled to the page's width (as many
/// pages down as needed), rows `repeat` (first, last) on every page, centred, and
/// "Trang 1/3" centred in the footer.
pub fn setup_page(
    sheet: &mut Worksheet,
    orientation: Orientation,
    repeat: Option<(u32, u32)>,
) -> Result<()> {
    let (left, right, top, bottom) = margins(orientation);
    sheet
        .set_paper_size(9)
        .set_print_fit_to_pages(1, 0)
        .set_margins(left, right, top, bottom, 0.3, 0.3)
        .set_print_center_horizontally(true)
        .set_footer("&C&\"Times New Roman\"&12Trang &P/&N");
    match orientation {
        Orientation::Portrait => sheet.set_portrait(),
        Orientation::Landscape => sheet.set_landscape(),
    };
    if let Some((first, last)) = repeat {
        sheet.set_repeat_rows(first, last).map_err(internal)?;
    }
    Ok(())
}

/// Kept for the workbooks written before the conventions had a name: A4 landscape.
pub fn a4_landscape(sheet: &mut Worksheet) {
    let _ = setup_page(sheet, Orientation::Landscape, None);
}

/// Times New Roman at `size` points.
pub fn font(size: f64) -> Format {
    Format::new().set_font_name(FONT).set_font_size(size)
}

/// 13-point Times New Roman, for titles.
pub fn title_base() -> Format {
    font(HEADING_SIZE)
}

/// A 12-point bordered cell with wrapped text, aligned to the top.
pub fn cell_base() -> Format {
    font(TEXT_SIZE)
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Top)
}

/// Width of a character of Times New Roman, in ems (its advance widths, rounded up and a
/// little generous, so a row is never estimated shorter than Excel draws it): capitals are
/// wide, lower case and Vietnamese letters with their marks narrower, punctuation narrow.
fn em_width(c: char) -> f64 {
    match c {
        ' ' => 0.25,
        'W' | 'M' | 'Ư' | 'Ơ' | 'Đ' => 0.9,
        'm' | 'w' => 0.75,
        'i' | 'j' | 'l' | 't' | 'f' | 'r' | 'I' => 0.3,
        '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 0.28,
        '-' | '/' | '(' | ')' | '[' | ']' => 0.34,
        '0'..='9' => 0.5,
        c if c.is_uppercase() => 0.72,
        _ => 0.5,
    }
}

/// Pixels `text` takes at `size` points (96 dpi).
fn text_px(text: &str, size: f64) -> f64 {
    let em = size * 96.0 / 72.0;
    text.chars().map(em_width).sum::<f64>() * em
}

/// Lines `text` takes when wrapped at word boundaries in a column of `width` units at `size`
/// points (a word longer than the line is broken, as spreadsheets do).
fn wrapped_lines(text: &str, width: f64, size: f64) -> usize {
    // The column's pixels less its padding.
    let line = (width * DIGIT_PX - 6.0).max(1.0);
    let space = text_px(" ", size);
    text.split('\n')
        .map(|paragraph| {
            let mut lines = 1;
            let mut used = 0.0;
            for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
                let length = text_px(word, size);
                let needed = if used == 0.0 {
                    length
                } else {
                    used + space + length
                };
                if needed <= line {
                    used = needed;
                    continue;
                }
                if used > 0.0 {
                    lines += 1;
                }
                // A word wider than the line takes as many lines as it needs.
                let extra = (length / line).ceil().max(1.0) - 1.0;
                lines += extra as usize;
                used = length - extra * line;
            }
            lines
        })
        .sum()
}

/// Lines the tallest of `cells` takes in columns of `widths`, at `size` points.
pub fn lines_needed<S: AsRef<str>>(cells: &[S], widths: &[f64], size: f64) -> usize {
    cells
        .iter()
        .zip(widths)
        .map(|(text, width)| wrapped_lines(text.as_ref(), *width, size))
        .max()
        .unwrap_or(1)
        .max(1)
}

/// Points a row of `lines` lines of `size`-point text takes.
pub fn height_of_lines(lines: usize, size: f64) -> f64 {
    lines as f64 * LINE_POINTS * size / TEXT_SIZE + 3.0
}

/// A row's height for 12-point `cells` wrapped in columns of `widths`: spreadsheets do not
/// grow a row to fit wrapped text written by a program, so the lines are counted here.
pub fn row_height<S: AsRef<str>>(cells: &[S], widths: &[f64]) -> f64 {
    height_of_lines(lines_needed(cells, widths, TEXT_SIZE), TEXT_SIZE)
}

/// Columns `first..=last` of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub first: u16,
    pub last: u16,
}

impl Span {
    pub const fn new(first: u16, last: u16) -> Self {
        Self { first, last }
    }
}

/// Writes `text` across `span` of `row` (merged when it spans more than one column).
pub fn write_across(
    sheet: &mut Worksheet,
    row: u32,
    span: Span,
    text: &str,
    format: &Format,
) -> Result<()> {
    if span.first == span.last {
        sheet
            .write_string_with_format(row, span.first, text, format)
            .map_err(internal)?;
    } else {
        sheet
            .merge_range(row, span.first, row, span.last, text, format)
            .map_err(internal)?;
    }
    Ok(())
}

fn centred(size: f64) -> Format {
    font(size)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
}

/// The Decree 30 header block from `row`: the governing body and the agency (bold, underlined)
/// over `left`, with `number` ("Số: …/BC-SCT") under them; the national title and the motto
/// (bold, underlined) over `right`, with the date line (italic) under them. Returns the row
/// after the block.
pub fn write_letterhead(
    sheet: &mut Worksheet,
    row: u32,
    letterhead: &Letterhead,
    number: Option<&str>,
    date_line: &str,
    left: Span,
    right: Span,
) -> Result<u32> {
    let plain = centred(HEADING_SIZE);
    let bold = plain.clone().set_bold();
    let ruled = bold.clone().set_underline(FormatUnderline::Single);
    let mut lines = letterhead.agency_lines();
    let agency = lines.pop().unwrap_or_default();
    let mut left_rows: Vec<(String, &Format)> =
        lines.into_iter().map(|line| (line, &plain)).collect();
    left_rows.push((agency, &ruled));
    let right_rows = [
        (NATIONAL_TITLE.to_owned(), &bold),
        (MOTTO.to_owned(), &ruled),
    ];
    let block = left_rows.len().max(right_rows.len());
    // The title and the motto sit on the block's last two rows' level with the agency name.
    for (i, (text, format)) in left_rows.iter().enumerate() {
        let at = row + u32::try_from(block - left_rows.len() + i).unwrap_or(0);
        write_across(sheet, at, left, text, format)?;
    }
    for (i, (text, format)) in right_rows.iter().enumerate() {
        let at = row + u32::try_from(block - right_rows.len() + i).unwrap_or(0);
        write_across(sheet, at, right, text, format)?;
    }
    let after = row + u32::try_from(block).unwrap_or(0);
    for at in row..after {
        sheet
            .set_row_height(at, height_of_lines(1, HEADING_SIZE))
            .map_err(internal)?;
    }
    write_across(sheet, after, left, number.unwrap_or(""), &plain)?;
    write_across(
        sheet,
        after,
        right,
        date_line,
        &centred(HEADING_SIZE).set_italic(),
    )?;
    sheet
        .set_row_height(after, height_of_lines(1, HEADING_SIZE) + 4.0)
        .map_err(internal)?;
    Ok(after + 1)
}

/// One signer's block: the role (bold, upper case) and the hint under it (italic).
#[derive(Debug, Clone, Copy)]
pub struct Signer<'a> {
    pub role: &'a str,
    pub hint: &'a str,
}

/// Where the signature block goes and who signs.
#[derive(Debug, Clone, Copy)]
pub struct SignatureBlock<'a> {
    /// The date line above the right-hand signer (as a clerk fills it).
    pub date_line: Option<&'a str>,
    pub left: Option<(Signer<'a>, Span)>,
    pub right: (Signer<'a>, Span),
}

/// Writes the signature block from `row` (after a blank row), leaving four rows to sign in;
/// returns the row after it.
pub fn write_signatures(sheet: &mut Worksheet, row: u32, block: &SignatureBlock) -> Result<u32> {
    let role = centred(HEADING_SIZE).set_bold();
    let hint = centred(HEADING_SIZE).set_italic();
    let mut at = row + 1;
    if let Some(date_line) = block.date_line {
        write_across(sheet, at, block.right.1, date_line, &hint)?;
        at += 1;
    }
    for (signer, span) in block.left.iter().chain(std::iter::once(&block.right)) {
        write_across(sheet, at, *span, signer.role, &role)?;
        write_across(sheet, at + 1, *span, signer.hint, &hint)?;
    }
    for line in at..at + 2 {
        sheet
            .set_row_height(line, height_of_lines(1, HEADING_SIZE))
            .map_err(internal)?;
    }
    Ok(at + 6)
}

/// "Không có" across `span` of `row`, for a section with nothing in it.
pub fn write_none(sheet: &mut Worksheet, row: u32, span: Span) -> Result<()> {
    let format = cell_base()
        .set_italic()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    write_across(sheet, row, span, NONE_TEXT, &format)?;
    sheet
        .set_row_height(row, LINE_POINTS + 3.0)
        .map_err(internal)?;
    Ok(())
}

/// What an empty section says.
pub const NONE_TEXT: &str = "Không có";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_landscape_page_prints_about_120_units_at_full_size() {
        // 12 columns of 10 units: 12 × 85 px = 1020 px on 990 px.
        let scale = fit_scale(&[10.0; 12], Orientation::Landscape);
        assert!((scale - 990.24 / 1020.0).abs() < 0.01, "{scale}");
        assert!(prints_readably(&[10.0; 12], Orientation::Landscape, 12.0));
        assert!(!prints_readably(&[10.0; 14], Orientation::Landscape, 12.0));
        assert_eq!(fit_scale(&[10.0; 3], Orientation::Portrait), 1.0);
    }

    #[test]
    fn wrapped_text_is_counted_by_words_and_their_widths() {
        // 12 units: 90 px of text, about 14 lower-case letters of 12-point type.
        assert_eq!(wrapped_lines("", 12.0, 12.0), 1);
        assert_eq!(wrapped_lines("một hai ba", 12.0, 12.0), 1);
        assert_eq!(wrapped_lines("một hai ba bốn năm", 12.0, 12.0), 2);
        assert_eq!(wrapped_lines("một\nhai", 12.0, 12.0), 2);
        // Capitals are wider: a 9-letter code needs more than 9 lower-case letters' room.
        assert_eq!(wrapped_lines("CO-MOTCUA", 9.5, 12.0), 2);
        assert_eq!(wrapped_lines("CO-MOTCUA", 14.0, 12.0), 1);
        // A code without spaces breaks where the line ends.
        assert_eq!(wrapped_lines("TUYENTRUYEN-TINBAI", 24.0, 12.0), 2);
        assert_eq!(wrapped_lines("ab TUYENTRUYEN-TINBAI", 24.0, 12.0), 3);
    }

    #[test]
    fn a_long_name_gets_a_row_tall_enough_for_its_lines() {
        let name = "Tỷ lệ văn bản quy phạm pháp luật được rà soát, hệ thống hóa đầy đủ, kịp thời";
        let one = row_height(&["ngắn"], &[32.0]);
        let two = row_height(&[name], &[32.0]);
        assert_eq!(one, LINE_POINTS + 3.0);
        // About 550 px of text in 250 px lines: three lines, not one.
        assert_eq!(two, 3.0 * LINE_POINTS + 3.0);
        assert!(row_height(&[name], &[16.0]) >= 4.0 * LINE_POINTS);
    }
}

#[cfg(test)]
pub(crate) mod inspect;
