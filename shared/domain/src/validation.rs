//! Collects every problem with a request before answering, so a caller fixes them in one go.

use validator::ValidateEmail;

use crate::error::{FieldError, Invalid};

/// Characters a text may not hold, as a regular-expression class body: C0 and C1 controls but
/// tab, line feed and carriage return; the invisible format characters of
/// [`is_invisible_format`] (kept equal by the test below). ECMAScript, Python and Rust read
/// `\xHH` and `\uHHHH` alike.
pub const FORBIDDEN_CLASS: &str =
    "\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x9F\\u061C\\u200B-\\u200F\
\\u202A-\\u202E\\u2060-\\u2064\\u2066-\\u2069\\uFEFF";

/// White space that `str::trim` removes and that a text may hold, as a class body.
pub const SPACE_CLASS: &str =
    "\\t\\n\\r \\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";

/// What [`Checker::text`] takes (length aside), as a pattern: allowed characters with at
/// least one that is not white space.
pub fn text_pattern() -> String {
    format!("^[^{FORBIDDEN_CLASS}]*[^{FORBIDDEN_CLASS}{SPACE_CLASS}][^{FORBIDDEN_CLASS}]*$")
}

/// The same for a one-line text (a query parameter printed on one line): no tab or line break.
pub fn line_pattern() -> String {
    let forbidden = format!("{FORBIDDEN_CLASS}\\t\\n\\r");
    format!("^[^{forbidden}]*[^{forbidden}{SPACE_CLASS}][^{forbidden}]*$")
}

/// Characters that print nothing but change how text reads: zero-width spaces and joiners,
/// left-to-right/right-to-left marks, bidi embeddings, overrides and isolates, the word joiner
/// and the byte-order mark. In a name they let `KHTC` and `KH\u{200B}TC`, or a reversed
/// string, pass for each other; Vietnamese text never needs them.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

#[derive(Debug, Default)]
pub struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, field: impl Into<String>, code: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, code, message));
    }

    pub fn extend(&mut self, errors: impl IntoIterator<Item = FieldError>) {
        self.errors.extend(errors);
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Non-blank text of at most `max` characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            self.push(field, "required", "must not be blank");
        } else if value
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            self.push(
                field,
                "invalid_character",
                "must not contain control characters",
            );
        } else if let Some(c) = value.chars().find(|c| is_invisible_format(*c)) {
            self.push(
                field,
                "invalid_character",
                format!(
                    "must not contain invisible or text-direction characters (found U+{:04X}); \
                     they make one name look like another",
                    u32::from(c)
                ),
            );
        } else if value.chars().count() > max {
            self.push(
                field,
                "too_long",
                format!("must be at most {max} characters"),
            );
        }
    }

    /// Optional text: blank is not allowed when given (send null to clear it).
    pub fn optional_text(&mut self, field: &str, value: Option<&str>, max: usize) {
        if let Some(value) = value {
            self.text(field, value, max);
        }
    }

    pub fn email(&mut self, field: &str, value: &str) {
        if value.trim().is_empty() {
            self.push(field, "required", "must not be blank");
        } else if !value.validate_email() {
            self.push(field, "invalid_email", "must be a valid email address");
        }
    }

    /// Vietnamese phone numbers as staff write them: digits with optional spaces, dots,
    /// dashes, parentheses and a leading `+`.
    pub fn phone(&mut self, field: &str, value: &str) {
        let digits = value.chars().filter(char::is_ascii_digit).count();
        let allowed = value
            .chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || " .-()".contains(c) || (c == '+' && i == 0));
        if !allowed || !(8..=15).contains(&digits) {
            self.push(
                field,
                "invalid_phone",
                "must be a phone number of 8 to 15 digits (spaces, dots, dashes and a leading + allowed)",
            );
        }
    }

    /// Upper-case codes such as `VP`, `KHTC`, `TTHC.01`.
    pub fn code(&mut self, field: &str, value: &str, max: usize, extra: &str) {
        let valid_first = value
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        let valid_rest = value
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || extra.contains(c));
        if value.is_empty() {
            self.push(field, "required", "must not be blank");
        } else if value.len() > max || !valid_first || !valid_rest {
            self.push(
                field,
                "invalid_code",
                format!(
                    "must be 1 to {max} characters: upper-case letters A–Z, digits{}; starting with a letter or digit",
                    if extra.is_empty() {
                        String::new()
                    } else {
                        format!(" and {}", extra.chars().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(", "))
                    }
                ),
            );
        }
    }

    /// `Ok` when nothing was found, else every problem at once.
    pub fn finish(self) -> Result<(), Invalid> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Invalid {
                errors: self.errors,
            })
        }
    }
}

/// An optional text as stored: trimmed, and absent when nothing is left.
pub fn non_blank(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn takes_text(text: &str) -> bool {
        let mut check = Checker::new();
        check.text("t", text, 10_000);
        !check.has_errors()
    }

    /// The pattern, as a Rust regex, agrees with the check on every character of the Basic
    /// Multilingual Plane, alone and around a letter.
    #[test]
    fn the_text_pattern_is_the_check() {
        let regex = regex::Regex::new(&text_pattern()).expect("a regex");
        for code in 0..=0xFFFFu32 {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            for text in [c.to_string(), format!("a{c}"), format!("{c}a ")] {
                assert_eq!(
                    regex.is_match(&text),
                    takes_text(&text),
                    "U+{code:04X} in {text:?}"
                );
            }
        }
    }

    #[test]
    fn collects_every_problem() {
        let mut check = Checker::new();
        check.text("name", "  ", 10);
        check.text("title", "quá dài quá dài", 5);
        check.email("email", "not-an-email");
        check.phone("phone", "abc");
        check.code("code", "vp", 16, "_-");
        let Err(Invalid { errors }) = check.finish() else {
            panic!("expected validation errors");
        };
        let codes: Vec<_> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            codes,
            vec![
                ("name", "required"),
                ("title", "too_long"),
                ("email", "invalid_email"),
                ("phone", "invalid_phone"),
                ("code", "invalid_code"),
            ]
        );
    }

    #[test]
    fn non_blank_trims_and_drops_what_is_empty() {
        assert_eq!(non_blank(Some("  Mục II.2 ")), Some("Mục II.2".to_owned()));
        assert_eq!(non_blank(Some(" \t ")), None);
        assert_eq!(non_blank(None), None);
    }

    #[test]
    fn accepts_good_input() {
        let mut check = Checker::new();
        check.text("name", "Văn phòng Sở", 200);
        check.email("email", "vanphong@sct.gov.vn");
        check.phone("phone", "0258 3822 123");
        check.phone("phone", "+84 258.3822.123");
        check.code("code", "KHTC", 16, "_-");
        assert!(check.finish().is_ok());
    }

    #[test]
    fn invisible_and_direction_characters_are_refused_in_text() {
        for name in [
            "Phòng \u{202E}CTHK",
            "KH\u{200B}TC",
            "\u{FEFF}Văn phòng",
            "Thanh tra\u{2066}",
            "A\u{200F}B",
        ] {
            let mut check = Checker::new();
            check.text("name", name, 200);
            let Err(Invalid { errors }) = check.finish() else {
                panic!("{name:?} was accepted");
            };
            assert_eq!(errors[0].code, "invalid_character", "{name:?}");
        }
        assert!(!is_invisible_format('ệ'));
        assert!(!is_invisible_format(' '));
    }
}
