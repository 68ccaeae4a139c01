//! Demo data from the source documents: Sở Công Thương, its units, the indicators of its CCHC
//! plan and the Q1/2023 reporting period; the 2022 plan with its tasks (`plan`); the PAR Index
//! rounds (`par_index`); seed 004's emulation campaign in 2022 (`campaign`). Loading twice
//! changes nothing.

mod campaign;
mod par_index;
mod plan;

use chrono::{NaiveDate, TimeZone, Utc};
use diesel_async::AsyncPgConnection;
use rust_decimal::Decimal;

use crate::authz;
use crate::repo::{indicators, periods, units};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::Actor;
use cchc_domain::model::indicator::{
    Comparator, ContentArea, CreateIndicator, IndicatorKind, Target,
};
use cchc_domain::model::period::{CreatePeriod, LegalDocument};
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::model::unit::{Contact, CreateUnit, UnitKind};
use cchc_domain::rules::cutoff::{Frequency, ReportType};
use cchc_domain::rules::local_time::LOCAL_TZ;

/// What a load did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub units_created: usize,
    pub indicators_created: usize,
    /// PAR Index self-assessment rounds (2021 appraised, 2022 in progress).
    pub assessments_created: usize,
    /// Emulation campaigns (seed 004's, in 2022).
    pub campaigns_created: usize,
    pub periods_created: usize,
    pub tasks_created: usize,
}

impl std::fmt::Display for DemoSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Demo data: {} units, {} indicators, {} periods, {} plan tasks, {} PAR Index rounds, {} emulation campaigns created (existing ones left as they were)",
            self.units_created, self.indicators_created, self.periods_created, self.tasks_created,
            self.assessments_created, self.campaigns_created
        )
    }
}

fn contact(name: &str, title: &str, email: &str, phone: Option<&str>) -> Contact {
    Contact {
        name: name.to_owned(),
        position_title: Some(title.to_owned()),
        email: email.to_owned(),
        phone: phone.map(str::to_owned),
    }
}

