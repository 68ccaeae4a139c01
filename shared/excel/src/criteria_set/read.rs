//! Reading a criteria set's workbook: the exported one, or a province's set typed with the
//! same header (found by its labels, with or without diacritics, in the first 30 rows). A
//! criterion's parent is its "Thuộc mục" when the column is there; otherwise the longest STT
//! above that its own starts with (`1.2.3` under `1.2`), and an area written with a Roman
//! numeral (I, II, …) takes its number as code, the criteria under it numbered inside it
//! (`1` under `II` is `2.1`, unless the
//! area's first criterion already carries it: `2.1`). A leaf without a scoring method is self-scored ("Tự chấm").
//! Every cell that cannot be used is named at once; the tree's own rules (sums, leaves,
//! codes) are checked by the use case, which names cells through [`CriteriaRows::cell_of`].

use calamine::{Data, Range};

use super::scale::{parse_scoring, Cell};
use crate::cells::{cell_name, read_number, read_text};
use crate::import::{open_sheet, FormError};
use crate::plan_appendix::fold;
use cchc_domain::error::FieldError;
use cchc_domain::model::criteria::{CriterionInput, Scoring};
use cchc_domain::model::indicator::ContentArea;
use cchc_domain::rules::numerals::parse_roman;
use rust_decimal::Decimal;

/// How far down the header row is looked for.
const HEADER_SEARCH_ROWS: u32 = 30;

/// The cells a criterion was read from, by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowCells {
    pub code: String,
    pub title: String,
    pub max_points: String,
    pub method: String,
    pub scale: String,
    pub content_area: String,
    pub evidence_hint: String,
    pub parent: String,
}

/// The criteria of a workbook, in order, with where each came from.
#[derive(Debug, Clone, Default)]
pub struct CriteriaRows {
    pub criteria: Vec<CriterionInput>,
    pub cells: Vec<RowCells>,
}

impl CriteriaRows {
    /// The cell of a use case's field `criteria[i].…`, if it names one.
    pub fn cell_of(&self, field: &str) -> Option<String> {
        let rest = field.strip_prefix("criteria[")?;
        let (index, rest) = rest.split_once(']')?;
        let cells = self.cells.get(index.parse::<usize>().ok()?)?;
        let name = rest.trim_start_matches('.');
        let cell = match name.split(['.', '[']).next().unwrap_or_default() {
            "code" => &cells.code,
            "title" => &cells.title,
            "max_points" => &cells.max_points,
            "content_area" => &cells.content_area,
            "evidence_hint" => &cells.evidence_hint,
            "parent_code" => &cells.parent,
            "scoring" if name.contains("levels") || name.contains("thresholds") => &cells.scale,
            _ => &cells.method,
        };
        Some(cell.clone())
    }
}

/// The parent of `code` told by its STT: the longest of `earlier` that it starts with,
/// followed by a dot.
pub(super) fn parent_by_code<'a>(earlier: &[&'a str], code: &str) -> Option<&'a str> {
    earlier
        .iter()
        .filter(|c| {
            code.strip_prefix(**c)
                .is_some_and(|rest| rest.starts_with('.') && rest.len() > 1)
        })
        .max_by_key(|c| c.len())
        .copied()
}

#[derive(Debug, Clone, Copy)]
struct Columns {
    number: u32,
    title: u32,
    points: u32,
    method: Option<u32>,
    scale: Option<u32>,
    area: Option<u32>,
    evidence: Option<u32>,
    parent: Option<u32>,
}

fn text(range: &Range<Data>, row: u32, col: Option<u32>) -> Option<String> {
    range.get_value((row, col?)).and_then(read_text)
}

fn name(row: u32, col: u32) -> String {
    cell_name(row, u16::try_from(col).unwrap_or(u16::MAX))
}

fn find_header(range: &Range<Data>) -> Option<(u32, Columns)> {
    let (start_row, _) = range.start()?;
    let (end_row, end_col) = range.end()?;
    for row in start_row..=end_row.min(start_row + HEADER_SEARCH_ROWS) {
        let labels: Vec<(u32, String)> = (0..=end_col)
            .filter_map(|col| Some((col, fold(&text(range, row, Some(col))?))))
            .collect();
        let find =
            |pred: &dyn Fn(&str) -> bool| labels.iter().find(|(_, l)| pred(l)).map(|(col, _)| *col);
        let number = find(&|l| l == "stt" || l == "tt" || l.starts_with("so thu tu"));
        let title = find(&|l| l.contains("tieu chi"));
        let points = find(&|l| l.contains("diem toi da"));
        if let (Some(number), Some(title), Some(points)) = (number, title, points) {
            let columns = Columns {
                number,
                title,
                points,
                method: find(&|l| l.contains("cach cham")),
                scale: find(&|l| l.contains("thang diem") || l.contains("muc diem")),
                area: find(&|l| l.contains("noi dung") || l.contains("linh vuc cai cach")),
                evidence: find(&|l| l.contains("kiem chung")),
                parent: find(&|l| l.contains("thuoc muc")),
            };
            return Some((row, columns));
        }
    }
    None
}

