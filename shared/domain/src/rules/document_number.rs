//! Numbers and symbols of official documents (số, ký hiệu văn bản) as they are written.
//!
//! State documents, per Decree 30/2020/NĐ-CP, Appendix I, section II.3:
//!
//! - a document with a type name: `number/TYPE-ISSUER[-DRAFTER]`, e.g. `383/KH-SCT`,
//!   `12/BC-QLCN`, `125/QĐ-SCT`;
//! - an official letter (công văn), which has no type name: `number/ISSUER-DRAFTER`, e.g.
//!   `3394/SCT-VP`, `733/SNV-TT`;
//! - a legal normative document carries its year: `number/year/TYPE-ISSUER`, e.g.
//!   `09/2019/NĐ-CP`, `01/2011/TT-BNV`; a law or resolution of the National Assembly names
//!   the legislature instead of a type: `45/2019/QH14`, `91/2015/QH13`;
//! - a joint document (liên tịch) names every co-issuer after its type:
//!   `02/2019/TTLT-BNV-BTC`;
//! - a number may carry a letter: `30c/NQ-CP` (the Government's 2011 master programme).
//!
//! Party documents (Quy định 66-QĐ/TW, formerly Hướng dẫn 36-HD/VPTW) put the type with the
//! number: `number-TYPE/ISSUER`, e.g. `39-NQ/TW`, `10-NQ/TU`, `125-CV/TU`.
//!
//! Text from real documents is tidied first: a leading `Số`/`Số:`, non-breaking or en-dash
//! hyphens, the look-alike `Ð` (U+00D0) of legacy Vietnamese fonts for `Đ`, decomposed
//! diacritics.
//!
//! Numbers restart each year (Decree 30, Art. 15), so a number and symbol is unique within an
//! issuing agency's year, not globally. Abbreviations are upper-case Vietnamese letters and
//! digits (`QĐ`, `SCT`, `UBND`); a few type abbreviations have lower-case letters (`CTr`,
//! `TTr`, `QyĐ`).

use std::fmt;
use std::sync::LazyLock;

/// Type abbreviations of Decree 30/2020/NĐ-CP Appendix III (administrative documents) and of
/// the common legal normative documents, with their Vietnamese names.
pub const DOCUMENT_TYPES: &[(&str, &str)] = &[
    ("NQ", "Nghị quyết"),
    ("QĐ", "Quyết định"),
    ("CT", "Chỉ thị"),
    ("QC", "Quy chế"),
    ("QyĐ", "Quy định"),
    ("TC", "Thông cáo"),
    ("TB", "Thông báo"),
    ("HD", "Hướng dẫn"),
    ("CTr", "Chương trình"),
    ("KH", "Kế hoạch"),
    ("PA", "Phương án"),
    ("ĐA", "Đề án"),
    ("DA", "Dự án"),
    ("BC", "Báo cáo"),
    ("BB", "Biên bản"),
    ("TTr", "Tờ trình"),
    ("HĐ", "Hợp đồng"),
    ("CĐ", "Công điện"),
    ("BGN", "Bản ghi nhớ"),
    ("BTT", "Bản thỏa thuận"),
    ("GUQ", "Giấy ủy quyền"),
    ("GM", "Giấy mời"),
    ("GGT", "Giấy giới thiệu"),
    ("GNP", "Giấy nghỉ phép"),
    ("PG", "Phiếu gửi"),
    ("PC", "Phiếu chuyển"),
    ("PB", "Phiếu báo"),
    // Legal normative documents.
    ("L", "Luật"),
    ("PL", "Pháp lệnh"),
    ("NĐ", "Nghị định"),
    ("TT", "Thông tư"),
    ("TTLT", "Thông tư liên tịch"),
    ("NQLT", "Nghị quyết liên tịch"),
];

/// Types of joint documents: every part of the symbol after the type is a co-issuer.
const JOINT_TYPES: &[&str] = &["TTLT", "NQLT"];

/// Type abbreviations that are also the abbreviation of a common issuer, so that `TYPE-X` may
/// as well be a letter of that issuer drafted by X: `81134/CT-TTHT` is a letter of a tax
/// department (Cục Thuế, `CT`) from its taxpayer-support office, not a directive (Chỉ thị).
const TYPES_ALSO_ISSUERS: &[(&str, &str)] = &[("CT", "Cục Thuế")];

