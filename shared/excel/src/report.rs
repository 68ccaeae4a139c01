//! The consolidated report (báo cáo tổng hợp) as a workbook to file in QLVB as the appendix
//! (Phụ lục) of the Office's report: a summary sheet with one row per indicator against its
//! target ("Không đạt" highlighted), where every expected unit stands, the per-unit breakdown,
//! the discrepancies with their explanations, and (with a plan) task completion. Figures are
//! written as numbers (never text) with number formats, so staff can sum and chart them; each
//! sheet prints on A4 landscape (see `print`), says "Không có" when it has nothing, and the
//! summary ends with the signature block.

use rust_decimal::Decimal;
use rust_xlsxwriter::Workbook;

use super::internal;
use crate::print::{self, SignatureBlock, Signer, Span};
pub use crate::report_layout::ReportContext;
use crate::report_layout::{appendix_titles, reporting_record, setup_sheet, SheetWriter, Styles};
use cchc_domain::model::indicator::IndicatorKind;
use cchc_domain::model::submission::{ConsolidatedIndicator, Consolidation};
use cchc_domain::model::task_cutoff::PeriodTaskCompletion;
use cchc_domain::Result;

pub use cchc_domain::rules::figures::target_vi;

pub const SUMMARY_SHEET: &str = "Tổng hợp";
pub const ROSTER_SHEET: &str = "Tình hình báo cáo";
pub const BREAKDOWN_SHEET: &str = "Chi tiết theo đơn vị";
pub const DISCREPANCY_SHEET: &str = "Giải trình chênh lệch";

pub const SUMMARY_HEADERS: [&str; 15] = [
    "STT",
    "Mã chỉ tiêu",
    "Tên chỉ tiêu",
    "Đơn vị tính",
    "Cách tổng hợp",
    "Số đơn vị báo cáo",
    "Tổng tử số",
    "Tổng mẫu số",
    "Kết quả",
    "Mục tiêu",
    "Đánh giá",
    "Thấp nhất",
    "Đơn vị thấp nhất",
    "Cao nhất",
    "Đơn vị cao nhất",
];
const SUMMARY_WIDTHS: [f64; 15] = [
    4.0, 11.0, 19.5, 6.0, 9.5, 7.0, 8.0, 8.0, 8.0, 8.0, 9.0, 7.0, 6.5, 7.0, 6.5,
];

pub const ROSTER_HEADERS: [&str; 8] = [
    "STT",
    "Mã đơn vị",
    "Tên đơn vị",
    "Tình trạng báo cáo",
    "Thời hạn gửi",
    "Gửi lần đầu lúc",
    "Đánh giá thời hạn",
    "Số liệu được tổng hợp",
];
const ROSTER_WIDTHS: [f64; 8] = [4.0, 9.0, 26.0, 15.0, 17.5, 17.5, 15.0, 10.5];

pub const BREAKDOWN_HEADERS: [&str; 12] = [
    "STT",
    "Mã chỉ tiêu",
    "Tên chỉ tiêu",
    "Mã đơn vị",
    "Tên đơn vị",
    "Tử số",
    "Mẫu số",
    "Số liệu",
    "Có/Không hoặc nội dung",
    "Không áp dụng",
    "Giải trình",
    "Ghi chú",
];
const BREAKDOWN_WIDTHS: [f64; 12] = [
    4.0, 11.0, 19.5, 7.0, 16.0, 8.0, 8.0, 8.0, 12.0, 5.5, 15.0, 9.0,
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
const DISCREPANCY_WIDTHS: [f64; 9] = [4.0, 11.0, 21.5, 7.0, 17.5, 9.0, 9.0, 9.0, 33.0];

fn kind_label(kind: IndicatorKind) -> &'static str {
    match kind {
        IndicatorKind::Ratio => "%",
        IndicatorKind::Boolean => "số đơn vị trả lời Có",
        _ => "",
    }
}

