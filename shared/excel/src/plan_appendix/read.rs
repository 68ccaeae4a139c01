//! Reading a plan's appendix: the exported workbook, or one an office typed. The header row is
//! found by its labels (any case, with or without diacritics, anywhere in the first 30 rows);
//! a row whose STT is a Roman numeral starts a content area (matched by its name), and the rows
//! after it are its tasks. Every cell that cannot be used is named at once.

use calamine::{Data, Range};

use crate::cells::{cell_name, read_text};
use crate::import::{open_sheet, FormError};
use cchc_domain::error::FieldError;
use cchc_domain::model::indicator::ContentArea;
use cchc_domain::rules::numerals::parse_roman;
use cchc_domain::rules::task_due::TaskDue;

/// How far down the header row is looked for.
const HEADER_SEARCH_ROWS: u32 = 30;

/// Text folded for matching labels and names: lower case, without diacritics (đ → d), single
/// spaces.
pub fn fold(text: &str) -> String {
    deunicode::deunicode(text)
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A task row's STT as written, before it becomes a code.
struct Numbered {
    group: Option<u32>,
    number: String,
}

impl Numbered {
    fn plain(&self) -> bool {
        self.number.chars().all(|ch| ch.is_ascii_digit())
    }
}

/// The codes of `rows`: each STT as written, except that when plain numbers restart in each
/// area (the same number twice), every plain number is prefixed with its area's (`2.1`).
fn codes_of(rows: &[Numbered]) -> Vec<String> {
    let plain: Vec<&str> = rows
        .iter()
        .filter(|r| r.plain())
        .map(|r| r.number.as_str())
        .collect();
    let restarts = plain
        .iter()
        .enumerate()
        .any(|(i, n)| plain[..i].contains(n));
    rows.iter()
        .map(|r| match r.group {
            Some(group) if restarts && r.plain() => format!("{group}.{}", r.number),
            _ => r.number.trim_end_matches('.').to_owned(),
        })
        .collect()
}

/// One task row as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendixRow {
    /// Its code: the STT, prefixed with the area's number when the STT is a plain number
    /// restarting in each area (`2.1`).
    pub code: String,
    pub title: String,
    pub content_area: Option<ContentArea>,
    /// The lead unit as written (a code or a name).
    pub lead_unit: String,
    /// The coordinating units as written, one per entry.
    pub coordinating_units: Vec<String>,
    pub due: TaskDue,
    pub expected_output: Option<String>,
    /// Where each field came from (for errors the use case finds later).
    pub code_cell: String,
    pub lead_cell: String,
    pub coordinating_cell: String,
}

/// The task rows of an appendix, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppendixRows {
    pub rows: Vec<AppendixRow>,
}

#[derive(Debug, Clone, Copy)]
struct Columns {
    number: u32,
    title: u32,
    lead: u32,
    coordinating: Option<u32>,
    due: u32,
    output: Option<u32>,
}

fn text(range: &Range<Data>, row: u32, col: u32) -> Option<String> {
    range.get_value((row, col)).and_then(read_text)
}

fn name(row: u32, col: u32) -> String {
    cell_name(row, u16::try_from(col).unwrap_or(u16::MAX))
}

/// The header row and its columns, if a row of the first ones has the appendix's labels.
fn find_header(range: &Range<Data>) -> Option<(u32, Columns)> {
    let (start_row, _) = range.start()?;
    let (end_row, end_col) = range.end()?;
    for row in start_row..=end_row.min(start_row + HEADER_SEARCH_ROWS) {
        let labels: Vec<(u32, String)> = (0..=end_col)
            .filter_map(|col| Some((col, fold(&text(range, row, col)?))))
            .collect();
        let find =
            |pred: &dyn Fn(&str) -> bool| labels.iter().find(|(_, l)| pred(l)).map(|(col, _)| *col);
        let number = find(&|l| l == "stt" || l.starts_with("so thu tu") || l == "tt");
        let title = find(&|l| l.contains("noi dung") || l.contains("nhiem vu"));
        let lead = find(&|l| l.contains("chu tri"));
        let due = find(&|l| l.contains("thoi gian") || l.contains("thoi han"));
        if let (Some(number), Some(title), Some(lead), Some(due)) = (number, title, lead, due) {
            let columns = Columns {
                number,
                title,
                lead,
                coordinating: find(&|l| l.contains("phoi hop")),
                due,
                output: find(&|l| l.contains("san pham")),
            };
            return Some((row, columns));
        }
    }
    None
}

