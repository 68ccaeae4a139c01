//! Criteria sets as people read them.

use diesel_async::AsyncPgConnection;

use super::load;
use crate::authz::{self, Principal};
use crate::repo::local;
use cchc_db::criteria::{self as db, SetFilter};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::criteria::{
    CriteriaSet, CriteriaSetPage, CriteriaSetStatus, CriteriaSetSummary,
};
use cchc_domain::model::PageParams;

pub async fn get(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
) -> Result<CriteriaSet> {
    authz::read_plans(principal)?;
    load(conn, id).await
}

/// Sets, newest year first; only those of `year`, in `status` or (not) superseded when given.
pub async fn list(
    conn: &mut AsyncPgConnection,
    year: Option<i32>,
    status: Option<CriteriaSetStatus>,
    superseded: Option<bool>,
    page: PageParams,
    principal: &Principal,
) -> Result<CriteriaSetPage> {
    authz::read_plans(principal)?;
    // The years a set can have (`CreateCriteriaSet.year`); another names none.
    if year.is_some_and(|year| !(2000..=2200).contains(&year)) {
        return Err(Error::invalid(
            "year",
            "out_of_range",
            "must be between 2000 and 2200",
        ));
    }
    let (page, per_page) = page.validate()?;
    let filter = SetFilter {
        year,
        status,
        superseded,
    };
    let offset = PageParams::offset(page, per_page);
    let (total, rows) = db::page_of_sets(conn, &filter, per_page, offset).await?;
    Ok(CriteriaSetPage {
        items: rows
            .into_iter()
            .map(|(row, criteria_count, total_points)| CriteriaSetSummary {
                id: row.id,
                code: row.code,
                year: row.year,
                title: row.title,
                status: row.status,
                version: row.version,
                superseded: row.superseded_at.is_some(),
                total_points: total_points.normalize(),
                criteria_count,
                updated_at: local(row.updated_at),
            })
            .collect(),
        page,
        per_page,
        total,
    })
}
