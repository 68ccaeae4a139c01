//! An indicator in its current version, the list, and an indicator's versions.

use diesel_async::AsyncPgConnection;

use super::find_row;
use crate::authz;
use crate::authz::Principal;
use crate::repo::contains_pattern;
use cchc_db::indicators::{self, IndicatorRow, VersionRow};
use cchc_domain::error::Result;
use cchc_domain::model::indicator::{
    Indicator, IndicatorFilter, IndicatorPage, IndicatorVersionPage,
};
use cchc_domain::model::PageParams;

/// An indicator in its current version: reference data, for every role.
pub async fn get(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
) -> Result<Indicator> {
    authz::read_reference(principal)?;
    load(conn, id).await
}

/// The same without an access check (callers have done it).
pub(crate) async fn load(conn: &mut AsyncPgConnection, id: i64) -> Result<Indicator> {
    Ok(find_row(conn, id, false).await?.into_model())
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &IndicatorFilter,
    page: PageParams,
    principal: &Principal,
) -> Result<IndicatorPage> {
    authz::read_reference(principal)?;
    let (page, per_page) = page.validate()?;
    let list_filter = indicators::ListFilter {
        content_area: filter.content_area,
        kind: filter.kind,
        active: filter.active,
        pattern: filter
            .q
            .as_deref()
            .filter(|q| !q.trim().is_empty())
            .map(contains_pattern),
    };
    let offset = PageParams::offset(page, per_page);
    let (total, rows) = indicators::page(conn, &list_filter, per_page, offset).await?;
    Ok(IndicatorPage {
        items: rows.into_iter().map(IndicatorRow::into_model).collect(),
        page,
        per_page,
        total,
    })
}

pub async fn versions(
    conn: &mut AsyncPgConnection,
    id: i64,
    page: PageParams,
    principal: &Principal,
) -> Result<IndicatorVersionPage> {
    authz::read_reference(principal)?;
    let (page, per_page) = page.validate()?;
    find_row(conn, id, false).await?;
    let offset = PageParams::offset(page, per_page);
    let (total, rows) = indicators::page_of_versions(conn, id, per_page, offset).await?;
    Ok(IndicatorVersionPage {
        items: rows.into_iter().map(VersionRow::into_model).collect(),
        page,
        per_page,
        total,
    })
}
