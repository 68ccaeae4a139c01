//! Sample documents for a person (or CI, with LibreOffice) to look at: when
//! `CCHC_OFFICE_SAMPLES_DIR` is set, the test below writes the statistics form and the
//! consolidated workbook there, filled as a unit and the Office would have them.

use std::path::PathBuf;

fn samples_dir() -> Option<PathBuf> {
    std::env::var_os("CCHC_OFFICE_SAMPLES_DIR").map(PathBuf::from)
}

#[test]
fn writes_sample_documents_when_asked() {
    let form = crate::form::build_form(&crate::form::tests::sample_form(true)).unwrap();
    let report = crate::report::tests::sample();
    let workbook =
        crate::report::build_consolidation(&report, &crate::report::tests::context(), None)
            .unwrap();
    // Whether or not they are written, both must be packages a reader opens.
    for bytes in [&form, &workbook] {
        assert!(zip::ZipArchive::new(std::io::Cursor::new(bytes)).is_ok());
    }
    if let Some(dir) = samples_dir() {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("bieu-mau-thong-ke.xlsx"), form).unwrap();
        std::fs::write(dir.join("tong-hop.xlsx"), workbook).unwrap();
    }
}