/// Builds the consolidated report's `.xlsx`; with `tasks`, a last sheet of task completion
/// per unit ([`crate::report_tasks`]).
pub fn build_consolidation(
    report: &Consolidation,
    context: &ReportContext,
    tasks: Option<&PeriodTaskCompletion>,
) -> Result<Vec<u8>> {
    let styles = Styles::new();
    let mut workbook = crate::print::new_workbook()?;
    write_summary(&mut workbook, report, context, &styles)?;
    write_roster(&mut workbook, report, context, &styles)?;
    write_breakdown(&mut workbook, report, context, &styles)?;
    write_discrepancies(&mut workbook, report, context, &styles)?;
    if let Some(tasks) = tasks {
        crate::report_tasks::write_sheet(&mut workbook, report, context, tasks, &styles)?;
    }
    workbook.save_to_buffer().map_err(internal)
}

/// "Không có" across the table when a sheet has no row, so it never prints as headers only.
fn none_when_empty(out: &mut SheetWriter, written: usize, columns: usize) -> Result<()> {
    if written == 0 {
        let last = u16::try_from(columns.saturating_sub(1)).unwrap_or(u16::MAX);
        print::write_none(out.sheet, out.row, Span::new(0, last))?;
    }
    Ok(())
}

fn write_summary(
    workbook: &mut Workbook,
    report: &Consolidation,
    context: &ReportContext,
    styles: &Styles,
) -> Result<()> {
    let sheet = workbook.add_worksheet();
    let mut titles = appendix_titles(report, context, "TỔNG HỢP SỐ LIỆU CẢI CÁCH HÀNH CHÍNH");
    titles.extend(reporting_record(report, context));
    let header_row = setup_sheet(
        sheet,
        SUMMARY_SHEET,
        &SUMMARY_HEADERS,
        &SUMMARY_WIDTHS,
        &titles,
        styles,
    )?;
    let mut out = SheetWriter::new(sheet, styles, &SUMMARY_WIDTHS, header_row);
    for (i, indicator) in report.indicators.iter().enumerate() {
        out.next_row()?;
        summary_row(&mut out, i + 1, indicator)?;
    }
    out.next_row()?;
    none_when_empty(&mut out, report.indicators.len(), SUMMARY_HEADERS.len())?;
    let last = u16::try_from(SUMMARY_HEADERS.len() - 1).unwrap_or(u16::MAX);
    print::write_signatures(
        out.sheet,
        out.row,
        &SignatureBlock {
            date_line: None,
            left: Some((
                Signer {
                    role: "NGƯỜI TỔNG HỢP",
                    hint: "(Ký, ghi rõ họ tên)",
                },
                Span::new(0, 3),
            )),
            right: (
                Signer {
                    role: "CHÁNH VĂN PHÒNG",
                    hint: "(Ký, ghi rõ họ tên)",
                },
                Span::new(9, last),
            ),
        },
    )?;
    Ok(())
}

fn write_roster(
    workbook: &mut Workbook,
    report: &Consolidation,
    context: &ReportContext,
    styles: &Styles,
) -> Result<()> {
    let sheet = workbook.add_worksheet();
    let titles = appendix_titles(report, context, "TÌNH HÌNH GỬI BÁO CÁO CỦA CÁC ĐƠN VỊ");
    let header_row = setup_sheet(
        sheet,
        ROSTER_SHEET,
        &ROSTER_HEADERS,
        &ROSTER_WIDTHS,
        &titles,
        styles,
    )?;
    let mut out = SheetWriter::new(sheet, styles, &ROSTER_WIDTHS, header_row);
    for (i, unit) in context.roster.iter().enumerate() {
        out.next_row()?;
        out.ordinal(0, Some(Decimal::from(i + 1)))?;
        out.text(1, &unit.unit_code)?;
        out.text(2, &unit.unit_name)?;
        let status = unit.status.map_or("Chưa có báo cáo", |s| s.label_vi());
        out.text(3, status)?;
        out.text(4, &crate::local_time_vi(unit.deadline))?;
        let first = unit
            .first_submitted_at
            .map(crate::local_time_vi)
            .unwrap_or_default();
        out.text(5, &first)?;
        out.text(6, unit.standing.label_vi())?;
        let counted = report.units.contains(&unit.unit_code);
        out.centred(7, if counted { "Có" } else { "Không" })?;
    }
    out.next_row()?;
    none_when_empty(&mut out, context.roster.len(), ROSTER_HEADERS.len())?;
    Ok(())
}

