//! The demo's emulation campaign, shaped as seed 004's: "Giải quyết nhanh thủ tục hành chính
//! cho cá nhân, tổ chức và doanh nghiệp", two rounds (01/3–29/6, reviewed 30/6; 01/7–30/12,
//! reviewed 31/12), in 2022, the year of the demo plan, so that the units' tasks done on time
//! score it. The first round is reviewed (its leaderboard frozen); the second is open.

use chrono::{NaiveDate, Utc};
use diesel_async::AsyncPgConnection;
use rust_decimal::Decimal;

use crate::authz::Principal;
use crate::repo::campaigns;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::Actor;
use cchc_domain::model::campaign::{
    CampaignCriterionInput, CampaignSource, CreateCampaign, CriterionKind, EnterPoints,
    Participation, RoundInput,
};

pub(super) const CAMPAIGN_CODE: &str = "TD-TTHC-2022";

fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| Error::Internal(format!("{y}-{m}-{d}")))
}

fn criterion(
    code: &str,
    title: &str,
    kind: CriterionKind,
    points: i64,
    source: CampaignSource,
) -> CampaignCriterionInput {
    CampaignCriterionInput {
        code: code.into(),
        title: title.into(),
        kind,
        max_points: Decimal::from(points),
        source,
    }
}

fn campaign() -> Result<CreateCampaign> {
    Ok(CreateCampaign {
        code: CAMPAIGN_CODE.into(),
        year: 2022,
        title: "Phong trào thi đua “Giải quyết nhanh thủ tục hành chính cho cá nhân, tổ chức và \
                doanh nghiệp” năm 2022"
            .into(),
        document_id: None,
        participation: Participation::All,
        rounds: vec![
            RoundInput {
                starts_on: date(2022, 3, 1)?,
                ends_on: date(2022, 6, 29)?,
                review_on: date(2022, 6, 30)?,
            },
            RoundInput {
                starts_on: date(2022, 7, 1)?,
                ends_on: date(2022, 12, 30)?,
                review_on: date(2022, 12, 31)?,
            },
        ],
        criteria: vec![
            criterion(
                "TC1",
                "Hoàn thành đúng hạn nhiệm vụ cải cách hành chính được giao chủ trì",
                CriterionKind::Scored,
                60,
                CampaignSource::TasksOnTime,
            ),
            criterion(
                "TC2",
                "Giải quyết hồ sơ thủ tục hành chính trước và đúng hạn (theo số liệu Bộ phận Một cửa)",
                CriterionKind::Scored,
                40,
                CampaignSource::Entered,
            ),
            criterion(
                "TC3",
                "Sáng kiến, giải pháp rút ngắn thời gian giải quyết thủ tục hành chính",
                CriterionKind::Bonus,
                5,
                CampaignSource::Entered,
            ),
            criterion(
                "TC4",
                "Để xảy ra hồ sơ trễ hạn bị phản ánh, kiến nghị",
                CriterionKind::Penalty,
                5,
                CampaignSource::Entered,
            ),
        ],
    })
}

/// The Office's entries for the first round: (unit, criterion, points, note).
const ROUND_ONE: [(&str, &str, i64, &str); 10] = [
    ("VP", "TC2", 40, "100% hồ sơ giải quyết trước và đúng hạn"),
    (
        "QLTM",
        "TC2",
        38,
        "97% hồ sơ trước và đúng hạn (3 hồ sơ cấp phép bán lẻ rượu trễ hạn)",
    ),
    ("QLCNMT", "TC2", 36, "95% hồ sơ trước và đúng hạn"),
    ("QLNL", "TC2", 40, "100% hồ sơ giải quyết trước và đúng hạn"),
    ("KHTC", "TC2", 40, "Không phát sinh hồ sơ trễ hạn"),
    ("TTRA", "TC2", 40, "Không phát sinh hồ sơ trễ hạn"),
    ("TTKC", "TC2", 34, "90% hồ sơ trước và đúng hạn"),
    (
        "QLTM",
        "TC3",
        5,
        "Sáng kiến tiếp nhận hồ sơ cấp phép bán lẻ rượu qua dịch vụ công trực tuyến",
    ),
    ("TTKC", "TC4", 2, "01 phản ánh về hồ sơ khuyến công trễ hạn"),
    (
        "VP",
        "TC3",
        2,
        "Niêm yết công khai TTHC đã cắt giảm thời gian theo Quyết định 337/QĐ-UBND",
    ),
];

/// Launches the campaign, enters the first round's points and reviews it.
pub(super) async fn load(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    actor: &Actor,
) -> Result<()> {
    let now = Utc::now();
    let created = campaigns::create(conn, &campaign()?, principal, actor, now).await?;
    for (unit, criterion, points, note) in ROUND_ONE {
        let entry = EnterPoints {
            unit_code: unit.into(),
            criterion_code: criterion.into(),
            points: Decimal::from(points),
            note: note.into(),
        };
        campaigns::enter_points(conn, created.id, 1, &entry, principal, actor, now).await?;
    }
    campaigns::review(conn, created.id, 1, principal, actor, now).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cchc_domain::rules::emulation::check_campaign;
    use cchc_domain::validation::Checker;

    #[test]
    fn the_demo_campaign_checks_out() {
        let mut check = Checker::new();
        check_campaign(&mut check, &campaign().unwrap());
        assert!(check.finish().is_ok());
    }
}