fn demo_units() -> Vec<CreateUnit> {
    let unit =
        |code: &str, name: &str, kind, parent: Option<&str>, head: Contact, focal: Vec<Contact>| {
            CreateUnit {
                code: code.to_owned(),
                name: name.to_owned(),
                kind,
                parent_code: parent.map(str::to_owned),
                active: Some(true),
                qlvb_code: None,
                head: Some(head),
                focal_persons: focal,
            }
        };
    vec![
        unit(
            "SCT",
            "Sở Công Thương",
            UnitKind::Department,
            None,
            contact(
                "Lê Thu Hải",
                "Giám đốc Sở",
                "giamdoc@sct-khanhhoa.example",
                Some("0258 3822 100"),
            ),
            vec![],
        ),
        unit(
            "VP",
            "Văn phòng Sở",
            UnitKind::Office,
            Some("SCT"),
            contact(
                "Trần Hồng Minh",
                "Chánh Văn phòng",
                "minhth@sct-khanhhoa.example",
                Some("0258 3822 101"),
            ),
            vec![contact(
                "Nguyễn Thị Thu Hương",
                "Chuyên viên phụ trách CCHC",
                "huongntt@sct-khanhhoa.example",
                Some("0905 123 401"),
            )],
        ),
        unit(
            "TTRA",
            "Thanh tra Sở",
            UnitKind::Inspectorate,
            Some("SCT"),
            contact(
                "Phạm Văn Đức",
                "Chánh Thanh tra",
                "ducpv@sct-khanhhoa.example",
                Some("0258 3822 102"),
            ),
            vec![contact(
                "Võ Thị Ngọc Ánh",
                "Thanh tra viên",
                "anhvtn@sct-khanhhoa.example",
                Some("0905 123 402"),
            )],
        ),
        unit(
            "KHTC",
            "Phòng Kế hoạch – Tài chính",
            UnitKind::Division,
            Some("SCT"),
            contact(
                "Đặng Quốc Bảo",
                "Trưởng phòng",
                "baodq@sct-khanhhoa.example",
                Some("0258 3822 103"),
            ),
            vec![
                contact(
                    "Huỳnh Thị Mỹ Linh",
                    "Chuyên viên",
                    "linhhtm@sct-khanhhoa.example",
                    Some("0905 123 403"),
                ),
                contact(
                    "Lương Văn Tài",
                    "Chuyên viên",
                    "tailv@sct-khanhhoa.example",
                    None,
                ),
            ],
        ),
        unit(
            "QLCNMT",
            "Phòng Quản lý Công nghiệp và Môi trường",
            UnitKind::Division,
            Some("SCT"),
            contact(
                "Nguyễn Văn Hùng",
                "Trưởng phòng",
                "hungnv@sct-khanhhoa.example",
                Some("0258 3822 104"),
            ),
            vec![contact(
                "Lê Bảo Bình",
                "Chuyên viên",
                "binhlb@sct-khanhhoa.example",
                Some("0905 123 404"),
            )],
        ),
        unit(
            "QLTM",
            "Phòng Quản lý Thương mại",
            UnitKind::Division,
            Some("SCT"),
            contact(
                "Trương Thị Kim Oanh",
                "Trưởng phòng",
                "oanhttk@sct-khanhhoa.example",
                Some("0258 3822 105"),
            ),
            vec![contact(
                "Bùi Minh Khoa",
                "Chuyên viên",
                "khoabm@sct-khanhhoa.example",
                Some("0905 123 405"),
            )],
        ),
        unit(
            "QLNL",
            "Phòng Quản lý Năng lượng",
            UnitKind::Division,
            Some("SCT"),
            contact(
                "Hồ Đăng Khánh",
                "Trưởng phòng",
                "khanhhd@sct-khanhhoa.example",
                Some("0258 3822 106"),
            ),
            vec![contact(
                "Phan Thị Diễm Trinh",
                "Chuyên viên",
                "trinhptd@sct-khanhhoa.example",
                Some("0905 123 406"),
            )],
        ),
        unit(
            "TTKC",
            "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp",
            UnitKind::ServiceUnit,
            Some("SCT"),
            contact(
                "Đoàn Văn Lợi",
                "Giám đốc Trung tâm",
                "loidv@sct-khanhhoa.example",
                Some("0258 3822 107"),
            ),
            vec![contact(
                "Mai Thị Thanh Tâm",
                "Viên chức phụ trách CCHC",
                "tammtt@sct-khanhhoa.example",
                Some("0905 123 407"),
            )],
        ),
    ]
}

fn percent_target(comparator: Comparator, threshold: Decimal) -> Option<Target> {
    Some(Target {
        comparator,
        threshold,
    })
}

#[allow(clippy::too_many_arguments)]
fn indicator(
    code: &str,
    name: &str,
    description: &str,
    area: ContentArea,
    kind: IndicatorKind,
    unit_of_measure: Option<&str>,
    target: Option<Target>,
    evidence_required: bool,
) -> CreateIndicator {
    CreateIndicator {
        code: code.to_owned(),
        name: name.to_owned(),
        description: Some(description.to_owned()),
        content_area: area,
        kind,
        unit_of_measure: unit_of_measure.map(str::to_owned),
        target,
        tolerance: Some(Decimal::ZERO),
        evidence_required: Some(evidence_required),
        active: Some(true),
        // The default by kind and unit of measure: SOHOA-KQ-TANG, a decimal in %, is averaged.
        aggregation: None,
        aggregation_weight: None,
    }
}

