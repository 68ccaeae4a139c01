use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use crate::authz;
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::{contains_pattern, local, map_unique};
use cchc_db::schema::{unit_contacts, units};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::unit::{
    Contact, ContactRole, CreateUnit, Unit, UnitFilter, UnitKind, UnitPage, UpdateUnit,
};
use cchc_domain::model::PageParams;
use cchc_domain::validation::Checker;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = units)]
pub struct UnitRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub parent_id: Option<i64>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub qlvb_code: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = unit_contacts)]
struct ContactRow {
    unit_id: i64,
    role: ContactRole,
    name: String,
    position_title: Option<String>,
    email: String,
    phone: Option<String>,
}

const MAX_FOCAL_PERSONS: usize = 20;

/// A QLVB identifier code (mã định danh, e.g. `000.00.12.H56`), checked loosely: products
/// differ in how they write it.
fn check_qlvb_code(check: &mut Checker, value: &str) {
    let valid = value
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && value.len() <= 40
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if !valid {
        check.push(
            "qlvb_code",
            "invalid_code",
            "must be 1 to 40 characters: letters A–Z, digits, '.' and '-', starting with a letter or digit (e.g. 000.00.12.H56)",
        );
    }
}

fn duplicate_qlvb_code(code: &str) -> Error {
    Error::conflict_on(
        "duplicate_qlvb_code",
        "qlvb_code",
        format!("another unit already has the QLVB code {code:?}"),
    )
}

/// The unit whose QLVB identifier code is `code`.
pub async fn find_id_by_qlvb_code(conn: &mut AsyncPgConnection, code: &str) -> Result<Option<i64>> {
    Ok(units::table
        .filter(units::qlvb_code.eq(code.trim()))
        .select(units::id)
        .first(conn)
        .await
        .optional()?)
}

fn check_contact(check: &mut Checker, field: &str, contact: &Contact) {
    check.text(&format!("{field}.name"), &contact.name, 200);
    check.optional_text(
        &format!("{field}.position_title"),
        contact.position_title.as_deref(),
        200,
    );
    check.email(&format!("{field}.email"), &contact.email);
    if let Some(phone) = &contact.phone {
        check.phone(&format!("{field}.phone"), phone);
    }
}

fn check_contacts(check: &mut Checker, head: Option<&Contact>, focal_persons: Option<&[Contact]>) {
    if let Some(head) = head {
        check_contact(check, "head", head);
    }
    if let Some(focal_persons) = focal_persons {
        if focal_persons.len() > MAX_FOCAL_PERSONS {
            check.push(
                "focal_persons",
                "too_many",
                format!("at most {MAX_FOCAL_PERSONS} focal persons"),
            );
        }
        for (i, person) in focal_persons.iter().enumerate() {
            check_contact(check, &format!("focal_persons[{i}]"), person);
        }
    }
}

/// Finds a unit id by code; `None` when there is none.
pub async fn find_id_by_code(conn: &mut AsyncPgConnection, code: &str) -> Result<Option<i64>> {
    Ok(units::table
        .filter(units::code.eq(code))
        .select(units::id)
        .first(conn)
        .await
        .optional()?)
}

