//! Units (`units`) and their contacts (`unit_contacts`): the rows and their queries.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{unit_contacts, units};
use cchc_domain::model::unit::{Contact, ContactRole, UnitKind};
use cchc_domain::Result;

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
pub struct ContactRow {
    pub unit_id: i64,
    pub role: ContactRole,
    pub name: String,
    pub position_title: Option<String>,
    pub email: String,
    pub phone: Option<String>,
}

/// Unit `id`'s code and name, if it exists.
pub async fn code_and_name(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> Result<Option<(String, String)>> {
    Ok(units::table
        .find(id)
        .select((units::code, units::name))
        .first(conn)
        .await
        .optional()?)
}

/// The id of unit `code`, if there is one.
pub async fn find_id_by_code(conn: &mut AsyncPgConnection, code: &str) -> Result<Option<i64>> {
    Ok(units::table
        .filter(units::code.eq(code))
        .select(units::id)
        .first(conn)
        .await
        .optional()?)
}

/// The unit whose QLVB identifier code is `code` (trimmed), if there is one.
pub async fn find_id_by_qlvb_code(conn: &mut AsyncPgConnection, code: &str) -> Result<Option<i64>> {
    Ok(units::table
        .filter(units::qlvb_code.eq(code.trim()))
        .select(units::id)
        .first(conn)
        .await
        .optional()?)
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

/// Unit `id`'s row, if it exists; `lock` locks it for the rest of the transaction.
pub async fn find(mut conn: &AsyncPgConnection, id: i64, lock: bool) -> Result<Option<UnitRow>> {
    let query = units::table.find(id).select(UnitRow::as_select());
    Ok(if lock {
        query.for_update().first(&mut conn).await.optional()?
    } else {
        query.first(&mut conn).await.optional()?
    })
}

/// The codes of units `ids`, by id.
pub async fn codes_by_id(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> Result<HashMap<i64, String>> {
    Ok(units::table
        .filter(units::id.eq_any(ids))
        .select((units::id, units::code))
        .load::<(i64, String)>(conn)
        .await?
        .into_iter()
        .collect())
}

/// The contacts of units `unit_ids`, by unit, in the order they were listed.
pub async fn contacts_of(
    conn: &mut AsyncPgConnection,
    unit_ids: &[i64],
) -> Result<Vec<ContactRow>> {
    Ok(unit_contacts::table
        .filter(unit_contacts::unit_id.eq_any(unit_ids))
        .order((
            unit_contacts::unit_id,
            unit_contacts::sort_order,
            unit_contacts::id,
        ))
        .select(ContactRow::as_select())
        .load(conn)
        .await?)
}

/// A unit contact whose e-mail a person signed in with, with its (active) unit.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ContactOfPerson {
    pub unit_id: i64,
    pub unit_code: String,
    pub role: ContactRole,
    pub name: String,
}

/// The contacts of active units whose e-mail is `email`, compared without regard to case or
/// surrounding spaces; ordered by unit, then as listed.
pub async fn contacts_with_email(
    conn: &mut AsyncPgConnection,
    email: &str,
) -> Result<Vec<ContactOfPerson>> {
    use diesel::dsl::sql;
    use diesel::sql_types::{Bool, Text};
    Ok(unit_contacts::table
        .inner_join(units::table)
        .filter(units::active.eq(true))
        .filter(
            sql::<Bool>("lower(btrim(unit_contacts.email)) = lower(btrim(")
                .bind::<Text, _>(email.to_owned())
                .sql("))"),
        )
        .order((units::id, unit_contacts::sort_order, unit_contacts::id))
        .select((
            units::id,
            units::code,
            unit_contacts::role,
            unit_contacts::name,
        ))
        .load(conn)
        .await?)
}

/// Which units to list; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub parent_id: Option<i64>,
    /// Only these units (a subtree).
    pub ids: Option<Vec<i64>>,
    pub kind: Option<UnitKind>,
    pub active: Option<bool>,
    /// An `ILIKE` pattern the code or the name matches.
    pub pattern: Option<String>,
}

/// How many units `filter` keeps, and a page of them by code.
pub async fn page(
    conn: &mut AsyncPgConnection,
    filter: &ListFilter,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<UnitRow>)> {
    let query = || {
        let mut query = units::table.into_boxed();
        if let Some(parent_id) = filter.parent_id {
            query = query.filter(units::parent_id.eq(parent_id));
        }
        if let Some(ids) = &filter.ids {
            query = query.filter(units::id.eq_any(ids.clone()));
        }
        if let Some(kind) = filter.kind {
            query = query.filter(units::kind.eq(kind));
        }
        if let Some(active) = filter.active {
            query = query.filter(units::active.eq(active));
        }
        if let Some(pattern) = &filter.pattern {
            query = query.filter(
                units::code
                    .ilike(pattern.clone())
                    .or(units::name.ilike(pattern.clone())),
            );
        }
        query
    };
    let total: i64 = query().count().get_result(conn).await?;
    let rows = query()
        .order(units::code.asc())
        .limit(limit)
        .offset(offset)
        .select(UnitRow::as_select())
        .load(conn)
        .await?;
    Ok((total, rows))
}

/// Replaces unit `unit_id`'s contacts of `role` with `contacts`, in order (trimmed).
pub async fn replace_contacts(
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

/// The columns of a unit a create or an update writes.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = units, treat_none_as_null = true)]
pub struct UnitValues<'a> {
    pub name: &'a str,
    pub kind: UnitKind,
    pub parent_id: Option<i64>,
    pub active: bool,
    pub qlvb_code: Option<&'a str>,
    pub updated_at: DateTime<Utc>,
}

/// Inserts unit `code` with `values`; its id. The raw error is returned so the caller can
/// tell a duplicate code (two concurrent creates) from other failures.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    code: &str,
    values: &UnitValues<'_>,
) -> QueryResult<i64> {
    diesel::insert_into(units::table)
        .values((
            units::code.eq(code),
            units::created_at.eq(values.updated_at),
            values,
        ))
        .returning(units::id)
        .get_result(conn)
        .await
}