/// The content area a group row names: its Vietnamese name, folded, found in the title.
fn area_named(title: &str) -> Option<ContentArea> {
    let folded = fold(title);
    ContentArea::ALL
        .iter()
        .find(|area| folded.contains(&fold(area.label_vi())))
        .copied()
}

/// Splits a cell of coordinating units: `,`, `;` and new lines separate them.
fn split_units(text: &str) -> Vec<String> {
    text.split([',', ';', '\n'])
        .map(|part| part.trim().trim_start_matches('-').trim().to_owned())
        .filter(|part| !part.is_empty())
        .collect()
}

/// Sorts cell names by row, then column (`C5` before `B6`, `B10` after `E9`).
fn cell_order(cell: &str) -> (u32, usize, String) {
    let letters: String = cell
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let row = cell[letters.len()..].parse().unwrap_or(u32::MAX);
    (row, letters.len(), letters)
}

/// Whether `code` is a task code the service takes.
fn valid_code(code: &str) -> bool {
    let mut chars = code.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && code.len() <= 40
        && chars.all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
}

/// Reads the appendix in `bytes` (its first sheet, or the one named "Phụ lục").
pub fn read_appendix(bytes: &[u8]) -> Result<AppendixRows, FormError> {
    let range = open_sheet(bytes, super::SHEET)?;
    let Some((header, columns)) = find_header(&range) else {
        return Err(FormError::Mismatch(vec![FieldError::new(
            "A1",
            "not_an_appendix",
            "không tìm thấy hàng tiêu đề của phụ lục: cần các cột \"STT\", \"Nội dung nhiệm vụ\", \
             \"Đơn vị chủ trì\" và \"Thời gian hoàn thành\"",
        )]));
    };
    read_rows(&range, header, columns)
}

