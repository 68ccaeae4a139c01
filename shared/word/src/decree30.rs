//! The layout of an administrative document per Decree 30/2020/NĐ-CP, Appendix I: the page,
//! the font, the header block (governing body and agency on the left, national title and motto
//! on the right, number and date under them), body paragraphs, the recipients ("Nơi nhận") and
//! the signer's block. Every Word document of the service is made of these.
//!
//! - A4 portrait; margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm.
//! - Times New Roman throughout; body 14 pt, justified, first line indented 1 cm, line
//!   spacing 1.2, 6 pt after each paragraph.
//! - Page numbers in Arabic figures, 13 pt, centred in the top margin, from the second page.
//! - Sizes are in half-points as Word stores them (`28` = 14 pt); lengths in twips (1/1440
//!   inch, 1 mm ≈ 56.7 twips).

use docx_rs::{
    AlignmentType, BorderType, Docx, FieldCharType, Header, InstrPAGE, InstrText, LineSpacing,
    LineSpacingType, PageMargin, Paragraph, ParagraphBorder, ParagraphBorderPosition,
    ParagraphBorders, Run, RunFonts, SpecialIndentType, Tab, TabLeaderType, TabValueType, Table,
    TableAlignmentType, TableCell, TableCellMargins, TableLayoutType, TableRow, VAlignType,
    WidthType,
};

use cchc_domain::model::letterhead::{Letterhead, MOTTO, NATIONAL_TITLE};

/// The only font of an official document (Decree 30, Appendix I: a Unicode Vietnamese font
/// per TCVN 6909:2001; Times New Roman is the one offices use).
pub const FONT: &str = "Times New Roman";

/// A4 in twips (210 × 297 mm).
pub const PAGE_WIDTH: u32 = 11906;
pub const PAGE_HEIGHT: u32 = 16838;

/// Millimetres in twips, rounded.
pub const fn mm(millimetres: i32) -> i32 {
    (millimetres * 14400 + 127) / 254
}

pub const MARGIN_TOP: i32 = mm(20);
pub const MARGIN_BOTTOM: i32 = mm(20);
pub const MARGIN_LEFT: i32 = mm(30);
pub const MARGIN_RIGHT: i32 = mm(15);
/// Where the page number sits: in the middle of the top margin.
const HEADER_DISTANCE: i32 = mm(10);
/// The width between the margins: 165 mm.
pub const TEXT_WIDTH: i32 = PAGE_WIDTH as i32 - MARGIN_LEFT - MARGIN_RIGHT;

/// Font sizes in half-points.
pub mod size {
    /// Body text, "BÁO CÁO", trích yếu, "Kính gửi", the signer: 14 pt.
    pub const BODY: usize = 28;
    /// The header block, the page number, tables: 13 pt.
    pub const BLOCK: usize = 26;
    /// The national title and the "Nơi nhận:" label: 12 pt.
    pub const TITLE: usize = 24;
    /// The recipients' list: 11 pt.
    pub const LIST: usize = 22;
}

/// Line spacing 1.2 (`w:line` in 240ths of a line).
const LINE: i32 = 288;
/// 6 pt after a body paragraph, in twentieths of a point.
const AFTER: u32 = 120;
/// First-line indent of body paragraphs: 1 cm.
const FIRST_LINE: i32 = mm(10);

fn fonts() -> RunFonts {
    RunFonts::new()
        .ascii(FONT)
        .hi_ansi(FONT)
        .east_asia(FONT)
        .cs(FONT)
}

/// How a run is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub size: usize,
    pub bold: bool,
    pub italic: bool,
}

impl Style {
    pub const fn regular(size: usize) -> Self {
        Self {
            size,
            bold: false,
            italic: false,
        }
    }
    pub const fn bold(size: usize) -> Self {
        Self {
            size,
            bold: true,
            italic: false,
        }
    }
    pub const fn italic(size: usize) -> Self {
        Self {
            size,
            bold: false,
            italic: true,
        }
    }
    pub const fn bold_italic(size: usize) -> Self {
        Self {
            size,
            bold: true,
            italic: true,
        }
    }
}

