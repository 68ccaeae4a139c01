//! What an Office Open XML package (a ZIP) really is: DOCX, XLSX, or something we refuse.
//!
//! The main part is the one the package relationships (`_rels/.rels`, type `…/officeDocument`)
//! name, as Word and Excel find it; its content type (its `Override`, else the `Default` for
//! its extension) says what the document is. Listing types in `[Content_Types].xml` decides
//! nothing by itself, since a decoy entry can be listed before the real one. A package with a
//! VBA project (`vbaProject.bin` in any folder, or a part typed as one) or an Excel 4.0 macro
//! sheet is refused whatever it is called. The archive is opened through `excel::guard`, so
//! the same entry and inflate limits apply as to workbooks.

use std::io::{Read, Seek};

use crate::guard::{Limits, Package, WorkbookRefusal};
use cchc_domain::rules::attachments::{FileType, Sniffed};

/// `[Content_Types].xml` and `_rels/.rels` are small; larger ones are not read.
const MAX_PACKAGE_XML_BYTES: u64 = 1024 * 1024;

/// Content types of parts that carry macros, whatever the main part claims.
const MACRO_TYPES: [&str; 3] = [
    "application/vnd.ms-office.vbaProject",
    "application/vnd.ms-excel.macrosheet+xml",
    "application/vnd.ms-excel.intlmacrosheet+xml",
];

fn not_office() -> Sniffed {
    Sniffed::Other("a ZIP archive that is not a Word or Excel document".into())
}

fn with_macros() -> Sniffed {
    Sniffed::Other("an Office document with macros (VBA project)".into())
}

/// What a main part of `content_type` makes the package; `None` if it is no main part.
fn classify(content_type: &str) -> Option<Sniffed> {
    let found = match content_type.trim().to_ascii_lowercase().as_str() {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml" => {
            Sniffed::Known(FileType::Docx)
        }
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml" => {
            Sniffed::Known(FileType::Xlsx)
        }
        "application/vnd.ms-word.document.macroenabled.main+xml" => {
            Sniffed::Other("a Word document with macros (DOCM)".into())
        }
        "application/vnd.ms-excel.sheet.macroenabled.main+xml" => {
            Sniffed::Other("an Excel workbook with macros (XLSM)".into())
        }
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml" => {
            Sniffed::Other("a Word template (DOTX)".into())
        }
        "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml" => {
            Sniffed::Other("an Excel template (XLTX)".into())
        }
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml" => {
            Sniffed::Other("a PowerPoint presentation (PPTX)".into())
        }
        _ => return None,
    };
    Some(found)
}

/// Decides what the ZIP `reader` holds is.
pub(super) fn office_open_xml<R: Read + Seek>(reader: R) -> Sniffed {
    let mut package = match Package::open(reader, Limits::WORKBOOK) {
        Ok(package) => package,
        Err(WorkbookRefusal::TooManyEntries { limit }) => {
            return Sniffed::Other(format!("a ZIP archive of more than {limit} entries"))
        }
        Err(_) => return Sniffed::Other("a damaged ZIP archive".into()),
    };
    if package.names().iter().any(|name| is_vba_project(name)) {
        return with_macros();
    }
    let Some(types) =
        read_xml(&mut package, "[Content_Types].xml").map(|x| ContentTypes::parse(&x))
    else {
        return not_office();
    };
    if types.declares_any(&MACRO_TYPES) {
        return with_macros();
    }
    match read_xml(&mut package, "_rels/.rels") {
        Some(relationships) => {
            let Some(part) = main_part(&relationships) else {
                return not_office();
            };
            match types.of(&part).and_then(classify) {
                Some(found) if package.find(&part).is_some() => found,
                _ => not_office(),
            }
        }
        None => without_relationships(&package, &types),
    }
}