// A table, one indicator to a group of lines with its Vietnamese wording whole (searchable,
// as staff read it); rustfmt would otherwise give up on it silently.
#[rustfmt::skip]
fn demo_indicators() -> Vec<CreateIndicator> {
    use Comparator::{Eq, Gt, Gte};
    use ContentArea::*;
    use IndicatorKind::{Boolean, Count, Ratio, Text};
    let pct = |n: i64| Decimal::from(n);
    vec![
        // Seed 000: figures that must match the province's systems of record.
        indicator("TTHC-DUNGHAN", "Tỷ lệ hồ sơ TTHC được giải quyết đúng hạn",
            "Số hồ sơ giải quyết đúng hạn / tổng số hồ sơ đã giải quyết trong kỳ; đối chiếu với Hệ thống thông tin giải quyết TTHC của tỉnh (Văn bản 3394/SCT-VP).",
            AdministrativeProcedureReform, Ratio, Some("%"), None, false),
        indicator("HS-TRUCTUYEN", "Tỷ lệ hồ sơ TTHC giải quyết trực tuyến mức độ 3, 4",
            "Số hồ sơ tiếp nhận trực tuyến mức độ 3, 4 / tổng số hồ sơ tiếp nhận; Kế hoạch CCHC mục 2.5 và 6.3: tối thiểu 50%.",
            AdministrativeProcedureReform, Ratio, Some("%"), percent_target(Gte, pct(50)), false),
        indicator("CCVC-SOLUONG", "Số lượng công chức, viên chức",
            "Tổng số công chức, viên chức có mặt đến ngày chốt số liệu; đối chiếu với phần mềm quản lý cán bộ, công chức, viên chức của tỉnh.",
            OrganizationalReform, Count, Some("người"), None, false),
        // Seed 002 §II 2.5.
        indicator("TTHC-CONGKHAI", "Tỷ lệ TTHC thuộc thẩm quyền được công khai đầy đủ, kịp thời",
            "Kế hoạch CCHC mục 2.5: 100% TTHC thuộc thẩm quyền giải quyết của Sở được công khai đầy đủ, kịp thời.",
            AdministrativeProcedureReform, Ratio, Some("%"), percent_target(Eq, pct(100)), true),
        indicator("HS-LUANCHUYEN-DT", "Tỷ lệ hồ sơ TTHC luân chuyển nội bộ bằng phương thức điện tử",
            "Kế hoạch CCHC mục 2.5: trên 50% hồ sơ luân chuyển giữa các phòng, đơn vị và cơ quan có thẩm quyền được thực hiện bằng phương thức điện tử.",
            AdministrativeProcedureReform, Ratio, Some("%"), percent_target(Gt, pct(50)), false),
        indicator("SOHOA-KQ-TANG", "Mức tăng số hóa kết quả giải quyết TTHC còn hiệu lực",
            "Kế hoạch CCHC mục 2.5: số hóa kết quả giải quyết TTHC còn hiệu lực tăng tối thiểu 20%.",
            AdministrativeProcedureReform, IndicatorKind::Decimal, Some("%"), percent_target(Gte, pct(20)), true),
        indicator("HAILONG-TTHC", "Mức độ hài lòng của người dân, doanh nghiệp về giải quyết TTHC",
            "Số phiếu hài lòng / tổng số phiếu khảo sát; Kế hoạch CCHC mục 2.5: tối thiểu 90%.",
            AdministrativeProcedureReform, Ratio, Some("%"), percent_target(Gte, pct(90)), true),
        indicator("TTHC-TRUCTUYEN-MD34", "Tỷ lệ TTHC đủ điều kiện được cung cấp trực tuyến mức độ 3, 4",
            "Kế hoạch CCHC mục 2.5: tối thiểu 80% TTHC có đủ điều kiện được cung cấp trực tuyến mức độ 3 và 4.",
            AdministrativeProcedureReform, Ratio, Some("%"), percent_target(Gte, pct(80)), false),
        indicator("TTHC-TICHHOP-DVCQG", "Tỷ lệ TTHC trực tuyến được tích hợp trên Cổng Dịch vụ công quốc gia",
            "Kế hoạch CCHC mục 2.5: ít nhất 80% TTHC trực tuyến mức độ 3, 4 được tích hợp, cung cấp trên Cổng Dịch vụ công quốc gia.",
            AdministrativeProcedureReform, Ratio, Some("%"), percent_target(Gte, pct(80)), false),
        // Seed 002 §II 3.2.
        indicator("HAILONG-CQHC", "Mức độ hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước",
            "Kế hoạch CCHC mục 3.2: tối thiểu 86,6%.",
            OrganizationalReform, Ratio, Some("%"), percent_target(Gte, Decimal::new(866, 1)), true),
        indicator("TINHGIAN-BIENCHE", "Tinh giản biên chế đạt chỉ tiêu được giao",
            "Kế hoạch CCHC mục 3.2: đảm bảo tỷ lệ tinh giản biên chế đạt chỉ tiêu được giao (Nghị quyết 39-NQ/TW, Nghị định 108/2014/NĐ-CP).",
            OrganizationalReform, Boolean, None, percent_target(Eq, Decimal::ONE), true),
        // Seed 002 §II 4.4.
        indicator("LDQL-TRENDAIHOC", "Tỷ lệ lãnh đạo, quản lý từ phó trưởng phòng trở lên có trình độ trên đại học",
            "Kế hoạch CCHC mục 4.4: tối thiểu 35%.",
            CivilServiceQuality, Ratio, Some("%"), percent_target(Gte, pct(35)), true),
        indicator("LDQL-LLCT-QLNN", "Tỷ lệ lãnh đạo, quản lý được đào tạo lý luận chính trị, bồi dưỡng quản lý nhà nước theo tiêu chuẩn ngạch",
            "Kế hoạch CCHC mục 4.4: 100%.",
            CivilServiceQuality, Ratio, Some("%"), percent_target(Eq, pct(100)), true),
        // Seed 002 §II 6.3.
        indicator("VBDT-LIENTHONG", "Tỷ lệ văn bản điện tử được trao đổi, liên thông trên môi trường mạng (trừ văn bản mật)",
            "Kế hoạch CCHC mục 6.3: 100% văn bản điện tử của cơ quan được trao đổi, liên thông trên môi trường mạng.",
            DigitalGovernment, Ratio, Some("%"), percent_target(Eq, pct(100)), false),
        indicator("TTHC-PHATSINH-MD34", "Tỷ lệ TTHC đủ điều kiện và có phát sinh hồ sơ được cung cấp trực tuyến mức độ 3, 4",
            "Kế hoạch CCHC mục 6.3: 100%.",
            DigitalGovernment, Ratio, Some("%"), percent_target(Eq, pct(100)), false),
        indicator("DVCTT-DVCQG", "Tỷ lệ dịch vụ công trực tuyến mức độ 3, 4 của ngành được tích hợp lên Cổng Dịch vụ công quốc gia",
            "Kế hoạch CCHC mục 6.3: trên 90%.",
            DigitalGovernment, Ratio, Some("%"), percent_target(Gte, pct(90)), false),
        // Seed 002 §II 7 and the narrative of every report.
        indicator("TUYENTRUYEN-TINBAI", "Số tin, bài tuyên truyền về cải cách hành chính",
            "Kế hoạch CCHC mục 7.1: tin, bài đăng trên trang thông tin điện tử của Sở.",
            Communication, Count, Some("tin, bài"), None, true),
        indicator("KQ-NOIBAT", "Kết quả nổi bật, sáng kiến trong công tác cải cách hành chính",
            "Nội dung mô tả ngắn; chi tiết trong báo cáo bằng văn bản (tệp Word).",
            Communication, Text, None, None, false),
    ]
}