/// A run of text, its font named on it too, so it stays Times New Roman when pasted elsewhere.
pub fn run(text: &str, style: Style) -> Run {
    let mut run = Run::new().add_text(text).size(style.size).fonts(fonts());
    if style.bold {
        run = run.bold();
    }
    if style.italic {
        run = run.italic();
    }
    run
}

/// A paragraph with single line spacing and nothing after: the lines of a block.
pub fn line(text: &str, style: Style, align: AlignmentType) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, style))
        .size(style.size)
        .fonts(fonts())
        .align(align)
        .line_spacing(
            LineSpacing::new()
                .line(240)
                .line_rule(LineSpacingType::Auto)
                .before(0)
                .after(0),
        )
}

/// A body paragraph: justified, first line indented, 1.2 lines, 6 pt after.
pub fn body_runs(runs: Vec<Run>) -> Paragraph {
    let paragraph = runs
        .into_iter()
        .fold(Paragraph::new(), Paragraph::add_run)
        .size(size::BODY)
        .fonts(fonts())
        .align(AlignmentType::Both)
        .indent(
            None,
            Some(SpecialIndentType::FirstLine(FIRST_LINE)),
            None,
            None,
        );
    spaced(paragraph, 0, AFTER)
}

/// A body paragraph of plain text.
pub fn body(text: &str) -> Paragraph {
    body_runs(vec![run(text, Style::regular(size::BODY))])
}

/// A heading of the body ("I. KẾT QUẢ …", "1. Cải cách thể chế"): bold, kept with what
/// follows.
pub fn heading(text: &str) -> Paragraph {
    body_runs(vec![run(text, Style::bold(size::BODY))]).keep_next(true)
}

/// 1.2 lines with `before` and `after` in twentieths of a point.
pub fn spaced(paragraph: Paragraph, before: u32, after: u32) -> Paragraph {
    paragraph.line_spacing(
        LineSpacing::new()
            .line(LINE)
            .line_rule(LineSpacingType::Auto)
            .before(before)
            .after(after),
    )
}

/// About how wide `text` prints in Times New Roman at `size` half-points, in twips: enough to
/// size the short rules under a line of the header block (Decree 30 sets them against the
/// line's length), not to lay out text.
pub fn estimated_width(text: &str, size: usize, bold: bool) -> i32 {
    let ems: f64 = text
        .chars()
        .map(|c| match c {
            ' ' => 0.25,
            c if c.is_uppercase() => {
                if bold {
                    0.74
                } else {
                    0.70
                }
            }
            c if c.is_alphanumeric() => {
                if bold {
                    0.52
                } else {
                    0.48
                }
            }
            _ => 0.33,
        })
        .sum();
    // size / 2 points, 20 twips a point.
    (ems * size as f64 * 10.0).round() as i32
}

/// A short centred rule under the line above, `width` twips long in a column `column` twips
/// wide: the bottom border of a paragraph 2 pt high, so the rule clears the descenders.
pub fn rule(width: i32, column: i32) -> Paragraph {
    let side = ((column - width) / 2).max(0);
    let mut paragraph = Paragraph::new()
        .size(2)
        .indent(Some(side), None, Some(side), None)
        .line_spacing(
            LineSpacing::new()
                .line(40)
                .line_rule(LineSpacingType::Exact)
                .before(0)
                .after(0),
        );
    paragraph.property = paragraph.property.set_borders(
        ParagraphBorders::with_empty().set(
            ParagraphBorder::new(ParagraphBorderPosition::Bottom)
                .val(BorderType::Single)
                .size(6)
                .space(0)
                .color("000000"),
        ),
    );
    paragraph
}