/// A package without relationships (no Office application writes one): every main part
/// declared and present is considered, and any refused kind among them wins, so listing a
/// decoy first changes nothing.
fn without_relationships<R: Read + Seek>(package: &Package<R>, types: &ContentTypes) -> Sniffed {
    let mut known = None;
    for (part, content_type) in &types.overrides {
        let Some(found) = classify(content_type) else {
            continue;
        };
        if package.find(part.trim_start_matches('/')).is_none() {
            continue;
        }
        match (found, known) {
            (Sniffed::Known(kind), None) => known = Some(kind),
            (Sniffed::Known(kind), Some(first)) if kind == first => {}
            (Sniffed::Known(_), Some(_)) => return not_office(),
            (refused @ Sniffed::Other(_), _) => return refused,
        }
    }
    known.map_or_else(not_office, Sniffed::Known)
}

/// `vbaProject.bin` in any folder, in any case.
fn is_vba_project(entry: &str) -> bool {
    entry
        .rsplit(['/', '\\'])
        .next()
        .is_some_and(|name| name.eq_ignore_ascii_case("vbaProject.bin"))
}

/// A small XML part of the package, if it is there and readable within the limits.
fn read_xml<R: Read + Seek>(package: &mut Package<R>, name: &str) -> Option<String> {
    let entry = package.find(name)?;
    let bytes = package.read_part(&entry, MAX_PACKAGE_XML_BYTES).ok()?;
    String::from_utf8(bytes).ok()
}

/// The declarations of `[Content_Types].xml`.
#[derive(Debug, Default)]
struct ContentTypes {
    /// `(Extension, ContentType)`
    defaults: Vec<(String, String)>,
    /// `(PartName, ContentType)`, in document order.
    overrides: Vec<(String, String)>,
}

impl ContentTypes {
    fn parse(xml: &str) -> Self {
        let mut types = Self::default();
        for_each_element(xml, |name, attribute| {
            let content_type = attribute("ContentType");
            match (name, content_type) {
                (b"Default", Some(content_type)) => {
                    if let Some(extension) = attribute("Extension") {
                        types.defaults.push((extension, content_type));
                    }
                }
                (b"Override", Some(content_type)) => {
                    if let Some(part) = attribute("PartName") {
                        types.overrides.push((part, content_type));
                    }
                }
                _ => {}
            }
        });
        types
    }

    fn declares_any(&self, content_types: &[&str]) -> bool {
        self.defaults
            .iter()
            .chain(&self.overrides)
            .any(|(_, declared)| {
                content_types
                    .iter()
                    .any(|t| declared.trim().eq_ignore_ascii_case(t))
            })
    }

    /// The content type of `part` (a name inside the archive, without a leading `/`): its
    /// `Override`, else the `Default` of its extension. Part names are case-insensitive.
    fn of(&self, part: &str) -> Option<&str> {
        let overridden = self.overrides.iter().find(|(name, _)| {
            name.trim_start_matches('/')
                .eq_ignore_ascii_case(part.trim_start_matches('/'))
        });
        if let Some((_, content_type)) = overridden {
            return Some(content_type);
        }
        let extension = part.rsplit_once('.').map(|(_, ext)| ext)?;
        self.defaults
            .iter()
            .find(|(ext, _)| ext.eq_ignore_ascii_case(extension))
            .map(|(_, content_type)| content_type.as_str())
    }
}

/// The archive entry the package relationships name as the main document; `None` when
/// there is none, or several different ones.
fn main_part(relationships: &str) -> Option<String> {
    let mut targets = Vec::new();
    for_each_element(relationships, |name, attribute| {
        if name != b"Relationship" {
            return;
        }
        let is_main = attribute("Type").is_some_and(|t| t.trim().ends_with("/officeDocument"));
        let external = attribute("TargetMode").is_some_and(|m| m.eq_ignore_ascii_case("External"));
        if let (true, false, Some(target)) = (is_main, external, attribute("Target")) {
            targets.push(resolve(&target));
        }
    });
    let first = targets.first()?.clone()?;
    targets
        .iter()
        .all(|t| t.as_deref().is_some_and(|t| t.eq_ignore_ascii_case(&first)))
        .then_some(first)
}

/// A relationship target of `_rels/.rels` as an archive entry name: relative to the package
/// root, `.` and `..` resolved; `None` if it climbs out of the package.
fn resolve(target: &str) -> Option<String> {
    let mut segments: Vec<&str> = Vec::new();
    for segment in target.trim().split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop()?;
            }
            segment => segments.push(segment),
        }
    }
    (!segments.is_empty()).then(|| segments.join("/"))
}

