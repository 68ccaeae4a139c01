//! The consolidated report (báo cáo tổng hợp) as a workbook to file in QLVB: a summary sheet
//! with one row per indicator, the per-unit breakdown, and the discrepancies with their
//! explanations. Figures are written as numbers (never text) with number formats, so staff can
//! sum and chart them; each sheet has title rows, a bold, frozen header and set widths.

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use rust_xlsxwriter::Workbook;

use super::cells::number_vi;
use super::internal;
pub use crate::report_layout::HEADER_ROW;
use crate::report_layout::{setup_sheet, titles, SheetWriter, Styles};
use cchc_domain::model::indicator::{IndicatorKind, Target};
use cchc_domain::model::submission::{ConsolidatedIndicator, Consolidation};
use cchc_domain::model::task_cutoff::PeriodTaskCompletion;
use cchc_domain::Result;

pub const SUMMARY_SHEET: &str = "Tổng hợp";
pub const BREAKDOWN_SHEET: &str = "Chi tiết theo đơn vị";
pub const DISCREPANCY_SHEET: &str = "Giải trình chênh lệch";

pub const SUMMARY_HEADERS: [&str; 14] = [
    "STT",
    "Mã chỉ tiêu",
    "Tên chỉ tiêu",
    "ĐVT",
    "Số đơn vị báo cáo",
    "Tổng tử số",
    "Tổng mẫu số",
    "Kết quả",
    "Chỉ tiêu",
    "Đánh giá",
    "Thấp nhất",
    "Đơn vị thấp nhất",
    "Cao nhất",
    "Đơn vị cao nhất",
];

pub const BREAKDOWN_HEADERS: [&str; 13] = [
    "STT",
    "Mã chỉ tiêu",
    "Tên chỉ tiêu",
    "Mã đơn vị",
    "Tên đơn vị",
    "Tử số",
    "Mẫu số",
    "Số liệu",
    "Có/Không",
    "Nội dung",
    "Không áp dụng",
    "Giải trình",
    "Ghi chú",
];

pub const DISCREPANCY_HEADERS: [&str; 9] = [
    "STT",
    "Mã chỉ tiêu",
    "Tên chỉ tiêu",
    "Mã đơn vị",
    "Tên đơn vị",
    "Số liệu đơn vị",
    "Số liệu hệ thống",
    "Chênh lệch",
    "Giải trình",
];

fn kind_label(kind: IndicatorKind) -> &'static str {
    match kind {
        IndicatorKind::Ratio => "%",
        IndicatorKind::Boolean => "số đơn vị trả lời Có",
        _ => "",
    }
}

/// A target as staff write it: `≥ 50%`, `≤ 3 ngày`, `= Có`.
pub fn target_vi(target: &Target, kind: IndicatorKind, unit_of_measure: Option<&str>) -> String {
    let symbol = target.comparator.symbol();
    match kind {
        IndicatorKind::Boolean => {
            let answer = if target.threshold.is_zero() {
                "Không"
            } else {
                "Có"
            };
            format!("{symbol} {answer}")
        }
        IndicatorKind::Ratio => format!("{symbol} {}%", number_vi(target.threshold)),
        _ => match unit_of_measure {
            Some(unit) if !unit.is_empty() => {
                format!("{symbol} {} {unit}", number_vi(target.threshold))
            }
            _ => format!("{symbol} {}", number_vi(target.threshold)),
        },
    }
}