/// A line of dots across the text, for a clerk to write on (a right tab with a dot leader,
/// so it fills the line whatever the font).
pub fn dotted_line() -> Paragraph {
    let paragraph = Paragraph::new()
        .add_tab(
            Tab::new()
                .val(TabValueType::Right)
                .leader(TabLeaderType::Dot)
                .pos(TEXT_WIDTH as usize),
        )
        .add_run(run("", Style::regular(size::BODY)).add_tab())
        .size(size::BODY)
        .fonts(fonts());
    spaced(paragraph, 0, AFTER)
}

/// A cell `width` twips wide holding `paragraphs`.
pub fn cell(width: i32, paragraphs: Vec<Paragraph>) -> TableCell {
    paragraphs
        .into_iter()
        .fold(TableCell::new(), TableCell::add_paragraph)
        .width(width.max(0) as usize, WidthType::Dxa)
}

/// A borderless layout table of fixed columns, as wide as the text.
pub fn layout_table(columns: &[i32], rows: Vec<TableRow>) -> Table {
    Table::without_borders(rows)
        .set_grid(columns.iter().map(|w| (*w).max(0) as usize).collect())
        .width(TEXT_WIDTH as usize, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .align(TableAlignmentType::Center)
        .margins(TableCellMargins::new().margin(0, 57, 0, 57))
}

/// The header block's columns: the agency's (left) and the national title's (right).
const BLOCK_LEFT: i32 = mm(66);
const BLOCK_RIGHT: i32 = TEXT_WIDTH - BLOCK_LEFT;

/// The header block (Decree 30, Appendix I, items 1–4): governing body (upper case, regular)
/// above the issuing agency (upper case, bold) and a short rule; the national title and the
/// motto with a rule as long as it; under them the number and symbol (`Số: ……/BC-SCT`) on the
/// left and the place and date, in italics, on the right.
pub fn header_block(letterhead: &Letterhead, number: &str, date_line: &str) -> Table {
    let center = AlignmentType::Center;
    let mut left = Vec::new();
    let upper = |text: Option<&str>| {
        text.map(str::trim)
            .filter(|text| !text.is_empty())
            .map(str::to_uppercase)
    };
    if let Some(governing) = upper(letterhead.governing_body.as_deref()) {
        left.push(line(&governing, Style::regular(size::BLOCK), center));
    }
    // Without an agency (none could be decided), a blank for the clerk.
    let agency_text = upper(Some(&letterhead.agency)).unwrap_or_else(|| "……………………".to_owned());
    left.push(line(&agency_text, Style::bold(size::BLOCK), center));
    let agency_width = estimated_width(&agency_text, size::BLOCK, true);
    // Decree 30: from a third to half of the line above.
    left.push(rule((agency_width * 2 / 5).max(mm(12)), BLOCK_LEFT));
    let motto_width = estimated_width(MOTTO, size::BLOCK, true);
    let right = vec![
        line(NATIONAL_TITLE, Style::bold(size::TITLE), center),
        line(MOTTO, Style::bold(size::BLOCK), center),
        rule(motto_width, BLOCK_RIGHT),
    ];
    let under = |text: &str, style: Style| {
        line(text, style, center).line_spacing(
            LineSpacing::new()
                .line(240)
                .line_rule(LineSpacingType::Auto)
                .before(120)
                .after(0),
        )
    };
    layout_table(
        &[BLOCK_LEFT, BLOCK_RIGHT],
        vec![
            TableRow::new(vec![
                cell(BLOCK_LEFT, left).vertical_align(VAlignType::Top),
                cell(BLOCK_RIGHT, right).vertical_align(VAlignType::Top),
            ])
            .cant_split(),
            TableRow::new(vec![
                cell(BLOCK_LEFT, vec![under(number, Style::regular(size::BLOCK))]),
                cell(
                    BLOCK_RIGHT,
                    vec![under(date_line, Style::italic(size::BLOCK))],
                ),
            ])
            .cant_split(),
        ],
    )
}

/// Who signs, as the signer's block writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    /// Upper-case lines: the authority and the title, e.g. `KT. GIÁM ĐỐC`, `PHÓ GIÁM ĐỐC`.
    pub title_lines: Vec<String>,
    /// The signer's full name; none: a blank to fill.
    pub name: Option<String>,
}

