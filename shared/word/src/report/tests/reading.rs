//! Reading a `.docx` package as Word does: its parts unzipped, their XML read with quick-xml.

use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// The package's parts by name, as text.
pub(super) fn unpack(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a ZIP package");
    (0..zip.len())
        .map(|i| {
            let mut file = zip.by_index(i).unwrap();
            let mut text = String::new();
            file.read_to_string(&mut text).unwrap();
            (file.name().unwrap().into_owned(), text)
        })
        .collect()
}

fn attributes(tag: &BytesStart) -> HashMap<String, String> {
    tag.attributes()
        .map(|a| {
            let a = a.unwrap();
            (
                String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                String::from_utf8(a.value.to_vec()).unwrap(),
            )
        })
        .collect()
}

/// The attributes of every element called `name`.
pub(super) fn elements(xml: &str, name: &str) -> Vec<HashMap<String, String>> {
    let mut reader = Reader::from_str(xml);
    let mut found = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Eof => break,
            Event::Start(tag) | Event::Empty(tag) if tag.name().as_ref() == name.as_bytes() => {
                found.push(attributes(&tag));
            }
            _ => {}
        }
    }
    found
}

/// A run as printed: its text, bold, italic and size in half-points.
#[derive(Debug, Default, Clone)]
pub(super) struct Printed {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
    pub size: Option<u32>,
    pub font: Option<String>,
}

/// The paragraphs of `xml` (body and table cells, in order), each as its runs.
pub(super) fn paragraphs(xml: &str) -> Vec<Vec<Printed>> {
    let mut reader = Reader::from_str(xml);
    let mut paragraphs = Vec::new();
    let mut current: Option<Vec<Printed>> = None;
    let mut run: Option<Printed> = None;
    let mut in_text = false;
    loop {
        let event = reader.read_event().unwrap();
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Eof => break,
            Event::Start(tag) | Event::Empty(tag) => match tag.name().as_ref() {
                b"w:p" if !empty => current = Some(Vec::new()),
                b"w:r" if !empty => run = Some(Printed::default()),
                b"w:t" if !empty => in_text = true,
                b"w:b" => {
                    if let Some(run) = &mut run {
                        run.bold = true;
                    }
                }
                b"w:i" => {
                    if let Some(run) = &mut run {
                        run.italic = true;
                    }
                }
                b"w:sz" => {
                    if let Some(run) = &mut run {
                        run.size = attributes(&tag)["w:val"].parse().ok();
                    }
                }
                b"w:rFonts" => {
                    if let Some(run) = &mut run {
                        run.font = attributes(&tag).get("w:ascii").cloned();
                    }
                }
                _ => {}
            },
            Event::Text(text) if in_text => {
                if let Some(run) = &mut run {
                    run.text.push_str(&text.xml10_content().unwrap());
                }
            }
            Event::GeneralRef(reference) if in_text => {
                if let Some(run) = &mut run {
                    let name = reference.decode().unwrap();
                    run.text.push_str(match name.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("unexpected entity {other}"),
                    });
                }
            }
            Event::End(tag) => match tag.name().as_ref() {
                b"w:t" => in_text = false,
                b"w:r" => {
                    if let (Some(done), Some(paragraph)) = (run.take(), &mut current) {
                        paragraph.push(done);
                    }
                }
                b"w:p" => paragraphs.extend(current.take()),
                _ => {}
            },
            _ => {}
        }
    }
    paragraphs
}

pub(super) fn text_of(paragraph: &[Printed]) -> String {
    paragraph.iter().map(|run| run.text.as_str()).collect()
}

/// The paragraph whose text is `text`.
#[track_caller]
pub(super) fn find<'p>(paragraphs: &'p [Vec<Printed>], text: &str) -> &'p [Printed] {
    paragraphs
        .iter()
        .find(|p| text_of(p) == text)
        .unwrap_or_else(|| panic!("no paragraph {text:?}"))
}

/// The top-level tables of `xml`: rows of cell texts (a cell's paragraphs joined by `\n`),
/// and whether each row repeats as a header.
pub(super) fn tables(xml: &str) -> Vec<Vec<(bool, Vec<String>)>> {
    let mut reader = Reader::from_str(xml);
    let mut tables = Vec::new();
    let mut depth = 0;
    let (mut rows, mut cells, mut cell, mut header) = (Vec::new(), Vec::new(), Vec::new(), false);
    let mut paragraph = String::new();
    let mut in_text = false;
    loop {
        match reader.read_event().unwrap() {
            Event::Eof => break,
            Event::Start(tag) => match tag.name().as_ref() {
                b"w:tbl" => {
                    depth += 1;
                    if depth == 1 {
                        rows = Vec::new();
                    }
                }
                b"w:tr" => {
                    cells = Vec::new();
                    header = false;
                }
                b"w:tc" => cell = Vec::new(),
                b"w:p" => paragraph.clear(),
                b"w:t" => in_text = true,
                _ => {}
            },
            Event::Empty(tag) if tag.name().as_ref() == b"w:tblHeader" => header = true,
            Event::Text(text) if in_text && depth > 0 => {
                paragraph.push_str(&text.xml10_content().unwrap());
            }
            Event::End(tag) => match tag.name().as_ref() {
                b"w:t" => in_text = false,
                b"w:p" => cell.push(paragraph.clone()),
                b"w:tc" => cells.push(cell.join("\n").trim().to_owned()),
                b"w:tr" => rows.push((header, cells.clone())),
                b"w:tbl" => {
                    depth -= 1;
                    if depth == 0 {
                        tables.push(rows.clone());
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
    tables
}