fn demo_period() -> Result<CreatePeriod> {
    let deadline = LOCAL_TZ
        .with_ymd_and_hms(2023, 3, 10, 16, 30, 0)
        .single()
        .ok_or_else(|| Error::Internal("demo deadline is not a valid local time".into()))?
        .fixed_offset();
    let date = |y, m, d| {
        NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| Error::Internal("demo date".into()))
    };
    Ok(CreatePeriod {
        code: "2023-Q1".into(),
        title: "Báo cáo CCHC Quý I/2023".into(),
        description: Some(
            "Báo cáo cải cách hành chính định kỳ Quý I năm 2023 của các phòng, đơn vị thuộc Sở. Nội dung, thời gian chốt số liệu \
             theo hướng dẫn tại Văn bản số 3394/SCT-VP; số liệu phải thống nhất với các hệ thống theo dõi của tỉnh, trường hợp \
             không thống nhất phải giải trình nguyên nhân. Gửi tệp Word (nội dung) và Excel (số liệu) trước 16h30 ngày 10/3/2023."
                .into(),
        ),
        report_type: ReportType::Periodic,
        frequency: Frequency::Quarterly,
        year: Some(2023),
        sequence: Some(1),
        // The Department's guidance 3394/SCT-VP closes the figures earlier than Decree 09's
        // 14 March so that units can report by 10 March.
        data_from: Some(date(2022, 12, 15)?),
        data_to: Some(date(2023, 3, 8)?),
        deadline,
        shift_deadline_off_non_working_day: Some(true),
        strict_deadline_check: Some(false),
        legal_basis: vec![
            LegalDocument {
                number: "733/SNV-TT".into(),
                issued_on: date(2023, 3, 6)?,
                title: "Công văn của Sở Nội vụ về việc báo cáo cải cách hành chính định kỳ năm 2023".into(),
            },
            LegalDocument {
                number: "383/KH-SCT".into(),
                issued_on: date(2023, 1, 30)?,
                title: "Kế hoạch cải cách hành chính năm 2023 của Sở Công Thương".into(),
            },
            LegalDocument {
                number: "3394/SCT-VP".into(),
                issued_on: date(2022, 5, 31)?,
                title: "Hướng dẫn nội dung báo cáo, thời gian chốt số liệu và thời hạn gửi báo cáo cải cách hành chính".into(),
            },
        ],
        indicator_codes: None,
        unit_codes: None,
        policy: None,
        qlvb_arrival_submits: None,
    })
}