async fn resolve_code(conn: &mut AsyncPgConnection, field: &str, code: &str) -> Result<i64> {
    find_id_by_code(conn, code)
        .await?
        .ok_or_else(|| Error::invalid(field, "unknown_code", format!("no unit has code {code:?}")))
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// The unit and all its descendants.
pub async fn subtree_ids(conn: &mut AsyncPgConnection, root_id: i64) -> Result<Vec<i64>> {
    let rows: Vec<IdRow> = diesel::sql_query(
        "WITH RECURSIVE subtree AS (
             SELECT id FROM units WHERE id = $1
             UNION
             SELECT u.id FROM units u JOIN subtree s ON u.parent_id = s.id
         )
         SELECT id FROM subtree",
    )
    .bind::<BigInt, _>(root_id)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

async fn hydrate(conn: &mut AsyncPgConnection, rows: Vec<UnitRow>) -> Result<Vec<Unit>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let parent_ids: Vec<i64> = rows.iter().filter_map(|r| r.parent_id).collect();
    let parent_codes: HashMap<i64, String> = units::table
        .filter(units::id.eq_any(&parent_ids))
        .select((units::id, units::code))
        .load::<(i64, String)>(conn)
        .await?
        .into_iter()
        .collect();
    let contacts: Vec<ContactRow> = unit_contacts::table
        .filter(unit_contacts::unit_id.eq_any(&ids))
        .order((
            unit_contacts::unit_id,
            unit_contacts::sort_order,
            unit_contacts::id,
        ))
        .select(ContactRow::as_select())
        .load(conn)
        .await?;
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
    let row: UnitRow = units::table
        .find(id)
        .select(UnitRow::as_select())
        .first(conn)
        .await
        .optional()?
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
            Some(subtree_ids(conn, root).await?)
        }
        None => None,
    };
    let query = || {
        let mut query = units::table.into_boxed();
        if let Some(parent_id) = parent_id {
            query = query.filter(units::parent_id.eq(parent_id));
        }
        if let Some(ids) = &subtree {
            query = query.filter(units::id.eq_any(ids.clone()));
        }
        if let Some(kind) = filter.kind {
            query = query.filter(units::kind.eq(kind));
        }
        if let Some(active) = filter.active {
            query = query.filter(units::active.eq(active));
        }
        if let Some(q) = filter.q.as_deref().filter(|q| !q.trim().is_empty()) {
            let pattern = contains_pattern(q);
            query = query.filter(
                units::code
                    .ilike(pattern.clone())
                    .or(units::name.ilike(pattern)),
            );
        }
        query
    };
    let total: i64 = query().count().get_result(conn).await?;
    let rows: Vec<UnitRow> = query()
        .order(units::code.asc())
        .limit(per_page)
        .offset(PageParams::offset(page, per_page))
        .select(UnitRow::as_select())
        .load(conn)
        .await?;
    Ok(UnitPage {
        items: hydrate(conn, rows).await?,
        page,
        per_page,
        total,
    })
}

async fn replace_contacts(
    conn: &mut AsyncPgConnection,
    unit_id: i64,
    role: ContactRole,
    contacts: &[Contact],
) -> Result<()> {
    diesel::delete(
        unit_contacts::table
            .filter(unit_contacts::unit_id.eq(unit_id))
            .filter(unit_contacts::role.eq(role)),
    )
    .execute(conn)
    .await?;
    let rows: Vec<_> = contacts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (
                unit_contacts::unit_id.eq(unit_id),
                unit_contacts::role.eq(role),
                unit_contacts::name.eq(c.name.trim()),
                unit_contacts::position_title.eq(c.position_title.as_deref().map(str::trim)),
                unit_contacts::email.eq(c.email.trim()),
                unit_contacts::phone.eq(c.phone.as_deref().map(str::trim)),
                unit_contacts::sort_order.eq(i16::try_from(i).unwrap_or(i16::MAX)),
            )
        })
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(unit_contacts::table)
            .values(rows)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// The first step of [`create`] and [`update`]: only the Office changes units. Exposed so a
/// handler refuses a caller before it reports what is wrong with the body.
pub fn authorize_change(principal: &Principal) -> Result<()> {
    authz::require_admin(principal)
}

