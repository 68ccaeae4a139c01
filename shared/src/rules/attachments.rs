//! What an uploaded file is and whether it may be attached: the type is decided from the
//! content (never from the name or the declared Content-Type), each purpose takes its own
//! types, names are cleaned for download, and every file gets its SHA-256.

use std::io::{Cursor, Read, Seek};

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use crate::model::attachment::AttachmentPurpose;

/// A file type an attachment may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Pdf,
    Docx,
    /// Word 97–2003 (an OLE compound file with a `WordDocument` stream).
    Doc,
    Xlsx,
    /// Excel 97–2003 (an OLE compound file with a `Workbook` stream).
    Xls,
    Png,
    Jpeg,
}

impl FileType {
    /// The Content-Type stored and served.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Doc => "application/msword",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Xls => "application/vnd.ms-excel",
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pdf => "PDF",
            Self::Docx => "DOCX",
            Self::Doc => "DOC",
            Self::Xlsx => "XLSX",
            Self::Xls => "XLS",
            Self::Png => "PNG",
            Self::Jpeg => "JPEG",
        }
    }
}

/// The types each purpose takes.
pub fn allowed_types(purpose: AttachmentPurpose) -> &'static [FileType] {
    match purpose {
        AttachmentPurpose::Narrative => &[FileType::Docx, FileType::Doc, FileType::Pdf],
        AttachmentPurpose::Statistics => &[FileType::Xlsx, FileType::Xls],
        AttachmentPurpose::Evidence => &[
            FileType::Pdf,
            FileType::Docx,
            FileType::Xlsx,
            FileType::Png,
            FileType::Jpeg,
        ],
    }
}

/// What the content turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sniffed {
    Known(FileType),
    /// Something else, described for the person who sent it.
    Other(String),
}

const OLE2_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

/// Leading bytes read from a file to recognise it (the archive readers seek further).
const HEAD_BYTES: u64 = 64 * 1024;

/// Decides what `bytes` are from their content.
pub fn sniff(bytes: &[u8]) -> Sniffed {
    // The archive and compound-file readers parse untrusted input; a panic in them must not
    // take the request (or the worker thread) down with it.
    std::panic::catch_unwind(|| sniff_unguarded(bytes, Cursor::new(bytes), is_text(bytes)))
        .unwrap_or_else(|_| damaged())
}

/// Decides what a file is from its content, reading only what it needs (a download spooled
/// to disk is not loaded into memory). Blocking.
pub fn sniff_reader<R: Read + Seek>(mut reader: R) -> Sniffed {
    let mut head = Vec::new();
    let read = reader.rewind().and_then(|()| {
        reader.by_ref().take(HEAD_BYTES).read_to_end(&mut head)?;
        reader.rewind()
    });
    if read.is_err() {
        return Sniffed::Other("an unreadable file".to_owned());
    }
    // As in `sniff`; the reader is dropped after a panic, so its state does not matter.
    let text = is_text(&head);
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        sniff_unguarded(&head, reader, text)
    }))
    .unwrap_or_else(|_| damaged())
}

fn damaged() -> Sniffed {
    Sniffed::Other("a damaged or unrecognised file".to_owned())
}

/// UTF-8 without NUL; a character cut at the end of a head still counts.
fn is_text(bytes: &[u8]) -> bool {
    let valid = match std::str::from_utf8(bytes) {
        Ok(_) => bytes,
        Err(e) if e.error_len().is_none() => &bytes[..e.valid_up_to()],
        Err(_) => return false,
    };
    !valid.contains(&0)
}

