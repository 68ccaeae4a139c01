//! Office files as Vietnamese offices use them: the Excel statistics form a unit fills in
//! (biểu mẫu thống kê), reading a filled form back, the consolidated report (báo cáo tổng hợp),
//! the package the consolidated report is filed in (`filing`), a plan's appendix of tasks both
//! ways (`plan_appendix`), and what an uploaded file
//! really is (`files`: sniffing, macros, bounded reading of zip packages in `guard`).
//!
//! Everything here is pure: data in, bytes out, or bytes in, values out. It builds on the
//! domain alone; no database, storage or HTTP. The use cases that load the data and store the
//! files are in `cchc-app` (`repo::excel`, `repo::filing`, `repo::attachments`).

pub mod cells;
pub mod commendations;
pub mod criteria_set;
pub mod files;
pub mod filing;
pub mod form;
pub mod guard;
pub mod import;
pub mod plan_appendix;
pub mod print;
pub mod report;
pub mod report_layout;
pub mod report_tasks;
pub mod self_assessment;

use chrono::{DateTime, FixedOffset};

/// The media type of an `.xlsx` workbook.
pub const XLSX_MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A local time as staff write it: `16:30 ngày 10/03/2023`.
pub fn local_time_vi(instant: DateTime<FixedOffset>) -> String {
    cchc_domain::rules::local_time::vietnamese_date_time(instant.with_timezone(&chrono::Utc))
}

/// An `rust_xlsxwriter` failure: a bug in how we lay out a workbook, never the caller's fault.
fn internal(error: rust_xlsxwriter::XlsxError) -> cchc_domain::Error {
    cchc_domain::Error::Internal(format!("building a workbook: {error}"))
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

#[cfg(test)]
mod samples;
