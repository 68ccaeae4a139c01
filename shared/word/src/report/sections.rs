//! The parts of the consolidated report, in order.

use docx_rs::{
    AlignmentType, Table, TableCell, TableCellMargins, TableLayoutType, TableRow, VAlignType,
    WidthType,
};

use cchc_domain::model::indicator::IndicatorKind;
use cchc_domain::model::submission::{ConsolidationScope, Standing, SubmissionStatus};

use super::{citations, cite, recipients, ConsolidatedReport, Draft, KeyFigure, REPORT_TYPE};
use crate::decree30::{self, mm, size, Style, TEXT_WIDTH};
use crate::format;
use crate::narrative::{self, Gathered, UnitText};

/// What an empty list reads.
pub(super) const NONE: &str = "Không có";
/// The blank of a name still to write.
const BLANK: &str = "……………………";

fn agency(report: &ConsolidatedReport) -> String {
    let agency = report.letterhead.agency.trim();
    if agency.is_empty() {
        BLANK.to_owned()
    } else {
        agency.to_owned()
    }
}

/// The header block, "BÁO CÁO", the trích yếu and "Kính gửi".
pub(super) fn head(doc: &mut Draft, report: &ConsolidatedReport) {
    let number = format!(
        "Số: ……/{REPORT_TYPE}-{}",
        report.issuer_code.as_deref().unwrap_or("……")
    );
    let date_line = report.letterhead.date_line(None);
    doc.table(
        decree30::header_block(&report.letterhead, &number, &date_line),
        false,
    );
    doc.centered("BÁO CÁO", Style::bold(size::BODY), 360);
    doc.centered(report.subject.trim(), Style::bold(size::BODY), 0);
    // Decree 30: a short rule under the trích yếu, a third to half of its line.
    let subject_width = decree30::estimated_width(report.subject.trim(), size::BODY, true);
    doc.paragraph(decree30::rule(
        (subject_width.min(TEXT_WIDTH) / 3).max(mm(20)),
        TEXT_WIDTH,
    ));
    doc.centered(
        &format!(
            "Kính gửi: {}.",
            report.recipient.trim().trim_end_matches('.')
        ),
        Style::regular(size::BODY),
        240,
    );
    doc.paragraph(decree30::line(
        "",
        Style::regular(size::BODY),
        AlignmentType::Left,
    ));
}

/// "Thực hiện …", "Căn cứ …" and the sentence that opens the report.
pub(super) fn opening(doc: &mut Draft, report: &ConsolidatedReport) {
    let (answered, basis) = citations(report);
    for document in answered {
        doc.body(&format!("Thực hiện {};", cite(document)));
    }
    for document in basis {
        doc.body(&format!("Căn cứ {};", cite(document)));
    }
    doc.body(&format!(
        "{} báo cáo {} (số liệu từ ngày {} đến ngày {}) như sau:",
        agency(report),
        format::lower_first(report.subject.trim()),
        format::short_date(report.data_from),
        format::short_date(report.data_to),
    ));
}

/// A unit's paragraphs: the first after its name in italics.
fn unit_text(doc: &mut Draft, unit: &UnitText) {
    let mut paragraphs = unit.paragraphs.iter();
    let name = decree30::run(&format!("{}: ", unit.unit_name), Style::italic(size::BODY));
    let first = paragraphs.next().map_or_else(
        || decree30::run("không có nội dung.", Style::regular(size::BODY)),
        |text| decree30::run(text, Style::regular(size::BODY)),
    );
    doc.paragraph(decree30::body_runs(vec![name, first]));
    for paragraph in paragraphs {
        doc.body(paragraph);
    }
}

