//! The report opened as Word would: the package unzipped, `word/document.xml` and the other
//! parts read with quick-xml.

mod reading;

use chrono::{DateTime, NaiveDate};
use rust_decimal::Decimal;

use cchc_domain::model::indicator::{Comparator, IndicatorKind, Target};
use cchc_domain::model::letterhead::Letterhead;
use cchc_domain::model::period::LegalDocument;
use cchc_domain::model::submission::{
    ComplianceTotals, ConsolidationScope, Standing, SubmissionStatus,
};

use super::*;
use reading::{elements, find, paragraphs, tables, text_of, unpack, Printed};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn figure(name: &str, kind: IndicatorKind, unit: Option<&str>) -> KeyFigure {
    KeyFigure {
        name: name.into(),
        kind,
        unit_of_measure: unit.map(Into::into),
        target: None,
        value: None,
        units_reporting: 0,
        target_met: None,
    }
}

/// The department's report on the first quarter of 2023, as in the seed letter: KHTC and QLTM
/// reported (QLTM late), TTRA was returned, VP has not reported.
fn sample() -> ConsolidatedReport {
    let unit = |name: &str, standing, status| ReportingUnit {
        name: String::from(name),
        standing,
        status,
    };
    ConsolidatedReport {
        letterhead: Letterhead {
            governing_body: Some("UBND tỉnh Điện Biên".into()),
            agency: "Sở Công Thương".into(),
            place: Some("Điện Biên".into()),
        },
        issuer_code: Some("SCT".into()),
        subject: "Kết quả thực hiện công tác cải cách hành chính quý I năm 2023".into(),
        recipient: DEFAULT_RECIPIENT.into(),
        request_letter: Some(LegalDocument {
            number: "3394/SCT-VP".into(),
            issued_on: date(2022, 5, 31),
            title: "V/v hướng dẫn báo cáo cải cách hành chính định kỳ".into(),
        }),
        legal_basis: vec![
            LegalDocument {
                number: "733/SNV-TT".into(),
                issued_on: date(2023, 3, 6),
                title: "Công văn của Sở Nội vụ về việc báo cáo cải cách hành chính định kỳ năm 2023"
                    .into(),
            },
            LegalDocument {
                number: "383/KH-SCT".into(),
                issued_on: date(2023, 1, 30),
                title: "Kế hoạch cải cách hành chính năm 2023 của Sở Công Thương".into(),
            },
        ],
        data_from: date(2022, 12, 15),
        data_to: date(2023, 3, 8),
        scope: ConsolidationScope::Accepted,
        narratives: vec![
            UnitNarrative {
                unit_name: "Phòng Kế hoạch - Tài chính".into(),
                text: Some(
                    "Phòng Kế hoạch - Tài chính báo cáo như sau:\n\
                     1. Cải cách thể chế\n\
                     Rà soát 12 văn bản quy phạm pháp luật thuộc lĩnh vực được giao; không \
                     phát hiện văn bản trái pháp luật.\n\
                     2. Cải cách thủ tục hành chính\n\
                     Tiếp nhận 1.234 hồ sơ, giải quyết đúng hạn 1.187 hồ sơ.\n\
                     5. Cải cách tài chính công: Giao quyền tự chủ tài chính cho 2 đơn vị sự nghiệp."
                        .into(),
                ),
            },
            UnitNarrative {
                unit_name: "Phòng Quản lý thương mại".into(),
                text: Some(
                    "2. Cải cách thủ tục hành chính\n\
                     Công bố 5 thủ tục hành chính mới.\n\
                     6. Xây dựng và phát triển Chính quyền điện tử, chính quyền số\n\
                     100 % hồ sơ được tiếp nhận trực tuyến.\n\
                     II. KIẾN NGHỊ\n\
                     Đề nghị tập huấn sử dụng phần mềm một cửa."
                        .into(),
                ),
            },
        ],
        figures: vec![
            KeyFigure {
                target: Some(Target {
                    comparator: Comparator::Gte,
                    threshold: d("95"),
                }),
                value: Some(d("96.1538")),
                units_reporting: 2,
                target_met: Some(true),
                ..figure(
                    "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn",
                    IndicatorKind::Ratio,
                    Some("%"),
                )
            },
            KeyFigure {
                target: Some(Target {
                    comparator: Comparator::Gte,
                    threshold: d("50"),
                }),
                value: Some(d("42.5")),
                units_reporting: 2,
                target_met: Some(false),
                ..figure(
                    "Tỷ lệ hồ sơ được số hóa kết quả giải quyết",
                    IndicatorKind::Decimal,
                    Some("%"),
                )
            },
            KeyFigure {
                value: Some(d("1234")),
                units_reporting: 2,
                ..figure(
                    "Số văn bản quy phạm pháp luật được rà soát",
                    IndicatorKind::Count,
                    Some("văn bản"),
                )
            },
            KeyFigure {
                target: Some(Target {
                    comparator: Comparator::Eq,
                    threshold: Decimal::ONE,
                }),
                value: Some(Decimal::ONE),
                units_reporting: 2,
                target_met: Some(false),
                ..figure(
                    "Có niêm yết công khai thủ tục hành chính",
                    IndicatorKind::Boolean,
                    None,
                )
            },
            figure("Sáng kiến cải cách hành chính", IndicatorKind::Text, None),
        ],
        reporting: ComplianceTotals {
            expected: 4,
            reported: 3,
            early: 1,
            on_time: 0,
            late: 2,
            pending: 0,
            missing: 1,
            accepted: 2,
            returned: 1,
            reporting_rate: Some(d("75")),
            on_time_rate: Some(d("25")),
        },
        units: vec![
            unit(
                "Phòng Kế hoạch - Tài chính",
                Standing::Early,
                Some(SubmissionStatus::Accepted),
            ),
            unit(
                "Phòng Quản lý thương mại",
                Standing::Late,
                Some(SubmissionStatus::Accepted),
            ),
            unit(
                "Thanh tra Sở",
                Standing::Late,
                Some(SubmissionStatus::Returned),
            ),
            unit("Văn phòng Sở", Standing::Missing, None),
        ],
        signer: Signer::from_title(DEFAULT_SIGNER_TITLE, None),
        generated_at: DateTime::parse_from_rfc3339("2023-03-20T09:00:00+07:00").unwrap(),
    }
}