/// Loads whatever of the demo data is missing; existing records (same code) are left alone.
pub async fn load(
    conn: &mut AsyncPgConnection,
    default_policy: &ReminderPolicy,
) -> Result<DemoSummary> {
    let mut summary = DemoSummary::default();
    let now = Utc::now();
    // No token is behind the demo data: the loader acts as the system, with the Office's rights.
    let principal = authz::system("seed-demo");
    let actor = Actor::system("seed-demo");
    for unit in demo_units() {
        if units::find_id_by_code(conn, &unit.code).await?.is_none() {
            units::create(conn, &unit, &principal, &actor, now).await?;
            summary.units_created += 1;
        }
    }
    for indicator in demo_indicators() {
        if cchc_db::indicators::id_by_code(conn, &indicator.code)
            .await?
            .is_none()
        {
            indicators::create(conn, &indicator, &principal, &actor, now).await?;
            summary.indicators_created += 1;
        }
    }
    let period = demo_period()?;
    if periods::id_by_code(conn, &period.code).await?.is_none() {
        let created =
            periods::create(conn, &period, default_policy, &principal, &actor, now).await?;
        periods::open(conn, created.id, &principal, &actor, now).await?;
        summary.periods_created += 1;
    }
    if cchc_db::plans::id_by_code(conn, plan::PLAN_CODE)
        .await?
        .is_none()
    {
        summary.tasks_created = plan::load(conn, default_policy, &principal, &actor).await?;
    }
    if cchc_db::assessments::id_by_code(conn, par_index::ROUND_2022)
        .await?
        .is_none()
    {
        par_index::load(conn, &principal, &actor).await?;
        summary.assessments_created = 2;
    }
    if cchc_db::campaigns::id_by_code(conn, campaign::CAMPAIGN_CODE)
        .await?
        .is_none()
    {
        campaign::load(conn, &principal, &actor).await?;
        summary.campaigns_created = 1;
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_data_is_consistent() {
        let units = demo_units();
        assert_eq!(units.len(), 8);
        assert!(units
            .iter()
            .skip(1)
            .all(|u| u.parent_code.as_deref() == Some("SCT")));
        let indicators = demo_indicators();
        let mut codes: Vec<_> = indicators.iter().map(|i| i.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), indicators.len(), "indicator codes are unique");
        let period = demo_period().unwrap();
        assert_eq!(period.deadline.to_rfc3339(), "2023-03-10T16:30:00+07:00");
    }
}
