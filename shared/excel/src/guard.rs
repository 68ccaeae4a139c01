//! Bounds on every Office package (a ZIP: `.xlsx`, `.docx`) the service opens from outside.
//!
//! A workbook is a ZIP of XML, and both layers can be made to cost far more than the bytes
//! sent: a deflate stream inflates up to about a thousand times its size, and a sheet holding
//! only `A1` and `XFD1048576` makes a dense reader allocate one slot per cell of the
//! 17-billion-cell box between them. So before anything is parsed, every entry of the archive
//! is inflated into nothing, counting the bytes actually produced (the sizes the headers
//! declare are not trusted), and a sheet is streamed cell by cell, each position checked,
//! before a grid is built. Calamine loads the shared strings when it opens a workbook, which
//! is why the inflate check runs first.
//!
//! [`open_bounded`] is the one way to read a workbook; [`Package`] is the one way to look
//! inside a package (the attachment check uses it). Both are synchronous and may take up to
//! [`Limits::time_limit`]: call them off the async worker threads (`spawn_blocking`).

use std::io::{Cursor, Read, Seek, SeekFrom};
use std::time::{Duration, Instant};

use calamine::{Cell, Data, DataRef, Range, Reader, Xlsx, XlsxError};

/// Entries a package may hold. Our statistics form has about a dozen; a long Word report
/// with its pictures a few hundred.
pub const MAX_ENTRIES: usize = 2_000;
/// What all entries of a workbook may inflate to together. A filled form at [`MAX_ROWS`] is a
/// few megabytes of XML; the upload itself is at most a megabyte.
pub const MAX_INFLATED_BYTES: u64 = 32 * 1024 * 1024;
/// How many times its compressed size one entry may inflate to. Office XML compresses 5–20
/// times and rarely past 50; a deflate bomb reaches about a thousand.
pub const MAX_COMPRESSION_RATIO: u64 = 100;
/// Entries up to this size are not judged by their ratio: small, very regular parts (a run
/// of identical empty cells) compress far better than whole documents do.
pub const RATIO_GRACE_BYTES: u64 = 1024 * 1024;
/// Rows a sheet may use: the form's header rows and one row per indicator; a department
/// tracks tens to a few hundred indicators, so this leaves room for any plan or criteria list.
pub const MAX_ROWS: u32 = 5_000;
/// Columns a sheet may use: the form has 13 (A–M); room for notes a person adds beside it.
pub const MAX_COLUMNS: u32 = 64;
/// How long opening and reading one workbook may take. Within the bounds above it takes well
/// under a second; this only stops a file that is slow in a way the bounds do not foresee.
pub const TIME_LIMIT: Duration = Duration::from_secs(10);

/// How much reading one package may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_entries: usize,
    pub max_inflated_bytes: u64,
    pub max_compression_ratio: u64,
    pub ratio_grace_bytes: u64,
    pub max_rows: u32,
    pub max_columns: u32,
    pub time_limit: Duration,
}

impl Limits {
    /// For workbooks people fill in: the statistics form, plans, criteria lists.
    pub const WORKBOOK: Self = Self {
        max_entries: MAX_ENTRIES,
        max_inflated_bytes: MAX_INFLATED_BYTES,
        max_compression_ratio: MAX_COMPRESSION_RATIO,
        ratio_grace_bytes: RATIO_GRACE_BYTES,
        max_rows: MAX_ROWS,
        max_columns: MAX_COLUMNS,
        time_limit: TIME_LIMIT,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::WORKBOOK
    }
}

/// Why a package or workbook was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkbookRefusal {
    /// Not a ZIP, damaged, encrypted, or not a workbook calamine can read.
    Unreadable,
    TooManyEntries {
        limit: usize,
    },
    /// The entries together (or the one part asked for) inflate past `limit` bytes.
    Inflates {
        limit: u64,
    },
    /// One entry inflates to more than `limit` times its compressed size.
    Ratio {
        part: String,
        limit: u64,
    },
    /// The sheet's `<dimension ref>` declares more than the limits.
    DeclaredDimension {
        sheet: String,
        dimension: String,
        max_rows: u32,
        max_columns: u32,
    },
    /// A cell lies beyond the limits, whatever the sheet declares.
    CellOutOfBounds {
        sheet: String,
        cell: String,
        max_rows: u32,
        max_columns: u32,
    },
    /// More cell records than the limits' grid holds (the same cell written again and again).
    TooManyCells {
        sheet: String,
        limit: u64,
    },
    TimedOut {
        limit: Duration,
    },
    /// A spreadsheet, but not saved as `.xlsx`: `ods` (LibreOffice's own format, its default)
    /// or `xls` (Excel 97–2003).
    NotXlsx {
        extension: &'static str,
    },
}