fn write_breakdown(
    workbook: &mut Workbook,
    report: &Consolidation,
    context: &ReportContext,
    styles: &Styles,
) -> Result<()> {
    let sheet = workbook.add_worksheet();
    let titles = appendix_titles(report, context, "CHI TIẾT SỐ LIỆU THEO ĐƠN VỊ");
    let header_row = setup_sheet(
        sheet,
        BREAKDOWN_SHEET,
        &BREAKDOWN_HEADERS,
        &BREAKDOWN_WIDTHS,
        &titles,
        styles,
    )?;
    let mut out = SheetWriter::new(sheet, styles, &BREAKDOWN_WIDTHS, header_row);
    let mut count = 0;
    for indicator in &report.indicators {
        for unit in &indicator.breakdown {
            out.next_row()?;
            count += 1;
            out.ordinal(0, Some(Decimal::from(count)))?;
            out.text(1, &indicator.code)?;
            out.text(2, &indicator.name)?;
            out.text(3, &unit.unit_code)?;
            out.text(4, &unit.unit_name)?;
            out.number(5, unit.numerator)?;
            out.number(6, unit.denominator)?;
            let figure = match indicator.kind {
                IndicatorKind::Boolean | IndicatorKind::Text => None,
                _ => unit.figure,
            };
            out.figure(7, figure, indicator.kind)?;
            let answer = match (unit.flag, unit.text.as_deref()) {
                (Some(flag), _) => if flag { "Có" } else { "Không" }.to_owned(),
                (None, Some(text)) => text.to_owned(),
                (None, None) => String::new(),
            };
            out.text(8, &answer)?;
            out.centred(9, if unit.not_applicable { "x" } else { "" })?;
            out.wrapped(10, unit.explanation.as_deref())?;
            out.wrapped(11, unit.note.as_deref())?;
        }
    }
    out.next_row()?;
    none_when_empty(&mut out, count, BREAKDOWN_HEADERS.len())?;
    Ok(())
}

fn write_discrepancies(
    workbook: &mut Workbook,
    report: &Consolidation,
    context: &ReportContext,
    styles: &Styles,
) -> Result<()> {
    let sheet = workbook.add_worksheet();
    let titles = appendix_titles(
        report,
        context,
        "SỐ LIỆU CHÊNH LỆCH VỚI HỆ THỐNG VÀ GIẢI TRÌNH",
    );
    let header_row = setup_sheet(
        sheet,
        DISCREPANCY_SHEET,
        &DISCREPANCY_HEADERS,
        &DISCREPANCY_WIDTHS,
        &titles,
        styles,
    )?;
    let mut out = SheetWriter::new(sheet, styles, &DISCREPANCY_WIDTHS, header_row);
    let mut count = 0;
    for indicator in &report.indicators {
        for gap in &indicator.discrepancies {
            out.next_row()?;
            count += 1;
            let unit_name = indicator
                .breakdown
                .iter()
                .find(|u| u.unit_code == gap.unit_code)
                .map(|u| u.unit_name.as_str());
            out.ordinal(0, Some(Decimal::from(count)))?;
            out.text(1, &indicator.code)?;
            out.text(2, &indicator.name)?;
            out.text(3, &gap.unit_code)?;
            out.wrapped(4, unit_name)?;
            out.figure(5, gap.unit_figure, indicator.kind)?;
            out.figure(6, Some(gap.system_value), indicator.kind)?;
            out.figure(7, Some(gap.difference), indicator.kind)?;
            out.wrapped(8, gap.explanation.as_deref())?;
        }
    }
    out.next_row()?;
    none_when_empty(&mut out, count, DISCREPANCY_HEADERS.len())?;
    Ok(())
}

