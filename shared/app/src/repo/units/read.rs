//! A unit with its parent's code and its contacts, and the list.

use std::collections::HashMap;

use diesel_async::AsyncPgConnection;

use super::checks::resolve_code;
use crate::authz;
use crate::authz::Principal;
use crate::repo::{contains_pattern, local};
use cchc_db::units::{self, ContactRow, UnitRow};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::unit::{Contact, ContactRole, Unit, UnitFilter, UnitPage};
use cchc_domain::model::PageParams;

async fn hydrate(conn: &mut AsyncPgConnection, rows: Vec<UnitRow>) -> Result<Vec<Unit>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let parent_ids: Vec<i64> = rows.iter().filter_map(|r| r.parent_id).collect();
    let parent_codes = units::codes_by_id(conn, &parent_ids).await?;
    let contacts = units::contacts_of(conn, &ids).await?;
    let mut by_unit: HashMap<i64, Vec<ContactRow>> = HashMap::new();
    for contact in contacts {
        by_unit.entry(contact.unit_id).or_default().push(contact);
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let contacts = by_unit.remove(&row.id).unwrap_or_default();
            let to_contact = |c: &ContactRow| Contact {
                name: c.name.clone(),
                position_title: c.position_title.clone(),
                email: c.email.clone(),
                phone: c.phone.clone(),
            };
            Unit {
                id: row.id,
                kind: row.kind,
                parent_code: row.parent_id.and_then(|p| parent_codes.get(&p).cloned()),
                head: contacts
                    .iter()
                    .find(|c| c.role == ContactRole::Head)
                    .map(to_contact),
                focal_persons: contacts
                    .iter()
                    .filter(|c| c.role == ContactRole::FocalPerson)
                    .map(to_contact)
                    .collect(),
                code: row.code,
                name: row.name,
                parent_id: row.parent_id,
                active: row.active,
                qlvb_code: row.qlvb_code,
                created_at: local(row.created_at),
                updated_at: local(row.updated_at),
            }
        })
        .collect())
}

/// A unit: reference data, for every role.
pub async fn get(conn: &mut AsyncPgConnection, id: i64, principal: &Principal) -> Result<Unit> {
    authz::read_reference(principal)?;
    load(conn, id).await
}

/// A unit; no access check (callers have done it).
pub(crate) async fn load(conn: &mut AsyncPgConnection, id: i64) -> Result<Unit> {
    let row = units::find(conn, id, false)
        .await?
        .ok_or(Error::not_found("unit"))?;
    hydrate(conn, vec![row])
        .await?
        .pop()
        .ok_or(Error::not_found("unit"))
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &UnitFilter,
    page: PageParams,
    principal: &Principal,
) -> Result<UnitPage> {
    authz::read_reference(principal)?;
    let (page, per_page) = page.validate()?;
    let parent_id = match &filter.parent_code {
        Some(code) => Some(resolve_code(conn, "parent_code", code).await?),
        None => None,
    };
    let subtree = match &filter.under {
        Some(code) => {
            let root = resolve_code(conn, "under", code).await?;
            Some(units::subtree_ids(conn, root).await?)
        }
        None => None,
    };
    let list_filter = units::ListFilter {
        parent_id,
        ids: subtree,
        kind: filter.kind,
        active: filter.active,
        pattern: filter
            .q
            .as_deref()
            .filter(|q| !q.trim().is_empty())
            .map(contains_pattern),
    };
    let offset = PageParams::offset(page, per_page);
    let (total, rows) = units::page(conn, &list_filter, per_page, offset).await?;
    Ok(UnitPage {
        items: hydrate(conn, rows).await?,
        page,
        per_page,
        total,
    })
}
