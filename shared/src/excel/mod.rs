//! Excel files as Vietnamese offices use them: the statistics form a unit fills in (biểu mẫu
//! thống kê), reading a filled form back, and the consolidated report (báo cáo tổng hợp).
//!
//! Everything here is pure: data in, workbook bytes out, or workbook bytes in, values out. The
//! database side lives in `repo::excel`.

pub mod cells;
pub mod form;
pub mod guard;
pub mod import;
pub mod report;

use chrono::{DateTime, FixedOffset};

/// The media type of an `.xlsx` workbook.
pub const XLSX_MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A local time as staff write it: `16:30 ngày 10/03/2023`.
pub fn local_time_vi(instant: DateTime<FixedOffset>) -> String {
    crate::rules::local_time::vietnamese_date_time(instant.with_timezone(&chrono::Utc))
}

/// An `rust_xlsxwriter` failure: a bug in how we lay out a workbook, never the caller's fault.
fn internal(error: rust_xlsxwriter::XlsxError) -> crate::Error {
    crate::Error::Internal(format!("building a workbook: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_time_reads_as_in_official_letters() {
        let deadline = DateTime::parse_from_rfc3339("2023-03-10T16:30:00+07:00").unwrap();
        assert_eq!(local_time_vi(deadline), "16:30 ngày 10/03/2023");
    }
}