/// The content area written in a cell: its Vietnamese name or its API value.
fn area_named(written: &str) -> Option<ContentArea> {
    let folded = fold(written);
    ContentArea::ALL
        .iter()
        .find(|area| fold(area.label_vi()) == folded || area.as_str() == written.trim())
        .copied()
}

/// Reads the criteria set in `bytes` (the sheet "Bộ tiêu chí", or the first).
pub fn read_criteria_set(bytes: &[u8]) -> Result<CriteriaRows, FormError> {
    let range = open_sheet(bytes, super::SHEET)?;
    let Some((header, columns)) = find_header(&range) else {
        return Err(FormError::Mismatch(vec![FieldError::new(
            "A1",
            "not_a_criteria_set",
            "không tìm thấy hàng tiêu đề của bộ tiêu chí: cần các cột \"STT\", \
             \"Lĩnh vực, tiêu chí, tiêu chí thành phần\" và \"Điểm tối đa\"",
        )]));
    };
    read_rows(&range, header, columns)
}

/// One row as read, before the tree is known.
struct Read {
    input: CriterionInput,
    cells: RowCells,
}

fn read_rows(range: &Range<Data>, header: u32, c: Columns) -> Result<CriteriaRows, FormError> {
    let (end_row, _) = range.end().unwrap_or((header, 0));
    let mut errors = Vec::new();
    let mut rows: Vec<Read> = Vec::new();
    // The area a Roman numeral opened, and whether the numbering restarts inside it.
    let mut roman_area: Option<(String, Option<bool>)> = None;
    let others = [c.method, c.scale, c.area, c.evidence, c.parent];
    for row in header + 1..=end_row {
        let number = text(range, row, Some(c.number));
        let title = text(range, row, Some(c.title));
        let (Some(number), Some(title)) = (number.clone(), title.clone()) else {
            let total = number.is_none()
                && title
                    .as_deref()
                    .is_some_and(|t| fold(t).starts_with("tong"));
            let anything = title.is_some()
                || number.is_some()
                || others.iter().any(|col| text(range, row, *col).is_some());
            if anything && !total {
                errors.push(FieldError::new(
                    name(row, if number.is_none() { c.number } else { c.title }),
                    "required",
                    "hàng có nội dung nhưng thiếu STT hoặc tên tiêu chí",
                ));
            }
            continue;
        };
        let written = number.trim().trim_end_matches('.').to_owned();
        let (code, parent_code) = if let Some(col) = c.parent {
            // Codes as written, parents as named.
            (
                written,
                text(range, row, Some(col)).map(|p| p.trim_end_matches('.').to_owned()),
            )
        } else if let Some(numeral) = parse_roman(&written) {
            roman_area = Some((numeral.to_string(), None));
            (numeral.to_string(), None)
        } else {
            let code = match &mut roman_area {
                Some((area, numbered_inside)) => {
                    // The area's first criterion tells whether its numbering restarts
                    // (`1`, `1.1` under II) or already carries the area (`2.1`).
                    let restarts = *numbered_inside
                        .get_or_insert_with(|| !written.starts_with(&format!("{area}.")));
                    if restarts {
                        format!("{area}.{written}")
                    } else {
                        written
                    }
                }
                None => written,
            };
            let earlier: Vec<&str> = rows.iter().map(|r| r.input.code.as_str()).collect();
            let parent = parent_by_code(&earlier, &code).map(str::to_owned);
            (code, parent)
        };
        let points_cell = range.get_value((row, c.points)).unwrap_or(&Data::Empty);
        let max_points = match read_number(points_cell) {
            Ok(Some(points)) => points,
            Ok(None) => {
                errors.push(FieldError::new(
                    name(row, c.points),
                    "required",
                    "cần ghi điểm tối đa",
                ));
                Decimal::ZERO
            }
            Err(problem) => {
                errors.push(FieldError::new(
                    name(row, c.points),
                    problem.code,
                    problem.message,
                ));
                Decimal::ZERO
            }
        };
        let scoring = match text(range, row, c.method) {
            None => None,
            Some(method) => match parse_scoring(&method, text(range, row, c.scale).as_deref()) {
                Ok(scoring) => Some(scoring),
                Err(problem) => {
                    let col = match problem.cell {
                        Cell::Method => c.method,
                        Cell::Scale => c.scale.or(c.method),
                    };
                    errors.push(FieldError::new(
                        name(row, col.unwrap_or(c.title)),
                        problem.code,
                        problem.message,
                    ));
                    None
                }
            },
        };
        let content_area = match text(range, row, c.area) {
            None => None,
            Some(written) => {
                let area = area_named(&written);
                if area.is_none() {
                    errors.push(FieldError::new(
                        name(row, c.area.unwrap_or(c.title)),
                        "unknown_content_area",
                        format!(
                            "\"{written}\" không phải tên một nội dung cải cách hành chính (ví dụ \"{}\")",
                            ContentArea::AdministrativeProcedureReform.label_vi()
                        ),
                    ));
                }
                area
            }
        };
        let cells = RowCells {
            code: name(row, c.number),
            title: name(row, c.title),
            max_points: name(row, c.points),
            method: name(row, c.method.unwrap_or(c.title)),
            scale: name(row, c.scale.or(c.method).unwrap_or(c.title)),
            content_area: name(row, c.area.unwrap_or(c.title)),
            evidence_hint: name(row, c.evidence.unwrap_or(c.title)),
            parent: name(row, c.parent.unwrap_or(c.number)),
        };
        rows.push(Read {
            input: CriterionInput {
                code,
                parent_code,
                title,
                max_points,
                content_area,
                scoring,
                evidence_hint: text(range, row, c.evidence),
            },
            cells,
        });
    }
    if !errors.is_empty() {
        return Err(FormError::Cells(errors));
    }
    if rows.is_empty() {
        return Err(FormError::Mismatch(vec![FieldError::new(
            name(header + 1, c.title),
            "no_criteria",
            "bộ tiêu chí không có tiêu chí nào dưới hàng tiêu đề",
        )]));
    }
    // A leaf nobody names as its parent is self-scored unless it says otherwise.
    let parents: std::collections::HashSet<String> = rows
        .iter()
        .filter_map(|r| r.input.parent_code.clone())
        .collect();
    for read in &mut rows {
        if read.input.scoring.is_none() && !parents.contains(&read.input.code) {
            read.input.scoring = Some(Scoring::Entered);
        }
    }
    let (criteria, cells) = rows.into_iter().map(|r| (r.input, r.cells)).unzip();
    Ok(CriteriaRows { criteria, cells })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parent_is_the_longest_code_before_that_this_one_extends() {
        let earlier = ["1", "1.1", "1.10", "2"];
        assert_eq!(parent_by_code(&earlier, "1.1.2"), Some("1.1"));
        assert_eq!(parent_by_code(&earlier, "1.10.1"), Some("1.10"));
        assert_eq!(parent_by_code(&earlier, "1.2"), Some("1"));
        assert_eq!(parent_by_code(&earlier, "3"), None);
        assert_eq!(parent_by_code(&earlier, "10.1"), None);
        assert_eq!(parent_by_code(&earlier, "1."), None);
    }

    #[test]
    fn a_use_case_field_names_the_cell_it_came_from() {
        let rows = CriteriaRows {
            criteria: Vec::new(),
            cells: vec![RowCells {
                code: "A6".into(),
                title: "B6".into(),
                max_points: "C6".into(),
                method: "D6".into(),
                scale: "E6".into(),
                content_area: "F6".into(),
                evidence_hint: "G6".into(),
                parent: "A6".into(),
            }],
        };
        assert_eq!(
            rows.cell_of("criteria[0].max_points").as_deref(),
            Some("C6")
        );
        assert_eq!(
            rows.cell_of("criteria[0].scoring.levels[1].points")
                .as_deref(),
            Some("E6")
        );
        assert_eq!(
            rows.cell_of("criteria[0].scoring.indicator_code")
                .as_deref(),
            Some("D6")
        );
        assert_eq!(rows.cell_of("criteria[0].scoring").as_deref(), Some("D6"));
        assert_eq!(rows.cell_of("criteria[1].title"), None);
        assert_eq!(rows.cell_of("code"), None);
    }
}