/// `head` is the start of the content, `whole` all of it.
fn sniff_unguarded<R: Read + Seek>(head: &[u8], whole: R, text: bool) -> Sniffed {
    if infer::archive::is_pdf(head) {
        return Sniffed::Known(FileType::Pdf);
    }
    if infer::image::is_png(head) {
        return Sniffed::Known(FileType::Png);
    }
    if infer::image::is_jpeg(head) {
        return Sniffed::Known(FileType::Jpeg);
    }
    if head.starts_with(ZIP_MAGIC) {
        return super::ooxml::office_open_xml(whole);
    }
    if head.starts_with(OLE2_MAGIC) {
        return compound_file(whole);
    }
    if let Some(kind) = infer::get(head) {
        return Sniffed::Other(format!("{} (.{})", kind.mime_type(), kind.extension()));
    }
    if text {
        return Sniffed::Other("plain text".to_owned());
    }
    Sniffed::Other("an unrecognised format".to_owned())
}

/// An OLE compound file is a DOC or XLS by the stream its application keeps the content in.
fn compound_file<R: Read + Seek>(reader: R) -> Sniffed {
    let Ok(file) = cfb::CompoundFile::open(reader) else {
        return Sniffed::Other("a damaged Office 97–2003 file".into());
    };
    if file.is_stream("/EncryptedPackage") {
        return Sniffed::Other("a password-protected Office document".into());
    }
    if file.is_stream("/WordDocument") {
        return Sniffed::Known(FileType::Doc);
    }
    if file.is_stream("/Workbook") || file.is_stream("/Book") {
        return Sniffed::Known(FileType::Xls);
    }
    if file.is_stream("/PowerPoint Document") {
        return Sniffed::Other("a PowerPoint 97–2003 presentation (PPT)".into());
    }
    Sniffed::Other("an Office 97–2003 file that is neither Word nor Excel".into())
}

/// Why a file cannot be attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    Empty,
    Unsupported { detected: String, allowed: String },
}

impl FileProblem {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::Unsupported { .. } => "unsupported_file_type",
        }
    }

    /// The message for a file of an official document.
    pub fn document_message(&self) -> String {
        match self {
            Self::Empty => "the file is empty".to_owned(),
            Self::Unsupported { detected, allowed } => {
                format!("the file's content is {detected}; a document's file must be {allowed}")
            }
        }
    }

    pub fn message(&self, purpose: AttachmentPurpose) -> String {
        match self {
            Self::Empty => "the file is empty".to_owned(),
            Self::Unsupported { detected, allowed } => {
                format!("the file's content is {detected}; a {purpose} file must be {allowed}")
            }
        }
    }
}

/// The file's type, if `purpose` takes it.
pub fn check_file(purpose: AttachmentPurpose, bytes: &[u8]) -> Result<FileType, FileProblem> {
    check_types(allowed_types(purpose), bytes)
}

/// The types a file of an official document may have: what a document-management system
/// exchanges (the signed PDF, the Word draft, Excel annexes).
pub const DOCUMENT_FILE_TYPES: &[FileType] = &[
    FileType::Pdf,
    FileType::Docx,
    FileType::Doc,
    FileType::Xlsx,
    FileType::Xls,
];

/// The type of an official document's file, if it may have it; `message` of the problem is
/// [`FileProblem::document_message`].
pub fn check_document_file(bytes: &[u8]) -> Result<FileType, FileProblem> {
    check_types(DOCUMENT_FILE_TYPES, bytes)
}

/// [`check_document_file`] of a file of `size` bytes, read as needed. Blocking.
pub fn check_document_reader<R: Read + Seek>(
    reader: R,
    size: u64,
) -> Result<FileType, FileProblem> {
    if size == 0 {
        return Err(FileProblem::Empty);
    }
    judge(DOCUMENT_FILE_TYPES, sniff_reader(reader))
}

fn check_types(allowed: &[FileType], bytes: &[u8]) -> Result<FileType, FileProblem> {
    if bytes.is_empty() {
        return Err(FileProblem::Empty);
    }
    judge(allowed, sniff(bytes))
}

