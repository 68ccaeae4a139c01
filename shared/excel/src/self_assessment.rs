//! The self-assessment as provinces ask for it (biểu tự đánh giá, chấm điểm Chỉ số CCHC): every
//! criterion of the set with STT, tiêu chí, điểm tối đa, điểm tự đánh giá, tài liệu kiểm chứng
//! and giải trình; areas and criteria with sub-criteria carry the sums; the total last. A4
//! landscape in Times New Roman, the header repeated on every printed page.

use std::collections::HashMap;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, FormatAlign};

use super::internal;
use crate::cells::number_vi;
use crate::print;
use cchc_domain::model::assessment::{
    Assessment, AssessmentEvidence, AssessmentItem, ComputedScore,
};
use cchc_domain::model::criteria::CriteriaSet;
use cchc_domain::rules::par_index::roll_up;
use cchc_domain::Result;

pub const SHEET: &str = "Tự đánh giá";

pub const HEADERS: [&str; 6] = [
    "STT",
    "Lĩnh vực, tiêu chí, tiêu chí thành phần",
    "Điểm tối đa",
    "Điểm tự đánh giá",
    "Tài liệu kiểm chứng",
    "Giải trình",
];

/// Zero-based row of the header.
pub const HEADER_ROW: u32 = 3;

const WIDTHS: [f64; 6] = [6.0, 38.5, 9.0, 9.5, 35.0, 26.0];

struct Styles {
    title: Format,
    subtitle: Format,
    header: Format,
    text: Format,
    bold_text: Format,
    points: Format,
    bold_points: Format,
    centered: Format,
    bold_centered: Format,
    signature: Format,
}

impl Styles {
    fn new() -> Self {
        let base = print::title_base();
        let cell = print::cell_base();
        // Points with up to two decimals; Excel shows the reader's decimal separator (a comma
        // in Vietnamese settings).
        let points = cell
            .clone()
            .set_num_format("0.##")
            .set_align(FormatAlign::Center);
        Self {
            title: base.clone().set_bold().set_align(FormatAlign::Center),
            subtitle: base.clone().set_italic().set_align(FormatAlign::Center),
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
            signature: base.set_bold().set_align(FormatAlign::Center),
        }
    }
}

/// "Kế hoạch số 383/KH-SCT ngày 15/01/2026 của Sở Công Thương, Mục I, tr. 1"; a file of the
/// round as "Tệp Biên bản kiểm tra.pdf, tr. 2".
fn citation(evidence: &AssessmentEvidence) -> String {
    let mut text = match (&evidence.document, &evidence.file) {
        (Some(document), _) => format!(
            "{} số {} ngày {} của {}",
            document.subject,
            document.number,
            document.issued_on.format("%d/%m/%Y"),
            document.issuing_agency
        ),
        (None, Some(file)) => format!("Tệp {}", file.filename),
        (None, None) => String::new(),
    };
    if let Some(section) = &evidence.section {
        text.push_str(&format!(", {section}"));
    }
    if let Some(page) = evidence.page {
        text.push_str(&format!(", tr. {page}"));
    }
    text
}

/// What a computed criterion's points rest on, as the appraisal council reads it:
/// "Số liệu tổng hợp chỉ tiêu TTHC-TRUCTUYEN kỳ 2026-Q4: 62,5", "Kế hoạch KH-2026: 12/15
/// nhiệm vụ hoàn thành đúng hạn (80%)", "Năm 2026: 40/44 báo cáo gửi đúng hạn (90,91%)".
fn basis(computed: &ComputedScore) -> String {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    // "12/15 … (80%)"
    let share = match (computed.counted, computed.out_of, computed.value) {
        (Some(counted), Some(out_of), Some(value)) => {
            Some((format!("{counted}/{out_of}"), number_vi(value)))
        }
        _ => None,
    };
    let year = computed.year.unwrap_or_default();
    match (computed.method.as_str(), share) {
        ("plan_on_time", Some((ratio, percent))) => format!(
            "Kế hoạch {}: {ratio} nhiệm vụ hoàn thành đúng hạn ({percent}%)",
            text(&computed.plan_code)
        ),
        ("plan_on_time", None) => format!(
            "Kế hoạch {} chưa có nhiệm vụ nào có thời hạn",
            text(&computed.plan_code)
        ),
        ("report_timeliness", Some((ratio, percent))) => {
            format!("Năm {year}: {ratio} báo cáo gửi đúng hạn ({percent}%)")
        }
        ("report_timeliness", None) => format!("Năm {year} chưa có báo cáo nào đến hạn"),
        _ => match computed.value {
            Some(value) => format!(
                "Số liệu tổng hợp chỉ tiêu {} kỳ {}: {}",
                text(&computed.indicator_code),
                text(&computed.period_code),
                number_vi(value)
            ),
            None => format!(
                "Chưa có số liệu chỉ tiêu {} kỳ {}",
                text(&computed.indicator_code),
                text(&computed.period_code)
            ),
        },
    }
}

fn number(value: Decimal) -> f64 {
    value.to_f64().unwrap_or_default()
}