fn read_rows(range: &Range<Data>, header: u32, c: Columns) -> Result<AppendixRows, FormError> {
    let (end_row, _) = range.end().unwrap_or((header, 0));
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    let mut area: Option<ContentArea> = None;
    let mut group: Option<u32> = None;
    let mut numbered: Vec<Numbered> = Vec::new();
    // The rows kept, by their index in `numbered`.
    let mut kept: Vec<usize> = Vec::new();
    for row in header + 1..=end_row {
        let number = text(range, row, c.number);
        let title = text(range, row, c.title);
        if let Some(numeral) = number.as_deref().and_then(parse_roman) {
            // A group row: "II | Cải cách thủ tục hành chính".
            group = Some(numeral);
            let heading = title.unwrap_or_default();
            area = area_named(&heading);
            if area.is_none() && fold(&heading) != fold(super::OTHER_TASKS) {
                errors.push(FieldError::new(
                    name(row, c.title),
                    "unknown_content_area",
                    format!(
                        "\"{heading}\" không phải tên một nội dung cải cách hành chính (ví dụ \"{}\")",
                        ContentArea::AdministrativeProcedureReform.label_vi()
                    ),
                ));
            }
            continue;
        }
        let (Some(number), Some(title)) = (number, title) else {
            let anything = [Some(c.lead), c.coordinating, Some(c.due), c.output]
                .into_iter()
                .flatten()
                .any(|col| text(range, row, col).is_some());
            if anything {
                errors.push(FieldError::new(
                    name(row, c.title),
                    "required",
                    "hàng có số liệu nhưng thiếu STT hoặc nội dung nhiệm vụ",
                ));
            }
            continue;
        };
        numbered.push(Numbered { group, number });
        let lead = text(range, row, c.lead);
        if lead.is_none() {
            errors.push(FieldError::new(
                name(row, c.lead),
                "required",
                "cần ghi đơn vị chủ trì",
            ));
        }
        let due = match text(range, row, c.due) {
            None => {
                errors.push(FieldError::new(
                    name(row, c.due),
                    "required",
                    "cần ghi thời gian hoàn thành (ví dụ \"Tháng 5/2022\", \"Quý II/2022\", \"Thường xuyên\")",
                ));
                None
            }
            // The exported appendix adds "(gia hạn đến …)" on its own line: the due is the first.
            Some(written) => {
                let first = written.lines().next().unwrap_or_default().to_owned();
                match TaskDue::parse_vietnamese(&first) {
                    Ok(due) => Some(due),
                    Err(problem) => {
                        errors.push(FieldError::new(
                            name(row, c.due),
                            "invalid_due",
                            format!("không đọc được thời gian hoàn thành \"{first}\": {problem}"),
                        ));
                        None
                    }
                }
            }
        };
        let (Some(lead), Some(due)) = (lead, due) else {
            continue;
        };
        kept.push(numbered.len() - 1);
        rows.push(AppendixRow {
            code: String::new(),
            title,
            content_area: area,
            lead_unit: lead,
            coordinating_units: c
                .coordinating
                .and_then(|col| text(range, row, col))
                .map(|t| split_units(&t))
                .unwrap_or_default(),
            due,
            expected_output: c.output.and_then(|col| text(range, row, col)),
            code_cell: name(row, c.number),
            lead_cell: name(row, c.lead),
            coordinating_cell: name(row, c.coordinating.unwrap_or(c.lead)),
        });
    }
    let codes = codes_of(&numbered);
    let mut seen: Vec<&str> = Vec::new();
    for (row, index) in rows.iter_mut().zip(kept) {
        let code = &codes[index];
        if !valid_code(code) {
            errors.push(FieldError::new(
                row.code_cell.clone(),
                "invalid_code",
                "STT chỉ gồm chữ, số và các dấu . _ - (tối đa 40 ký tự)",
            ));
        } else if seen.contains(&code.as_str()) {
            errors.push(FieldError::new(
                row.code_cell.clone(),
                "duplicate_code",
                format!("nhiệm vụ số {code} đã có ở hàng trên"),
            ));
        }
        seen.push(code);
        row.code = code.clone();
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| cell_order(&e.field));
        return Err(FormError::Cells(errors));
    }
    if rows.is_empty() {
        return Err(FormError::Mismatch(vec![FieldError::new(
            name(header + 1, c.title),
            "no_tasks",
            "phụ lục không có nhiệm vụ nào dưới hàng tiêu đề",
        )]));
    }
    Ok(AppendixRows { rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(rows: &[(Option<u32>, &str)]) -> Vec<Numbered> {
        rows.iter()
            .map(|(group, number)| Numbered {
                group: *group,
                number: (*number).to_owned(),
            })
            .collect()
    }

    #[test]
    fn numbers_restarting_in_each_area_take_the_areas_number_and_unique_ones_stay() {
        let restarting = numbered(&[(Some(1), "1"), (Some(1), "2"), (Some(2), "1")]);
        assert_eq!(codes_of(&restarting), ["1.1", "1.2", "2.1"]);
        // The exported appendix writes codes, unique across the plan: kept as they are.
        let exported = numbered(&[(Some(1), "1.1"), (Some(2), "2.1"), (Some(3), "9")]);
        assert_eq!(codes_of(&exported), ["1.1", "2.1", "9"]);
        let global = numbered(&[(Some(1), "1"), (Some(2), "2."), (None, "3")]);
        assert_eq!(codes_of(&global), ["1", "2", "3"]);
    }

    #[test]
    fn labels_and_names_match_without_case_or_diacritics() {
        assert_eq!(fold("  Đơn vị   CHỦ TRÌ "), "don vi chu tri");
        assert_eq!(
            fold("Phòng Kế hoạch - Tài chính"),
            fold("phong ke hoach - tai chinh")
        );
        assert_eq!(
            area_named("II. CẢI CÁCH THỦ TỤC HÀNH CHÍNH"),
            Some(ContentArea::AdministrativeProcedureReform)
        );
        assert_eq!(area_named("Nội dung khác"), None);
        assert_eq!(
            split_units("Phòng QLTM; - KHTC,\nVăn phòng Sở"),
            ["Phòng QLTM", "KHTC", "Văn phòng Sở"]
        );
    }

    #[test]
    fn errors_are_listed_by_row_then_column() {
        let mut cells = vec!["B10", "E9", "C5", "AA5", "B6"];
        cells.sort_by_key(|c| cell_order(c));
        assert_eq!(cells, ["C5", "AA5", "B6", "E9", "B10"]);
    }
}