fn judge(allowed: &[FileType], sniffed: Sniffed) -> Result<FileType, FileProblem> {
    let describe_allowed = || {
        let labels: Vec<&str> = allowed.iter().map(|t| t.label()).collect();
        labels.join(", ")
    };
    match sniffed {
        Sniffed::Known(file_type) if allowed.contains(&file_type) => Ok(file_type),
        Sniffed::Known(file_type) => Err(FileProblem::Unsupported {
            detected: format!("{} ({})", file_type.label(), file_type.content_type()),
            allowed: describe_allowed(),
        }),
        Sniffed::Other(detected) => Err(FileProblem::Unsupported {
            detected,
            allowed: describe_allowed(),
        }),
    }
}

/// Longest kept file name, in characters.
pub const MAX_FILENAME_CHARS: usize = 255;

/// The name to keep for a file: its last path component (browsers on Windows may send the
/// whole path), in NFC, without control or bidirectional-override characters (which can
/// disguise `gpj.exe` as `exe.jpg`), trimmed, at most 255 characters with the extension kept.
/// `None` when nothing is left.
pub fn sanitize_filename(raw: &str) -> Option<String> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .nfc()
        .filter(|c| !c.is_control() && !crate::validation::is_invisible_format(*c))
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    if cleaned.is_empty() {
        return None;
    }
    if cleaned.chars().count() <= MAX_FILENAME_CHARS {
        return Some(cleaned.to_owned());
    }
    let (stem, extension) = match cleaned.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.chars().count() <= 16 => (stem, Some(ext)),
        _ => (cleaned, None),
    };
    let room = MAX_FILENAME_CHARS - extension.map_or(0, |e| e.chars().count() + 1);
    let stem: String = stem.chars().take(room).collect();
    Some(match extension {
        Some(ext) => format!("{}.{ext}", stem.trim_end()),
        None => stem,
    })
}

/// An ASCII stand-in for a name, for clients that ignore `filename*`: Vietnamese letters lose
/// their marks (`Báo cáo Quý IV.docx` → `Bao cao Quy IV.docx`), anything else unsafe in a
/// quoted header value becomes `_`.
pub fn ascii_filename(name: &str) -> String {
    let ascii = deunicode::deunicode(name);
    let cleaned: String = ascii
        .chars()
        .map(|c| match c {
            '"' | '\\' | '/' | ';' => '_',
            c if c.is_ascii_graphic() || c == ' ' => c,
            _ => '_',
        })
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        "file".to_owned()
    } else {
        cleaned.to_owned()
    }
}

