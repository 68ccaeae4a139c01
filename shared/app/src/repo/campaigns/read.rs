//! Campaigns as people read them: everyone who reads plans.

use diesel_async::AsyncPgConnection;

use super::find;
use crate::authz::{self, Principal};
use crate::repo::local;
use cchc_db::calendar::load_calendar;
use cchc_db::campaigns::{self as db, CriterionRow, RoundRow};
use cchc_db::refs;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::campaign::{
    Campaign, CampaignCriterion, CampaignPage, CampaignRound, CampaignSource, CampaignSummary,
    CriterionKind,
};
use cchc_domain::model::plan::UnitRef;
use cchc_domain::model::PageParams;
use cchc_domain::rules::calendar::WorkingCalendar;
use rust_decimal::Decimal;

pub(super) fn criterion(row: CriterionRow) -> Result<CampaignCriterion> {
    let source: CampaignSource = serde_json::from_value(row.source)
        .map_err(|e| Error::Internal(format!("a stored campaign source does not read: {e}")))?;
    Ok(CampaignCriterion {
        code: row.code,
        title: row.title,
        kind: row.kind,
        max_points: row.max_points.normalize(),
        source,
    })
}

pub(super) fn round(row: &RoundRow, calendar: &WorkingCalendar) -> CampaignRound {
    CampaignRound {
        number: row.number,
        starts_on: row.starts_on,
        ends_on: row.ends_on,
        review_on: row.review_on,
        review_effective_on: calendar.working_day_on_or_after(row.review_on),
        reviewed_at: row.reviewed_at.map(local),
    }
}

/// Campaign `id` as the API shows it.
pub(super) async fn load(conn: &mut AsyncPgConnection, id: i64) -> Result<Campaign> {
    let row = find(conn, id).await?;
    let (rounds, criteria) = db::parts_of(conn, id).await?;
    let calendar = load_calendar(conn).await?;
    let document = match row.document_id {
        Some(document_id) => refs::document_refs(conn, &[document_id])
            .await?
            .remove(&document_id),
        None => None,
    };
    let criteria = criteria
        .into_iter()
        .map(criterion)
        .collect::<Result<Vec<_>>>()?;
    let scale: Decimal = criteria
        .iter()
        .filter(|c| c.kind == CriterionKind::Scored)
        .map(|c| c.max_points)
        .sum();
    let registered_units = db::registered(conn, id)
        .await?
        .into_iter()
        .map(|(id, code, name)| UnitRef { id, code, name })
        .collect();
    Ok(Campaign {
        id: row.id,
        code: row.code,
        year: row.year,
        title: row.title,
        document,
        participation: row.participation,
        scale: scale.normalize(),
        rounds: rounds.iter().map(|r| round(r, &calendar)).collect(),
        criteria,
        registered_units,
        created_at: local(row.created_at),
        updated_at: local(row.updated_at),
    })
}

pub async fn get(conn: &mut AsyncPgConnection, id: i64, principal: &Principal) -> Result<Campaign> {
    authz::read_plans(principal)?;
    load(conn, id).await
}

/// Campaigns, newest year first; only `year`'s when given.
pub async fn list(
    conn: &mut AsyncPgConnection,
    year: Option<i32>,
    page: PageParams,
    principal: &Principal,
) -> Result<CampaignPage> {
    authz::read_plans(principal)?;
    // The years a campaign can have (`CreateCampaign.year`); another names none.
    if year.is_some_and(|year| !(2000..=2200).contains(&year)) {
        return Err(Error::invalid(
            "year",
            "out_of_range",
            "must be between 2000 and 2200",
        ));
    }
    let (page, per_page) = page.validate()?;
    let offset = PageParams::offset(page, per_page);
    let (total, rows) = db::page(conn, year, per_page, offset).await?;
    Ok(CampaignPage {
        items: rows
            .into_iter()
            .map(|(row, rounds)| CampaignSummary {
                id: row.id,
                code: row.code,
                year: row.year,
                title: row.title,
                participation: row.participation,
                rounds,
                updated_at: local(row.updated_at),
            })
            .collect(),
        page,
        per_page,
        total,
    })
}
