//! Roman numerals as Vietnamese documents number quarters ("Quý III") and the parts of a plan
//! or its appendix ("I. Cải cách thể chế").

/// `n` in Roman numerals (1 → `I`, 8 → `VIII`, 14 → `XIV`); `?` for 0 or anything past 3999.
pub fn roman(n: u32) -> String {
    if n == 0 || n > 3999 {
        return "?".to_owned();
    }
    const DIGITS: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut rest = n;
    let mut out = String::new();
    for (value, digits) in DIGITS {
        while rest >= value {
            out.push_str(digits);
            rest -= value;
        }
    }
    out
}

/// The number a Roman numeral (any case, surrounding spaces and a trailing `.` allowed) writes,
/// if it is one written the standard way.
pub fn parse_roman(text: &str) -> Option<u32> {
    let text = text.trim().trim_end_matches('.').to_ascii_uppercase();
    if text.is_empty() || !text.chars().all(|c| "IVXLCDM".contains(c)) {
        return None;
    }
    (1..=3999).find(|n| roman(*n) == text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_and_plan_parts_are_written_and_read_back() {
        let written: Vec<String> = (1..=9).map(roman).collect();
        assert_eq!(
            written,
            ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"]
        );
        assert_eq!(roman(14), "XIV");
        assert_eq!(roman(0), "?");
        assert_eq!(parse_roman(" viii. "), Some(8));
        assert_eq!(parse_roman("IIII"), None, "not the standard way");
        assert_eq!(parse_roman("1"), None);
    }
}