/// Builds the consolidated report's `.xlsx`; `generated_at` is local time.
/// The consolidated workbook; with `tasks`, a last sheet of task completion per unit
/// ([`crate::report_tasks`]).
pub fn build_consolidation(
    report: &Consolidation,
    tasks: Option<&PeriodTaskCompletion>,
    generated_at: DateTime<FixedOffset>,
) -> Result<Vec<u8>> {
    let styles = Styles::new();
    let mut workbook = Workbook::new();

    let sheet = workbook.add_worksheet();
    setup_sheet(
        sheet,
        SUMMARY_SHEET,
        &SUMMARY_HEADERS,
        &[
            5.0, 16.0, 42.0, 10.0, 11.0, 13.0, 13.0, 12.0, 16.0, 11.0, 11.0, 12.0, 11.0, 12.0,
        ],
        &titles(
            report,
            generated_at,
            "BÁO CÁO TỔNG HỢP SỐ LIỆU CẢI CÁCH HÀNH CHÍNH",
        ),
        &styles,
    )?;
    let mut out = SheetWriter {
        sheet,
        styles: &styles,
        row: HEADER_ROW,
    };
    for (i, indicator) in report.indicators.iter().enumerate() {
        out.row += 1;
        summary_row(&mut out, i + 1, indicator)?;
    }

    let sheet = workbook.add_worksheet();
    setup_sheet(
        sheet,
        BREAKDOWN_SHEET,
        &BREAKDOWN_HEADERS,
        &[
            5.0, 16.0, 36.0, 10.0, 26.0, 11.0, 11.0, 12.0, 10.0, 30.0, 10.0, 36.0, 24.0,
        ],
        &titles(report, generated_at, "CHI TIẾT SỐ LIỆU THEO ĐƠN VỊ"),
        &styles,
    )?;
    let mut out = SheetWriter {
        sheet,
        styles: &styles,
        row: HEADER_ROW,
    };
    let mut count = 0;
    for indicator in &report.indicators {
        for unit in &indicator.breakdown {
            out.row += 1;
            count += 1;
            out.number(0, Some(Decimal::from(count)))?;
            out.text(1, &indicator.code)?;
            out.wrapped(2, Some(&indicator.name))?;
            out.text(3, &unit.unit_code)?;
            out.wrapped(4, Some(&unit.unit_name))?;
            out.number(5, unit.numerator)?;
            out.number(6, unit.denominator)?;
            let figure = match indicator.kind {
                IndicatorKind::Boolean | IndicatorKind::Text => None,
                _ => unit.figure,
            };
            out.figure(7, figure, indicator.kind)?;
            out.text(8, unit.flag.map_or("", |f| if f { "Có" } else { "Không" }))?;
            out.wrapped(9, unit.text.as_deref())?;
            out.text(10, if unit.not_applicable { "x" } else { "" })?;
            out.wrapped(11, unit.explanation.as_deref())?;
            out.wrapped(12, unit.note.as_deref())?;
        }
    }

    let sheet = workbook.add_worksheet();
    setup_sheet(
        sheet,
        DISCREPANCY_SHEET,
        &DISCREPANCY_HEADERS,
        &[5.0, 16.0, 36.0, 10.0, 26.0, 13.0, 13.0, 12.0, 50.0],
        &titles(
            report,
            generated_at,
            "SỐ LIỆU CHÊNH LỆCH VỚI HỆ THỐNG VÀ GIẢI TRÌNH",
        ),
        &styles,
    )?;
    let mut out = SheetWriter {
        sheet,
        styles: &styles,
        row: HEADER_ROW,
    };
    let mut count = 0;
    for indicator in &report.indicators {
        for gap in &indicator.discrepancies {
            out.row += 1;
            count += 1;
            let unit_name = indicator
                .breakdown
                .iter()
                .find(|u| u.unit_code == gap.unit_code)
                .map(|u| u.unit_name.as_str());
            out.number(0, Some(Decimal::from(count)))?;
            out.text(1, &indicator.code)?;
            out.wrapped(2, Some(&indicator.name))?;
            out.text(3, &gap.unit_code)?;
            out.wrapped(4, unit_name)?;
            out.figure(5, gap.unit_figure, indicator.kind)?;
            out.figure(6, Some(gap.system_value), indicator.kind)?;
            out.figure(7, Some(gap.difference), indicator.kind)?;
            out.wrapped(8, gap.explanation.as_deref())?;
        }
    }

    if let Some(tasks) = tasks {
        crate::report_tasks::write_sheet(&mut workbook, report, tasks, generated_at, &styles)?;
    }
    workbook.save_to_buffer().map_err(internal)
}

