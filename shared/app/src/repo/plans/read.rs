//! A plan, and the list.

use diesel_async::AsyncPgConnection;

use super::load;
use crate::authz;
use crate::authz::Principal;
use crate::repo::{contains_pattern, local};
use cchc_db::{plans, refs};
use cchc_domain::error::Result;
use cchc_domain::model::plan::{Plan, PlanFilter, PlanPage, PlanSummary};
use cchc_domain::model::PageParams;
use cchc_domain::validation::Checker;

/// A plan: every person reads it.
pub async fn get(conn: &mut AsyncPgConnection, id: i64, principal: &Principal) -> Result<Plan> {
    authz::read_plans(principal)?;
    load(conn, id).await
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &PlanFilter,
    page: PageParams,
    principal: &Principal,
) -> Result<PlanPage> {
    authz::read_plans(principal)?;
    let (page, per_page) = page.validate()?;
    let mut check = Checker::new();
    if filter.year.is_some_and(|y| !(1900..=2200).contains(&y)) {
        check.push("year", "out_of_range", "must be between 1900 and 2200");
    }
    check.finish()?;
    let list_filter = plans::ListFilter {
        year: filter.year,
        status: filter.status,
        pattern: filter
            .q
            .as_deref()
            .filter(|q| !q.trim().is_empty())
            .map(contains_pattern),
    };
    let offset = PageParams::offset(page, per_page);
    let (total, rows) = plans::page(conn, &list_filter, per_page, offset).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let counts = plans::task_counts(conn, &ids).await?;
    let document_ids: Vec<i64> = rows.iter().filter_map(|r| r.document_id).collect();
    let documents = refs::document_refs(conn, &document_ids).await?;
    let items = rows
        .into_iter()
        .map(|row| PlanSummary {
            id: row.id,
            task_count: counts.get(&row.id).copied().unwrap_or(0),
            document: row.document_id.and_then(|d| documents.get(&d).cloned()),
            code: row.code,
            year: row.year,
            title: row.title,
            status: row.status,
            created_at: local(row.created_at),
            updated_at: local(row.updated_at),
        })
        .collect();
    Ok(PlanPage {
        items,
        page,
        per_page,
        total,
    })
}
