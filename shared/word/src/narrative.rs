//! The units' narratives (phần thuyết minh) gathered under the eight content areas of the CCHC
//! plan, when they can be; otherwise each unit's narrative as it was filed.
//!
//! # The rule
//!
//! Each line of a narrative is a paragraph (blank lines only separate). A line is a heading of
//! a content area when, after any numbering (`1.`, `2)`, `II.`, `a)`, `-`, `+`, `*`, `•`) and
//! a leading `Công tác` or `Về`, it begins with the area's name as units write it ("Cải cách
//! thể chế", "Cải cách thủ tục hành chính", "Cải cách TTHC", "Chính quyền điện tử", "Hiện đại
//! hóa hành chính", "Tuyên truyền về cải cách hành chính", "Kiểm tra việc thực hiện cải cách
//! hành chính", …; not a bare "Tuyên truyền" or "Kiểm tra", which also start sub-items of
//! other areas; case, old-style tone marks such as `hoá` and decomposed diacritics do not
//! matter) and it either is numbered, ends with or has
//! a `:` after the name (the text after the colon is the area's first paragraph), or is the
//! name alone; and it is at most 120 characters. The paragraphs after it belong to that area
//! until the next area heading, or until a heading of another part of the report: a Roman
//! numbered line (`II. Tồn tại, hạn chế`) or a numbered line about difficulties, proposals or
//! the next period ("Khó khăn, vướng mắc", "Kiến nghị, đề xuất", "Phương hướng …").
//!
//! The narratives are gathered **by area** when every unit that wrote a narrative marked at
//! least one area this way: under each area, in the plan's order, each unit's paragraphs
//! under its name. What a unit wrote outside the areas is kept (nothing is dropped but the
//! unit's own opening formula, a paragraph ending with "như sau:", and a Roman-numbered
//! heading before the first area, such as "I. KẾT QUẢ THỰC HIỆN"), listed per unit after the
//! areas as "other contents". If any unit's narrative marks no area, splitting some and not
//! others would scatter the report, so every narrative is given **as filed**, under its
//! unit's name.

use unicode_normalization::UnicodeNormalization;

use cchc_domain::model::indicator::ContentArea;
use cchc_domain::rules::numerals::parse_roman;

/// A counted unit's narrative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitNarrative {
    pub unit_name: String,
    /// As the unit wrote it; none or blank when it wrote none.
    pub text: Option<String>,
}

/// One unit's paragraphs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitText {
    pub unit_name: String,
    pub paragraphs: Vec<String>,
}

/// The narratives as the report gives them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gathered {
    /// Under each of the eight areas (all eight, in the plan's order; an area no unit wrote
    /// about has no units), then what the units wrote outside the areas.
    ByArea {
        areas: Vec<(ContentArea, Vec<UnitText>)>,
        other: Vec<UnitText>,
    },
    /// Each unit's narrative under its name (paragraphs empty: it wrote none).
    AsFiled(Vec<UnitText>),
}

/// How units name each area at the start of a heading, folded (see [`fold`]).
const AREA_NAMES: &[(ContentArea, &[&str])] = &[
    (ContentArea::InstitutionalReform, &["cải cách thể chế"]),
    (
        ContentArea::AdministrativeProcedureReform,
        &["cải cách thủ tục hành chính", "cải cách tthc"],
    ),
    (
        ContentArea::OrganizationalReform,
        &["cải cách tổ chức bộ máy", "cải cách bộ máy"],
    ),
    (
        ContentArea::CivilServiceQuality,
        &[
            "xây dựng, nâng cao chất lượng đội ngũ",
            "xây dựng và nâng cao chất lượng đội ngũ",
            "nâng cao chất lượng đội ngũ",
            "cải cách chế độ công vụ",
        ],
    ),
    (
        ContentArea::PublicFinanceReform,
        &["cải cách tài chính công"],
    ),
    (
        ContentArea::DigitalGovernment,
        &[
            "xây dựng và phát triển chính quyền điện tử",
            "xây dựng, phát triển chính quyền điện tử",
            "phát triển chính quyền điện tử",
            "chính quyền điện tử",
            "chính quyền số",
            "hiện đại hóa hành chính",
            "hiện đại hóa nền hành chính",
        ],
    ),
    (
        ContentArea::Communication,
        &[
            "tuyên truyền về cải cách hành chính",
            "tuyên truyền cải cách hành chính",
            "tuyên truyền về cchc",
            "tuyên truyền cchc",
            "thông tin, tuyên truyền",
        ],
    ),
    (
        ContentArea::Inspection,
        &[
            "kiểm tra việc thực hiện cải cách hành chính",
            "kiểm tra việc thực hiện cchc",
            "kiểm tra cải cách hành chính",
            "kiểm tra công tác cải cách hành chính",
            "kiểm tra cchc",
        ],
    ),
];