/// SHA-256 of `bytes`, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    const PDF: &[u8] =
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    const PNG: &[u8] = &[
        0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R',
    ];
    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0];

    /// A ZIP with these entries.
    fn zip_of(entries: &[(&str, &str)]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, content) in entries {
            writer
                .start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            writer.write_all(content.as_bytes()).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    fn content_types(part: &str, content_type: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="{part}" ContentType="{content_type}"/></Types>"#
        )
    }

    fn docx() -> Vec<u8> {
        zip_of(&[
            (
                "[Content_Types].xml",
                &content_types(
                    "/word/document.xml",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                ),
            ),
            ("word/document.xml", "<w:document/>"),
        ])
    }

    fn xlsx() -> Vec<u8> {
        zip_of(&[
            (
                "[Content_Types].xml",
                &content_types(
                    "/xl/workbook.xml",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                ),
            ),
            ("xl/workbook.xml", "<workbook/>"),
        ])
    }

    fn compound(stream: &str) -> Vec<u8> {
        let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        file.create_stream(stream)
            .unwrap()
            .write_all(&[0u8; 600])
            .unwrap();
        file.flush().unwrap();
        file.into_inner().into_inner()
    }

    #[test]
    fn types_come_from_the_content() {
        assert_eq!(sniff(PDF), Sniffed::Known(FileType::Pdf));
        assert_eq!(sniff(PNG), Sniffed::Known(FileType::Png));
        assert_eq!(sniff(JPEG), Sniffed::Known(FileType::Jpeg));
        assert_eq!(sniff(&docx()), Sniffed::Known(FileType::Docx));
        assert_eq!(sniff(&xlsx()), Sniffed::Known(FileType::Xlsx));
        assert_eq!(
            sniff(&compound("/WordDocument")),
            Sniffed::Known(FileType::Doc)
        );
        assert_eq!(sniff(&compound("/Workbook")), Sniffed::Known(FileType::Xls));
    }

    #[test]
    fn a_file_read_as_needed_is_judged_as_its_bytes() {
        // A DOCX far larger than the head: its directory is at the end, read by seeking.
        let mut padding = String::new();
        while padding.len() < 3 * HEAD_BYTES as usize {
            padding.push_str(&format!("{:x}", padding.len() * 7919));
        }
        let big = zip_of(&[
            (
                "[Content_Types].xml",
                &content_types(
                    "/word/document.xml",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                ),
            ),
            ("word/media/filler.txt", &padding),
            ("word/document.xml", "<w:document/>"),
        ]);
        assert!(big.len() as u64 > HEAD_BYTES);
        let samples: Vec<Vec<u8>> = vec![
            PDF.to_vec(),
            docx(),
            big,
            xlsx(),
            compound("/WordDocument"),
            compound("/PowerPoint Document"),
            zip_of(&[("a.txt", "a")]),
            "Báo cáo".as_bytes().to_vec(),
            vec![0x00, 0x01, 0x02, 0xFF],
        ];
        for bytes in samples {
            let mut file = tempfile::tempfile().unwrap();
            file.write_all(&bytes).unwrap();
            assert_eq!(sniff_reader(&mut file), sniff(&bytes));
            assert_eq!(
                check_document_reader(&mut file, bytes.len() as u64),
                check_document_file(&bytes)
            );
        }
        assert_eq!(
            check_document_reader(Cursor::new(Vec::new()), 0),
            Err(FileProblem::Empty)
        );
    }

    #[test]
    fn a_zip_is_not_office_unless_its_main_part_says_so() {
        let plain = zip_of(&[("notes.txt", "hello")]);
        assert!(matches!(sniff(&plain), Sniffed::Other(d) if d.contains("ZIP archive")));
        // Names that look like Word's are not enough without the declared main part.
        let lookalike = zip_of(&[("word/document.xml", "<w:document/>")]);
        assert!(matches!(sniff(&lookalike), Sniffed::Other(d) if d.contains("ZIP archive")));
        // Declared but missing.
        let hollow = zip_of(&[(
            "[Content_Types].xml",
            &content_types(
                "/word/document.xml",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            ),
        )]);
        assert!(matches!(sniff(&hollow), Sniffed::Other(d) if d.contains("ZIP archive")));
        let macro_enabled = zip_of(&[
            (
                "[Content_Types].xml",
                &content_types(
                    "/word/document.xml",
                    "application/vnd.ms-word.document.macroEnabled.main+xml",
                ),
            ),
            ("word/document.xml", "<w:document/>"),
        ]);
        assert!(matches!(sniff(&macro_enabled), Sniffed::Other(d) if d.contains("DOCM")));
        let truncated = &docx()[..20];
        assert!(matches!(sniff(truncated), Sniffed::Other(_)));
    }

    #[test]
    fn other_compound_files_are_not_word_or_excel() {
        assert!(matches!(
            sniff(&compound("/PowerPoint Document")),
            Sniffed::Other(d) if d.contains("PPT")
        ));
        assert!(matches!(
            sniff(&compound("/EncryptedPackage")),
            Sniffed::Other(d) if d.contains("password")
        ));
        let mut damaged = OLE2_MAGIC.to_vec();
        damaged.extend_from_slice(&[0; 100]);
        assert!(matches!(sniff(&damaged), Sniffed::Other(_)));
    }

    #[test]
    fn text_and_programs_are_described() {
        assert_eq!(
            sniff("Báo cáo".as_bytes()),
            Sniffed::Other("plain text".into())
        );
        let mut exe = b"MZ\x90\x00\x03\x00\x00\x00".to_vec();
        exe.resize(256, 0);
        assert!(matches!(sniff(&exe), Sniffed::Other(d) if d.contains("exe")));
        assert_eq!(
            sniff(&[0x00, 0x01, 0x02, 0xFF]),
            Sniffed::Other("an unrecognised format".into())
        );
    }

    #[test]
    fn each_purpose_takes_its_types() {
        use AttachmentPurpose::*;
        assert_eq!(check_file(Narrative, &docx()), Ok(FileType::Docx));
        assert_eq!(check_file(Narrative, PDF), Ok(FileType::Pdf));
        assert_eq!(
            check_file(Narrative, &compound("/WordDocument")),
            Ok(FileType::Doc)
        );
        assert_eq!(check_file(Statistics, &xlsx()), Ok(FileType::Xlsx));
        assert_eq!(
            check_file(Statistics, &compound("/Workbook")),
            Ok(FileType::Xls)
        );
        for (bytes, file_type) in [
            (PDF.to_vec(), FileType::Pdf),
            (docx(), FileType::Docx),
            (xlsx(), FileType::Xlsx),
            (PNG.to_vec(), FileType::Png),
            (JPEG.to_vec(), FileType::Jpeg),
        ] {
            assert_eq!(check_file(Evidence, &bytes), Ok(file_type));
        }
        let refused = check_file(Statistics, PDF).unwrap_err();
        assert_eq!(refused.code(), "unsupported_file_type");
        assert_eq!(
            refused.message(Statistics),
            "the file's content is PDF (application/pdf); a statistics file must be XLSX, XLS"
        );
        assert!(check_file(Narrative, &xlsx()).is_err());
        assert!(check_file(Narrative, PNG).is_err());
        assert!(check_file(Evidence, &compound("/WordDocument")).is_err());
        assert_eq!(check_file(Evidence, b""), Err(FileProblem::Empty));
    }

    #[test]
    fn filenames_lose_paths_and_control_characters() {
        assert_eq!(
            sanitize_filename(r"C:\Users\An\Desktop\Báo cáo Quý IV.docx").as_deref(),
            Some("Báo cáo Quý IV.docx")
        );
        assert_eq!(
            sanitize_filename("../../etc/passwd").as_deref(),
            Some("passwd")
        );
        assert_eq!(
            sanitize_filename("bad\u{0}\r\nname\u{7}.pdf").as_deref(),
            Some("badname.pdf")
        );
        assert_eq!(
            sanitize_filename("invoice\u{202E}fdp.exe").as_deref(),
            Some("invoicefdp.exe")
        );
        assert_eq!(
            sanitize_filename("  ..hidden.pdf ").as_deref(),
            Some("hidden.pdf")
        );
        assert_eq!(sanitize_filename("dir/"), None);
        assert_eq!(sanitize_filename(".."), None);
        assert_eq!(sanitize_filename(" \t"), None);
        // Decomposed (as macOS sends it) and composed spellings end up equal.
        assert_eq!(
            sanitize_filename("Ba\u{301}o ca\u{301}o.pdf").as_deref(),
            Some("Báo cáo.pdf")
        );
        let long = format!("{}.xlsx", "Biểu ".repeat(100));
        let kept = sanitize_filename(&long).unwrap();
        assert!(kept.chars().count() <= MAX_FILENAME_CHARS);
        assert!(kept.starts_with("Biểu Biểu"));
        assert!(kept.ends_with(".xlsx"));
    }

    #[test]
    fn ascii_fallback_drops_vietnamese_marks() {
        assert_eq!(
            ascii_filename("Báo cáo Quý IV – Đơn vị.docx"),
            "Bao cao Quy IV - Don vi.docx"
        );
        assert_eq!(ascii_filename("a\"b\\c;d.pdf"), "a_b_c_d.pdf");
        assert_eq!(ascii_filename("文件"), "Wen Jian");
    }

    #[test]
    fn sha256_is_lowercase_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