/// Type abbreviations of Party documents that the state list lacks.
const PARTY_TYPES: &[(&str, &str)] = &[("KL", "Kết luận"), ("CV", "Công văn")];

/// How the number and symbol is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NumberStyle {
    /// `number[/year]/SYMBOL` (Decree 30/2020/NĐ-CP).
    #[default]
    State,
    /// `number-TYPE/ISSUER` (the Party's documents).
    Party,
}

/// A parsed number and symbol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentNumber {
    /// The running number (leading zeros dropped): `383`.
    pub number: u32,
    /// Letters written after the number: `c` in `30c/NQ-CP`.
    pub number_suffix: Option<String>,
    /// The year in the symbol of a legal normative document: `2019` in `09/2019/NĐ-CP`.
    pub year: Option<i32>,
    /// The type abbreviation, absent for an official letter: `KH`.
    pub document_type: Option<String>,
    /// The issuing agency's abbreviation: `SCT`; the first one of a joint document.
    pub issuer: String,
    /// The other issuers of a joint document: `BTC` in `02/2019/TTLT-BNV-BTC`.
    pub co_issuers: Vec<String>,
    /// The drafting unit's abbreviation, when the symbol names one: `VP` in `3394/SCT-VP`.
    pub drafter: Option<String>,
    pub style: NumberStyle,
    /// The symbol reads two ways (`CT-TTHT`: a directive of TTHT, or a letter of the issuer
    /// `CT` drafted by TTHT); the parse took the first, and says so.
    pub ambiguous: bool,
}

impl DocumentNumber {
    /// The Vietnamese name of the type: `Công văn` for a letter; for a National Assembly
    /// document (`45/2019/QH14`), which names no type, `Văn bản quy phạm pháp luật`.
    pub fn type_name(&self) -> &'static str {
        match &self.document_type {
            None if self.year.is_some() => "Văn bản quy phạm pháp luật",
            None => "Công văn",
            Some(abbreviation) => DOCUMENT_TYPES
                .iter()
                .chain(PARTY_TYPES)
                .find(|(a, _)| a == abbreviation)
                .map_or("Văn bản", |(_, name)| name),
        }
    }

    /// What an officer should check, in Vietnamese, when the symbol reads two ways.
    pub fn ambiguity(&self) -> Option<String> {
        if !self.ambiguous {
            return None;
        }
        let kind = self.document_type.as_deref()?;
        let issuer_name = TYPES_ALSO_ISSUERS
            .iter()
            .find(|(a, _)| *a == kind)
            .map_or(kind, |(_, name)| name);
        Some(format!(
            "Ký hiệu {kind}-{issuer} có hai cách hiểu: {} của {issuer}, hoặc công văn của \
             {kind} ({issuer_name}) do {issuer} soạn thảo; kiểm tra lại loại văn bản.",
            self.type_name(),
            issuer = self.issuer,
        ))
    }
}

impl fmt::Display for DocumentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Numbers below 10 are written with a leading zero (Decree 30: "01", "02", …).
        write!(f, "{:02}", self.number)?;
        if let Some(suffix) = &self.number_suffix {
            f.write_str(suffix)?;
        }
        let issuers = std::iter::once(&self.issuer)
            .chain(&self.co_issuers)
            .chain(self.drafter.iter())
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("-");
        match self.style {
            NumberStyle::Party => {
                let kind = self.document_type.as_deref().unwrap_or_default();
                write!(f, "-{kind}/{issuers}")
            }
            NumberStyle::State => {
                f.write_str("/")?;
                if let Some(year) = self.year {
                    write!(f, "{year}/")?;
                }
                match &self.document_type {
                    Some(kind) => write!(f, "{kind}-{issuers}"),
                    None => f.write_str(&issuers),
                }
            }
        }
    }
}