/// Calls `visit` with the local name of every start or empty element of `xml` and a way to
/// read its attributes; stops at the first XML error.
fn for_each_element(xml: &str, mut visit: impl FnMut(&[u8], &dyn Fn(&str) -> Option<String>)) {
    use quick_xml::events::Event;

    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Start(element) | Event::Empty(element)) => {
                let attribute = |name: &str| {
                    element
                        .try_get_attribute(name)
                        .ok()
                        .flatten()
                        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
                        .map(|v| v.into_owned())
                };
                visit(element.local_name().as_ref(), &attribute);
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guard::tests::zip_of;

    const XLSX_MAIN: &str =
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml";
    const XLSM_MAIN: &str = "application/vnd.ms-excel.sheet.macroEnabled.main+xml";
    const DOCX_MAIN: &str =
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";

    fn types(defaults: &str, overrides: &[(&str, &str)]) -> String {
        let overrides: String = overrides
            .iter()
            .map(|(part, t)| format!(r#"<Override PartName="{part}" ContentType="{t}"/>"#))
            .collect();
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>{defaults}{overrides}</Types>"#
        )
    }

    fn rels(target: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="{target}"/></Relationships>"#
        )
    }

    fn package(entries: &[(&str, &str)]) -> Vec<u8> {
        let entries: Vec<(&str, &[u8])> = entries.iter().map(|(n, c)| (*n, c.as_bytes())).collect();
        zip_of(&entries)
    }

    /// The reported bypass: a decoy XLSX main part listed first, the real macro-enabled
    /// workbook second and named by the relationships, and the VBA project beside it.
    fn decoy_xlsm(with_vba: bool) -> Vec<u8> {
        let content_types = types(
            "",
            &[
                ("/xl/decoy.xml", XLSX_MAIN),
                ("/xl/workbook.xml", XLSM_MAIN),
            ],
        );
        let rels = rels("xl/workbook.xml");
        let mut entries = vec![
            ("[Content_Types].xml", content_types.as_str()),
            ("_rels/.rels", rels.as_str()),
            ("xl/decoy.xml", "<workbook/>"),
            ("xl/workbook.xml", "<workbook/>"),
        ];
        if with_vba {
            entries.push(("xl/vbaProject.bin", "\u{1}VBA"));
        }
        package(&entries)
    }

    fn is_macro(sniffed: &Sniffed) -> bool {
        matches!(sniffed, Sniffed::Other(d) if d.contains("macros"))
    }

    #[test]
    fn a_decoy_override_does_not_hide_a_macro_enabled_workbook() {
        assert!(is_macro(&office_open_xml(std::io::Cursor::new(
            &decoy_xlsm(true)
        ))));
        // Without the VBA project, the relationships still name the XLSM main part.
        assert_eq!(
            office_open_xml(std::io::Cursor::new(&decoy_xlsm(false))),
            Sniffed::Other("an Excel workbook with macros (XLSM)".into())
        );
    }

    #[test]
    fn a_vba_project_is_refused_whatever_the_package_claims() {
        let content_types = types("", &[("/xl/workbook.xml", XLSX_MAIN)]);
        let rels = rels("xl/workbook.xml");
        for vba in [
            "xl/vbaProject.bin",
            "word/VBAPROJECT.BIN",
            "deep/er/vbaproject.bin",
        ] {
            let bytes = package(&[
                ("[Content_Types].xml", &content_types),
                ("_rels/.rels", &rels),
                ("xl/workbook.xml", "<workbook/>"),
                (vba, "\u{1}VBA"),
            ]);
            assert!(
                is_macro(&office_open_xml(std::io::Cursor::new(&bytes))),
                "{vba}"
            );
        }
        // Typed as a VBA project under another name, by Override or by Default.
        for (defaults, overrides) in [
            (
                "",
                vec![
                    ("/xl/workbook.xml", XLSX_MAIN),
                    ("/xl/code.dat", "application/vnd.ms-office.vbaProject"),
                ],
            ),
            (
                r#"<Default Extension="dat" ContentType="application/vnd.ms-office.vbaProject"/>"#,
                vec![("/xl/workbook.xml", XLSX_MAIN)],
            ),
        ] {
            let bytes = package(&[
                ("[Content_Types].xml", &types(defaults, &overrides)),
                ("_rels/.rels", &rels),
                ("xl/workbook.xml", "<workbook/>"),
                ("xl/code.dat", "\u{1}VBA"),
            ]);
            assert!(is_macro(&office_open_xml(std::io::Cursor::new(&bytes))));
        }
    }

    #[test]
    fn the_main_part_is_the_one_the_relationships_name() {
        let content_types = types(
            "",
            &[
                ("/xl/workbook.xml", XLSX_MAIN),
                ("/word/document.xml", DOCX_MAIN),
            ],
        );
        let both = |target: &str| {
            package(&[
                ("[Content_Types].xml", &content_types),
                ("_rels/.rels", &rels(target)),
                ("xl/workbook.xml", "<workbook/>"),
                ("word/document.xml", "<w:document/>"),
            ])
        };
        assert_eq!(
            office_open_xml(std::io::Cursor::new(&both("xl/workbook.xml"))),
            Sniffed::Known(FileType::Xlsx)
        );
        assert_eq!(
            office_open_xml(std::io::Cursor::new(&both("/word/document.xml"))),
            Sniffed::Known(FileType::Docx)
        );
        assert_eq!(
            office_open_xml(std::io::Cursor::new(&both("./word/../xl/workbook.xml"))),
            Sniffed::Known(FileType::Xlsx)
        );
        // Named but missing, outside the package, or typed by the plain XML default.
        assert_eq!(
            office_open_xml(std::io::Cursor::new(&both("xl/other.xml"))),
            not_office()
        );
        assert_eq!(
            office_open_xml(std::io::Cursor::new(&both("../xl/workbook.xml"))),
            not_office()
        );
        let plain = package(&[
            ("[Content_Types].xml", &types("", &[])),
            ("_rels/.rels", &rels("xl/workbook.xml")),
            ("xl/workbook.xml", "<workbook/>"),
        ]);
        assert_eq!(office_open_xml(std::io::Cursor::new(&plain)), not_office());
        // A main part typed by the Default of its extension counts.
        let by_default = package(&[
            (
                "[Content_Types].xml",
                &types(
                    &format!(r#"<Default Extension="main" ContentType="{DOCX_MAIN}"/>"#),
                    &[],
                ),
            ),
            ("_rels/.rels", &rels("word/document.main")),
            ("word/document.main", "<w:document/>"),
        ]);
        assert_eq!(
            office_open_xml(std::io::Cursor::new(&by_default)),
            Sniffed::Known(FileType::Docx)
        );
    }

    #[test]
    fn without_relationships_a_refused_main_part_wins() {
        let listed = |overrides: &[(&str, &str)]| {
            package(&[
                ("[Content_Types].xml", &types("", overrides)),
                ("xl/decoy.xml", "<workbook/>"),
                ("xl/workbook.xml", "<workbook/>"),
            ])
        };
        assert_eq!(
            office_open_xml(std::io::Cursor::new(&listed(&[(
                "/xl/workbook.xml",
                XLSX_MAIN
            )]))),
            Sniffed::Known(FileType::Xlsx)
        );
        assert_eq!(
            office_open_xml(std::io::Cursor::new(&listed(&[
                ("/xl/decoy.xml", XLSX_MAIN),
                ("/xl/workbook.xml", XLSM_MAIN)
            ]))),
            Sniffed::Other("an Excel workbook with macros (XLSM)".into())
        );
    }

    #[test]
    fn the_guards_entry_limit_applies() {
        let names: Vec<String> = (0..=crate::guard::MAX_ENTRIES)
            .map(|i| format!("word/media/image{i}.png"))
            .collect();
        let entries: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "")).collect();
        assert_eq!(
            office_open_xml(std::io::Cursor::new(&package(&entries))),
            Sniffed::Other("a ZIP archive of more than 2000 entries".into())
        );
    }
}
