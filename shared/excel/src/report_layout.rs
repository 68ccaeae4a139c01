//! What every sheet of the consolidated workbook shares: the appendix heading (Phụ lục, the
//! report it goes with, the data window), the header row (bold, frozen, repeated when printed),
//! the cell styles, a writer that fills a row and sizes it to its wrapped text, and the print
//! setup of `print`.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Worksheet};

use crate::print::{self, Orientation, Span};
use crate::{internal, local_time_vi};
use cchc_domain::model::indicator::IndicatorKind;
use cchc_domain::model::submission::{ComplianceRow, Consolidation, ConsolidationScope};
use cchc_domain::Result;

/// What the workbook says besides the figures.
#[derive(Debug, Clone)]
pub struct ReportContext {
    /// When it was made, local time.
    pub generated_at: DateTime<FixedOffset>,
    /// The period's data window, both days inclusive.
    pub data_from: NaiveDate,
    pub data_to: NaiveDate,
    /// The agency that issues the report this workbook is the appendix of (`Sở Công
    /// Thương`) and the report's symbol (`BC-SCT`).
    pub issuer: Option<(String, String)>,
    /// Every unit expected to report (within `under`), as the compliance board has them.
    pub roster: Vec<ComplianceRow>,
}

/// A title line's look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TitleStyle {
    Heading,
    Centred,
    Italic,
    Plain,
}

/// One line above a sheet's table.
#[derive(Debug, Clone)]
pub(crate) struct Title {
    pub text: String,
    pub style: TitleStyle,
}

impl Title {
    pub(crate) fn new(style: TitleStyle, text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            style,
        }
    }
}

pub(crate) struct Styles {
    titles: [Format; 4],
    header: Format,
    text: Format,
    centred: Format,
    whole: Format,
    decimal: Format,
    failed: Format,
}

impl Styles {
    pub(crate) fn new() -> Self {
        let cell = print::font(print::TEXT_SIZE)
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::Top);
        let centred_title = print::font(print::HEADING_SIZE)
            .set_align(FormatAlign::Center)
            .set_text_wrap();
        Self {
            titles: [
                centred_title
                    .clone()
                    .set_bold()
                    .set_font_size(print::TITLE_SIZE),
                centred_title.clone().set_bold(),
                centred_title.set_italic(),
                print::font(print::TEXT_SIZE)
                    .set_text_wrap()
                    .set_align(FormatAlign::Top),
            ],
            header: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(Color::RGB(0xDDEBF7)),
            centred: cell.clone().set_align(FormatAlign::Center),
            whole: cell.clone().set_num_format("#,##0"),
            decimal: cell.clone().set_num_format("#,##0.00"),
            // "Không đạt" must stand out on paper in black and white too: bold on a tint.
            failed: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_font_color(Color::RGB(0xC00000))
                .set_background_color(Color::RGB(0xFCE4E4)),
            text: cell,
        }
    }

    fn title(&self, style: TitleStyle) -> &Format {
        match style {
            TitleStyle::Heading => &self.titles[0],
            TitleStyle::Centred => &self.titles[1],
            TitleStyle::Italic => &self.titles[2],
            TitleStyle::Plain => &self.titles[3],
        }
    }

    /// Whole numbers without decimals; anything else with two.
    pub(crate) fn number_for(&self, value: Decimal) -> &Format {
        if value.fract().is_zero() {
            &self.whole
        } else {
            &self.decimal
        }
    }
}

/// A sheet being written row by row; each row is sized to its wrapped text when it ends.
pub(crate) struct SheetWriter<'a> {
    pub(crate) sheet: &'a mut Worksheet,
    pub(crate) styles: &'a Styles,
    pub(crate) row: u32,
    widths: &'a [f64],
    texts: Vec<String>,
}

impl<'a> SheetWriter<'a> {
    /// A writer whose first row is the one after `header_row`.
    pub(crate) fn new(
        sheet: &'a mut Worksheet,
        styles: &'a Styles,
        widths: &'a [f64],
        header_row: u32,
    ) -> Self {
        Self {
            sheet,
            styles,
            row: header_row,
            widths,
            texts: vec![String::new(); widths.len()],
        }
    }

    /// Ends the current row (sizing it) and starts the next.
    pub(crate) fn next_row(&mut self) -> Result<()> {
        self.finish_row()?;
        self.row += 1;
        Ok(())
    }