/// I: the narratives, then the key figures.
pub(super) fn results(doc: &mut Draft, report: &ConsolidatedReport) {
    doc.heading("I. KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH");
    let mut item = 0;
    let mut next = || {
        item += 1;
        item
    };
    match narrative::gather(&report.narratives) {
        Gathered::ByArea { areas, other } => {
            for (area, units) in areas {
                doc.heading(&format!("{}. {}", next(), area.label_vi()));
                if units.is_empty() {
                    doc.body("Các đơn vị không báo cáo nội dung này.");
                }
                for unit in &units {
                    unit_text(doc, unit);
                }
            }
            if !other.is_empty() {
                doc.heading(&format!("{}. Nội dung khác", next()));
                for unit in &other {
                    unit_text(doc, unit);
                }
            }
        }
        Gathered::AsFiled(units) if units.is_empty() => {
            doc.body("Chưa có báo cáo của đơn vị nào được tổng hợp.");
        }
        Gathered::AsFiled(units) => {
            for unit in units {
                doc.heading(&format!("{}. {}", next(), unit.unit_name));
                if unit.paragraphs.is_empty() {
                    doc.body("Đơn vị không có nội dung báo cáo.");
                }
                for paragraph in &unit.paragraphs {
                    doc.body(paragraph);
                }
            }
        }
    }
    doc.heading(&format!("{}. Kết quả thực hiện các chỉ tiêu", next()));
    let names: Vec<&str> = report
        .narratives
        .iter()
        .map(|unit| unit.unit_name.as_str())
        .collect();
    let counted = match report.scope {
        ConsolidationScope::Accepted => "báo cáo đã được Văn phòng chấp nhận",
        ConsolidationScope::Submitted => "báo cáo đã gửi, kể cả báo cáo Văn phòng chưa xem xét",
    };
    doc.body(&format!(
        "Số liệu tổng hợp từ {counted} của {}/{} đơn vị{}",
        names.len(),
        report.reporting.expected,
        if names.is_empty() {
            ".".to_owned()
        } else {
            format!(": {}.", names.join(", "))
        }
    ));
    let figures: Vec<&KeyFigure> = report
        .figures
        .iter()
        .filter(|figure| figure.kind != IndicatorKind::Text)
        .collect();
    if figures.is_empty() {
        doc.body(&format!("Chỉ tiêu có số liệu: {NONE}."));
    } else {
        doc.table(figures_table(&figures), true);
        // Space between the table and what follows.
        doc.paragraph(decree30::line(
            "",
            Style::regular(size::LIST),
            AlignmentType::Left,
        ));
    }
}

/// The key figures' columns: STT, Chỉ tiêu, Chỉ tiêu/Mục tiêu, Kết quả, Đánh giá.
const FIGURE_COLUMNS: [i32; 5] = [
    mm(12),
    TEXT_WIDTH - mm(12) - mm(30) - mm(34) - mm(24),
    mm(30),
    mm(34),
    mm(24),
];

fn figure_cell(width: i32, text: &str, style: Style, align: AlignmentType) -> TableCell {
    decree30::cell(width, vec![decree30::line(text, style, align)])
        .vertical_align(VAlignType::Center)
}

fn percent_like(figure: &KeyFigure) -> bool {
    figure.kind == IndicatorKind::Ratio || format::is_percent(figure.unit_of_measure.as_deref())
}

/// What the figure came to.
fn result(figure: &KeyFigure) -> String {
    let Some(value) = figure.value.filter(|_| figure.units_reporting > 0) else {
        return "Chưa có số liệu".to_owned();
    };
    match figure.kind {
        IndicatorKind::Boolean => format!(
            "Có: {}/{} đơn vị",
            format::number(value, 0),
            figure.units_reporting
        ),
        _ => format::quantity(
            value,
            percent_like(figure),
            figure.unit_of_measure.as_deref(),
        ),
    }
}