impl WorkbookRefusal {
    /// Stable code for the problem document.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unreadable => "invalid_workbook",
            Self::TooManyEntries { .. } | Self::Inflates { .. } | Self::Ratio { .. } => {
                "workbook_too_large"
            }
            Self::DeclaredDimension { .. }
            | Self::CellOutOfBounds { .. }
            | Self::TooManyCells { .. } => "sheet_too_large",
            Self::TimedOut { .. } => "workbook_timeout",
            Self::NotXlsx { .. } => "not_xlsx",
        }
    }

    /// Whether the refusal is about the package's size (413) rather than its content (422).
    pub fn is_too_large(&self) -> bool {
        self.code() == "workbook_too_large"
    }

    /// The cell at fault, when there is one.
    pub fn cell(&self) -> Option<&str> {
        match self {
            Self::CellOutOfBounds { cell, .. } => Some(cell),
            _ => None,
        }
    }

    /// What staff read, in Vietnamese.
    pub fn message(&self) -> String {
        let box_of = |rows: u32, columns: u32| format!("{rows} dòng × {columns} cột");
        match self {
            Self::Unreadable => {
                "không đọc được tệp: tệp không phải bảng tính Excel (.xlsx) hoặc đã bị hỏng".into()
            }
            Self::TooManyEntries { limit } => {
                format!("tệp gồm hơn {limit} phần nén, quá nhiều đối với một bảng tính")
            }
            Self::Inflates { limit } => format!(
                "tệp giải nén ra hơn {} MB, vượt quá giới hạn của một bảng tính",
                limit / (1024 * 1024)
            ),
            Self::Ratio { part, limit } => format!(
                "phần \"{part}\" của tệp giải nén ra gấp hơn {limit} lần kích thước nén; tệp \
                 bất thường nên không được đọc"
            ),
            Self::DeclaredDimension {
                sheet,
                dimension,
                max_rows,
                max_columns,
            } => format!(
                "trang \"{sheet}\" khai báo vùng dữ liệu {dimension}, vượt quá giới hạn {} của \
                 bảng tính",
                box_of(*max_rows, *max_columns)
            ),
            Self::CellOutOfBounds {
                sheet,
                cell,
                max_rows,
                max_columns,
            } => format!(
                "trang \"{sheet}\" có ô {cell} nằm ngoài giới hạn {} của bảng tính",
                box_of(*max_rows, *max_columns)
            ),
            Self::TooManyCells { sheet, limit } => {
                format!("trang \"{sheet}\" có hơn {limit} ô, vượt quá giới hạn của bảng tính")
            }
            Self::TimedOut { limit } => format!(
                "đọc tệp mất hơn {} giây; tệp quá phức tạp đối với một bảng tính",
                limit.as_secs()
            ),
            Self::NotXlsx { extension } => format!(
                "tệp được lưu ở định dạng .{extension}, hệ thống chỉ đọc tệp Excel .xlsx; hãy mở \
                 tệp, chọn Lưu thành (Save As), chọn kiểu \"Excel 2007-365 (.xlsx)\" rồi gửi lại"
            ),
        }
    }
}

/// `A1` name of a zero-based position, for any column calamine may report.
fn a1(row: u32, column: u32) -> String {
    let mut letters = Vec::new();
    let mut n = u64::from(column) + 1;
    while n > 0 {
        let digit = u8::try_from((n - 1) % 26).unwrap_or(0);
        letters.push(char::from(b'A' + digit));
        n = (n - 1) / 26;
    }
    let column: String = letters.into_iter().rev().collect();
    format!("{column}{}", u64::from(row) + 1)
}

/// A ZIP package opened within [`Limits`]: entries counted, parts read with a hard cap on the
/// bytes inflated.
pub struct Package<R> {
    archive: zip::ZipArchive<R>,
    limits: Limits,
    /// No entry holds more compressed bytes than the archive has, whatever its header says.
    archive_len: u64,
}

