//! What an uploaded file really is, decided from its content (never from the name or the
//! declared Content-Type): PDF and images by their signature, DOCX/XLSX by the main part an
//! OOXML package names (read through the workbook guard), DOC/XLS by their compound-file
//! streams. The pure side — the types each purpose takes, why a file is refused, file names and
//! hashes — is `cchc_domain::rules::attachments`.

mod ooxml;

use std::io::{Cursor, Read, Seek};

use cchc_domain::model::attachment::AttachmentPurpose;
use cchc_domain::rules::attachments::{
    allowed_types, judge, FileProblem, FileType, Sniffed, DOCUMENT_FILE_TYPES,
};

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
        return ooxml::office_open_xml(whole);
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

/// The file's type, if `purpose` takes it.
pub fn check_file(purpose: AttachmentPurpose, bytes: &[u8]) -> Result<FileType, FileProblem> {
    check_types(allowed_types(purpose), bytes)
}

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
}
