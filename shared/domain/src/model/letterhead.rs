//! Who issues an official document and where: the header block of Decree 30/2020/NĐ-CP
//! (Appendix I, items 2–4: the governing body above the issuing agency on the left; the
//! national title and motto on the right; the place and date under them).

/// The national title, upper case, bold (Decree 30, Appendix I, item 1).
pub const NATIONAL_TITLE: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
/// The motto under it, bold, words capitalised, joined by hyphens with spaces.
pub const MOTTO: &str = "Độc lập - Tự do - Hạnh phúc";

/// The header block's facts for one document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Letterhead {
    /// The governing body (cơ quan chủ quản), e.g. `UBND TỈNH ĐIỆN BIÊN`; none for an agency
    /// that has none.
    pub governing_body: Option<String>,
    /// The issuing agency or unit, e.g. `Sở Công Thương` (written upper case in the block).
    pub agency: String,
    /// The place name of the date line (địa danh), e.g. `Điện Biên`; none: left as a blank
    /// for the clerk to write.
    pub place: Option<String>,
}

impl Letterhead {
    /// The left column's lines, upper case as written: the governing body, then the agency.
    pub fn agency_lines(&self) -> Vec<String> {
        self.governing_body
            .iter()
            .map(|body| body.to_uppercase())
            .chain(std::iter::once(self.agency.to_uppercase()))
            .filter(|line| !line.trim().is_empty())
            .collect()
    }

    /// The date line: `Điện Biên, ngày 05 tháng 12 năm 2026`. Decree 30, Appendix I, item 4:
    /// a day below 10 and the months 1 and 2 take a leading zero ("ngày 08 tháng 3",
    /// "ngày 25 tháng 02"). Without a date, the blanks a signer fills by hand.
    pub fn date_line(&self, date: Option<chrono::NaiveDate>) -> String {
        use chrono::Datelike;
        let place = self.place.as_deref().unwrap_or("…………");
        match date {
            Some(date) => {
                let month = match date.month() {
                    month @ (1 | 2) => format!("{month:02}"),
                    month => month.to_string(),
                };
                format!(
                    "{place}, ngày {:02} tháng {month} năm {}",
                    date.day(),
                    date.year()
                )
            }
            None => format!("{place}, ngày …… tháng …… năm ……"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn sct() -> Letterhead {
        Letterhead {
            governing_body: Some("UBND tỉnh Điện Biên".into()),
            agency: "Sở Công Thương".into(),
            place: Some("Điện Biên".into()),
        }
    }

    #[test]
    fn agency_lines_are_upper_case_governing_body_first() {
        assert_eq!(
            sct().agency_lines(),
            vec![
                "UBND TỈNH ĐIỆN BIÊN".to_owned(),
                "SỞ CÔNG THƯƠNG".to_owned()
            ]
        );
        let alone = Letterhead {
            governing_body: None,
            ..sct()
        };
        assert_eq!(alone.agency_lines(), vec!["SỞ CÔNG THƯƠNG".to_owned()]);
    }

    /// Decree 30, Appendix I, item 4: a zero before a day below 10 and before months 1, 2.
    #[test]
    fn date_line_pads_small_days_and_the_first_two_months() {
        let date = NaiveDate::from_ymd_opt(2023, 3, 8).unwrap();
        assert_eq!(
            sct().date_line(Some(date)),
            "Điện Biên, ngày 08 tháng 3 năm 2023"
        );
        let date = NaiveDate::from_ymd_opt(2020, 2, 25).unwrap();
        assert_eq!(
            sct().date_line(Some(date)),
            "Điện Biên, ngày 25 tháng 02 năm 2020"
        );
        let date = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        assert_eq!(
            sct().date_line(Some(date)),
            "Điện Biên, ngày 05 tháng 12 năm 2026"
        );
        let no_place = Letterhead {
            place: None,
            ..sct()
        };
        assert_eq!(no_place.date_line(None), "…………, ngày …… tháng …… năm ……");
    }
}
