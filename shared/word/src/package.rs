//! Writing a document out as `.docx` bytes.
//!
//! docx-rs writes every part; one property it lacks, a table row repeated at the top of each
//! page (`w:tblHeader`, ECMA-376 §17.4.49), is added to `word/document.xml` here, streaming
//! its events through quick-xml, rather than by writing any OOXML ourselves.

use std::io::Cursor;

use docx_rs::Docx;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, Writer};

use cchc_domain::Result;

fn internal(what: &str, error: impl std::fmt::Display) -> cchc_domain::Error {
    cchc_domain::Error::Internal(format!("{what}: {error}"))
}

/// `docx` as bytes; the first row of each top-level table whose index (0-based, in document
/// order) is in `header_tables` repeats at the top of every page the table runs onto.
pub fn pack(docx: Docx, header_tables: &[usize]) -> Result<Vec<u8>> {
    let mut xml = docx.build();
    xml.document = repeat_header_rows(&xml.document, header_tables)?;
    let mut out = Cursor::new(Vec::new());
    xml.pack(&mut out)
        .map_err(|e| internal("writing the Word document", e))?;
    Ok(out.into_inner())
}

/// `document.xml` with `<w:tblHeader/>` in the row properties of the first row of those
/// tables.
fn repeat_header_rows(document: &[u8], header_tables: &[usize]) -> Result<Vec<u8>> {
    let bad = |e: &dyn std::fmt::Display| internal("marking the tables' header rows", e);
    let mut reader = Reader::from_reader(document);
    let mut writer = Writer::new(Vec::with_capacity(document.len() + 64));
    // Tables open around the current position, and the index of the outermost one.
    let mut depth = 0usize;
    let mut top_level = 0usize;
    let mut current: Option<usize> = None;
    // Rows of the current top-level table seen so far; whether its first row is marked.
    let mut rows = 0usize;
    let mut marked = Vec::new();
    let tbl_header = || Event::Empty(BytesStart::new("w:tblHeader"));
    loop {
        let event = reader.read_event().map_err(|e| bad(&e))?;
        let wanted = |rows: usize, current: Option<usize>, depth: usize| {
            depth == 1 && rows == 1 && current.is_some_and(|i| header_tables.contains(&i))
        };
        match &event {
            Event::Eof => break,
            Event::Start(tag) if tag.name().as_ref() == b"w:tbl" => {
                depth += 1;
                if depth == 1 {
                    current = Some(top_level);
                    top_level += 1;
                    rows = 0;
                }
            }
            Event::End(tag) if tag.name().as_ref() == b"w:tbl" => {
                depth = depth.saturating_sub(1);
            }
            Event::Start(tag) if tag.name().as_ref() == b"w:tr" && depth == 1 => rows += 1,
            Event::Empty(tag)
                if tag.name().as_ref() == b"w:trPr" && wanted(rows, current, depth) =>
            {
                writer
                    .write_event(Event::Start(BytesStart::new("w:trPr")))
                    .and_then(|()| writer.write_event(tbl_header()))
                    .and_then(|()| writer.write_event(Event::End(tag.to_end().into_owned())))
                    .map_err(|e| bad(&e))?;
                marked.extend(current);
                continue;
            }
            Event::End(tag) if tag.name().as_ref() == b"w:trPr" && wanted(rows, current, depth) => {
                writer.write_event(tbl_header()).map_err(|e| bad(&e))?;
                marked.extend(current);
            }
            _ => {}
        }
        writer.write_event(event).map_err(|e| bad(&e))?;
    }
    // Every table asked for got its mark (docx-rs writes `w:trPr` in every row).
    for index in header_tables {
        if !marked.contains(index) {
            return Err(bad(&format!("table {index} has no first row to repeat")));
        }
    }
    Ok(writer.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_first_row_of_the_named_tables_repeats() {
        let document = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document><w:body><w:tbl><w:tr><w:trPr /><w:tc/></w:tr></w:tbl><w:tbl><w:tr><w:trPr><w:cantSplit /></w:trPr><w:tc><w:tbl><w:tr><w:trPr /></w:tr></w:tbl></w:tc></w:tr><w:tr><w:trPr /></w:tr></w:tbl></w:body></w:document>"#;
        let marked = String::from_utf8(repeat_header_rows(document, &[1]).unwrap()).unwrap();
        assert_eq!(
            marked,
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document><w:body><w:tbl><w:tr><w:trPr /><w:tc/></w:tr></w:tbl><w:tbl><w:tr><w:trPr><w:cantSplit /><w:tblHeader/></w:trPr><w:tc><w:tbl><w:tr><w:trPr /></w:tr></w:tbl></w:tc></w:tr><w:tr><w:trPr /></w:tr></w:tbl></w:body></w:document>"#
        );
        let first = String::from_utf8(repeat_header_rows(document, &[0]).unwrap()).unwrap();
        assert!(first.starts_with(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document><w:body><w:tbl><w:tr><w:trPr><w:tblHeader/></w:trPr>"#
        ));
        assert!(repeat_header_rows(document, &[2]).is_err());
    }
}
