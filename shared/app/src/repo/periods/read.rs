//! A period with its set-up, and the list.

use diesel_async::AsyncPgConnection;

use super::find_row;
use crate::authz;
use crate::authz::Principal;
use crate::repo::{contains_pattern, local, local_opt};
use cchc_db::periods;
use cchc_domain::error::Result;
use cchc_domain::model::period::{
    Period, PeriodFilter, PeriodIndicator, PeriodPage, PeriodSummary, PeriodUnit,
};
use cchc_domain::model::PageParams;

/// A period with its set-up: reference data, for every role.
pub async fn get(conn: &mut AsyncPgConnection, id: i64, principal: &Principal) -> Result<Period> {
    authz::read_reference(principal)?;
    load(conn, id).await
}

/// The same without an access check (callers have done it).
pub(crate) async fn load(conn: &mut AsyncPgConnection, id: i64) -> Result<Period> {
    let row = find_row(conn, id, false).await?;
    let legal_basis = periods::legal_basis(conn, id).await?;
    let versions = cchc_db::indicators::pinned_by_period(conn, id).await?;
    let indicators = versions
        .into_iter()
        .map(|(_, v)| {
            let def = v.definition();
            PeriodIndicator {
                indicator_id: v.indicator_id,
                version: v.version,
                code: def.code,
                name: def.name,
                content_area: def.content_area,
                kind: def.kind,
                unit_of_measure: def.unit_of_measure,
                target: def.target,
                tolerance: def.tolerance,
                evidence_required: def.evidence_required,
            }
        })
        .collect();
    let units = periods::participants(conn, id)
        .await?
        .into_iter()
        .map(|(unit_id, code, name)| PeriodUnit {
            unit_id,
            code,
            name,
        })
        .collect();
    Ok(Period {
        id: row.id,
        code: row.code.clone(),
        title: row.title.clone(),
        description: row.description.clone(),
        report_type: row.report_type,
        frequency: row.frequency,
        year: row.year,
        sequence: row.sequence,
        data_window: row.data_window(),
        deadline: row.deadline(),
        status: row.status,
        legal_basis,
        indicators,
        units,
        policy: row.policy()?,
        qlvb_arrival_submits: row.qlvb_arrival_submits,
        warnings: row.warnings(),
        created_at: local(row.created_at),
        updated_at: local(row.updated_at),
        opened_at: local_opt(row.opened_at),
        closed_at: local_opt(row.closed_at),
    })
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &PeriodFilter,
    page: PageParams,
    principal: &Principal,
) -> Result<PeriodPage> {
    authz::read_reference(principal)?;
    let (page, per_page) = page.validate()?;
    let list_filter = periods::ListFilter {
        status: filter.status,
        frequency: filter.frequency,
        report_type: filter.report_type,
        year: filter.year,
        pattern: filter
            .q
            .as_deref()
            .filter(|q| !q.trim().is_empty())
            .map(contains_pattern),
    };
    let offset = PageParams::offset(page, per_page);
    let (total, rows) = periods::page(conn, &list_filter, per_page, offset).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let indicator_counts = periods::indicator_counts(conn, &ids).await?;
    let unit_counts = periods::unit_counts(conn, &ids).await?;
    let items = rows
        .into_iter()
        .map(|row| PeriodSummary {
            id: row.id,
            data_window: row.data_window(),
            deadline: row.deadline(),
            warnings: row.warnings(),
            status: row.status,
            report_type: row.report_type,
            frequency: row.frequency,
            indicator_count: indicator_counts.get(&row.id).copied().unwrap_or(0),
            unit_count: unit_counts.get(&row.id).copied().unwrap_or(0),
            code: row.code,
            title: row.title,
            year: row.year,
            sequence: row.sequence,
            created_at: local(row.created_at),
            updated_at: local(row.updated_at),
        })
        .collect();
    Ok(PeriodPage {
        items,
        page,
        per_page,
        total,
    })
}