/// Why a number and symbol is not valid, in words an officer understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentNumberError {
    #[error("the number and symbol is empty")]
    Empty,
    #[error("expected number/symbol, e.g. 383/KH-SCT, 3394/SCT-VP or 39-NQ/TW")]
    MissingSlash,
    #[error("{0:?} is not a document number: it must be a whole number from 1, optionally followed by a letter (30c)")]
    BadNumber(String),
    #[error("{0:?} is not a year")]
    BadYear(String),
    #[error("the symbol {0:?} must name at least the issuing agency, e.g. SCT-VP or KH-SCT")]
    BadSymbol(String),
    #[error("{0:?} is not a valid abbreviation: a capital letter, then letters and digits")]
    BadAbbreviation(String),
    #[error(
        "write abbreviations with the letters A-Z, Đ and digits, the number with at most nine \
         digits, and only spaces between the parts"
    )]
    NotAsWritten,
    #[error("the number and symbol is longer than {MAX_CHARS} characters")]
    TooLong,
}

/// The longest number and symbol taken, spaces included.
pub const MAX_CHARS: usize = 200;

/// The layouts above as one regular expression, without anchors: what [`check`] takes.
/// Abbreviations are written with A–Z, `Đ` and digits (Vietnamese abbreviations drop every
/// other diacritic), a running number has at most nine digits, and the tidying [`parse`]
/// does is spelled out: a leading `Số` (composed or not), spaces and no-break spaces around
/// `/` and `-`, look-alike dashes and slashes, `Ð`.
fn pattern_body() -> String {
    const SPACE: &str = "[ \\u00A0]*";
    let dash = format!("{SPACE}[-\\u2010-\\u2014\\u2212\\uFE63\\uFF0D]{SPACE}");
    let slash = format!("{SPACE}[/\\u2215\\uFF0F]{SPACE}");
    let abbreviation = "[A-ZĐÐ][A-Za-z0-9ĐđÐð]{0,19}";
    let number = "0*[1-9][0-9]{0,8}[a-z]{0,2}";
    let year = "(?:194[5-9]|19[5-9][0-9]|2[0-9]{3})";
    let kinds = DOCUMENT_TYPES
        .iter()
        .map(|(abbreviation, _)| abbreviation.replace('Đ', "[ĐÐ]"))
        .collect::<Vec<_>>()
        .join("|");
    let legislature = "(?:QH|UBTVQH)[0-9]{1,2}";
    let so = "(?:[Ss](?:ố|ô\\u0301|o\\u0302\\u0301)|S(?:Ố|Ô\\u0301|O\\u0302\\u0301))";
    // A letter names its issuer (and drafter); a typed document its issuers after the type.
    let symbol = format!(
        "(?:{abbreviation}(?:{dash}{abbreviation})?|(?:{kinds})(?:{dash}{abbreviation}){{2,}})"
    );
    let legal_symbol = format!("(?:(?:{kinds})(?:{dash}{abbreviation})+|{legislature})");
    let state = format!("{number}{slash}(?:{symbol}|{year}{slash}{legal_symbol})");
    let party =
        format!("{number}{dash}{abbreviation}{slash}{abbreviation}(?:{dash}{abbreviation})?");
    format!("{SPACE}(?:{so}[:. \\u00A0]*)?(?:{state}|{party}){SPACE}")
}

static PATTERN: LazyLock<String> = LazyLock::new(|| format!("^{}$", pattern_body()));
static MATCHER: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(&PATTERN).expect("the document number pattern compiles"));

/// The number and symbol the service takes, as the OpenAPI document's `pattern` (ECMAScript,
/// Python and Rust read it alike). Every text it matches parses.
pub fn pattern() -> &'static str {
    &PATTERN
}

/// A number and symbol as the API takes it: read by [`parse`], written as [`pattern`] says.
pub fn check(text: &str) -> Result<DocumentNumber, DocumentNumberError> {
    if text.chars().count() > MAX_CHARS {
        return Err(DocumentNumberError::TooLong);
    }
    let parsed = parse(text)?;
    if MATCHER.is_match(text) {
        Ok(parsed)
    } else {
        Err(DocumentNumberError::NotAsWritten)
    }
}

fn is_abbreviation(part: &str) -> bool {
    !part.is_empty()
        && part.chars().count() <= 20
        && part.chars().all(|c| c.is_alphanumeric())
        && part.chars().next().is_some_and(char::is_uppercase)
}

fn is_type(part: &str) -> bool {
    DOCUMENT_TYPES.iter().any(|(a, _)| *a == part)
}