/// Numbered headings that open another part of a unit's report.
const OTHER_PARTS: &[&str] = &[
    "tồn tại",
    "hạn chế",
    "khó khăn",
    "vướng mắc",
    "kiến nghị",
    "đề xuất",
    "phương hướng",
    "nhiệm vụ trọng tâm",
    "nhiệm vụ, giải pháp",
    "đánh giá chung",
];

/// Lower case, NFC, new-style tone placement (`hoá` → `hóa`), spaces collapsed.
fn fold(text: &str) -> String {
    let lower: String = text.nfc().flat_map(char::to_lowercase).collect();
    let mut folded = lower.split_whitespace().collect::<Vec<_>>().join(" ");
    for (old, new) in [
        ("oá", "óa"),
        ("oà", "òa"),
        ("oả", "ỏa"),
        ("oã", "õa"),
        ("oạ", "ọa"),
        ("uý", "úy"),
        ("uỳ", "ùy"),
        ("uỷ", "ủy"),
        ("uỹ", "ũy"),
        ("uỵ", "ụy"),
    ] {
        folded = folded.replace(old, new);
    }
    folded
}

/// A line without its numbering, and how it was numbered.
#[derive(Debug, PartialEq, Eq)]
enum Numbering {
    None,
    /// `1.`, `a)`, `-`, …
    Plain,
    /// `II.`: a part of the report.
    Roman,
}

fn strip_numbering(line: &str) -> (Numbering, &str) {
    let mut rest = line.trim_start();
    let mut numbering = Numbering::None;
    for _ in 0..3 {
        if let Some(after) = rest.strip_prefix(['-', '+', '*', '•', '–', '#']) {
            rest = after.trim_start();
            numbering = Numbering::Plain;
            continue;
        }
        let token = rest.split_whitespace().next().unwrap_or_default();
        let marked = token.ends_with(['.', ')']) && token.len() > 1;
        let body = token.trim_end_matches(['.', ')']);
        let arabic = !body.is_empty() && body.chars().all(|c| c.is_ascii_digit() || c == '.');
        let letter = body.chars().count() == 1 && body.chars().all(char::is_alphabetic);
        let roman = body.len() > 1 && parse_roman(body).is_some() && body == body.to_uppercase();
        if marked && (arabic || letter || roman) {
            rest = rest[token.len()..].trim_start();
            numbering = if roman || (body == "I" || body == "V" || body == "X") {
                Numbering::Roman
            } else {
                Numbering::Plain
            };
            continue;
        }
        break;
    }
    (numbering, rest)
}

/// The folded text after a leading `công tác` or `về`.
fn topic(folded: &str) -> &str {
    let mut text = folded;
    for prefix in ["về ", "công tác "] {
        if let Some(rest) = text.strip_prefix(prefix) {
            text = rest;
        }
    }
    text
}

fn area_named(folded: &str) -> Option<ContentArea> {
    let text = topic(folded);
    AREA_NAMES.iter().find_map(|(area, names)| {
        names
            .iter()
            .any(|name| text.starts_with(name))
            .then_some(*area)
    })
}

/// What a line is.
#[derive(Debug, PartialEq, Eq)]
enum Line {
    /// The heading of an area, with what follows its colon on the same line.
    Area(ContentArea, Option<String>),
    /// The heading of another part of the report; `top`: Roman numbered.
    OtherPart {
        top: bool,
    },
    Text,
}

fn classify(line: &str) -> Line {
    const LONGEST_HEADING: usize = 120;
    let (numbering, rest) = strip_numbering(line);
    let numbered = numbering != Numbering::None;
    // "1. Cải cách thể chế: đã rà soát …": the heading is what comes before the colon.
    if let Some((head, tail)) = rest.split_once(':') {
        if head.chars().count() <= LONGEST_HEADING {
            if let Some(area) = area_named(&fold(head)) {
                let tail = tail.trim();
                return Line::Area(area, (!tail.is_empty()).then(|| tail.to_owned()));
            }
        }
    }
    if line.chars().count() > LONGEST_HEADING {
        return Line::Text;
    }
    let folded = fold(rest.trim_end_matches(['.', ';', ':']));
    if let Some(area) = area_named(&folded) {
        let alone = AREA_NAMES
            .iter()
            .flat_map(|(_, names)| names.iter())
            .any(|name| topic(&folded) == *name);
        if numbered || alone {
            return Line::Area(area, None);
        }
    }
    if numbering == Numbering::Roman {
        return Line::OtherPart { top: true };
    }
    if numbered
        && OTHER_PARTS
            .iter()
            .any(|part| topic(&folded).starts_with(part))
    {
        return Line::OtherPart { top: false };
    }
    Line::Text
}