pub async fn create(
    conn: &mut AsyncPgConnection,
    input: &CreateUnit,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Unit> {
    authorize_change(principal)?;
    let mut check = Checker::new();
    check.code("code", &input.code, 32, "_-");
    check.text("name", &input.name, 300);
    if let Some(code) = &input.qlvb_code {
        check_qlvb_code(&mut check, code);
    }
    check_contacts(&mut check, input.head.as_ref(), Some(&input.focal_persons));
    check.finish()?;

    conn.transaction(async |conn| -> Result<Unit> {
        if find_id_by_code(conn, &input.code).await?.is_some() {
            return Err(Error::conflict_on(
                "duplicate_code",
                "code",
                format!("a unit with code {:?} already exists", input.code),
            ));
        }
        if let Some(code) = &input.qlvb_code {
            if find_id_by_qlvb_code(conn, code).await?.is_some() {
                return Err(duplicate_qlvb_code(code));
            }
        }
        let parent_id = match &input.parent_code {
            Some(code) => Some(resolve_code(conn, "parent_code", code).await?),
            None => None,
        };
        let id: i64 = diesel::insert_into(units::table)
            .values((
                units::code.eq(&input.code),
                units::name.eq(input.name.trim()),
                units::kind.eq(input.kind),
                units::parent_id.eq(parent_id),
                units::active.eq(input.active.unwrap_or(true)),
                units::qlvb_code.eq(input.qlvb_code.as_deref()),
                units::created_at.eq(now),
                units::updated_at.eq(now),
            ))
            .returning(units::id)
            .get_result(conn)
            .await
            .map_err(|e| {
                map_unique(
                    e,
                    "duplicate_code",
                    "code",
                    format!("a unit with code {:?} already exists", input.code),
                )
            })?;
        if let Some(head) = &input.head {
            replace_contacts(conn, id, ContactRole::Head, std::slice::from_ref(head)).await?;
        }
        replace_contacts(conn, id, ContactRole::FocalPerson, &input.focal_persons).await?;
        let unit = load(conn, id).await?;
        audit::record(
            conn,
            actor,
            now,
            Entry::created(EntityType::Unit, id, &unit)?,
        )
        .await?;
        Ok(unit)
    })
    .await
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: i64,
    input: &UpdateUnit,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Unit> {
    authorize_change(principal)?;
    let mut check = Checker::new();
    if let Some(name) = &input.name {
        check.text("name", name, 300);
    }
    if let Some(Some(code)) = &input.qlvb_code {
        check_qlvb_code(&mut check, code);
    }
    check_contacts(
        &mut check,
        input.head.as_ref().and_then(Option::as_ref),
        input.focal_persons.as_deref(),
    );
    check.finish()?;

    conn.transaction(async |conn| -> Result<Unit> {
        let current: UnitRow = units::table
            .find(id)
            .for_update()
            .select(UnitRow::as_select())
            .first(conn)
            .await
            .optional()?
            .ok_or(Error::not_found("unit"))?;
        let before = load(conn, id).await?;
        let parent_id = match &input.parent_code {
            None => current.parent_id,
            Some(None) => None,
            Some(Some(code)) => {
                // Moves are serialised so two concurrent moves cannot together form a cycle
                // that each alone would not.
                diesel::sql_query("SELECT pg_advisory_xact_lock(4242101)")
                    .execute(conn)
                    .await?;
                let parent = resolve_code(conn, "parent_code", code).await?;
                // The new parent must not be the unit itself or one of its descendants.
                if subtree_ids(conn, id).await?.contains(&parent) {
                    return Err(Error::invalid(
                        "parent_code",
                        "parent_cycle",
                        format!("{code:?} is this unit or one of its sub-units; a unit cannot be its own ancestor"),
                    ));
                }
                Some(parent)
            }
        };
        diesel::update(units::table.find(id))
            .set((
                units::name.eq(input.name.as_deref().map(str::trim).unwrap_or(&current.name)),
                units::kind.eq(input.kind.unwrap_or(current.kind)),
                units::parent_id.eq(parent_id),
                units::active.eq(input.active.unwrap_or(current.active)),
                units::qlvb_code.eq(match &input.qlvb_code {
                    None => current.qlvb_code.as_deref(),
                    Some(code) => code.as_deref(),
                }),
                units::updated_at.eq(now),
            ))
            .execute(conn)
            .await
            .map_err(|e| match &input.qlvb_code {
                Some(Some(code)) => map_unique(
                    e,
                    "duplicate_qlvb_code",
                    "qlvb_code",
                    format!("another unit already has the QLVB code {code:?}"),
                ),
                _ => Error::from(e),
            })?;
        if let Some(head) = &input.head {
            let heads: Vec<Contact> = head.iter().cloned().collect();
            replace_contacts(conn, id, ContactRole::Head, &heads).await?;
        }
        if let Some(focal_persons) = &input.focal_persons {
            replace_contacts(conn, id, ContactRole::FocalPerson, focal_persons).await?;
        }
        let after = load(conn, id).await?;
        let entry = Entry::changed(EntityType::Unit, id, "updated", &before, &after)?;
        audit::record_opt(conn, actor, now, entry).await?;
        Ok(after)
    })
    .await
}