/// The National Assembly (`QH14`) or its Standing Committee (`UBTVQH15`), with the term.
fn is_legislature(part: &str) -> bool {
    ["QH", "UBTVQH"].iter().any(|body| {
        part.strip_prefix(body).is_some_and(|term| {
            (1..=2).contains(&term.len()) && term.chars().all(|c| c.is_ascii_digit())
        })
    })
}

/// The text as an officer meant it: NFC, look-alike letters and dashes replaced, spaces
/// collapsed, a leading `Số`/`Số:` dropped.
fn tidy(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let replaced: String = text
        .nfc()
        .map(|c| match c {
            // Legacy Vietnamese fonts (TCVN3, VNI) map Đ/đ to the Icelandic eth.
            '\u{00D0}' => 'Đ',
            '\u{00F0}' => 'đ',
            // Hyphen, non-breaking hyphen, figure dash, en dash, em dash, minus, small and
            // full-width hyphen-minus.
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}'
            | '\u{FE63}' | '\u{FF0D}' => '-',
            // Division slash, full-width solidus.
            '\u{2215}' | '\u{FF0F}' => '/',
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .collect();
    let trimmed = replaced.trim();
    let without_prefix = ["Số", "số", "SỐ"]
        .iter()
        .find_map(|prefix| trimmed.strip_prefix(prefix))
        .map(|rest| rest.trim_start_matches([':', '.', ' ']))
        .filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or(trimmed);
    without_prefix.trim().to_owned()
}

/// The running number and its letters: `30c` → (30, Some("c")).
fn parse_number(text: &str) -> Result<(u32, Option<String>), DocumentNumberError> {
    let bad = || DocumentNumberError::BadNumber(text.to_owned());
    let digits_end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, letters) = text.split_at(digits_end);
    let number = match digits.parse::<u32>() {
        Ok(n) if n > 0 => n,
        _ => return Err(bad()),
    };
    if letters.is_empty() {
        return Ok((number, None));
    }
    if letters.chars().count() <= 2 && letters.chars().all(|c| c.is_ascii_lowercase()) {
        Ok((number, Some(letters.to_owned())))
    } else {
        Err(bad())
    }
}

fn split_abbreviations(symbol: &str) -> Result<Vec<String>, DocumentNumberError> {
    let parts: Vec<&str> = symbol.split('-').map(str::trim).collect();
    if let Some(bad) = parts.iter().find(|p| !is_abbreviation(p)) {
        return Err(if bad.is_empty() {
            DocumentNumberError::BadSymbol(symbol.to_owned())
        } else {
            DocumentNumberError::BadAbbreviation((*bad).to_owned())
        });
    }
    Ok(parts.into_iter().map(str::to_owned).collect())
}

