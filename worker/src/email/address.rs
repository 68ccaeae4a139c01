//! How the escalation mails address a unit's head: by the position title on record
//! (`Trưởng phòng Kế hoạch – Tài chính`, `Chánh Văn phòng Sở`), and only without one as
//! `Lãnh đạo <unit>`.

use serde::Serialize;

/// The head, as a template names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(super) struct HeadView {
    /// After "Kính gửi:": `Ông/Bà Đặng Quốc Bảo, Trưởng phòng Kế hoạch – Tài chính`.
    pub greeting: String,
    /// Whom "Đề nghị … chỉ đạo" asks: the title (`Trưởng phòng`), else `Lãnh đạo đơn vị`.
    pub title: String,
}

/// The greeting and the short title for the head of `unit_name`, from the name and position
/// title on record (either may be missing or blank).
pub(super) fn head_view(name: Option<&str>, title: Option<&str>, unit_name: &str) -> HeadView {
    let (name, title) = (clean(name), clean(title));
    let position = match title {
        Some(title) => position(title, unit_name),
        None => format!("Lãnh đạo {}", unit_name.trim()),
    };
    HeadView {
        greeting: match name {
            Some(name) => format!("Ông/Bà {name}, {position}"),
            None => position,
        },
        title: title.unwrap_or("Lãnh đạo đơn vị").to_owned(),
    }
}

fn clean(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// A position title joined to its unit's name the way Vietnamese writes it: the words the
/// title ends with and the name starts with are said once (`Trưởng phòng` + `Phòng Kế hoạch –
/// Tài chính` → `Trưởng phòng Kế hoạch – Tài chính`; `Chánh Văn phòng` + `Văn phòng Sở` →
/// `Chánh Văn phòng Sở`), and a title that already names the unit is left as it is.
pub fn position(title: &str, unit_name: &str) -> String {
    let title_words: Vec<&str> = title.split_whitespace().collect();
    let unit_words: Vec<&str> = unit_name.split_whitespace().collect();
    let same = |a: &str, b: &str| a.to_lowercase() == b.to_lowercase();
    let longest = title_words.len().min(unit_words.len());
    let overlap = (1..=longest)
        .rev()
        .find(|&k| {
            title_words[title_words.len() - k..]
                .iter()
                .zip(&unit_words[..k])
                .all(|(a, b)| same(a, b))
        })
        .unwrap_or(0);
    title_words
        .iter()
        .chain(&unit_words[overlap..])
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_unit_names_share_their_common_words() {
        assert_eq!(
            position("Trưởng phòng", "Phòng Kế hoạch – Tài chính"),
            "Trưởng phòng Kế hoạch – Tài chính"
        );
        assert_eq!(
            position("Chánh Văn phòng", "Văn phòng Sở"),
            "Chánh Văn phòng Sở"
        );
        assert_eq!(
            position("Chánh Thanh tra", "Thanh tra Sở"),
            "Chánh Thanh tra Sở"
        );
        assert_eq!(
            position("Giám đốc", "Trung tâm Khuyến công"),
            "Giám đốc Trung tâm Khuyến công"
        );
        assert_eq!(
            position(
                "Trưởng phòng Kế hoạch – Tài chính",
                "Phòng Kế hoạch – Tài chính"
            ),
            "Trưởng phòng Kế hoạch – Tài chính"
        );
        assert_eq!(
            position("Giám đốc Sở", "Sở Công Thương"),
            "Giám đốc Sở Công Thương"
        );
    }

    #[test]
    fn the_head_is_greeted_by_title_when_one_is_on_record() {
        let head = head_view(
            Some("Đặng Quốc Bảo"),
            Some(" Trưởng phòng "),
            "Phòng Kế hoạch – Tài chính",
        );
        assert_eq!(
            head.greeting,
            "Ông/Bà Đặng Quốc Bảo, Trưởng phòng Kế hoạch – Tài chính"
        );
        assert_eq!(head.title, "Trưởng phòng");
        let untitled = head_view(Some("Đặng Quốc Bảo"), Some(""), "Phòng Kế hoạch");
        assert_eq!(
            untitled.greeting,
            "Ông/Bà Đặng Quốc Bảo, Lãnh đạo Phòng Kế hoạch"
        );
        assert_eq!(untitled.title, "Lãnh đạo đơn vị");
        let nobody = head_view(None, None, "Phòng Kế hoạch");
        assert_eq!(nobody.greeting, "Lãnh đạo Phòng Kế hoạch");
    }
}