/// The self-assessment of `round` against `set`, signed for `agency`.
pub fn build_self_assessment(
    set: &CriteriaSet,
    round: &Assessment,
    agency: &str,
) -> Result<Vec<u8>> {
    let styles = Styles::new();
    let mut workbook = crate::print::new_workbook()?;
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET).map_err(internal)?;
    let titles = [
        (
            format!(
                "BIỂU TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {}",
                round.year
            ),
            &styles.title,
        ),
        (format!("(Theo {})", set.title), &styles.subtitle),
    ];
    for (row, (text, format)) in titles.iter().enumerate() {
        let row = u32::try_from(row).unwrap_or(u32::MAX);
        sheet
            .merge_range(row, 0, row, 5, text, format)
            .map_err(internal)?;
    }
    for (col, (header, width)) in HEADERS.iter().zip(WIDTHS).enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        sheet
            .write_string_with_format(HEADER_ROW, col, *header, &styles.header)
            .map_err(internal)?;
        sheet.set_column_width(col, width).map_err(internal)?;
    }
    sheet.set_row_height(HEADER_ROW, 36).map_err(internal)?;

    let items: HashMap<i64, &AssessmentItem> =
        round.items.iter().map(|i| (i.criterion_id, i)).collect();
    let position: HashMap<&str, usize> = set
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| (c.code.as_str(), i))
        .collect();
    let parents: Vec<Option<usize>> = set
        .criteria
        .iter()
        .map(|c| {
            c.parent_code
                .as_deref()
                .and_then(|p| position.get(p).copied())
        })
        .collect();
    let own: Vec<Option<Decimal>> = set
        .criteria
        .iter()
        .map(|c| {
            let item = items.get(&c.id)?;
            match &item.computed {
                Some(computed) => computed.value.map(|_| computed.points),
                None => item.self_points,
            }
        })
        .collect();
    let points = roll_up(&parents, &own);

    let mut row = HEADER_ROW;
    for (i, criterion) in set.criteria.iter().enumerate() {
        row += 1;
        let inner = criterion.scoring.is_none();
        let item = items.get(&criterion.id);
        let evidence = item
            .map(|item| {
                let mut cited: Vec<String> = item.evidence.iter().map(citation).collect();
                if let Some(computed) = &item.computed {
                    cited.push(basis(computed));
                }
                cited.join(";\n")
            })
            .unwrap_or_default();
        let explanation = item.and_then(|i| i.explanation.clone()).unwrap_or_default();
        let cells = [
            criterion.code.as_str(),
            criterion.title.as_str(),
            "",
            "",
            evidence.as_str(),
            explanation.as_str(),
        ];
        let height = print::row_height(&cells, &WIDTHS);
        sheet.set_row_height(row, height).map_err(internal)?;
        let (text, centered, pts) = if inner {
            (
                &styles.bold_text,
                &styles.bold_centered,
                &styles.bold_points,
            )
        } else {
            (&styles.text, &styles.centered, &styles.points)
        };
        sheet
            .write_string_with_format(row, 0, &criterion.code, centered)
            .map_err(internal)?;
        sheet
            .write_string_with_format(row, 1, &criterion.title, text)
            .map_err(internal)?;
        sheet
            .write_number_with_format(row, 2, number(criterion.max_points), pts)
            .map_err(internal)?;
        match points[i] {
            Some(value) => sheet.write_number_with_format(row, 3, number(value), pts),
            None => sheet.write_blank(row, 3, pts),
        }
        .map_err(internal)?;
        sheet
            .write_string_with_format(row, 4, &evidence, &styles.text)
            .map_err(internal)?;
        sheet
            .write_string_with_format(row, 5, &explanation, &styles.text)
            .map_err(internal)?;
    }
    row += 1;
    let total: Decimal = (0..set.criteria.len())
        .filter(|&i| parents[i].is_none())
        .filter_map(|i| points[i])
        .sum();
    sheet
        .write_blank(row, 0, &styles.bold_centered)
        .map_err(internal)?;
    sheet
        .write_string_with_format(row, 1, "TỔNG ĐIỂM", &styles.bold_text)
        .map_err(internal)?;
    sheet
        .write_number_with_format(row, 2, number(set.total_points), &styles.bold_points)
        .map_err(internal)?;
    sheet
        .write_number_with_format(row, 3, number(total), &styles.bold_points)
        .map_err(internal)?;
    sheet.write_blank(row, 4, &styles.text).map_err(internal)?;
    sheet.write_blank(row, 5, &styles.text).map_err(internal)?;

    // The head of the agency signs (Decree 30: title in capitals, then the name).
    row += 2;
    sheet
        .merge_range(row, 4, row, 5, "THỦ TRƯỞNG CƠ QUAN", &styles.signature)
        .map_err(internal)?;
    sheet
        .merge_range(row + 1, 4, row + 1, 5, agency, &styles.subtitle)
        .map_err(internal)?;

    sheet
        .set_freeze_panes(HEADER_ROW + 1, 0)
        .map_err(internal)?;
    sheet
        .set_repeat_rows(HEADER_ROW, HEADER_ROW)
        .map_err(internal)?;
    print::a4_landscape(sheet);
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
