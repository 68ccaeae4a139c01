//! The list of units proposed for commendation after a round of an emulation campaign (danh
//! sách đề nghị khen thưởng), as offices attach it to their proposal: the campaign and round
//! in the title, one row per unit with its rank, points and what earned them, a blank column
//! for the form of commendation the Office proposes, and the signature block. A4 landscape,
//! Times New Roman, the header repeated on every printed page.

use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, FormatAlign};

use super::internal;
use crate::cells::number_vi;
use crate::print;
use cchc_domain::model::campaign::{Campaign, CriterionKind, Leaderboard, LeaderboardRow};
use cchc_domain::Result;

pub const SHEET: &str = "Đề nghị khen thưởng";

pub const HEADERS: [&str; 6] = [
    "STT",
    "Tên đơn vị",
    "Tổng điểm",
    "Xếp hạng",
    "Thành tích (điểm từng tiêu chí)",
    "Hình thức khen thưởng đề nghị",
];

/// Zero-based row of the header.
pub const HEADER_ROW: u32 = 4;

const WIDTHS: [f64; 6] = [5.0, 26.0, 9.0, 8.0, 54.0, 21.0];

/// What the list covers: a round or the whole campaign, and the cut.
pub struct CommendationScope<'a> {
    pub campaign: &'a Campaign,
    pub board: &'a Leaderboard,
    /// Units ranked at most this (ties at the cut included).
    pub top: i32,
    /// The agency that signs (e.g. "Sở Công Thương").
    pub agency: &'a str,
}

/// "TC1. Nộp báo cáo đúng hạn: 60/60 (4/4)" per criterion, one a line; a penalty's taken off;
/// a bonus or penalty nobody entered left out.
fn achievements(campaign: &Campaign, row: &LeaderboardRow) -> String {
    row.criteria
        .iter()
        // A bonus or penalty nobody entered says nothing.
        .filter(|score| score.kind == CriterionKind::Scored || score.note.is_some())
        .map(|score| {
            let title = campaign
                .criteria
                .iter()
                .find(|c| c.code == score.code)
                .map(|c| c.title.as_str())
                .unwrap_or_default();
            let counted = match (score.counted, score.out_of) {
                (Some(_), Some(0)) => " (không phát sinh)".to_owned(),
                (Some(counted), Some(out_of)) => format!(" ({counted}/{out_of})"),
                _ => String::new(),
            };
            let note = score
                .note
                .as_deref()
                .map(|n| format!(" – {n}"))
                .unwrap_or_default();
            let points = match score.kind {
                CriterionKind::Penalty => format!("trừ {}", number_vi(score.points.abs())),
                CriterionKind::Bonus => format!("cộng {}", number_vi(score.points)),
                CriterionKind::Scored => {
                    format!(
                        "{}/{}",
                        number_vi(score.points),
                        number_vi(score.max_points)
                    )
                }
            };
            format!("{}. {title}: {points}{counted}{note}", score.code)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn what(scope: &CommendationScope<'_>) -> String {
    let campaign = scope.campaign;
    match scope
        .board
        .round
        .and_then(|n| campaign.rounds.iter().find(|r| r.number == n))
    {
        Some(round) => format!(
            "Đợt {} (từ ngày {} đến ngày {})",
            round.number,
            round.starts_on.format("%d/%m/%Y"),
            round.ends_on.format("%d/%m/%Y")
        ),
        None => format!("Cả năm {} (bình quân các đợt)", campaign.year),
    }
}

/// The list of the units ranked within `scope.top`.
pub fn build_commendations(scope: &CommendationScope<'_>) -> Result<Vec<u8>> {
    let base = print::title_base();
    let cell = print::cell_base();
    let title = base.clone().set_bold().set_align(FormatAlign::Center);
    let subtitle = base.clone().set_italic().set_align(FormatAlign::Center);
    let header = cell
        .clone()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let centered = cell.clone().set_align(FormatAlign::Center);
    let points: Format = cell
        .clone()
        .set_num_format("0.##")
        .set_align(FormatAlign::Center);
    let signature = base.clone().set_bold().set_align(FormatAlign::Center);

    let mut workbook = crate::print::new_workbook()?;
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET).map_err(internal)?;
    let titles = [
        ("DANH SÁCH ĐƠN VỊ ĐỀ NGHỊ KHEN THƯỞNG".to_owned(), &title),
        (scope.campaign.title.clone(), &title),
        (what(scope), &subtitle),
    ];
    for (row, (text, format)) in titles.iter().enumerate() {
        let row = u32::try_from(row).unwrap_or(u32::MAX);
        sheet
            .merge_range(row, 0, row, 5, text, format)
            .map_err(internal)?;
    }
    sheet
        .set_row_height(1, print::row_height(&[&scope.campaign.title], &[150.0]))
        .map_err(internal)?;
    for (col, (label, width)) in HEADERS.iter().zip(WIDTHS).enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        sheet
            .write_string_with_format(HEADER_ROW, col, *label, &header)
            .map_err(internal)?;
        sheet.set_column_width(col, width).map_err(internal)?;
    }
    sheet.set_row_height(HEADER_ROW, 36).map_err(internal)?;
    let mut row = HEADER_ROW;
    let chosen = scope.board.rows.iter().filter(|r| r.rank <= scope.top);
    for (number, line) in (1..).zip(chosen) {
        row += 1;
        let achieved = achievements(scope.campaign, line);
        let cells = [
            number.to_string(),
            line.unit_name.clone(),
            String::new(),
            line.rank.to_string(),
            achieved.clone(),
            String::new(),
        ];
        sheet
            .set_row_height(row, print::row_height(&cells, &WIDTHS))
            .map_err(internal)?;
        sheet
            .write_number_with_format(row, 0, f64::from(number), &centered)
            .map_err(internal)?;
        sheet
            .write_string_with_format(row, 1, &line.unit_name, &cell)
            .map_err(internal)?;
        sheet
            .write_number_with_format(row, 2, line.points.to_f64().unwrap_or_default(), &points)
            .map_err(internal)?;
        sheet
            .write_number_with_format(row, 3, f64::from(line.rank), &centered)
            .map_err(internal)?;
        sheet
            .write_string_with_format(row, 4, &achieved, &cell)
            .map_err(internal)?;
        sheet.write_blank(row, 5, &cell).map_err(internal)?;
    }
    row += 2;
    sheet
        .merge_range(
            row,
            0,
            row,
            3,
            &format!("Thang điểm: {} điểm", number_vi(scope.board.scale)),
            &base,
        )
        .map_err(internal)?;
    sheet
        .merge_range(row, 4, row, 5, "THỦ TRƯỞNG CƠ QUAN", &signature)
        .map_err(internal)?;
    sheet
        .merge_range(row + 1, 4, row + 1, 5, scope.agency, &subtitle)
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

/// The cut a list takes when none is asked for.
pub const DEFAULT_TOP: i32 = 3;
