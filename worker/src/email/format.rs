//! Dates, times and durations written the way Vietnamese administrative letters write them.

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use chrono_tz::Asia::Ho_Chi_Minh;

/// The local date of an instant (Asia/Ho_Chi_Minh).
pub use cchc_domain::rules::local_time::local_date;
/// `16:30 ngày 10/03/2023`.
pub use cchc_domain::rules::local_time::vietnamese_date_time as date_time;

/// `16:30`.
pub fn time_of_day(instant: DateTime<Utc>) -> String {
    instant
        .with_timezone(&Ho_Chi_Minh)
        .format("%H:%M")
        .to_string()
}

/// `10/03/2023`.
pub fn date(day: NaiveDate) -> String {
    day.format("%d/%m/%Y").to_string()
}

/// `Thứ Sáu`.
pub fn weekday(day: NaiveDate) -> &'static str {
    match day.weekday() {
        Weekday::Mon => "Thứ Hai",
        Weekday::Tue => "Thứ Ba",
        Weekday::Wed => "Thứ Tư",
        Weekday::Thu => "Thứ Năm",
        Weekday::Fri => "Thứ Sáu",
        Weekday::Sat => "Thứ Bảy",
        Weekday::Sun => "Chủ nhật",
    }
}

/// How a sentence names the period's report: `báo cáo CCHC Quý I/2023` for a title that starts
/// with "Báo cáo" (so "Nhắc hạn nộp báo cáo CCHC Quý I/2023" reads naturally), otherwise
/// `báo cáo “<title>”`.
pub fn report_phrase(title: &str) -> String {
    let title = title.trim();
    match title
        .strip_prefix("Báo cáo ")
        .or_else(|| title.strip_prefix("báo cáo "))
    {
        Some(rest) => format!("báo cáo {rest}"),
        None => format!("báo cáo “{title}”"),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn instants_show_in_vietnam_time() {
        let deadline = Utc.with_ymd_and_hms(2023, 3, 10, 9, 30, 0).unwrap();
        assert_eq!(date_time(deadline), "16:30 ngày 10/03/2023");
        assert_eq!(time_of_day(deadline), "16:30");
        // 18:00 UTC is already the next day in Vietnam.
        let late_evening = Utc.with_ymd_and_hms(2023, 3, 9, 18, 0, 0).unwrap();
        assert_eq!(
            local_date(late_evening),
            NaiveDate::from_ymd_opt(2023, 3, 10).unwrap()
        );
        let day = local_date(late_evening);
        assert_eq!(
            format!("{}, {}", weekday(day), date(day)),
            "Thứ Sáu, 10/03/2023"
        );
    }

    #[test]
    fn report_phrase_lowercases_a_leading_bao_cao_only() {
        assert_eq!(
            report_phrase("Báo cáo CCHC Quý I/2023"),
            "báo cáo CCHC Quý I/2023"
        );
        assert_eq!(
            report_phrase("Kết quả CCHC 6 tháng"),
            "báo cáo “Kết quả CCHC 6 tháng”"
        );
        assert_eq!(report_phrase("Báo cáo"), "báo cáo “Báo cáo”");
    }
}