/// The signing columns: the recipients (left) and the signer (right).
const SIGN_LEFT: i32 = mm(80);
const SIGN_RIGHT: i32 = TEXT_WIDTH - SIGN_LEFT;

/// The foot of the document (Decree 30, Appendix I, items 7–8): "Nơi nhận:" (bold italic
/// 12 pt) and its list (11 pt) on the left; on the right the signer's authority and title
/// (bold, upper case, 14 pt), room for the signature and seal, and the name (bold).
pub fn signature_block(recipients: &[String], signer: &Signer) -> Table {
    let mut left = vec![line(
        "Nơi nhận:",
        Style::bold_italic(size::TITLE),
        AlignmentType::Left,
    )];
    left.extend(
        recipients
            .iter()
            .map(|recipient| line(recipient, Style::regular(size::LIST), AlignmentType::Left)),
    );
    let center = AlignmentType::Center;
    let mut right: Vec<Paragraph> = signer
        .title_lines
        .iter()
        .map(|title| line(title, Style::bold(size::BODY), center))
        .collect();
    // Room for the signature and the seal: four lines.
    right.extend((0..4).map(|_| line("", Style::regular(size::BODY), center)));
    let name = signer.name.as_deref().unwrap_or("……………………………");
    right.push(line(name, Style::bold(size::BODY), center));
    layout_table(
        &[SIGN_LEFT, SIGN_RIGHT],
        vec![TableRow::new(vec![
            cell(SIGN_LEFT, left).vertical_align(VAlignType::Top),
            cell(SIGN_RIGHT, right).vertical_align(VAlignType::Top),
        ])
        .cant_split()],
    )
}

/// The page number, centred, 13 pt.
fn page_number() -> Header {
    let number = Run::new()
        .size(size::BLOCK)
        .fonts(fonts())
        .add_field_char(FieldCharType::Begin, false)
        .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
        .add_field_char(FieldCharType::Separate, false)
        .add_text("2")
        .add_field_char(FieldCharType::End, false);
    Header::new().add_paragraph(
        Paragraph::new()
            .add_run(number)
            .align(AlignmentType::Center)
            .size(size::BLOCK),
    )
}

/// An empty A4 document set up per Decree 30: page, margins, default font, size and spacing,
/// page numbers from the second page.
pub fn document() -> Docx {
    Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TOP)
                .bottom(MARGIN_BOTTOM)
                .left(MARGIN_LEFT)
                .right(MARGIN_RIGHT)
                .header(HEADER_DISTANCE)
                .footer(HEADER_DISTANCE)
                .gutter(0),
        )
        .default_fonts(fonts())
        .default_size(size::BODY)
        .default_line_spacing(
            LineSpacing::new()
                .line(LINE)
                .line_rule(LineSpacingType::Auto)
                .after(AFTER),
        )
        .header(page_number())
        // The first page shows no number (Decree 30: numbered from the second page).
        .first_header(Header::new().add_paragraph(Paragraph::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_is_a4_with_the_decree_margins() {
        assert_eq!((PAGE_WIDTH, PAGE_HEIGHT), (11906, 16838));
        assert_eq!(mm(20), 1134);
        assert_eq!(mm(30), 1701);
        assert_eq!(mm(15), 850);
        assert_eq!(TEXT_WIDTH, 9355);
    }

    #[test]
    fn wider_text_estimates_wider() {
        let motto = estimated_width(MOTTO, size::BLOCK, true);
        // About 6 cm at 13 pt bold.
        assert!((mm(50)..mm(70)).contains(&motto), "{motto}");
        assert!(estimated_width("SỞ CÔNG THƯƠNG", size::BLOCK, true) < motto);
    }
}
