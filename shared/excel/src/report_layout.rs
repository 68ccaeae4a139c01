//! What every sheet of the consolidated workbook shares: the title rows, the header row
//! (bold, frozen, repeated when printed), the cell styles and a writer that fills a row.

use chrono::{DateTime, FixedOffset};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Worksheet};

use crate::{internal, local_time_vi};
use cchc_domain::model::indicator::IndicatorKind;
use cchc_domain::model::submission::{Consolidation, ConsolidationScope};
use cchc_domain::Result;

/// Zero-based row of every sheet's header; data follow it.
pub const HEADER_ROW: u32 = 5;

pub(crate) struct Styles {
    title: Format,
    subtitle: Format,
    header: Format,
    text: Format,
    wrapped: Format,
    whole: Format,
    decimal: Format,
}

impl Styles {
    pub(crate) fn new() -> Self {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        Self {
            title: Format::new().set_bold().set_font_size(14),
            subtitle: Format::new().set_italic(),
            header: cell
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xDDEBF7)),
            text: cell.clone(),
            wrapped: cell.clone().set_text_wrap(),
            whole: cell.clone().set_num_format("#,##0"),
            decimal: cell.set_num_format("#,##0.00"),
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

/// A sheet being written row by row.
pub(crate) struct SheetWriter<'a> {
    pub(crate) sheet: &'a mut Worksheet,
    pub(crate) styles: &'a Styles,
    pub(crate) row: u32,
}

impl SheetWriter<'_> {
    pub(crate) fn text(&mut self, col: u16, text: &str) -> Result<()> {
        self.sheet
            .write_string_with_format(self.row, col, text, &self.styles.text)
            .map_err(internal)?;
        Ok(())
    }

    pub(crate) fn wrapped(&mut self, col: u16, text: Option<&str>) -> Result<()> {
        self.sheet
            .write_string_with_format(
                self.row,
                col,
                text.unwrap_or_default(),
                &self.styles.wrapped,
            )
            .map_err(internal)?;
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

pub(crate) fn setup_sheet(
    sheet: &mut Worksheet,
    name: &str,
    headers: &[&str],
    widths: &[f64],
    titles: &[String],
    styles: &Styles,
) -> Result<()> {
    sheet.set_name(name).map_err(internal)?;
    for (row, title) in titles.iter().enumerate() {
        let row = u32::try_from(row).unwrap_or(u32::MAX);
        let format = if row == 0 {
            &styles.title
        } else {
            &styles.subtitle
        };
        sheet
            .write_string_with_format(row, 0, title, format)
            .map_err(internal)?;
    }
    for (col, (header, width)) in headers.iter().zip(widths).enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        sheet
            .write_string_with_format(HEADER_ROW, col, *header, &styles.header)
            .map_err(internal)?;
        sheet.set_column_width(col, *width).map_err(internal)?;
    }
    sheet.set_row_height(HEADER_ROW, 32).map_err(internal)?;
    sheet
        .set_freeze_panes(HEADER_ROW + 1, 0)
        .map_err(internal)?;
    sheet
        .set_repeat_rows(HEADER_ROW, HEADER_ROW)
        .map_err(internal)?;
    sheet.set_landscape().set_print_fit_to_pages(1, 0);
    Ok(())
}

pub(crate) fn titles(
    report: &Consolidation,
    generated_at: DateTime<FixedOffset>,
    heading: &str,
) -> Vec<String> {
    let scope = match report.include {
        ConsolidationScope::Accepted => "các báo cáo đã được Văn phòng chấp nhận",
        ConsolidationScope::Submitted => "các báo cáo đã gửi (kể cả chưa được duyệt)",
    };
    let under = report
        .under
        .as_deref()
        .map(|code| format!(", các đơn vị thuộc {code}"))
        .unwrap_or_default();
    vec![
        heading.to_owned(),
        format!(
            "Kỳ báo cáo: {} (mã kỳ {})",
            report.period_title, report.period_code
        ),
        format!(
            "Số liệu tổng hợp từ {scope}{under}: {} đơn vị{}",
            report.units.len(),
            if report.units.is_empty() {
                String::new()
            } else {
                format!(" ({})", report.units.join(", "))
            }
        ),
        format!("Lập lúc {}", local_time_vi(generated_at)),
    ]
}