impl<R: Read + Seek> Package<R> {
    /// Opens the package `reader` holds (in memory, or a download spooled to a file).
    pub fn open(mut reader: R, limits: Limits) -> Result<Self, WorkbookRefusal> {
        let archive_len = reader
            .seek(SeekFrom::End(0))
            .map_err(|_| WorkbookRefusal::Unreadable)?;
        let archive = zip::ZipArchive::new(reader).map_err(|_| WorkbookRefusal::Unreadable)?;
        if archive.len() > limits.max_entries {
            return Err(WorkbookRefusal::TooManyEntries {
                limit: limits.max_entries,
            });
        }
        Ok(Self {
            archive,
            limits,
            archive_len,
        })
    }

    /// The names of the entries, in the archive's order (unreadable names left out).
    pub fn names(&self) -> Vec<String> {
        self.archive
            .file_names()
            .filter_map(|name| name.ok().map(|n| n.into_owned()))
            .collect()
    }

    /// The entry whose name is `name` in any case (part names are case-insensitive), if it is
    /// a file.
    pub fn find(&self, name: &str) -> Option<String> {
        self.names()
            .into_iter()
            .find(|entry| entry.eq_ignore_ascii_case(name) && !entry.ends_with('/'))
    }

    /// The content of the entry `name` (exact name, as [`Package::find`] gives it), reading at
    /// most `cap` bytes of it; a larger part is refused, not cut.
    pub fn read_part(&mut self, name: &str, cap: u64) -> Result<Vec<u8>, WorkbookRefusal> {
        let mut content = Vec::new();
        let limits = self.limits;
        let archive_len = self.archive_len;
        let mut entry = self
            .archive
            .by_name(name)
            .map_err(|_| WorkbookRefusal::Unreadable)?;
        let compressed = entry.compressed_size().min(archive_len);
        let budget = cap.min(limits.max_inflated_bytes);
        inflate(
            &mut entry,
            name,
            compressed,
            budget,
            &limits,
            None,
            |chunk| content.extend_from_slice(chunk),
        )?;
        Ok(content)
    }

    /// Inflates every entry into nothing, refusing the package if they inflate past the
    /// limits together or one by one, or if this takes past `deadline`.
    pub fn check_inflation(&mut self, deadline: Instant) -> Result<(), WorkbookRefusal> {
        let limits = self.limits;
        let mut remaining = limits.max_inflated_bytes;
        for index in 0..self.archive.len() {
            let mut entry = self
                .archive
                .by_index(index)
                .map_err(|_| WorkbookRefusal::Unreadable)?;
            if !entry.is_file() {
                continue;
            }
            let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
            let compressed = entry.compressed_size().min(self.archive_len);
            let inflated = inflate(
                &mut entry,
                &name,
                compressed,
                remaining,
                &limits,
                Some(deadline),
                |_| {},
            )
            .map_err(|refusal| match refusal {
                // The budget left was the whole package's.
                WorkbookRefusal::Inflates { .. } => WorkbookRefusal::Inflates {
                    limit: limits.max_inflated_bytes,
                },
                other => other,
            })?;
            remaining -= inflated;
        }
        Ok(())
    }
}

/// Streams `entry` into `sink`, counting what it actually inflates to: past `budget` bytes,
/// past the ratio (once beyond the grace size) or past `deadline` it stops and refuses.
fn inflate(
    entry: &mut impl Read,
    name: &str,
    compressed: u64,
    budget: u64,
    limits: &Limits,
    deadline: Option<Instant>,
    mut sink: impl FnMut(&[u8]),
) -> Result<u64, WorkbookRefusal> {
    let mut buffer = vec![0u8; 64 * 1024];
    let mut inflated: u64 = 0;
    loop {
        let read = match entry.read(&mut buffer) {
            Ok(0) => return Ok(inflated),
            Ok(read) => read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return Err(WorkbookRefusal::Unreadable),
        };
        inflated += u64::try_from(read).unwrap_or(u64::MAX);
        if inflated > budget {
            return Err(WorkbookRefusal::Inflates { limit: budget });
        }
        let ratio_limit = compressed
            .max(1)
            .saturating_mul(limits.max_compression_ratio);
        if inflated > limits.ratio_grace_bytes && inflated > ratio_limit {
            return Err(WorkbookRefusal::Ratio {
                part: name.to_owned(),
                limit: limits.max_compression_ratio,
            });
        }
        if deadline.is_some_and(|deadline| Instant::now() > deadline) {
            return Err(WorkbookRefusal::TimedOut {
                limit: limits.time_limit,
            });
        }
        sink(&buffer[..read]);
    }
}

