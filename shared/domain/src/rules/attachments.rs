//! Which files an attachment may be and what is kept of them: the types each purpose takes,
//! why a file is refused, names cleaned for download, and every file's SHA-256. Deciding what
//! a file's content is (sniffing) reads archives and lives in `cchc_excel::files`; it passes
//! its verdict, a [`Sniffed`], to [`judge`].

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

/// The types a file of an official document may have: what a document-management system
/// exchanges (the signed PDF, the Word draft, Excel annexes).
pub const DOCUMENT_FILE_TYPES: &[FileType] = &[
    FileType::Pdf,
    FileType::Docx,
    FileType::Doc,
    FileType::Xlsx,
    FileType::Xls,
];

/// The file's type when its content, `sniffed`, is one of the `allowed` types; otherwise the
/// problem, naming what the content is and what is allowed.
pub fn judge(allowed: &[FileType], sniffed: Sniffed) -> Result<FileType, FileProblem> {
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
    use super::*;

    #[test]
    fn the_verdict_is_checked_against_the_allowed_types() {
        let statistics = allowed_types(AttachmentPurpose::Statistics);
        assert_eq!(
            judge(statistics, Sniffed::Known(FileType::Xlsx)),
            Ok(FileType::Xlsx)
        );
        let refused = judge(statistics, Sniffed::Known(FileType::Pdf)).unwrap_err();
        assert_eq!(refused.code(), "unsupported_file_type");
        assert_eq!(
            refused.message(AttachmentPurpose::Statistics),
            "the file's content is PDF (application/pdf); a statistics file must be XLSX, XLS"
        );
        let other = judge(DOCUMENT_FILE_TYPES, Sniffed::Other("plain text".into())).unwrap_err();
        assert_eq!(
            other.document_message(),
            "the file's content is plain text; a document's file must be PDF, DOCX, DOC, XLSX, XLS"
        );
        assert_eq!(FileProblem::Empty.code(), "empty");
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