    /// Sizes the current row to its tallest wrapped text.
    pub(crate) fn finish_row(&mut self) -> Result<()> {
        if self.texts.iter().any(|t| !t.is_empty()) {
            let height = print::row_height(&self.texts, self.widths);
            self.sheet
                .set_row_height(self.row, height)
                .map_err(internal)?;
        }
        self.texts.iter_mut().for_each(String::clear);
        Ok(())
    }

    fn remember(&mut self, col: u16, text: &str) {
        if let Some(slot) = self.texts.get_mut(usize::from(col)) {
            text.clone_into(slot);
        }
    }

    pub(crate) fn text(&mut self, col: u16, text: &str) -> Result<()> {
        self.remember(col, text);
        self.sheet
            .write_string_with_format(self.row, col, text, &self.styles.text)
            .map_err(internal)?;
        Ok(())
    }

    pub(crate) fn centred(&mut self, col: u16, text: &str) -> Result<()> {
        self.remember(col, text);
        self.sheet
            .write_string_with_format(self.row, col, text, &self.styles.centred)
            .map_err(internal)?;
        Ok(())
    }

    pub(crate) fn wrapped(&mut self, col: u16, text: Option<&str>) -> Result<()> {
        self.text(col, text.unwrap_or_default())
    }

    /// "Đạt" or "Không đạt" (highlighted); empty without a target.
    pub(crate) fn verdict(&mut self, col: u16, met: Option<bool>) -> Result<()> {
        let (text, format) = match met {
            Some(true) => ("Đạt", &self.styles.centred),
            Some(false) => ("Không đạt", &self.styles.failed),
            None => ("", &self.styles.centred),
        };
        self.remember(col, text);
        self.sheet
            .write_string_with_format(self.row, col, text, format)
            .map_err(internal)?;
        Ok(())
    }

    /// The row's number in the list (STT), centred.
    pub(crate) fn ordinal(&mut self, col: u16, value: Option<Decimal>) -> Result<()> {
        if let Some(float) = value.and_then(|v| v.to_f64()) {
            self.sheet
                .write_number_with_format(self.row, col, float, &self.styles.centred)
                .map_err(internal)?;
        }
        Ok(())
    }

    /// A number cell; an empty bordered cell when there is none.
    pub(crate) fn number(&mut self, col: u16, value: Option<Decimal>) -> Result<()> {
        match value.and_then(|v| v.to_f64().map(|f| (v, f))) {
            Some((value, float)) => self
                .sheet
                .write_number_with_format(self.row, col, float, self.styles.number_for(value))
                .map_err(internal)?,
            None => self
                .sheet
                .write_blank(self.row, col, &self.styles.text)
                .map_err(internal)?,
        };
        Ok(())
    }

    /// A figure of a ratio or decimal indicator: always two decimals, so a column lines up.
    pub(crate) fn figure(
        &mut self,
        col: u16,
        value: Option<Decimal>,
        kind: IndicatorKind,
    ) -> Result<()> {
        match (kind, value.and_then(|v| v.to_f64())) {
            (IndicatorKind::Ratio | IndicatorKind::Decimal, Some(float)) => {
                self.sheet
                    .write_number_with_format(self.row, col, float, &self.styles.decimal)
                    .map_err(internal)?;
                Ok(())
            }
            _ => self.number(col, value),
        }
    }
}

/// Writes the sheet's titles, header row and widths, and sets it up to print on A4
/// landscape; returns the header's row.
pub(crate) fn setup_sheet(
    sheet: &mut Worksheet,
    name: &str,
    headers: &[&str],
    widths: &[f64],
    titles: &[Title],
    styles: &Styles,
) -> Result<u32> {
    sheet.set_name(name).map_err(internal)?;
    let last = u16::try_from(headers.len().saturating_sub(1)).unwrap_or(u16::MAX);
    let total: f64 = widths.iter().sum();
    for (row, title) in titles.iter().enumerate() {
        let row = u32::try_from(row).unwrap_or(u32::MAX);
        print::write_across(
            sheet,
            row,
            Span::new(0, last),
            &title.text,
            styles.title(title.style),
        )?;
        let size = match title.style {
            TitleStyle::Heading => print::TITLE_SIZE,
            TitleStyle::Plain => print::TEXT_SIZE,
            _ => print::HEADING_SIZE,
        };
        let lines = print::lines_needed(&[&title.text], &[total], size);
        sheet
            .set_row_height(row, print::height_of_lines(lines, size))
            .map_err(internal)?;
    }
    let header_row = u32::try_from(titles.len() + 1).unwrap_or(u32::MAX);
    for (col, (header, width)) in headers.iter().zip(widths).enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        sheet
            .write_string_with_format(header_row, col, *header, &styles.header)
            .map_err(internal)?;
        sheet.set_column_width(col, *width).map_err(internal)?;
    }
    sheet
        .set_row_height(header_row, print::row_height(headers, widths))
        .map_err(internal)?;
    sheet
        .set_freeze_panes(header_row + 1, 0)
        .map_err(internal)?;
    print::setup_page(
        sheet,
        Orientation::Landscape,
        Some((header_row, header_row)),
    )?;
    Ok(header_row)
}

