//! What a workbook says about how it prints, read from its XML (for tests of every workbook
//! the service produces): the page setup, the fonts, the rows' heights.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use quick_xml::events::Event;
use quick_xml::Reader;

/// The print settings of one sheet.
#[derive(Debug, Default)]
pub struct PrintedSheet {
    pub paper_size: Option<String>,
    pub orientation: Option<String>,
    /// `fitToWidth`, `fitToHeight` when the sheet fits its width to pages.
    pub fit_to_width: bool,
    pub footer: Option<String>,
    /// Rows repeated on every page (the workbook's print titles name the sheet).
    pub repeats_rows: bool,
    /// Custom heights by zero-based row.
    pub row_heights: BTreeMap<u32, f64>,
    /// Column widths as the file stores them (padding included), column by column.
    pub column_widths: Vec<f64>,
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a package");
    let mut text = String::new();
    archive
        .by_name(name)
        .expect("the part")
        .read_to_string(&mut text)
        .expect("UTF-8");
    text
}

fn attribute(element: &quick_xml::events::BytesStart, name: &[u8]) -> Option<String> {
    element
        .attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

/// The print settings of the `index`-th sheet (1-based, as the package names them).
pub fn printed_sheet(bytes: &[u8], index: usize) -> PrintedSheet {
    let xml = part(bytes, &format!("xl/worksheets/sheet{index}.xml"));
    let mut reader = Reader::from_str(&xml);
    let mut sheet = PrintedSheet::default();
    loop {
        match reader.read_event().expect("XML") {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"pageSetup" => {
                    sheet.paper_size = attribute(&e, b"paperSize");
                    sheet.orientation = attribute(&e, b"orientation");
                }
                b"pageSetUpPr" => sheet.fit_to_width = attribute(&e, b"fitToPage").is_some(),
                b"row" if attribute(&e, b"customHeight").as_deref() == Some("1") => {
                    let row: u32 = attribute(&e, b"r").unwrap().parse().unwrap();
                    let height = attribute(&e, b"ht").unwrap().parse().unwrap();
                    sheet.row_heights.insert(row - 1, height);
                }
                b"col" => {
                    if let Some(width) = attribute(&e, b"width") {
                        let first: usize = attribute(&e, b"min").unwrap().parse().unwrap();
                        let last: usize = attribute(&e, b"max").unwrap().parse().unwrap();
                        let width: f64 = width.parse().unwrap();
                        sheet
                            .column_widths
                            .extend(std::iter::repeat_n(width, last - first + 1));
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    let workbook = part(bytes, "xl/workbook.xml");
    sheet.repeats_rows = workbook.contains("_xlnm.Print_Titles");
    sheet.footer = xml
        .split_once("<oddFooter>")
        .and_then(|(_, rest)| rest.split_once("</oddFooter>"))
        .map(|(footer, _)| footer.replace("&amp;", "&").replace("&quot;", "\""));
    sheet
}

/// The font names and sizes the workbook's cell styles use, beside the default font (the
/// first, which only unwritten cells show).
pub fn fonts(bytes: &[u8]) -> Vec<(String, f64)> {
    let xml = part(bytes, "xl/styles.xml");
    let mut reader = Reader::from_str(&xml);
    let mut fonts = Vec::new();
    let mut in_fonts = false;
    let (mut name, mut size) = (String::new(), 0.0);
    loop {
        match reader.read_event().expect("XML") {
            Event::Start(e) if e.local_name().as_ref() == b"fonts" => in_fonts = true,
            Event::End(e) if e.local_name().as_ref() == b"fonts" => in_fonts = false,
            Event::Start(e) | Event::Empty(e) if in_fonts => match e.local_name().as_ref() {
                b"name" => name = attribute(&e, b"val").unwrap_or_default(),
                b"sz" => size = attribute(&e, b"val").unwrap().parse().unwrap(),
                _ => {}
            },
            Event::End(e) if in_fonts && e.local_name().as_ref() == b"font" => {
                fonts.push((std::mem::take(&mut name), size));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    fonts.into_iter().skip(1).collect()
}

/// Asserts what every workbook the service produces must do when printed: A4 in
/// `orientation`, fitted to the page's width, page numbers in the footer, the header repeated,
/// Times New Roman of 11 points or more once scaled (`size` is the table's text), and the
/// rows `tall` at least as tall as `lines` lines each.
pub fn assert_prints_as_filed(
    bytes: &[u8],
    sheet_index: usize,
    orientation: super::Orientation,
    tall: &[(u32, usize)],
) {
    let sheet = printed_sheet(bytes, sheet_index);
    assert_eq!(sheet.paper_size.as_deref(), Some("9"), "A4");
    let expected = match orientation {
        super::Orientation::Portrait => "portrait",
        super::Orientation::Landscape => "landscape",
    };
    assert_eq!(sheet.orientation.as_deref(), Some(expected));
    assert!(sheet.fit_to_width, "fitted to the page's width");
    assert!(
        sheet.footer.as_deref().is_some_and(|f| f.contains("&P")),
        "page numbers in the footer: {:?}",
        sheet.footer
    );
    assert!(sheet.repeats_rows, "header rows repeated on every page");
    // A stored width already counts the column's padding: w × 8 px (the default font's digit).
    let total: f64 = sheet.column_widths.iter().map(|w| (w * 8.0).round()).sum();
    let scale = (super::printable_px(orientation) / total).min(1.0);
    for (font, size) in fonts(bytes) {
        assert_eq!(font, super::FONT);
        assert!(
            size * scale >= super::MIN_PRINTED_SIZE - 0.05,
            "{size} pt prints at {:.1} pt",
            size * scale
        );
    }
    for (row, lines) in tall {
        let height = sheet.row_heights.get(row).copied().unwrap_or(15.0);
        assert!(
            height >= *lines as f64 * super::LINE_POINTS,
            "row {} is {height} pt, not {lines} lines",
            row + 1
        );
    }
}
