//! Setting a period up in the database: its codes resolved to indicators and units, its
//! documents, indicators and units replaced. What is checked and derived from its state is the
//! pure rule `cchc_domain::rules::period_setup`.

use super::*;
use cchc_domain::model::unit::UnitKind;

/// Resolves codes to ids in the given order, reporting unknown, inactive and repeated codes.
pub(super) fn resolve_codes<T: Copy>(
    check: &mut Checker,
    field: &str,
    codes: &[String],
    found: &HashMap<String, (T, bool)>,
    what: &str,
) -> Vec<T> {
    let mut seen = HashSet::new();
    let mut resolved = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        let path = format!("{field}[{i}]");
        if !seen.insert(code) {
            check.push(path, "duplicate", format!("{code:?} is listed twice"));
            continue;
        }
        match found.get(code) {
            None => check.push(path, "unknown_code", format!("no {what} has code {code:?}")),
            Some((_, false)) => {
                check.push(path, "inactive", format!("{what} {code:?} is inactive"))
            }
            Some((id, true)) => resolved.push(*id),
        }
    }
    resolved
}

pub(super) async fn resolve_indicators(
    conn: &mut AsyncPgConnection,
    check: &mut Checker,
    codes: Option<&[String]>,
) -> Result<Vec<(i64, i64)>> {
    let codes = match codes {
        Some(codes) => codes.to_vec(),
        None => indicators::active_codes(conn).await?,
    };
    let found: HashMap<String, ((i64, i64), bool)> =
        indicators::current_versions_by_code(conn, &codes)
            .await?
            .into_iter()
            .map(|(code, id, version_id, active)| (code, ((id, version_id), active)))
            .collect();
    Ok(resolve_codes(
        check,
        "indicator_codes",
        &codes,
        &found,
        "indicator",
    ))
}

pub(super) async fn resolve_units(
    conn: &mut AsyncPgConnection,
    check: &mut Checker,
    codes: Option<&[String]>,
) -> Result<Vec<i64>> {
    let codes: Vec<String> = match codes {
        Some(codes) => codes.to_vec(),
        // The department consolidates; its units report.
        None => {
            units::table
                .filter(units::active.eq(true))
                .filter(units::kind.ne(UnitKind::Department))
                .order(units::code.asc())
                .select(units::code)
                .load(conn)
                .await?
        }
    };
    let found: HashMap<String, (i64, bool)> = units::table
        .filter(units::code.eq_any(&codes))
        .select((units::code, units::id, units::active))
        .load::<(String, i64, bool)>(conn)
        .await?
        .into_iter()
        .map(|(code, id, active)| (code, (id, active)))
        .collect();
    Ok(resolve_codes(check, "unit_codes", &codes, &found, "unit"))
}

pub(super) async fn replace_documents(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    docs: &[LegalDocument],
) -> Result<()> {
    diesel::delete(period_documents::table.filter(period_documents::period_id.eq(period_id)))
        .execute(conn)
        .await?;
    let rows: Vec<_> = docs
        .iter()
        .enumerate()
        .map(|(i, doc)| {
            (
                period_documents::period_id.eq(period_id),
                period_documents::number.eq(doc.number.trim()),
                period_documents::issued_on.eq(doc.issued_on),
                period_documents::title.eq(doc.title.trim()),
                period_documents::sort_order.eq(i16::try_from(i).unwrap_or(i16::MAX)),
            )
        })
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(period_documents::table)
            .values(rows)
            .execute(conn)
            .await?;
    }
    Ok(())
}

pub(super) async fn replace_indicators(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    set: &[(i64, i64)],
) -> Result<()> {
    diesel::delete(period_indicators::table.filter(period_indicators::period_id.eq(period_id)))
        .execute(conn)
        .await?;
    let rows: Vec<_> = set
        .iter()
        .enumerate()
        .map(|(i, (indicator_id, version_id))| {
            (
                period_indicators::period_id.eq(period_id),
                period_indicators::indicator_id.eq(indicator_id),
                period_indicators::indicator_version_id.eq(version_id),
                period_indicators::sort_order.eq(i16::try_from(i).unwrap_or(i16::MAX)),
            )
        })
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(period_indicators::table)
            .values(rows)
            .execute(conn)
            .await?;
    }
    Ok(())
}

pub(super) async fn replace_units(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    unit_ids: &[i64],
) -> Result<()> {
    diesel::delete(period_units::table.filter(period_units::period_id.eq(period_id)))
        .execute(conn)
        .await?;
    let rows: Vec<_> = unit_ids
        .iter()
        .map(|unit_id| {
            (
                period_units::period_id.eq(period_id),
                period_units::unit_id.eq(unit_id),
            )
        })
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(period_units::table)
            .values(rows)
            .execute(conn)
            .await?;
    }
    Ok(())
}