/// An issuing agency as the registry compares it: NFC, lower case, single spaces, so
/// "Sở Công Thương" and "SỞ CÔNG  THƯƠNG" are one agency.
pub fn agency_key(issuing_agency: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let composed: String = issuing_agency.nfc().collect();
    composed
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// What an officer should check about a well-formed number issued on `issued_on`: a symbol
/// that reads two ways, a year in the symbol unlike the issue date's (seed 002 cites
/// "Nghị định 107/2001/NĐ-CP" dated 06/12/2021). Pairs of a stable code and a Vietnamese note.
pub fn warnings(
    parsed: &DocumentNumber,
    issued_on: chrono::NaiveDate,
) -> Vec<(&'static str, String)> {
    use chrono::Datelike;
    let mut found = Vec::new();
    if let Some(note) = parsed.ambiguity() {
        found.push(("ambiguous_symbol", note));
    }
    if let Some(year) = parsed.year.filter(|year| *year != issued_on.year()) {
        found.push((
            "symbol_year_differs",
            format!(
                "Năm trong ký hiệu ({year}) khác năm ban hành ({}); kiểm tra lại số, ký hiệu \
                 hoặc ngày ban hành.",
                issued_on.year()
            ),
        ));
    }
    found
}

/// Parses a number and symbol such as `383/KH-SCT`, `3394/SCT-VP`, `09/2019/NĐ-CP`,
/// `45/2019/QH14`, `30c/NQ-CP` or `39-NQ/TW`. Spaces around the separators are tolerated
/// (`383 / KH - SCT`); a leading `Số` or `Số:` is dropped.
pub fn parse(text: &str) -> Result<DocumentNumber, DocumentNumberError> {
    let tidied = tidy(text);
    if tidied.is_empty() {
        return Err(DocumentNumberError::Empty);
    }
    let pieces: Vec<&str> = tidied.split('/').map(str::trim).collect();
    if let [head, issuers] = pieces.as_slice() {
        if let Some((number, kind)) = head.split_once('-') {
            return parse_party(number.trim(), kind.trim(), issuers);
        }
    }
    let (number, year, symbol) = match pieces.as_slice() {
        [_] => return Err(DocumentNumberError::MissingSlash),
        [number, symbol] => (*number, None, *symbol),
        [number, year, symbol] => (*number, Some(*year), *symbol),
        _ => return Err(DocumentNumberError::BadSymbol(tidied.clone())),
    };
    let (number, number_suffix) = parse_number(number)?;
    let year = match year {
        None => None,
        Some(year) => match year.parse::<i32>() {
            Ok(y) if (1945..=2999).contains(&y) && year.len() == 4 => Some(y),
            _ => return Err(DocumentNumberError::BadYear(year.to_owned())),
        },
    };
    let mut parts = split_abbreviations(symbol)?;
    let bad_symbol = || DocumentNumberError::BadSymbol(symbol.to_owned());
    let mut ambiguous = false;
    let (document_type, issuer, co_issuers, drafter) = if parts.len() >= 2 && is_type(&parts[0]) {
        let kind = parts.remove(0);
        let issuer = parts.remove(0);
        if JOINT_TYPES.contains(&kind.as_str()) || parts.len() >= 2 {
            (Some(kind), issuer, parts, None)
        } else {
            ambiguous = parts.is_empty()
                && year.is_none()
                && TYPES_ALSO_ISSUERS.iter().any(|(a, _)| *a == kind);
            (Some(kind), issuer, Vec::new(), parts.pop())
        }
    } else {
        match (parts.len(), year) {
            // A law or resolution of the National Assembly: `45/2019/QH14`.
            (1, Some(_)) if is_legislature(&parts[0]) => (None, parts.remove(0), Vec::new(), None),
            // A letter naming only its issuer (rare: the issuer is itself the drafter).
            (1, None) => (None, parts.remove(0), Vec::new(), None),
            // A legal normative document always has a type.
            (2, None) => {
                let drafter = parts.pop();
                (None, parts.remove(0), Vec::new(), drafter)
            }
            _ => return Err(bad_symbol()),
        }
    };
    Ok(DocumentNumber {
        number,
        number_suffix,
        year,
        document_type,
        issuer,
        co_issuers,
        drafter,
        style: NumberStyle::State,
        ambiguous,
    })
}

/// A Party document: `39-NQ/TW`, `125-CV/TU`, `05-HD/BTCTW`.
fn parse_party(
    number: &str,
    kind: &str,
    issuers: &str,
) -> Result<DocumentNumber, DocumentNumberError> {
    let (number, number_suffix) = parse_number(number)?;
    if !is_abbreviation(kind) {
        return Err(DocumentNumberError::BadAbbreviation(kind.to_owned()));
    }
    let mut parts = split_abbreviations(issuers)?;
    if parts.len() > 2 {
        return Err(DocumentNumberError::BadSymbol(issuers.to_owned()));
    }
    let drafter = (parts.len() == 2).then(|| parts.pop()).flatten();
    Ok(DocumentNumber {
        number,
        number_suffix,
        year: None,
        document_type: Some(kind.to_owned()),
        issuer: parts.remove(0),
        co_issuers: Vec::new(),
        drafter,
        style: NumberStyle::Party,
        ambiguous: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> DocumentNumber {
        parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn documents_of_the_seeds_parse() {
        let plan = parsed("383/KH-SCT");
        assert_eq!(plan.number, 383);
        assert_eq!(plan.document_type.as_deref(), Some("KH"));
        assert_eq!(plan.issuer, "SCT");
        assert_eq!(plan.drafter, None);
        assert_eq!(plan.type_name(), "Kế hoạch");

        let letter = parsed("3394/SCT-VP");
        assert_eq!(letter.document_type, None);
        assert_eq!(letter.issuer, "SCT");
        assert_eq!(letter.drafter.as_deref(), Some("VP"));
        assert_eq!(letter.type_name(), "Công văn");

        let report = parsed("12/BC-QLCN");
        assert_eq!(
            (report.document_type.as_deref(), report.issuer.as_str()),
            (Some("BC"), "QLCN")
        );
        assert_eq!(parsed("733/SNV-TT").drafter.as_deref(), Some("TT"));
        assert_eq!(parsed("125/QĐ-SCT").document_type.as_deref(), Some("QĐ"));
    }

    #[test]
    fn legal_documents_carry_their_year() {
        let decree = parsed("09/2019/NĐ-CP");
        assert_eq!(decree.number, 9);
        assert_eq!(decree.year, Some(2019));
        assert_eq!(decree.document_type.as_deref(), Some("NĐ"));
        assert_eq!(decree.issuer, "CP");
        assert_eq!(decree.to_string(), "09/2019/NĐ-CP");
        assert_eq!(decree.type_name(), "Nghị định");
        assert_eq!(parsed("30/2020/NĐ-CP").number, 30);
    }

    #[test]
    fn typed_documents_may_name_the_drafting_unit() {
        let decision = parsed("125/QĐ-UBND-KT");
        assert_eq!(decision.issuer, "UBND");
        assert_eq!(decision.drafter.as_deref(), Some("KT"));
        assert_eq!(decision.to_string(), "125/QĐ-UBND-KT");
        assert_eq!(parsed("05/TTr-SCT").type_name(), "Tờ trình");
    }

    #[test]
    fn spaces_and_the_so_prefix_are_tolerated_and_display_is_canonical() {
        let number = parsed(" Số: 383 / KH - SCT ");
        assert_eq!(number.to_string(), "383/KH-SCT");
        assert_eq!(parsed("7/SCT-VP").to_string(), "07/SCT-VP");
    }

    #[test]
    fn invalid_numbers_say_why() {
        assert_eq!(parse("  "), Err(DocumentNumberError::Empty));
        assert_eq!(parse("383"), Err(DocumentNumberError::MissingSlash));
        assert_eq!(
            parse("abc/KH-SCT"),
            Err(DocumentNumberError::BadNumber("abc".into()))
        );
        assert_eq!(
            parse("0/KH-SCT"),
            Err(DocumentNumberError::BadNumber("0".into()))
        );
        assert_eq!(
            parse("+5/KH-SCT"),
            Err(DocumentNumberError::BadNumber("+5".into()))
        );
        assert_eq!(
            parse("30C/NQ-CP"),
            Err(DocumentNumberError::BadNumber("30C".into()))
        );
        assert_eq!(
            parse("09/19/NĐ-CP"),
            Err(DocumentNumberError::BadYear("19".into()))
        );
        assert_eq!(
            parse("383/KH--SCT"),
            Err(DocumentNumberError::BadSymbol("KH--SCT".into()))
        );
        assert_eq!(
            parse("383/KH-S.CT"),
            Err(DocumentNumberError::BadAbbreviation("S.CT".into()))
        );
        assert_eq!(
            parse("383/kh-SCT"),
            Err(DocumentNumberError::BadAbbreviation("kh".into()))
        );
        // A legal normative document must have a type.
        assert_eq!(
            parse("09/2019/SCT-VP"),
            Err(DocumentNumberError::BadSymbol("SCT-VP".into()))
        );
        assert!(parse("1/2/3/KH-SCT").is_err());
    }

    #[test]
    fn every_type_abbreviation_is_itself_a_valid_abbreviation() {
        for (abbreviation, name) in DOCUMENT_TYPES {
            assert!(is_abbreviation(abbreviation), "{abbreviation} ({name})");
            let number = parsed(&format!("15/{abbreviation}-SCT"));
            assert_eq!(number.type_name(), *name);
        }
    }

    /// The source documents cite Party documents (seed 003: Nghị quyết số 10-NQ/TU of the
    /// provincial Party committee; the CCHC master programme rests on 39-NQ/TW). Layout per
    /// Quy định 66-QĐ/TW (2025), formerly Hướng dẫn 36-HD/VPTW: "số - tên loại / cơ quan".
    #[test]
    fn party_documents_put_the_type_with_the_number() {
        let central = parsed("39-NQ/TW");
        assert_eq!(central.number, 39);
        assert_eq!(central.document_type.as_deref(), Some("NQ"));
        assert_eq!(central.issuer, "TW");
        assert_eq!(central.style, NumberStyle::Party);
        assert_eq!(central.type_name(), "Nghị quyết");
        assert_eq!(central.to_string(), "39-NQ/TW");
        let provincial = parsed("Số 10-NQ/TU");
        assert_eq!((provincial.number, provincial.issuer.as_str()), (10, "TU"));
        assert_eq!(parsed("125-CV/TU").type_name(), "Công văn");
        assert_eq!(parsed("15 - KL / TW").to_string(), "15-KL/TW");
        assert!(parse("39-nq/TW").is_err());
    }

    /// Nghị quyết 30c/NQ-CP ngày 08/11/2011 (the Government's 2011–2020 CCHC master
    /// programme): a number with a letter.
    #[test]
    fn a_number_may_carry_a_letter() {
        let resolution = parsed("30c/NQ-CP");
        assert_eq!(resolution.number, 30);
        assert_eq!(resolution.number_suffix.as_deref(), Some("c"));
        assert_eq!(resolution.issuer, "CP");
        assert_eq!(resolution.to_string(), "30c/NQ-CP");
        assert_ne!(resolution, parsed("30/NQ-CP"));
    }

    /// Luật Doanh nghiệp 2020 is "59/2020/QH14"; Luật Cán bộ, công chức amended by
    /// "52/2019/QH14"; seed 002 cites Luật Ban hành VBQPPL "80/2015/QH13". Laws and resolutions
    /// of the National Assembly name the legislature (QH + term), not a type; ordinances and
    /// resolutions of its Standing Committee write UBTVQH + term.
    #[test]
    fn laws_name_the_legislature() {
        let law = parsed("45/2019/QH14");
        assert_eq!(law.year, Some(2019));
        assert_eq!(law.document_type, None);
        assert_eq!(law.issuer, "QH14");
        assert_eq!(law.type_name(), "Văn bản quy phạm pháp luật");
        assert_eq!(law.to_string(), "45/2019/QH14");
        assert_eq!(parsed("91/2015/QH13").issuer, "QH13");
        assert_eq!(parsed("1211/2016/UBTVQH13").issuer, "UBTVQH13");
        // Any other single part with a year is still refused: it names no type.
        assert!(parse("45/2019/SCT").is_err());
        assert!(parse("45/2019/QH").is_err());
    }

    /// Text copied from documents: "Số 383/KH-SCT" without a colon (seed 002's header),
    /// hyphens typed as U+2011 or an en dash by word processors, and "QÐ" with U+00D0, which
    /// the legacy TCVN3/VNI fonts produce when converted to Unicode.
    #[test]
    fn text_as_it_is_copied_from_documents_is_tidied() {
        assert_eq!(parsed("Số 383/KH-SCT").to_string(), "383/KH-SCT");
        assert_eq!(parsed("số:383/KH-SCT").to_string(), "383/KH-SCT");
        assert_eq!(parsed("383/KH\u{2011}SCT").to_string(), "383/KH-SCT");
        assert_eq!(parsed("383/KH\u{2013}SCT").to_string(), "383/KH-SCT");
        assert_eq!(
            parsed("383\u{00A0}/\u{00A0}KH-SCT").to_string(),
            "383/KH-SCT"
        );
        let decision = parsed("337/Q\u{00D0}-UBND");
        assert_eq!(decision.document_type.as_deref(), Some("QĐ"));
        assert_eq!(decision.issuer, "UBND");
        assert_eq!(decision.to_string(), "337/QĐ-UBND");
        // Decomposed diacritics (macOS) compose: "Số" as S, o, circumflex, acute.
        assert_eq!(
            parsed("So\u{0302}\u{0301} 383/KH-SCT").to_string(),
            "383/KH-SCT"
        );
        assert_eq!(parsed("09/2019/N\u{0110}-CP"), parsed("09/2019/NĐ-CP"));
    }

    /// Letters of tax departments are numbered "81134/CT-TTHT" (Cục Thuế, its Phòng Tuyên
    /// truyền – Hỗ trợ người nộp thuế), which also reads as a Chỉ thị of "TTHT": say so.
    #[test]
    fn an_ambiguous_symbol_says_so() {
        let letter = parsed("81134/CT-TTHT");
        assert!(letter.ambiguous);
        let note = letter.ambiguity().expect("a note");
        assert!(note.contains("Chỉ thị của TTHT"), "{note}");
        assert!(note.contains("Cục Thuế"), "{note}");
        assert!(!parsed("383/KH-SCT").ambiguous);
        assert!(!parsed("05/CT-UBND-KT").ambiguous);
        assert_eq!(parsed("383/KH-SCT").ambiguity(), None);
    }

    /// Thông tư liên tịch 02/2019/TTLT-BNV-BTC: both ministries issue it; neither drafts it.
    #[test]
    fn every_part_of_a_joint_document_is_an_issuer() {
        let joint = parsed("02/2019/TTLT-BNV-BTC");
        assert_eq!(joint.issuer, "BNV");
        assert_eq!(joint.co_issuers, ["BTC"]);
        assert_eq!(joint.drafter, None);
        assert_eq!(joint.type_name(), "Thông tư liên tịch");
        assert_eq!(joint.to_string(), "02/2019/TTLT-BNV-BTC");
        let three = parsed("01/2015/TTLT-BTP-BNV-BTC");
        assert_eq!(three.co_issuers, ["BNV", "BTC"]);
        assert_ne!(joint, parsed("02/2019/TT-BNV"));
    }

    /// Seed 002 cites "Nghị định số 107/2001/NĐ-CP ngày 06/12/2021": the year in the symbol
    /// disagrees with the date, which an officer should check (the decree is 107/2021/NĐ-CP).
    #[test]
    fn a_symbol_year_unlike_the_issue_date_is_a_warning() {
        let date = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let found = warnings(&parsed("107/2001/NĐ-CP"), date(2021, 12, 6));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "symbol_year_differs");
        assert!(
            found[0].1.contains("(2001)") && found[0].1.contains("(2021)"),
            "{}",
            found[0].1
        );
        assert!(warnings(&parsed("107/2021/NĐ-CP"), date(2021, 12, 6)).is_empty());
        assert!(warnings(&parsed("383/KH-SCT"), date(2022, 3, 1)).is_empty());
        let codes: Vec<_> = warnings(&parsed("81134/CT-TTHT"), date(2019, 12, 2))
            .into_iter()
            .map(|(code, _)| code)
            .collect();
        assert_eq!(codes, ["ambiguous_symbol"]);
    }

    /// Every text of the pattern is taken, so a client checking the pattern is never refused.
    #[test]
    fn every_text_the_pattern_allows_parses() {
        use proptest::test_runner::{Config, TestRunner};
        let strategy = proptest::string::string_regex(&pattern_body()).expect("a strategy");
        let mut runner = TestRunner::new(Config {
            cases: 5000,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&strategy, |text| {
                let checked = check(&text);
                let too_long = text.chars().count() > MAX_CHARS;
                proptest::prop_assert!(checked.is_ok() || too_long, "{text:?}: {checked:?}");
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn the_pattern_refuses_what_staff_would_not_write() {
        for taken in [
            "383/KH-SCT",
            " Số: 383 / KH - SCT ",
            "So\u{0302}\u{0301} 383/KH-SCT",
            "383/KH\u{2011}SCT",
            "337/Q\u{00D0}-UBND",
            "02/2019/TTLT-BNV-BTC",
            "1211/2016/UBTVQH13",
            "39-NQ/TW",
            "30c/NQ-CP",
        ] {
            assert!(check(taken).is_ok(), "{taken}");
        }
        for refused in [
            "383/KH-SỞ",
            "383/KH\tSCT",
            "1234567890/KH-SCT",
            "383/KH-ΣCT",
        ] {
            assert!(
                parse(refused).is_ok() || refused.contains('\t'),
                "{refused}"
            );
            assert!(check(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn an_agency_is_compared_without_case_spacing_or_decomposition() {
        assert_eq!(agency_key(" SỞ CÔNG  THƯƠNG "), "sở công thương");
        assert_eq!(
            agency_key("Sở Co\u{0302}ng Thương"),
            agency_key("Sở Công Thương")
        );
        assert_ne!(agency_key("UBND huyện A"), agency_key("UBND tỉnh A"));
    }
}