fn summary_row(
    out: &mut SheetWriter,
    number: usize,
    indicator: &ConsolidatedIndicator,
) -> Result<()> {
    let kind = indicator.kind;
    out.number(0, Some(Decimal::from(number)))?;
    out.text(1, &indicator.code)?;
    out.wrapped(2, Some(&indicator.name))?;
    let unit = indicator
        .unit_of_measure
        .as_deref()
        .filter(|u| !u.is_empty() && kind != IndicatorKind::Boolean)
        .unwrap_or(kind_label(kind));
    out.wrapped(3, Some(unit))?;
    out.number(4, Some(Decimal::from(indicator.units_reporting)))?;
    out.number(5, indicator.numerator_sum)?;
    out.number(6, indicator.denominator_sum)?;
    out.figure(7, indicator.value, kind)?;
    let target = indicator
        .target
        .as_ref()
        .map(|t| target_vi(t, kind, indicator.unit_of_measure.as_deref()))
        .unwrap_or_default();
    out.text(8, &target)?;
    let verdict = match indicator.target_met {
        Some(true) => "Đạt",
        Some(false) => "Không đạt",
        None => "",
    };
    out.text(9, verdict)?;
    out.figure(10, indicator.lowest.as_ref().map(|l| l.figure), kind)?;
    out.text(
        11,
        indicator
            .lowest
            .as_ref()
            .map_or("", |l| l.unit_code.as_str()),
    )?;
    out.figure(12, indicator.highest.as_ref().map(|h| h.figure), kind)?;
    out.text(
        13,
        indicator
            .highest
            .as_ref()
            .map_or("", |h| h.unit_code.as_str()),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};

    use super::*;
    use cchc_domain::model::indicator::{Aggregation, Comparator};
    use cchc_domain::model::submission::{
        ConsolidationScope, Discrepancy, UnitContribution, UnitFigure,
    };

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn contribution(
        unit: &str,
        numerator: &str,
        denominator: &str,
        figure: &str,
    ) -> UnitContribution {
        UnitContribution {
            unit_code: unit.into(),
            unit_name: format!("Phòng {unit}"),
            numerator: Some(dec(numerator)),
            denominator: Some(dec(denominator)),
            figure: Some(dec(figure)),
            flag: None,
            text: None,
            not_applicable: false,
            explanation: None,
            note: None,
        }
    }

    fn sample() -> Consolidation {
        let ratio = ConsolidatedIndicator {
            code: "TL-DUNGHAN".into(),
            name: "Tỷ lệ hồ sơ giải quyết đúng hạn".into(),
            kind: IndicatorKind::Ratio,
            unit_of_measure: None,
            target: Some(Target {
                comparator: Comparator::Gte,
                threshold: dec("95.5"),
            }),
            aggregation: Aggregation::Pooled,
            aggregation_weight: None,
            units_reporting: 2,
            numerator_sum: Some(dec("285")),
            denominator_sum: Some(dec("300")),
            value: Some(dec("95")),
            lowest: Some(UnitFigure {
                unit_code: "QLTM".into(),
                figure: dec("92.5"),
            }),
            highest: Some(UnitFigure {
                unit_code: "KHTC".into(),
                figure: dec("96.5"),
            }),
            target_met: Some(false),
            breakdown: vec![
                contribution("KHTC", "193", "200", "96.5"),
                contribution("QLTM", "92", "100", "92"),
            ],
            discrepancies: vec![Discrepancy {
                unit_code: "QLTM".into(),
                unit_figure: Some(dec("92")),
                system_value: dec("94"),
                difference: dec("2"),
                explanation: Some("Hai hồ sơ cập nhật chậm.".into()),
            }],
        };
        let count = ConsolidatedIndicator {
            code: "SL-VANBAN".into(),
            name: "Số văn bản ban hành".into(),
            kind: IndicatorKind::Count,
            unit_of_measure: Some("văn bản".into()),
            target: Some(Target {
                comparator: Comparator::Gte,
                threshold: dec("1000"),
            }),
            aggregation: Aggregation::Sum,
            aggregation_weight: None,
            units_reporting: 0,
            numerator_sum: None,
            denominator_sum: None,
            value: None,
            lowest: None,
            highest: None,
            target_met: None,
            breakdown: vec![],
            discrepancies: vec![],
        };
        Consolidation {
            period_id: 1,
            period_code: "2026-Q4".into(),
            period_title: "Báo cáo CCHC Quý IV/2026".into(),
            include: ConsolidationScope::Accepted,
            under: None,
            units: vec!["KHTC".into(), "QLTM".into()],
            indicators: vec![ratio, count],
        }
    }

    fn open(bytes: Vec<u8>) -> Xlsx<std::io::Cursor<Vec<u8>>> {
        open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap()
    }

    fn at(range: &calamine::Range<Data>, row: u32, col: u32) -> Data {
        range.get_value((row, col)).cloned().unwrap_or(Data::Empty)
    }

    fn generated_at() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-20T09:00:00+07:00").unwrap()
    }

    #[test]
    fn targets_read_as_staff_write_them() {
        let target = |comparator, threshold: &str| Target {
            comparator,
            threshold: dec(threshold),
        };
        assert_eq!(
            target_vi(
                &target(Comparator::Gte, "95.5"),
                IndicatorKind::Ratio,
                Some("%")
            ),
            "≥ 95,5%"
        );
        assert_eq!(
            target_vi(
                &target(Comparator::Lte, "3"),
                IndicatorKind::Decimal,
                Some("ngày")
            ),
            "≤ 3 ngày"
        );
        assert_eq!(
            target_vi(&target(Comparator::Eq, "1"), IndicatorKind::Boolean, None),
            "= Có"
        );
        assert_eq!(
            target_vi(&target(Comparator::Gte, "1200"), IndicatorKind::Count, None),
            "≥ 1.200"
        );
    }

    #[test]
    fn the_summary_has_one_row_per_indicator_with_numbers_as_numbers() {
        let mut workbook = open(build_consolidation(&sample(), None, generated_at()).unwrap());
        assert_eq!(
            workbook.sheet_names(),
            [SUMMARY_SHEET, BREAKDOWN_SHEET, DISCREPANCY_SHEET]
        );
        let sheet = workbook.worksheet_range(SUMMARY_SHEET).unwrap();
        assert_eq!(
            at(&sheet, 0, 0),
            Data::String("BÁO CÁO TỔNG HỢP SỐ LIỆU CẢI CÁCH HÀNH CHÍNH".into())
        );
        assert_eq!(
            at(&sheet, 1, 0),
            Data::String("Kỳ báo cáo: Báo cáo CCHC Quý IV/2026 (mã kỳ 2026-Q4)".into())
        );
        assert!(at(&sheet, 2, 0)
            .to_string()
            .contains("2 đơn vị (KHTC, QLTM)"));
        assert_eq!(
            at(&sheet, 3, 0),
            Data::String("Lập lúc 09:00 ngày 20/11/2026".into())
        );
        let headers: Vec<String> = (0..14)
            .map(|c| at(&sheet, HEADER_ROW, c).to_string())
            .collect();
        assert_eq!(headers, SUMMARY_HEADERS);
        let row: Vec<Data> = (0..14).map(|c| at(&sheet, HEADER_ROW + 1, c)).collect();
        assert_eq!(
            row,
            [
                Data::Float(1.0),
                Data::String("TL-DUNGHAN".into()),
                Data::String("Tỷ lệ hồ sơ giải quyết đúng hạn".into()),
                Data::String("%".into()),
                Data::Float(2.0),
                Data::Float(285.0),
                Data::Float(300.0),
                Data::Float(95.0),
                Data::String("≥ 95,5%".into()),
                Data::String("Không đạt".into()),
                Data::Float(92.5),
                Data::String("QLTM".into()),
                Data::Float(96.5),
                Data::String("KHTC".into()),
            ]
        );
        // An indicator nobody reported: empty figures, not zeros.
        assert_eq!(
            at(&sheet, HEADER_ROW + 2, 3),
            Data::String("văn bản".into())
        );
        assert_eq!(at(&sheet, HEADER_ROW + 2, 4), Data::Float(0.0));
        assert_eq!(at(&sheet, HEADER_ROW + 2, 7), Data::Empty);
        assert_eq!(
            at(&sheet, HEADER_ROW + 2, 8),
            Data::String("≥ 1.000 văn bản".into())
        );
    }

    #[test]
    fn headers_are_bold_and_figures_carry_number_formats() {
        let mut workbook = open(build_consolidation(&sample(), None, generated_at()).unwrap());
        for name in [SUMMARY_SHEET, BREAKDOWN_SHEET, DISCREPANCY_SHEET] {
            let styles = workbook.worksheet_style(name).unwrap();
            let bold = styles
                .get((HEADER_ROW, 1))
                .and_then(|s| s.font.as_ref())
                .is_some_and(|f| f.is_bold());
            assert!(bold, "{name}: bold header");
        }
        let styles = workbook.worksheet_style(SUMMARY_SHEET).unwrap();
        let format = |col| {
            styles
                .get((HEADER_ROW + 1, col))
                .and_then(|s| s.number_format.as_ref())
                .map(|f| f.format_code.clone())
        };
        assert_eq!(format(5).as_deref(), Some("#,##0"));
        assert_eq!(format(7).as_deref(), Some("#,##0.00"));
    }

    #[test]
    fn detail_sheets_list_units_and_explained_discrepancies() {
        let mut workbook = open(build_consolidation(&sample(), None, generated_at()).unwrap());
        let breakdown = workbook.worksheet_range(BREAKDOWN_SHEET).unwrap();
        let headers: Vec<String> = (0..13)
            .map(|c| at(&breakdown, HEADER_ROW, c).to_string())
            .collect();
        assert_eq!(headers, BREAKDOWN_HEADERS);
        let unit_row = |row: u32| -> Vec<Data> { (1..8).map(|c| at(&breakdown, row, c)).collect() };
        assert_eq!(
            unit_row(HEADER_ROW + 2),
            [
                Data::String("TL-DUNGHAN".into()),
                Data::String("Tỷ lệ hồ sơ giải quyết đúng hạn".into()),
                Data::String("QLTM".into()),
                Data::String("Phòng QLTM".into()),
                Data::Float(92.0),
                Data::Float(100.0),
                Data::Float(92.0),
            ]
        );
        assert_eq!(at(&breakdown, HEADER_ROW + 3, 1), Data::Empty);

        let gaps = workbook.worksheet_range(DISCREPANCY_SHEET).unwrap();
        let row: Vec<Data> = (0..9).map(|c| at(&gaps, HEADER_ROW + 1, c)).collect();
        assert_eq!(
            row,
            [
                Data::Float(1.0),
                Data::String("TL-DUNGHAN".into()),
                Data::String("Tỷ lệ hồ sơ giải quyết đúng hạn".into()),
                Data::String("QLTM".into()),
                Data::String("Phòng QLTM".into()),
                Data::Float(92.0),
                Data::Float(94.0),
                Data::Float(2.0),
                Data::String("Hai hồ sơ cập nhật chậm.".into()),
            ]
        );
    }
}