fn figures_table(figures: &[&KeyFigure]) -> Table {
    let text = size::BLOCK;
    let center = AlignmentType::Center;
    let header = TableRow::new(
        [
            "STT",
            "Chỉ tiêu",
            "Chỉ tiêu/Mục tiêu",
            "Kết quả",
            "Đánh giá",
        ]
        .iter()
        .zip(FIGURE_COLUMNS)
        .map(|(title, width)| figure_cell(width, title, Style::bold(text), center))
        .collect(),
    )
    .cant_split();
    let rows = figures.iter().enumerate().map(|(i, figure)| {
        let target = figure.target.as_ref().map_or_else(
            || "–".to_owned(),
            |target| {
                format::target(
                    target,
                    percent_like(figure),
                    figure.kind == IndicatorKind::Boolean,
                    figure.unit_of_measure.as_deref(),
                )
            },
        );
        let (verdict, style) = match (figure.target.is_some(), figure.target_met) {
            (false, _) => ("–", Style::regular(text)),
            (true, Some(true)) => ("Đạt", Style::regular(text)),
            (true, Some(false)) => ("Không đạt", Style::bold(text)),
            (true, None) => ("Chưa đánh giá", Style::italic(text)),
        };
        let [stt, name, goal, outcome, judged] = FIGURE_COLUMNS;
        TableRow::new(vec![
            figure_cell(stt, &(i + 1).to_string(), Style::regular(text), center),
            figure_cell(
                name,
                &figure.name,
                Style::regular(text),
                AlignmentType::Left,
            ),
            figure_cell(goal, &target, Style::regular(text), center),
            figure_cell(outcome, &result(figure), Style::regular(text), center),
            figure_cell(judged, verdict, style, center),
        ])
        .cant_split()
    });
    Table::new(std::iter::once(header).chain(rows).collect())
        .set_grid(FIGURE_COLUMNS.iter().map(|w| *w as usize).collect())
        .width(TEXT_WIDTH as usize, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .margins(TableCellMargins::new().margin(40, 70, 40, 70))
}

/// `names` joined, or "Không có".
fn listed(names: &[String]) -> String {
    if names.is_empty() {
        NONE.to_owned()
    } else {
        names.join("; ")
    }
}

/// II: who reported, when, and who did not.
pub(super) fn reporting_record(doc: &mut Draft, report: &ConsolidatedReport) {
    doc.heading("II. TÌNH HÌNH THỰC HIỆN CHẾ ĐỘ BÁO CÁO CỦA CÁC ĐƠN VỊ");
    let totals = &report.reporting;
    let names = |keep: &dyn Fn(&super::ReportingUnit) -> bool| -> Vec<String> {
        report
            .units
            .iter()
            .filter(|unit| keep(unit))
            .map(|unit| unit.name.clone())
            .collect()
    };
    let rate = totals
        .reporting_rate
        .map(|rate| format!(" ({})", format::percent(rate)))
        .unwrap_or_default();
    doc.item(&format!("Số đơn vị phải báo cáo: {}.", totals.expected));
    doc.item(&format!(
        "Số đơn vị đã gửi báo cáo: {}/{}{rate}, trong đó đúng hạn: {}, trễ hạn: {}.",
        totals.reported,
        totals.expected,
        totals.early + totals.on_time,
        totals.late
    ));
    let late = names(&|unit| unit.standing == Standing::Late);
    doc.item(&format!("Đơn vị gửi báo cáo trễ hạn: {}.", listed(&late)));
    doc.item(&format!(
        "Số báo cáo được Văn phòng chấp nhận: {}; bị trả lại để hoàn thiện: {}.",
        totals.accepted, totals.returned
    ));
    let returned = names(&|unit| unit.status == Some(SubmissionStatus::Returned));
    doc.item(&format!(
        "Đơn vị có báo cáo bị trả lại: {}.",
        listed(&returned)
    ));
    let not_reported: Vec<String> = report
        .units
        .iter()
        .filter_map(|unit| match unit.standing {
            Standing::Missing => Some(format!("{} (quá hạn)", unit.name)),
            Standing::Pending => Some(format!("{} (chưa đến hạn)", unit.name)),
            _ => None,
        })
        .collect();
    doc.item(&format!(
        "Đơn vị chưa gửi báo cáo: {}.",
        listed(&not_reported)
    ));
}

/// III: a place for the Office's proposals.
pub(super) fn proposals(doc: &mut Draft) {
    doc.heading("III. KIẾN NGHỊ, ĐỀ XUẤT");
    doc.italic("(Văn phòng Sở bổ sung kiến nghị, đề xuất với cơ quan nhận báo cáo, nếu có.)");
    doc.paragraph(decree30::dotted_line());
    doc.paragraph(decree30::dotted_line());
}

/// The closing sentence, the recipients and the signer.
pub(super) fn closing(doc: &mut Draft, report: &ConsolidatedReport) {
    // Kept with the signer's block: a signature never stands alone on the last page.
    doc.paragraph(decree30::spaced(
        decree30::body(&format!(
            "Trên đây là báo cáo {} của {}./.",
            format::lower_first(report.subject.trim()),
            agency(report)
        ))
        .keep_next(true),
        0,
        360,
    ));
    doc.table(
        decree30::signature_block(&recipients(&report.signer), &report.signer),
        false,
    );
}