/// "Phụ lục", the sheet's `heading`, the period, the report it goes with, the data window.
pub(crate) fn appendix_titles(
    report: &Consolidation,
    context: &ReportContext,
    heading: &str,
) -> Vec<Title> {
    let attached = match &context.issuer {
        Some((name, symbol)) => {
            format!("(Kèm theo Báo cáo số …/{symbol} ngày … tháng … năm … của {name})")
        }
        None => "(Kèm theo Báo cáo số …… ngày … tháng … năm ……)".to_owned(),
    };
    vec![
        Title::new(TitleStyle::Heading, "Phụ lục"),
        Title::new(TitleStyle::Heading, heading),
        Title::new(
            TitleStyle::Centred,
            format!(
                "Kỳ báo cáo: {} (mã kỳ {})",
                report.period_title, report.period_code
            ),
        ),
        Title::new(TitleStyle::Italic, attached),
        Title::new(
            TitleStyle::Italic,
            format!(
                "Số liệu tính từ ngày {} đến hết ngày {}",
                context.data_from.format("%d/%m/%Y"),
                context.data_to.format("%d/%m/%Y")
            ),
        ),
    ]
}

/// `Phòng Kế hoạch - Tài chính (KHTC)`, joined by `; `, or "không có".
fn named(rows: &[&ComplianceRow]) -> String {
    if rows.is_empty() {
        return "không có".to_owned();
    }
    rows.iter()
        .map(|r| format!("{} ({})", r.unit_name, r.unit_code))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Which reports the figures come from and where every expected unit stands: counted,
/// waiting for review, returned, still being written, not reported.
pub(crate) fn reporting_record(report: &Consolidation, context: &ReportContext) -> Vec<Title> {
    use cchc_domain::model::submission::SubmissionStatus as S;
    let counted: Vec<&ComplianceRow> = context
        .roster
        .iter()
        .filter(|r| report.units.contains(&r.unit_code))
        .collect();
    let with = |status: S| -> Vec<&ComplianceRow> {
        context
            .roster
            .iter()
            .filter(|r| r.status == Some(status) && !report.units.contains(&r.unit_code))
            .collect()
    };
    let not_reported: Vec<&ComplianceRow> = context
        .roster
        .iter()
        .filter(|r| r.status.is_none() || r.status == Some(S::Draft))
        .collect();
    let scope = match report.include {
        ConsolidationScope::Accepted => "báo cáo đã được Văn phòng chấp nhận",
        ConsolidationScope::Submitted => "báo cáo đã gửi (kể cả chưa được duyệt)",
    };
    let under = report
        .under
        .as_deref()
        .map(|code| format!(" thuộc {code}"))
        .unwrap_or_default();
    vec![
        Title::new(
            TitleStyle::Plain,
            format!(
                "Đơn vị phải báo cáo{under}: {}. Số liệu tổng hợp từ {} {scope}: {}.",
                context.roster.len(),
                counted.len(),
                named(&counted)
            ),
        ),
        Title::new(
            TitleStyle::Plain,
            format!(
                "Đã gửi, chờ duyệt (chưa tổng hợp): {}. Bị trả lại, chưa gửi lại: {}. Chưa báo \
                 cáo: {}.",
                named(&with(S::Submitted)),
                named(&with(S::Returned)),
                named(&not_reported)
            ),
        ),
        Title::new(
            TitleStyle::Plain,
            format!("Lập lúc {}", local_time_vi(context.generated_at)),
        ),
    ]
}