/// A workbook whose package passed the inflate check, read one sheet at a time within the
/// row, column and time limits.
pub struct BoundedWorkbook<'a> {
    xlsx: Xlsx<Cursor<&'a [u8]>>,
    limits: Limits,
    deadline: Instant,
}

/// Opens the `.xlsx` in `bytes` within `limits`: the package is inflated (and refused past
/// the limits) before calamine sees it.
pub fn open_bounded(bytes: &[u8], limits: Limits) -> Result<BoundedWorkbook<'_>, WorkbookRefusal> {
    let deadline = Instant::now() + limits.time_limit;
    Package::open(Cursor::new(bytes), limits)?.check_inflation(deadline)?;
    let xlsx = Xlsx::new(Cursor::new(bytes)).map_err(|_| WorkbookRefusal::Unreadable)?;
    let workbook = BoundedWorkbook {
        xlsx,
        limits,
        deadline,
    };
    workbook.check_time()?;
    Ok(workbook)
}

impl BoundedWorkbook<'_> {
    fn check_time(&self) -> Result<(), WorkbookRefusal> {
        if Instant::now() > self.deadline {
            return Err(WorkbookRefusal::TimedOut {
                limit: self.limits.time_limit,
            });
        }
        Ok(())
    }

    /// The names of the sheets, in the workbook's order.
    pub fn sheet_names(&self) -> Vec<String> {
        self.xlsx.sheet_names()
    }

    /// The non-empty cells of sheet `name` (`None` if the workbook has no such sheet), after
    /// its declared dimension and every cell position were checked against the limits, so the
    /// grid built is at most `max_rows × max_columns`. Positions are absolute, as calamine's.
    pub fn sheet(&mut self, name: &str) -> Result<Option<Range<Data>>, WorkbookRefusal> {
        self.check_time()?;
        let Limits {
            max_rows,
            max_columns,
            ..
        } = self.limits;
        let (deadline, time_limit) = (self.deadline, self.limits.time_limit);
        let mut reader = match self.xlsx.worksheet_cells_reader(name) {
            Ok(reader) => reader,
            Err(XlsxError::WorksheetNotFound(_)) => return Ok(None),
            // A chart sheet has no cells, as calamine's own ranges say.
            Err(XlsxError::NotAWorksheet(_)) => return Ok(Some(Range::empty())),
            Err(_) => return Err(WorkbookRefusal::Unreadable),
        };
        let declared = reader.dimensions();
        if declared.end.0 >= max_rows || declared.end.1 >= max_columns {
            let (start, end) = (declared.start, declared.end);
            return Err(WorkbookRefusal::DeclaredDimension {
                sheet: name.to_owned(),
                dimension: format!("{}:{}", a1(start.0, start.1), a1(end.0, end.1)),
                max_rows,
                max_columns,
            });
        }
        let max_cells = u64::from(max_rows) * u64::from(max_columns);
        let mut seen: u64 = 0;
        let mut cells = Vec::new();
        while let Some((cell, style)) = reader
            .next_cell_with_style_id()
            .map_err(|_| WorkbookRefusal::Unreadable)?
        {
            let (row, column) = cell.get_position();
            if row >= max_rows || column >= max_columns {
                return Err(WorkbookRefusal::CellOutOfBounds {
                    sheet: name.to_owned(),
                    cell: a1(row, column),
                    max_rows,
                    max_columns,
                });
            }
            seen += 1;
            if seen > max_cells {
                return Err(WorkbookRefusal::TooManyCells {
                    sheet: name.to_owned(),
                    limit: max_cells,
                });
            }
            if seen.is_multiple_of(1024) && Instant::now() > deadline {
                return Err(WorkbookRefusal::TimedOut { limit: time_limit });
            }
            let percent = reader
                .styles()
                .get(style)
                .and_then(|s| s.number_format.as_ref())
                .is_some_and(|f| is_percent_format(&f.format_code));
            let value = match cell.get_value() {
                DataRef::Empty => continue,
                DataRef::Float(v) if percent => Data::Float(as_percentage(*v)),
                DataRef::Int(v) if percent => Data::Float(as_percentage(*v as f64)),
                other => Data::from(other.clone()),
            };
            cells.push(Cell::new((row, column), value));
        }
        drop(reader);
        // A formula whose result was never stored reads as empty; mark it, so a reader can
        // refuse it rather than take it for a blank.
        let mut reader = self
            .xlsx
            .worksheet_cells_reader(name)
            .map_err(|_| WorkbookRefusal::Unreadable)?;
        let mut seen: u64 = 0;
        while let Some(cell) = reader
            .next_cell_with_formula()
            .map_err(|_| WorkbookRefusal::Unreadable)?
        {
            seen += 1;
            if seen.is_multiple_of(1024) && Instant::now() > deadline {
                return Err(WorkbookRefusal::TimedOut { limit: time_limit });
            }
            if cell.formula.is_some() && matches!(cell.value, DataRef::Empty) {
                cells.push(Cell::new(
                    cell.pos,
                    Data::Error(crate::cells::NOT_CALCULATED),
                ));
            }
        }
        Ok(Some(Range::from_sparse(cells)))
    }
}

