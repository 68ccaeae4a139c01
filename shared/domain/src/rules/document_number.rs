//! Numbers and symbols of official documents (số, ký hiệu văn bản) per Decree 30/2020/NĐ-CP,
//! Appendix I, section II.3:
//!
//! - a document with a type name: `number/TYPE-ISSUER[-DRAFTER]`, e.g. `383/KH-SCT`,
//!   `12/BC-QLCN`, `125/QĐ-SCT`;
//! - an official letter (công văn), which has no type name: `number/ISSUER-DRAFTER`, e.g.
//!   `3394/SCT-VP`, `733/SNV-TT`;
//! - a legal normative document carries its year: `number/year/TYPE-ISSUER`, e.g.
//!   `09/2019/NĐ-CP`, `01/2011/TT-BNV`.
//!
//! The number runs from 01 each year, so a number is unique per issuer and year, not globally.
//! Abbreviations are upper-case Vietnamese letters and digits (`QĐ`, `SCT`, `UBND`); a few type
//! abbreviations have lower-case letters (`CTr`, `TTr`, `QyĐ`).

use std::fmt;

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
];

/// A parsed number and symbol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentNumber {
    /// The running number (leading zeros dropped): `383`.
    pub number: u32,
    /// The year in the symbol of a legal normative document: `2019` in `09/2019/NĐ-CP`.
    pub year: Option<i32>,
    /// The type abbreviation, absent for an official letter: `KH`.
    pub document_type: Option<String>,
    /// The issuing agency's abbreviation: `SCT`.
    pub issuer: String,
    /// The drafting unit's abbreviation, when the symbol names one: `VP` in `3394/SCT-VP`.
    pub drafter: Option<String>,
}

impl DocumentNumber {
    /// The Vietnamese name of the type, `Công văn` for a letter.
    pub fn type_name(&self) -> &'static str {
        match &self.document_type {
            None => "Công văn",
            Some(abbreviation) => DOCUMENT_TYPES
                .iter()
                .find(|(a, _)| a == abbreviation)
                .map_or("Văn bản", |(_, name)| name),
        }
    }
}

impl fmt::Display for DocumentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Numbers below 10 are written with a leading zero (Decree 30: "01", "02", …).
        write!(f, "{:02}/", self.number)?;
        if let Some(year) = self.year {
            write!(f, "{year}/")?;
        }
        let parts = self
            .document_type
            .iter()
            .chain(std::iter::once(&self.issuer))
            .chain(self.drafter.iter())
            .map(String::as_str)
            .collect::<Vec<_>>();
        f.write_str(&parts.join("-"))
    }
}

/// Why a number and symbol is not valid, in words an officer understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentNumberError {
    #[error("the number and symbol is empty")]
    Empty,
    #[error("expected number/symbol, e.g. 383/KH-SCT or 3394/SCT-VP")]
    MissingSlash,
    #[error("{0:?} is not a document number: it must be a whole number from 1")]
    BadNumber(String),
    #[error("{0:?} is not a year")]
    BadYear(String),
    #[error("the symbol {0:?} must name at least the issuing agency, e.g. SCT-VP or KH-SCT")]
    BadSymbol(String),
    #[error(
        "{0:?} is not a valid abbreviation: use letters (with Vietnamese diacritics) and digits"
    )]
    BadAbbreviation(String),
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

/// Parses a number and symbol such as `383/KH-SCT`, `3394/SCT-VP` or `09/2019/NĐ-CP`. Spaces
/// around the separators are tolerated (`383 / KH - SCT`); a leading `Số:` is dropped.
pub fn parse(text: &str) -> Result<DocumentNumber, DocumentNumberError> {
    let trimmed = text.trim();
    let trimmed = trimmed
        .strip_prefix("Số:")
        .or_else(|| trimmed.strip_prefix("số:"))
        .unwrap_or(trimmed)
        .trim();
    if trimmed.is_empty() {
        return Err(DocumentNumberError::Empty);
    }
    let pieces: Vec<&str> = trimmed.split('/').map(str::trim).collect();
    let (number, year, symbol) = match pieces.as_slice() {
        [_] => return Err(DocumentNumberError::MissingSlash),
        [number, symbol] => (*number, None, *symbol),
        [number, year, symbol] => (*number, Some(*year), *symbol),
        _ => return Err(DocumentNumberError::BadSymbol(trimmed.to_owned())),
    };
    let number = match number.parse::<u32>() {
        Ok(n) if n > 0 && number.chars().all(|c| c.is_ascii_digit()) => n,
        _ => return Err(DocumentNumberError::BadNumber(number.to_owned())),
    };
    let year = match year {
        None => None,
        Some(year) => match year.parse::<i32>() {
            Ok(y) if (1945..=2999).contains(&y) && year.len() == 4 => Some(y),
            _ => return Err(DocumentNumberError::BadYear(year.to_owned())),
        },
    };
    let parts: Vec<&str> = symbol.split('-').map(str::trim).collect();
    if let Some(bad) = parts.iter().find(|p| !is_abbreviation(p)) {
        return Err(if bad.is_empty() {
            DocumentNumberError::BadSymbol(symbol.to_owned())
        } else {
            DocumentNumberError::BadAbbreviation((*bad).to_owned())
        });
    }
    let owned = |s: &&str| (*s).to_owned();
    let (document_type, issuer, drafter) = match parts.as_slice() {
        // A letter names only its issuer (rare, e.g. the issuer is itself the drafter).
        [issuer] if year.is_none() => (None, owned(issuer), None),
        [first, second] if is_type(first) => (Some(owned(first)), owned(second), None),
        [first, second] => {
            if year.is_some() {
                // A legal normative document always has a type.
                return Err(DocumentNumberError::BadSymbol(symbol.to_owned()));
            }
            (None, owned(first), Some(owned(second)))
        }
        [first, second, third] if is_type(first) => {
            (Some(owned(first)), owned(second), Some(owned(third)))
        }
        // Four parts or more: a joint document (liên tịch) naming several issuers, kept together.
        [first, rest @ ..] if is_type(first) && rest.len() > 2 => {
            (Some(owned(first)), rest.join("-"), None)
        }
        _ => return Err(DocumentNumberError::BadSymbol(symbol.to_owned())),
    };
    Ok(DocumentNumber {
        number,
        year,
        document_type,
        issuer,
        drafter,
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
}