#[test]
fn the_page_is_a4_portrait_with_the_decree_margins_in_times_new_roman() {
    let parts = unpack(&build(&sample()).unwrap());
    let document = &parts["word/document.xml"];
    let size = &elements(document, "w:pgSz")[0];
    assert_eq!(
        (size["w:w"].as_str(), size["w:h"].as_str()),
        ("11906", "16838")
    );
    assert!(size.get("w:orient").is_none_or(|o| o == "portrait"));
    let margins = &elements(document, "w:pgMar")[0];
    for (side, twips) in [
        ("top", "1134"),
        ("bottom", "1134"),
        ("left", "1701"),
        ("right", "850"),
    ] {
        assert_eq!(margins[&format!("w:{side}")], twips, "{side}");
    }
    // The default font and size, and every run's own font.
    let styles = &parts["word/styles.xml"];
    let defaults = elements(styles, "w:rFonts");
    assert!(
        defaults.iter().all(|f| f["w:ascii"] == "Times New Roman"),
        "{defaults:?}"
    );
    assert!(elements(styles, "w:sz").iter().any(|s| s["w:val"] == "28"));
    let printed = paragraphs(document);
    let runs: Vec<&Printed> = printed
        .iter()
        .flatten()
        .filter(|r| !r.text.is_empty())
        .collect();
    assert!(runs.len() > 50);
    for run in &runs {
        assert_eq!(run.font.as_deref(), Some("Times New Roman"), "{run:?}");
        let size = run.size.expect("every run sized");
        assert!((22..=28).contains(&size), "{run:?}");
    }
    // Body text is 14 pt, justified, the first line indented 1 cm, 6 pt after.
    let body = runs.iter().filter(|r| r.size == Some(28)).count();
    assert!(body * 2 > runs.len(), "most text is body text");
    let justified = elements(document, "w:jc")
        .iter()
        .filter(|j| j["w:val"] == "both")
        .count();
    assert!(justified > 10);
    assert!(elements(document, "w:ind")
        .iter()
        .any(|i| i.get("w:firstLine").map(String::as_str) == Some("567")));
    assert!(elements(document, "w:spacing")
        .iter()
        .any(|s| s.get("w:after").map(String::as_str) == Some("120")
            && s.get("w:line").map(String::as_str) == Some("288")));
    // Page numbers from the second page: a distinct (empty) first-page header.
    assert_eq!(elements(document, "w:titlePg").len(), 1);
    let headers: Vec<&String> = parts
        .iter()
        .filter(|(name, _)| name.starts_with("word/header"))
        .map(|(_, xml)| xml)
        .collect();
    assert_eq!(headers.len(), 2);
    assert!(headers
        .iter()
        .any(|xml| xml.contains("PAGE") && xml.contains(r#"<w:sz w:val="26" />"#)));
}

#[test]
fn the_header_block_names_the_agency_the_nation_the_number_and_the_date_to_fill() {
    let parts = unpack(&build(&sample()).unwrap());
    let document = &parts["word/document.xml"];
    let printed = paragraphs(document);
    let block = &tables(document)[0];
    assert_eq!(
        block[0].1,
        [
            "UBND TỈNH ĐIỆN BIÊN\nSỞ CÔNG THƯƠNG",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
        ]
    );
    assert_eq!(
        block[1].1,
        ["Số: ……/BC-SCT", "Điện Biên, ngày …… tháng …… năm ……"]
    );
    let style = |text: &str| {
        let run = &find(&printed, text)[0];
        (run.bold, run.italic, run.size)
    };
    assert_eq!(style("UBND TỈNH ĐIỆN BIÊN"), (false, false, Some(26)));
    assert_eq!(style("SỞ CÔNG THƯƠNG"), (true, false, Some(26)));
    assert_eq!(
        style("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        (true, false, Some(24))
    );
    assert_eq!(
        style("Độc lập - Tự do - Hạnh phúc"),
        (true, false, Some(26))
    );
    assert_eq!(
        style("Điện Biên, ngày …… tháng …… năm ……"),
        (false, true, Some(26))
    );
    // The rules under the agency, the motto and the trích yếu: bottom borders of paragraphs
    // of their own.
    let rules = elements(document, "w:pBdr").len();
    assert_eq!(rules, 3);
    // The header block is borderless.
    let properties =
        &document[document.find("<w:tbl>").unwrap()..document.find("</w:tblPr>").unwrap()];
    assert!(!properties.contains(r#"w:val="single""#), "{properties}");

    assert_eq!(style("BÁO CÁO"), (true, false, Some(28)));
    assert_eq!(
        style("Kết quả thực hiện công tác cải cách hành chính quý I năm 2023"),
        (true, false, Some(28))
    );
    assert_eq!(style("Kính gửi: Sở Nội vụ."), (false, false, Some(28)));
}

#[test]
fn the_opening_answers_the_home_affairs_letter_on_the_basis_of_the_plan() {
    let printed = paragraphs(&unpack(&build(&sample()).unwrap())["word/document.xml"]);
    let texts: Vec<String> = printed.iter().map(|p| text_of(p)).collect();
    let at = |text: &str| {
        texts
            .iter()
            .position(|t| t == text)
            .unwrap_or_else(|| panic!("{text:?} in {texts:#?}"))
    };
    let answered = at("Thực hiện Công văn số 733/SNV-TT ngày 06/3/2023 của Sở Nội vụ về việc báo cáo cải cách hành chính định kỳ năm 2023;");
    let basis = at("Căn cứ Kế hoạch số 383/KH-SCT ngày 30/01/2023 về cải cách hành chính năm 2023 của Sở Công Thương;");
    let lead = at("Sở Công Thương báo cáo kết quả thực hiện công tác cải cách hành chính quý I năm 2023 (số liệu từ ngày 15/12/2022 đến ngày 08/3/2023) như sau:");
    assert!(answered < basis && basis < lead);
    // The department's own letter to its units is not cited to the recipient.
    assert!(!texts.iter().any(|t| t.contains("3394/SCT-VP")));
}

#[test]
fn the_results_gather_the_narratives_by_area_and_the_figures_in_a_repeating_table() {
    let document = unpack(&build(&sample()).unwrap())
        .remove("word/document.xml")
        .unwrap();
    let printed = paragraphs(&document);
    let texts: Vec<String> = printed.iter().map(|p| text_of(p)).collect();
    let at = |text: &str| {
        texts
            .iter()
            .position(|t| t == text)
            .unwrap_or_else(|| panic!("{text:?} in {texts:#?}"))
    };
    let institutions = at("1. Cải cách thể chế");
    let procedures = at("2. Cải cách thủ tục hành chính");
    assert!(institutions < procedures);
    assert_eq!(
        texts[procedures + 1],
        "Phòng Kế hoạch - Tài chính: Tiếp nhận 1.234 hồ sơ, giải quyết đúng hạn 1.187 hồ sơ."
    );
    assert_eq!(
        texts[procedures + 2],
        "Phòng Quản lý thương mại: Công bố 5 thủ tục hành chính mới."
    );
    let name = &find(&printed, &texts[procedures + 2])[0];
    assert!(name.italic && name.text == "Phòng Quản lý thương mại: ");
    assert_eq!(
        texts[at("3. Cải cách tổ chức bộ máy") + 1],
        "Các đơn vị không báo cáo nội dung này."
    );
    at("8. Kiểm tra việc thực hiện cải cách hành chính");
    assert_eq!(
        texts[at("9. Nội dung khác") + 1],
        "Phòng Quản lý thương mại: II. KIẾN NGHỊ"
    );
    at("10. Kết quả thực hiện các chỉ tiêu");
    at("Số liệu tổng hợp từ báo cáo đã được Văn phòng chấp nhận của 2/4 đơn vị: Phòng Kế hoạch - Tài chính, Phòng Quản lý thương mại.");

    let figures = &tables(&document)[1];
    assert_eq!(
        figures[0],
        (
            true,
            [
                "STT",
                "Chỉ tiêu",
                "Chỉ tiêu/Mục tiêu",
                "Kết quả",
                "Đánh giá"
            ]
            .map(String::from)
            .to_vec()
        )
    );
    assert!(
        figures[1..].iter().all(|(header, _)| !header),
        "only the first row repeats"
    );
    let rows: Vec<&Vec<String>> = figures[1..].iter().map(|(_, cells)| cells).collect();
    assert_eq!(
        rows,
        [
            &[
                "1",
                "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn",
                "≥\u{202F}95\u{202F}%",
                "96,15\u{202F}%",
                "Đạt"
            ]
            .map(String::from)
            .to_vec(),
            &[
                "2",
                "Tỷ lệ hồ sơ được số hóa kết quả giải quyết",
                "≥\u{202F}50\u{202F}%",
                "42,5\u{202F}%",
                "Không đạt"
            ]
            .map(String::from)
            .to_vec(),
            &[
                "3",
                "Số văn bản quy phạm pháp luật được rà soát",
                "–",
                "1.234\u{A0}văn bản",
                "–"
            ]
            .map(String::from)
            .to_vec(),
            &[
                "4",
                "Có niêm yết công khai thủ tục hành chính",
                "Có",
                "Có: 1/2 đơn vị",
                "Không đạt"
            ]
            .map(String::from)
            .to_vec(),
        ],
        "text indicators are not figures"
    );
    let missed = printed
        .iter()
        .flatten()
        .find(|r| r.text == "Không đạt")
        .unwrap();
    assert!(missed.bold && missed.size == Some(26));
    // The figures table has borders; its header row is bold.
    let table = &document[document.find("<w:tbl>").unwrap() + 10..];
    let table = &table[table.find("<w:tbl>").unwrap()..];
    assert!(table[..table.find("</w:tblPr>").unwrap()].contains(r#"w:val="single""#));
    assert!(find(&printed, "Chỉ tiêu/Mục tiêu")[0].bold);
}

#[test]
fn the_reporting_record_names_who_was_late_returned_and_missing() {
    let printed = paragraphs(&unpack(&build(&sample()).unwrap())["word/document.xml"]);
    let texts: Vec<String> = printed.iter().map(|p| text_of(p)).collect();
    let start = texts
        .iter()
        .position(|t| t == "II. TÌNH HÌNH THỰC HIỆN CHẾ ĐỘ BÁO CÁO CỦA CÁC ĐƠN VỊ")
        .unwrap();
    assert_eq!(
        texts[start + 1..start + 7],
        [
            "- Số đơn vị phải báo cáo: 4.",
            "- Số đơn vị đã gửi báo cáo: 3/4 (75\u{202F}%), trong đó đúng hạn: 1, trễ hạn: 2.",
            "- Đơn vị gửi báo cáo trễ hạn: Phòng Quản lý thương mại; Thanh tra Sở.",
            "- Số báo cáo được Văn phòng chấp nhận: 2; bị trả lại để hoàn thiện: 1.",
            "- Đơn vị có báo cáo bị trả lại: Thanh tra Sở.",
            "- Đơn vị chưa gửi báo cáo: Văn phòng Sở (quá hạn).",
        ]
    );
    assert!(texts.contains(&"III. KIẾN NGHỊ, ĐỀ XUẤT".to_owned()));
    assert!(texts.contains(
        &"Trên đây là báo cáo kết quả thực hiện công tác cải cách hành chính quý I năm 2023 của Sở Công Thương./."
            .to_owned()
    ));
}

#[test]
fn empty_lists_read_khong_co() {
    let mut report = sample();
    report.units.retain(|unit| unit.standing == Standing::Early);
    report
        .figures
        .retain(|figure| figure.kind == IndicatorKind::Text);
    let texts: Vec<String> = paragraphs(&unpack(&build(&report).unwrap())["word/document.xml"])
        .iter()
        .map(|p| text_of(p))
        .collect();
    for line in [
        "- Đơn vị gửi báo cáo trễ hạn: Không có.",
        "- Đơn vị có báo cáo bị trả lại: Không có.",
        "- Đơn vị chưa gửi báo cáo: Không có.",
        "Chỉ tiêu có số liệu: Không có.",
    ] {
        assert!(texts.iter().any(|t| t == line), "{line:?} in {texts:#?}");
    }
}

#[test]
fn the_foot_lists_the_recipients_and_leaves_room_for_the_signature() {
    let document = unpack(&build(&sample()).unwrap())
        .remove("word/document.xml")
        .unwrap();
    let printed = paragraphs(&document);
    let foot = tables(&document).pop().unwrap();
    assert_eq!(
        foot[0].1,
        [
            "Nơi nhận:\n- Như trên;\n- Giám đốc Sở (b/c);\n- Lưu: VT, VP.",
            "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\n\n\n\n……………………………",
        ]
    );
    let label = &find(&printed, "Nơi nhận:")[0];
    assert!(label.bold && label.italic && label.size == Some(24));
    assert_eq!(find(&printed, "- Như trên;")[0].size, Some(22));
    let title = &find(&printed, "KT. GIÁM ĐỐC")[0];
    assert!(title.bold && title.size == Some(28));

    // The director signing in person, by name, to another recipient.
    let mut report = sample();
    report.signer = Signer::from_title("giám đốc", Some(" Nguyễn Văn An "));
    report.recipient = "Ủy ban nhân dân tỉnh Điện Biên".into();
    let document = unpack(&build(&report).unwrap())
        .remove("word/document.xml")
        .unwrap();
    let foot = tables(&document).pop().unwrap();
    assert_eq!(
        foot[0].1,
        [
            "Nơi nhận:\n- Như trên;\n- Lưu: VT, VP.",
            "GIÁM ĐỐC\n\n\n\n\nNguyễn Văn An",
        ]
    );
    let texts: Vec<String> = paragraphs(&document).iter().map(|p| text_of(p)).collect();
    assert!(texts.contains(&"Kính gửi: Ủy ban nhân dân tỉnh Điện Biên.".to_owned()));
}

#[test]
fn narratives_without_area_headings_are_given_as_filed_under_each_unit() {
    let mut report = sample();
    report.narratives[1].text = Some("Phòng đã hoàn thành các nhiệm vụ được giao.".into());
    report.narratives.push(UnitNarrative {
        unit_name: "Chi cục Quản lý thị trường".into(),
        text: None,
    });
    let texts: Vec<String> = paragraphs(&unpack(&build(&report).unwrap())["word/document.xml"])
        .iter()
        .map(|p| text_of(p))
        .collect();
    let at = |text: &str| {
        texts
            .iter()
            .position(|t| t == text)
            .unwrap_or_else(|| panic!("{text:?} in {texts:#?}"))
    };
    let first = at("1. Phòng Kế hoạch - Tài chính");
    assert_eq!(texts[first + 2], "1. Cải cách thể chế");
    assert_eq!(
        texts[at("2. Phòng Quản lý thương mại") + 1],
        "Phòng đã hoàn thành các nhiệm vụ được giao."
    );
    assert_eq!(
        texts[at("3. Chi cục Quản lý thị trường") + 1],
        "Đơn vị không có nội dung báo cáo."
    );
    at("4. Kết quả thực hiện các chỉ tiêu");
}

#[test]
fn without_an_issuer_the_number_and_agency_are_left_blank() {
    let mut report = sample();
    report.issuer_code = None;
    report.letterhead = Letterhead::default();
    report.request_letter = None;
    let document = unpack(&build(&report).unwrap())
        .remove("word/document.xml")
        .unwrap();
    let block = &tables(&document)[0];
    assert_eq!(block[0].1[0], "……………………");
    assert_eq!(
        block[1].1,
        ["Số: ……/BC-……", "…………, ngày …… tháng …… năm ……"]
    );
    // Without an issuer, no letter is known to be another agency's: the legal basis only.
    let texts: Vec<String> = paragraphs(&document).iter().map(|p| text_of(p)).collect();
    assert!(texts
        .iter()
        .any(|t| t.starts_with("Căn cứ Công văn số 733/SNV-TT")));
    assert!(texts
        .iter()
        .any(|t| t.starts_with("…………………… báo cáo kết quả")));
}

#[test]
fn citations_answer_other_agencies_letters_and_rest_on_the_legal_basis() {
    let report = sample();
    let (answered, basis) = citations(&report);
    let numbers = |documents: &[&LegalDocument]| -> Vec<String> {
        documents.iter().map(|d| d.number.clone()).collect()
    };
    assert_eq!(numbers(&answered), ["733/SNV-TT"]);
    assert_eq!(numbers(&basis), ["383/KH-SCT"]);
    // No other agency's letter: the report answers the request letter.
    let mut own = sample();
    own.legal_basis.remove(0);
    let (answered, basis) = citations(&own);
    assert_eq!(numbers(&answered), ["3394/SCT-VP"]);
    assert_eq!(numbers(&basis), ["383/KH-SCT"]);

    let cited = |number: &str, title: &str| {
        cite(&LegalDocument {
            number: number.into(),
            issued_on: date(2026, 2, 5),
            title: title.into(),
        })
    };
    assert_eq!(
        cited("3394/SCT-VP", "V/v báo cáo công tác CCHC Quý IV năm 2026"),
        "Công văn số 3394/SCT-VP ngày 05/02/2026 về việc báo cáo công tác CCHC Quý IV năm 2026"
    );
    assert_eq!(
        cited("09/2019/NĐ-CP", "Nghị định quy định chế độ báo cáo của cơ quan hành chính nhà nước"),
        "Nghị định số 09/2019/NĐ-CP ngày 05/02/2026 quy định chế độ báo cáo của cơ quan hành chính nhà nước"
    );
    assert_eq!(
        cited("12/QĐ-SCT", ""),
        "Quyết định số 12/QĐ-SCT ngày 05/02/2026"
    );
}

/// With `CCHC_OFFICE_SAMPLES_DIR` set, writes the sample report there as
/// `bao-cao-tong-hop.docx`, for a person (or CI, through LibreOffice) to look at.
#[test]
fn writes_a_sample_for_office_when_asked() {
    let bytes = build(&sample()).unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"));
    if let Some(dir) = std::env::var_os("CCHC_OFFICE_SAMPLES_DIR") {
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("bao-cao-tong-hop.docx"), &bytes).unwrap();
    }
}