/// Whether a number format shows its value as a percentage (a `%` outside quoted text and
/// escapes): `0%`, `0.00%`, `#,##0.0 %`, not `0 "%"`.
fn is_percent_format(code: &str) -> bool {
    let mut quoted = false;
    let mut escaped = false;
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '%' if !quoted => return true,
            _ => {}
        }
    }
    false
}

/// A %-formatted cell's value as the percentage a person typed (0.96 shown as 96 % is 96),
/// without the binary noise of the multiplication.
fn as_percentage(value: f64) -> f64 {
    let hundredfold = value * 100.0;
    format!("{hundredfold:.9}").parse().unwrap_or(hundredfold)
}

#[cfg(test)]
pub(crate) mod tests {
    use std::io::Write;

    use zip::write::SimpleFileOptions;
    use zip::CompressionMethod;

    use super::*;

    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    /// A ZIP of these entries, deflated.
    pub(crate) fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        for (name, content) in entries {
            writer.start_file(*name, options).unwrap();
            writer.write_all(content).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    /// A workbook written by hand, one worksheet per `(name, sheet XML)`, as any program
    /// could write it.
    pub(crate) fn workbook_of(sheets: &[(&str, &str)]) -> Vec<u8> {
        let mut content_types = String::from(
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
        );
        let (mut listed, mut relationships) = (String::new(), String::new());
        let mut parts = Vec::new();
        for (i, (name, xml)) in sheets.iter().enumerate() {
            let n = i + 1;
            content_types.push_str(&format!(r#"<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#));
            listed.push_str(&format!(
                r#"<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>"#
            ));
            relationships.push_str(&format!(r#"<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>"#));
            parts.push((
                format!("xl/worksheets/sheet{n}.xml"),
                xml.as_bytes().to_vec(),
            ));
        }
        content_types.push_str("</Types>");
        let workbook = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{listed}</sheets></workbook>"#
        );
        let rels = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{relationships}</Relationships>"#
        );
        let mut entries: Vec<(&str, &[u8])> = vec![
            ("[Content_Types].xml", content_types.as_bytes()),
            ("_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
            ("xl/workbook.xml", workbook.as_bytes()),
            ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
        ];
        entries.extend(parts.iter().map(|(n, x)| (n.as_str(), x.as_slice())));
        zip_of(&entries)
    }

    /// Sheet XML with an optional `<dimension ref>` and these cells (`A1` name, number).
    pub(crate) fn sheet_xml(dimension: Option<&str>, cells: &[(&str, u32, f64)]) -> String {
        let dimension = dimension.map_or(String::new(), |d| format!(r#"<dimension ref="{d}"/>"#));
        let rows: String = cells
            .iter()
            .map(|(cell, row, value)| {
                format!(r#"<row r="{row}"><c r="{cell}"><v>{value}</v></c></row>"#)
            })
            .collect();
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{dimension}<sheetData>{rows}</sheetData></worksheet>"#
        )
    }

    /// The reported attack: a sheet holding only the first and the last cell of the grid.
    pub(crate) fn far_corners(sheet: &str, declared: bool) -> Vec<u8> {
        let dimension = declared.then_some("A1:XFD1048576");
        let cells = [("A1", 1, 1.0), ("XFD1048576", 1_048_576, 2.0)];
        workbook_of(&[(sheet, &sheet_xml(dimension, &cells))])
    }

    /// A sheet whose XML is `padding` bytes of blanks: a few kilobytes that inflate to
    /// megabytes.
    pub(crate) fn deflate_bomb(sheet: &str, padding: usize) -> Vec<u8> {
        let xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>{}</sheetData></worksheet>"#,
            " ".repeat(padding)
        );
        workbook_of(&[(sheet, &xml)])
    }

    fn refusal(bytes: &[u8], limits: Limits) -> WorkbookRefusal {
        match open_bounded(bytes, limits).and_then(|mut w| {
            let names = w.sheet_names();
            names.iter().try_for_each(|n| w.sheet(n).map(drop))
        }) {
            Ok(()) => panic!("expected a refusal"),
            Err(refusal) => refusal,
        }
    }

    #[test]
    fn a_sheet_declaring_the_whole_grid_is_refused_before_a_cell_is_read() {
        let refused = refusal(&far_corners("Sheet1", true), Limits::WORKBOOK);
        assert_eq!(
            refused,
            WorkbookRefusal::DeclaredDimension {
                sheet: "Sheet1".into(),
                dimension: "A1:XFD1048576".into(),
                max_rows: MAX_ROWS,
                max_columns: MAX_COLUMNS,
            }
        );
        assert_eq!(refused.code(), "sheet_too_large");
        assert!(!refused.is_too_large());
        assert_eq!(
            refused.message(),
            "trang \"Sheet1\" khai báo vùng dữ liệu A1:XFD1048576, vượt quá giới hạn 5000 dòng × \
             64 cột của bảng tính"
        );
    }

    #[test]
    fn a_far_cell_is_refused_whatever_the_sheet_declares() {
        for declared in [None, Some("A1")] {
            let cells = [("A1", 1, 1.0), ("XFD1048576", 1_048_576, 2.0)];
            let bytes = workbook_of(&[("Sheet1", &sheet_xml(declared, &cells))]);
            let refused = refusal(&bytes, Limits::WORKBOOK);
            assert_eq!(refused.cell(), Some("XFD1048576"), "{declared:?}");
            assert_eq!(refused.code(), "sheet_too_large");
            assert_eq!(
                refused.message(),
                "trang \"Sheet1\" có ô XFD1048576 nằm ngoài giới hạn 5000 dòng × 64 cột của bảng \
                 tính"
            );
        }
        // Just past either edge, even an empty cell, is refused.
        for (cell, row) in [("BM1", 1), ("A5001", 5001)] {
            let xml = format!(
                r#"<worksheet xmlns="{MAIN}"><sheetData><row r="{row}"><c r="{cell}" s="1"/></row></sheetData></worksheet>"#
            );
            let refused = refusal(&workbook_of(&[("Sheet1", &xml)]), Limits::WORKBOOK);
            assert_eq!(refused.cell(), Some(cell));
        }
    }

    #[test]
    fn a_sheet_within_the_limits_reads_with_absolute_positions() {
        let cells = [("B2", 2, 7.0), ("BL5000", 5000, 9.5)];
        let bytes = workbook_of(&[("Sheet1", &sheet_xml(Some("B2:BL5000"), &cells))]);
        let mut workbook = open_bounded(&bytes, Limits::WORKBOOK).unwrap();
        assert_eq!(workbook.sheet_names(), ["Sheet1"]);
        let range = workbook.sheet("Sheet1").unwrap().unwrap();
        assert_eq!(range.get_value((1, 1)), Some(&Data::Float(7.0)));
        assert_eq!(range.get_value((4999, 63)), Some(&Data::Float(9.5)));
        assert_eq!(workbook.sheet("Không có").unwrap(), None);
    }

    #[test]
    fn a_deflate_bomb_is_refused_by_its_ratio_after_a_megabyte() {
        let bytes = deflate_bomb("Sheet1", 8 * 1024 * 1024);
        assert!(bytes.len() < 64 * 1024, "{} bytes", bytes.len());
        let refused = refusal(&bytes, Limits::WORKBOOK);
        assert_eq!(
            refused,
            WorkbookRefusal::Ratio {
                part: "xl/worksheets/sheet1.xml".into(),
                limit: MAX_COMPRESSION_RATIO
            }
        );
        assert_eq!(refused.code(), "workbook_too_large");
        assert!(refused.is_too_large());
        assert!(refused.message().contains("gấp hơn 100 lần kích thước nén"));
    }

    #[test]
    fn the_whole_package_may_inflate_only_so_far() {
        // Ratios left alone: what counts is the total actually inflated.
        let limits = Limits {
            max_inflated_bytes: 4 * 1024 * 1024,
            max_compression_ratio: u64::MAX,
            ..Limits::WORKBOOK
        };
        let refused = refusal(&deflate_bomb("Sheet1", 5 * 1024 * 1024), limits);
        assert_eq!(
            refused,
            WorkbookRefusal::Inflates {
                limit: 4 * 1024 * 1024
            }
        );
        assert_eq!(
            refused.message(),
            "tệp giải nén ra hơn 4 MB, vượt quá giới hạn của một bảng tính"
        );
        assert!(open_bounded(&deflate_bomb("Sheet1", 3 * 1024 * 1024), limits).is_ok());
    }

    /// Sets the uncompressed size both headers declare for every entry to `size`.
    fn declare_sizes(bytes: &mut [u8], size: u32) {
        let mut at = 0;
        while at + 46 <= bytes.len() {
            match bytes[at..at + 4] {
                [b'P', b'K', 3, 4] => bytes[at + 22..at + 26].copy_from_slice(&size.to_le_bytes()),
                [b'P', b'K', 1, 2] => bytes[at + 24..at + 28].copy_from_slice(&size.to_le_bytes()),
                _ => {}
            }
            at += 1;
        }
    }

    #[test]
    fn the_sizes_the_headers_declare_are_not_trusted() {
        let limits = Limits {
            max_inflated_bytes: 4 * 1024 * 1024,
            max_compression_ratio: u64::MAX,
            ..Limits::WORKBOOK
        };
        let mut bytes = deflate_bomb("Sheet1", 5 * 1024 * 1024);
        declare_sizes(&mut bytes, 100);
        // The zip crate fails an entry that inflates past its declared size (unreadable); the
        // guard's own count does not rely on that, and either way nothing past it is read.
        let refused = refusal(&bytes, limits);
        assert!(
            matches!(
                refused,
                WorkbookRefusal::Inflates { .. } | WorkbookRefusal::Unreadable
            ),
            "{refused:?}"
        );
        // Declared far larger than they are, the sizes let nothing more through.
        let mut bytes = deflate_bomb("Sheet1", 5 * 1024 * 1024);
        declare_sizes(&mut bytes, u32::MAX - 1);
        assert_eq!(
            refusal(&bytes, limits),
            WorkbookRefusal::Inflates {
                limit: 4 * 1024 * 1024
            }
        );
    }

    #[test]
    fn a_package_of_too_many_entries_is_refused() {
        let names: Vec<String> = (0..=20).map(|i| format!("xl/media/image{i}.png")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
        let limits = Limits {
            max_entries: 20,
            ..Limits::WORKBOOK
        };
        let refused = refusal(&zip_of(&entries), limits);
        assert_eq!(refused, WorkbookRefusal::TooManyEntries { limit: 20 });
        assert_eq!(refused.code(), "workbook_too_large");
        assert!(Package::open(std::io::Cursor::new(&zip_of(&entries[..20])), limits).is_ok());
    }

    #[test]
    fn reading_stops_at_the_time_limit() {
        let limits = Limits {
            time_limit: Duration::ZERO,
            ..Limits::WORKBOOK
        };
        let refused = refusal(&far_corners("Sheet1", false), limits);
        assert_eq!(
            refused,
            WorkbookRefusal::TimedOut {
                limit: Duration::ZERO
            }
        );
        assert_eq!(refused.code(), "workbook_timeout");
    }

    #[test]
    fn damaged_packages_are_unreadable() {
        for bytes in [&b""[..], b"PK\x03\x04 not really a zip", b"plain text"] {
            assert_eq!(
                open_bounded(bytes, Limits::WORKBOOK).err(),
                Some(WorkbookRefusal::Unreadable)
            );
        }
        assert_eq!(
            WorkbookRefusal::Unreadable.message(),
            "không đọc được tệp: tệp không phải bảng tính Excel (.xlsx) hoặc đã bị hỏng"
        );
    }

    #[test]
    fn a1_names_cover_any_column() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(0, 25), "Z1");
        assert_eq!(a1(9, 26), "AA10");
        assert_eq!(a1(1_048_575, 16_383), "XFD1048576");
    }
}
