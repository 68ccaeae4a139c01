//! Word documents of the service, built from domain data: the consolidated report (báo cáo)
//! the department sends on its units' CCHC reports, as a draft for the Office to finish in
//! Word and file in QLVB (`report`), laid out as Decree 30/2020/NĐ-CP prescribes (`decree30`:
//! A4, margins, Times New Roman, the header block, the recipients and the signer's block).
//!
//! Everything here is pure: data in, `.docx` bytes out. It builds on the domain alone; no
//! database, storage or HTTP. The documents are written with docx-rs; the use case that
//! gathers the data is in `cchc-app` (`repo::consolidation_report`).

pub mod decree30;
pub mod format;
pub mod narrative;
mod package;
pub mod report;

/// The media type of a `.docx` document.
pub const DOCX_MIME: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