fn summary_row(
    out: &mut SheetWriter,
    number: usize,
    indicator: &ConsolidatedIndicator,
) -> Result<()> {
    let kind = indicator.kind;
    out.ordinal(0, Some(Decimal::from(number)))?;
    out.text(1, &indicator.code)?;
    out.text(2, &indicator.name)?;
    let unit = indicator
        .unit_of_measure
        .as_deref()
        .filter(|u| !u.is_empty() && kind != IndicatorKind::Boolean)
        .unwrap_or(kind_label(kind));
    out.centred(3, unit)?;
    out.text(4, &indicator.aggregation_label_vi())?;
    out.number(5, Some(Decimal::from(indicator.units_reporting)))?;
    out.number(6, indicator.numerator_sum)?;
    out.number(7, indicator.denominator_sum)?;
    out.figure(8, indicator.value, kind)?;
    let target = indicator
        .target
        .as_ref()
        .map(|t| target_vi(t, kind, indicator.unit_of_measure.as_deref()))
        .unwrap_or_default();
    out.centred(9, &target)?;
    out.verdict(10, indicator.target_met)?;
    out.figure(11, indicator.lowest.as_ref().map(|l| l.figure), kind)?;
    out.text(
        12,
        indicator
            .lowest
            .as_ref()
            .map_or("", |l| l.unit_code.as_str()),
    )?;
    out.figure(13, indicator.highest.as_ref().map(|h| h.figure), kind)?;
    out.text(
        14,
        indicator
            .highest
            .as_ref()
            .map_or("", |h| h.unit_code.as_str()),
    )?;
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};

    use super::*;
    use cchc_domain::model::indicator::{Aggregation, Comparator, Target};
    use cchc_domain::model::submission::{
        ComplianceRow, ConsolidationScope, Discrepancy, Standing, SubmissionStatus,
        UnitContribution, UnitFigure,
    };
    use chrono::DateTime;

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

    pub(crate) fn sample() -> Consolidation {
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

    fn roster_row(
        code: &str,
        name: &str,
        status: Option<SubmissionStatus>,
        standing: Standing,
    ) -> ComplianceRow {
        let deadline = DateTime::parse_from_rfc3339("2026-12-15T16:30:00+07:00").unwrap();
        ComplianceRow {
            unit_id: 1,
            unit_code: code.into(),
            unit_name: name.into(),
            standing,
            submission_id: status.map(|_| 1),
            status,
            first_submitted_at: status
                .filter(|s| *s != SubmissionStatus::Draft)
                .map(|_| DateTime::parse_from_rfc3339("2026-12-14T10:05:00+07:00").unwrap()),
            timeliness: None,
            minutes_late: None,
            overdue_minutes: None,
            versions: 1,
            submitted_by: None,
            reviewed_by: None,
            deadline,
            has_extension: false,
            escalation_level: None,
        }
    }

    /// Four units expected: two accepted, one returned, the Office not reported.
    pub(crate) fn context() -> ReportContext {
        ReportContext {
            generated_at: DateTime::parse_from_rfc3339("2026-11-20T09:00:00+07:00").unwrap(),
            data_from: chrono::NaiveDate::from_ymd_opt(2026, 9, 15).unwrap(),
            data_to: chrono::NaiveDate::from_ymd_opt(2026, 12, 14).unwrap(),
            issuer: Some(("Sở Công Thương".into(), "BC-SCT".into())),
            roster: vec![
                roster_row(
                    "KHTC",
                    "Phòng KHTC",
                    Some(SubmissionStatus::Accepted),
                    Standing::Early,
                ),
                roster_row(
                    "QLTM",
                    "Phòng QLTM",
                    Some(SubmissionStatus::Accepted),
                    Standing::OnTime,
                ),
                roster_row(
                    "TTRA",
                    "Thanh tra Sở",
                    Some(SubmissionStatus::Returned),
                    Standing::Late,
                ),
                roster_row("VP", "Văn phòng Sở", None, Standing::Missing),
            ],
        }
    }

    fn open(bytes: Vec<u8>) -> Xlsx<std::io::Cursor<Vec<u8>>> {
        open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap()
    }

    fn at(range: &calamine::Range<Data>, row: u32, col: u32) -> Data {
        range.get_value((row, col)).cloned().unwrap_or(Data::Empty)
    }

    /// The row whose first cell is "STT".
    fn header_row(range: &calamine::Range<Data>) -> u32 {
        (0..30)
            .find(|row| at(range, *row, 0) == Data::String("STT".into()))
            .expect("a header row")
    }

    fn build(report: &Consolidation) -> Vec<u8> {
        build_consolidation(report, &context(), None).unwrap()
    }

    #[test]
    fn the_summary_heads_an_appendix_and_says_where_every_unit_stands() {
        let mut workbook = open(build(&sample()));
        assert_eq!(
            workbook.sheet_names(),
            [
                SUMMARY_SHEET,
                ROSTER_SHEET,
                BREAKDOWN_SHEET,
                DISCREPANCY_SHEET
            ]
        );
        let sheet = workbook.worksheet_range(SUMMARY_SHEET).unwrap();
        let line = |row| at(&sheet, row, 0).to_string();
        assert_eq!(line(0), "Phụ lục");
        assert_eq!(line(1), "TỔNG HỢP SỐ LIỆU CẢI CÁCH HÀNH CHÍNH");
        assert_eq!(
            line(2),
            "Kỳ báo cáo: Báo cáo CCHC Quý IV/2026 (mã kỳ 2026-Q4)"
        );
        assert_eq!(
            line(3),
            "(Kèm theo Báo cáo số …/BC-SCT ngày … tháng … năm … của Sở Công Thương)"
        );
        assert_eq!(
            line(4),
            "Số liệu tính từ ngày 15/09/2026 đến hết ngày 14/12/2026"
        );
        assert_eq!(
            line(5),
            "Đơn vị phải báo cáo: 4. Số liệu tổng hợp từ 2 báo cáo đã được Văn phòng chấp \
             nhận: Phòng KHTC (KHTC); Phòng QLTM (QLTM)."
        );
        assert_eq!(
            line(6),
            "Đã gửi, chờ duyệt (chưa tổng hợp): không có. Bị trả lại, chưa gửi lại: Thanh tra \
             Sở (TTRA). Chưa báo cáo: Văn phòng Sở (VP)."
        );
        assert_eq!(line(7), "Lập lúc 09:00 ngày 20/11/2026");
        let header = header_row(&sheet);
        let headers: Vec<String> = (0..15).map(|c| at(&sheet, header, c).to_string()).collect();
        assert_eq!(headers, SUMMARY_HEADERS);
        let row: Vec<Data> = (0..15).map(|c| at(&sheet, header + 1, c)).collect();
        assert_eq!(
            row,
            [
                Data::Float(1.0),
                Data::String("TL-DUNGHAN".into()),
                Data::String("Tỷ lệ hồ sơ giải quyết đúng hạn".into()),
                Data::String("%".into()),
                Data::String("Tỷ lệ chung (Σ tử số / Σ mẫu số)".into()),
                Data::Float(2.0),
                Data::Float(285.0),
                Data::Float(300.0),
                Data::Float(95.0),
                Data::String("≥ 95,5 %".into()),
                Data::String("Không đạt".into()),
                Data::Float(92.5),
                Data::String("QLTM".into()),
                Data::Float(96.5),
                Data::String("KHTC".into()),
            ]
        );
        // An indicator nobody reported: empty figures, not zeros.
        assert_eq!(at(&sheet, header + 2, 3), Data::String("văn bản".into()));
        assert_eq!(at(&sheet, header + 2, 5), Data::Float(0.0));
        assert_eq!(at(&sheet, header + 2, 8), Data::Empty);
        assert_eq!(
            at(&sheet, header + 2, 9),
            Data::String("≥ 1.000 văn bản".into())
        );
        // The signature block after the table.
        assert_eq!(
            at(&sheet, header + 4, 0),
            Data::String("NGƯỜI TỔNG HỢP".into())
        );
        assert_eq!(
            at(&sheet, header + 4, 9),
            Data::String("CHÁNH VĂN PHÒNG".into())
        );
    }

    #[test]
    fn not_met_is_highlighted_and_figures_carry_number_formats() {
        let mut workbook = open(build(&sample()));
        for name in [
            SUMMARY_SHEET,
            ROSTER_SHEET,
            BREAKDOWN_SHEET,
            DISCREPANCY_SHEET,
        ] {
            let range = workbook.worksheet_range(name).unwrap();
            let header = header_row(&range);
            let styles = workbook.worksheet_style(name).unwrap();
            let bold = styles
                .get((header, 1))
                .and_then(|s| s.font.as_ref())
                .is_some_and(|f| f.is_bold());
            assert!(bold, "{name}: bold header");
        }
        let range = workbook.worksheet_range(SUMMARY_SHEET).unwrap();
        let header = header_row(&range);
        let styles = workbook.worksheet_style(SUMMARY_SHEET).unwrap();
        let format = |col| {
            styles
                .get((header + 1, col))
                .and_then(|s| s.number_format.as_ref())
                .map(|f| f.format_code.clone())
        };
        assert_eq!(format(6).as_deref(), Some("#,##0"));
        assert_eq!(format(8).as_deref(), Some("#,##0.00"));
        let verdict = styles.get((header + 1, 10)).unwrap();
        assert!(verdict.font.as_ref().is_some_and(|f| f.is_bold()));
        assert!(verdict.fill.is_some(), "Không đạt on a tint");
    }

    #[test]
    fn every_sheet_prints_on_a4_landscape_readably() {
        use crate::print::{inspect, Orientation};
        let mut report = sample();
        report.indicators[0].name =
            "Tỷ lệ hồ sơ thủ tục hành chính được giải quyết đúng hạn và trước hạn trong kỳ".into();
        let bytes = build(&report);
        for sheet in 1..=4 {
            inspect::assert_prints_as_filed(&bytes, sheet, Orientation::Landscape, &[]);
        }
        for widths in [
            &SUMMARY_WIDTHS[..],
            &ROSTER_WIDTHS[..],
            &BREAKDOWN_WIDTHS[..],
            &DISCREPANCY_WIDTHS[..],
        ] {
            assert!(print::prints_readably(
                widths,
                Orientation::Landscape,
                print::TEXT_SIZE
            ));
        }
        // The long name wraps to three lines of its column; its row is that tall.
        let sheet = inspect::printed_sheet(&bytes, 1);
        let header = *sheet.row_heights.keys().find(|r| **r >= 8).unwrap();
        let first = sheet.row_heights[&(header + 1)];
        assert!(first >= 3.0 * print::LINE_POINTS, "{first}");
    }

    #[test]
    fn the_roster_lists_every_expected_unit_with_its_status() {
        let mut workbook = open(build(&sample()));
        let roster = workbook.worksheet_range(ROSTER_SHEET).unwrap();
        let header = header_row(&roster);
        let row = |i: u32| -> Vec<String> {
            (1..8)
                .map(|c| at(&roster, header + i, c).to_string())
                .collect()
        };
        assert_eq!(
            row(1),
            [
                "KHTC",
                "Phòng KHTC",
                "Đã chấp nhận",
                "16:30 ngày 15/12/2026",
                "10:05 ngày 14/12/2026",
                "Gửi trước hạn",
                "Có"
            ]
        );
        assert_eq!(row(3)[2], "Bị trả lại");
        assert_eq!(row(3)[6], "Không");
        assert_eq!(
            row(4),
            [
                "VP",
                "Văn phòng Sở",
                "Chưa có báo cáo",
                "16:30 ngày 15/12/2026",
                "",
                "Chưa gửi, đã quá hạn",
                "Không"
            ]
        );
    }

    #[test]
    fn an_empty_section_says_none_instead_of_printing_bare_headers() {
        let mut report = sample();
        report.indicators[0].discrepancies.clear();
        let mut workbook = open(build(&report));
        let gaps = workbook.worksheet_range(DISCREPANCY_SHEET).unwrap();
        let header = header_row(&gaps);
        assert_eq!(at(&gaps, header + 1, 0), Data::String("Không có".into()));
    }

    #[test]
    fn detail_sheets_list_units_and_explained_discrepancies() {
        let mut workbook = open(build(&sample()));
        let breakdown = workbook.worksheet_range(BREAKDOWN_SHEET).unwrap();
        let header = header_row(&breakdown);
        let headers: Vec<String> = (0..12)
            .map(|c| at(&breakdown, header, c).to_string())
            .collect();
        assert_eq!(headers, BREAKDOWN_HEADERS);
        let unit_row = |row: u32| -> Vec<Data> { (1..8).map(|c| at(&breakdown, row, c)).collect() };
        assert_eq!(
            unit_row(header + 2),
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
        assert_eq!(at(&breakdown, header + 3, 1), Data::Empty);

        let gaps = workbook.worksheet_range(DISCREPANCY_SHEET).unwrap();
        let header = header_row(&gaps);
        let row: Vec<Data> = (0..9).map(|c| at(&gaps, header + 1, c)).collect();
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