/// Writes `values` to unit `id`. The raw error is returned so the caller can tell a
/// duplicate QLVB code from other failures.
pub async fn update(
    conn: &mut AsyncPgConnection,
    id: i64,
    values: &UnitValues<'_>,
) -> QueryResult<()> {
    diesel::update(units::table.find(id))
        .set(values)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Serialises moves of units for the rest of the transaction, so two concurrent moves cannot
/// together form a cycle that each alone would not.
pub async fn lock_moves(conn: &mut AsyncPgConnection) -> Result<()> {
    diesel::sql_query("SELECT pg_advisory_xact_lock(4242101)")
        .execute(conn)
        .await?;
    Ok(())
}

/// The codes of the active units that report (every kind but the department), by code.
pub async fn reporting_codes(conn: &mut AsyncPgConnection) -> Result<Vec<String>> {
    Ok(units::table
        .filter(units::active.eq(true))
        .filter(units::kind.ne(UnitKind::Department))
        .order(units::code.asc())
        .select(units::code)
        .load(conn)
        .await?)
}

/// (code, id, active) of the units whose codes are among `codes`.
pub async fn ids_by_codes(
    conn: &mut AsyncPgConnection,
    codes: &[String],
) -> Result<Vec<(String, i64, bool)>> {
    Ok(units::table
        .filter(units::code.eq_any(codes))
        .select((units::code, units::id, units::active))
        .load(conn)
        .await?)
}

/// (code, name) of at most `limit` active top-level units.
pub async fn active_roots(
    conn: &mut AsyncPgConnection,
    limit: i64,
) -> Result<Vec<(String, String)>> {
    Ok(units::table
        .filter(units::parent_id.is_null())
        .filter(units::active.eq(true))
        .select((units::code, units::name))
        .limit(limit)
        .load(conn)
        .await?)
}

/// The name of unit `code`, if there is one.
pub async fn name_by_code(conn: &mut AsyncPgConnection, code: &str) -> Result<Option<String>> {
    Ok(units::table
        .filter(units::code.eq(code))
        .select(units::name)
        .first(conn)
        .await
        .optional()?)
}

/// (id, code, name) of every active unit, by code: what a typed unit name is matched against.
pub async fn active_names(conn: &mut AsyncPgConnection) -> Result<Vec<(i64, String, String)>> {
    Ok(units::table
        .filter(units::active.eq(true))
        .order(units::code.asc())
        .select((units::id, units::code, units::name))
        .load(conn)
        .await?)
}