/// The non-blank lines of a narrative, trimmed.
fn paragraphs(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| line.nfc().collect())
        .collect()
}

/// One narrative split by area; none when it marks no area.
struct Split {
    areas: Vec<(ContentArea, Vec<String>)>,
    other: Vec<String>,
}

fn split(text: &str) -> Option<Split> {
    enum Where {
        Preamble,
        Area(usize),
        Other,
    }
    let mut areas: Vec<(ContentArea, Vec<String>)> = Vec::new();
    let mut other = Vec::new();
    let mut at = Where::Preamble;
    for paragraph in paragraphs(text) {
        match classify(&paragraph) {
            Line::Area(area, first) => {
                let index = match areas.iter().position(|(a, _)| *a == area) {
                    Some(index) => index,
                    None => {
                        areas.push((area, Vec::new()));
                        areas.len() - 1
                    }
                };
                areas[index].1.extend(first);
                at = Where::Area(index);
            }
            Line::OtherPart { top } => {
                // A part heading before any area ("I. KẾT QUẢ THỰC HIỆN") only announces
                // the areas.
                if !(top && matches!(at, Where::Preamble)) {
                    other.push(paragraph);
                    at = Where::Other;
                }
            }
            Line::Text => match at {
                Where::Area(index) => areas[index].1.push(paragraph),
                Where::Preamble if fold(&paragraph).ends_with("như sau:") => {}
                Where::Preamble | Where::Other => other.push(paragraph),
            },
        }
    }
    (!areas.is_empty()).then_some(Split { areas, other })
}

/// The narratives of the counted units, in their order (see the module documentation).
pub fn gather(narratives: &[UnitNarrative]) -> Gathered {
    let written: Vec<(&UnitNarrative, &str)> = narratives
        .iter()
        .filter_map(|unit| {
            unit.text
                .as_deref()
                .filter(|text| !text.trim().is_empty())
                .map(|text| (unit, text))
        })
        .collect();
    let splits: Option<Vec<(&UnitNarrative, Split)>> = written
        .iter()
        .map(|(unit, text)| split(text).map(|split| (*unit, split)))
        .collect();
    match splits {
        Some(splits) if !splits.is_empty() => {
            let areas = ContentArea::ALL
                .iter()
                .map(|area| {
                    let units =
                        splits
                            .iter()
                            .filter_map(|(unit, split)| {
                                split.areas.iter().find(|(a, _)| a == area).map(
                                    |(_, paragraphs)| UnitText {
                                        unit_name: unit.unit_name.clone(),
                                        paragraphs: paragraphs.clone(),
                                    },
                                )
                            })
                            .filter(|text| !text.paragraphs.is_empty())
                            .collect();
                    (*area, units)
                })
                .collect();
            let other = splits
                .into_iter()
                .filter(|(_, split)| !split.other.is_empty())
                .map(|(unit, split)| UnitText {
                    unit_name: unit.unit_name.clone(),
                    paragraphs: split.other,
                })
                .collect();
            Gathered::ByArea { areas, other }
        }
        _ => Gathered::AsFiled(
            narratives
                .iter()
                .map(|unit| UnitText {
                    unit_name: unit.unit_name.clone(),
                    paragraphs: unit.text.as_deref().map(paragraphs).unwrap_or_default(),
                })
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(name: &str, text: &str) -> UnitNarrative {
        UnitNarrative {
            unit_name: name.into(),
            text: Some(text.into()),
        }
    }

    #[test]
    fn headings_are_found_whatever_their_numbering_and_spelling() {
        use ContentArea::*;
        let cases = [
            ("1. Cải cách thể chế", Line::Area(InstitutionalReform, None)),
            (
                "2) CẢI CÁCH THỦ TỤC HÀNH CHÍNH",
                Line::Area(AdministrativeProcedureReform, None),
            ),
            (
                "- Công tác cải cách TTHC:",
                Line::Area(AdministrativeProcedureReform, None),
            ),
            (
                "a) Về cải cách tổ chức bộ máy",
                Line::Area(OrganizationalReform, None),
            ),
            (
                "Tuyên truyền về cải cách hành chính",
                Line::Area(Communication, None),
            ),
            (
                "6. Hiện đại hoá hành chính",
                Line::Area(DigitalGovernment, None),
            ),
            (
                "8. Kiểm tra việc thực hiện cải cách hành chính: đã kiểm tra 2 phòng.",
                Line::Area(Inspection, Some("đã kiểm tra 2 phòng.".into())),
            ),
            // Decomposed diacritics (macOS) read the same.
            (
                "5. Cải cách tài chính công",
                Line::Area(PublicFinanceReform, None),
            ),
            ("II. TỒN TẠI, HẠN CHẾ", Line::OtherPart { top: true }),
            ("3. Kiến nghị, đề xuất", Line::OtherPart { top: false }),
            // A sentence that merely begins with an area's words is text.
            (
                "Cải cách thủ tục hành chính tiếp tục được quan tâm, đã rà soát 15 thủ tục.",
                Line::Text,
            ),
            ("Kiến nghị Sở Nội vụ tổ chức tập huấn.", Line::Text),
        ];
        for (line, expected) in cases {
            assert_eq!(classify(line), expected, "{line}");
        }
        let decomposed: String = "5. Cải cách tài chính công".nfd().collect();
        assert_eq!(classify(&decomposed), Line::Area(PublicFinanceReform, None));
    }

    #[test]
    fn narratives_with_area_headings_are_gathered_by_area() {
        let narratives = [
            unit(
                "Phòng Kế hoạch - Tài chính",
                "Phòng Kế hoạch - Tài chính báo cáo như sau:\n\
                 I. KẾT QUẢ THỰC HIỆN\n\
                 1. Cải cách thể chế\n\
                 Rà soát 12 văn bản quy phạm pháp luật.\n\n\
                 5. Cải cách tài chính công: Giao tự chủ cho 2 đơn vị.\n\
                 II. KHÓ KHĂN, VƯỚNG MẮC\n\
                 Thiếu nhân lực.",
            ),
            unit(
                "Phòng Quản lý thương mại",
                "Cải cách thể chế:\nBan hành 1 quy chế.\nTuyên truyền về cải cách hành chính\nĐăng 4 tin bài.",
            ),
            UnitNarrative {
                unit_name: "Văn phòng Sở".into(),
                text: None,
            },
        ];
        let Gathered::ByArea { areas, other } = gather(&narratives) else {
            panic!("expected the narratives by area");
        };
        assert_eq!(areas.len(), 8);
        assert_eq!(areas[0].0, ContentArea::InstitutionalReform);
        assert_eq!(
            areas[0].1,
            [
                UnitText {
                    unit_name: "Phòng Kế hoạch - Tài chính".into(),
                    paragraphs: vec!["Rà soát 12 văn bản quy phạm pháp luật.".into()],
                },
                UnitText {
                    unit_name: "Phòng Quản lý thương mại".into(),
                    paragraphs: vec!["Ban hành 1 quy chế.".into()],
                },
            ]
        );
        assert!(areas[1].1.is_empty(), "nobody wrote about procedures");
        assert_eq!(areas[4].1[0].paragraphs, ["Giao tự chủ cho 2 đơn vị."]);
        assert_eq!(areas[6].1[0].paragraphs, ["Đăng 4 tin bài."]);
        // The opening formula and "I. KẾT QUẢ THỰC HIỆN" go; the difficulties stay.
        assert_eq!(
            other,
            [UnitText {
                unit_name: "Phòng Kế hoạch - Tài chính".into(),
                paragraphs: vec!["II. KHÓ KHĂN, VƯỚNG MẮC".into(), "Thiếu nhân lực.".into()],
            }]
        );
    }

    #[test]
    fn one_narrative_without_area_headings_keeps_every_narrative_as_filed() {
        let narratives = [
            unit("Phòng A", "1. Cải cách thể chế\nRà soát 3 văn bản."),
            unit(
                "Phòng B",
                "Trong quý, phòng đã thực hiện tốt các nhiệm vụ.\nKhông có vướng mắc.",
            ),
            UnitNarrative {
                unit_name: "Phòng C".into(),
                text: Some("  ".into()),
            },
        ];
        assert_eq!(
            gather(&narratives),
            Gathered::AsFiled(vec![
                UnitText {
                    unit_name: "Phòng A".into(),
                    paragraphs: vec!["1. Cải cách thể chế".into(), "Rà soát 3 văn bản.".into()],
                },
                UnitText {
                    unit_name: "Phòng B".into(),
                    paragraphs: vec![
                        "Trong quý, phòng đã thực hiện tốt các nhiệm vụ.".into(),
                        "Không có vướng mắc.".into()
                    ],
                },
                UnitText {
                    unit_name: "Phòng C".into(),
                    paragraphs: vec![],
                },
            ])
        );
    }

    #[test]
    fn no_narrative_at_all_is_as_filed() {
        assert_eq!(gather(&[]), Gathered::AsFiled(vec![]));
        let silent = [UnitNarrative {
            unit_name: "Phòng A".into(),
            text: None,
        }];
        assert!(
            matches!(gather(&silent), Gathered::AsFiled(units) if units[0].paragraphs.is_empty())
        );
    }
}
