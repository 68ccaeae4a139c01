//! What a plan's body names by code or id (units, registry documents, indicators, periods),
//! checked and resolved to ids; every problem is reported against its field.

use std::collections::{HashMap, HashSet};

use diesel_async::AsyncPgConnection;

use cchc_db::plans::{AreaValues, TargetValues};
use cchc_db::{refs, units};
use cchc_domain::error::Result;
use cchc_domain::model::plan::{PlanAreaInput, PlanTargetInput};
use cchc_domain::validation::{non_blank, Checker};

/// At most this many documents, areas' units or targets in one plan.
const MAX_ITEMS: usize = 100;

/// The ids of active units `codes`, by code; unknown or inactive ones are reported against
/// `field(i)`.
pub(crate) async fn unit_ids(
    conn: &mut AsyncPgConnection,
    check: &mut Checker,
    codes: &[(String, String)],
) -> Result<HashMap<String, i64>> {
    let wanted: Vec<String> = codes
        .iter()
        .map(|(_, code)| code.trim().to_owned())
        .collect();
    let found: HashMap<String, (i64, bool)> = units::ids_by_codes(conn, &wanted)
        .await?
        .into_iter()
        .map(|(code, id, active)| (code, (id, active)))
        .collect();
    let mut ids = HashMap::new();
    for (field, code) in codes {
        match found.get(code.trim()) {
            Some((id, true)) => {
                ids.insert(code.trim().to_owned(), *id);
            }
            Some((_, false)) => check.push(
                field.as_str(),
                "inactive_unit",
                format!("unit {} is inactive", code.trim()),
            ),
            None => check.push(
                field.as_str(),
                "unknown_unit",
                format!("no unit has the code {:?}", code.trim()),
            ),
        }
    }
    Ok(ids)
}

/// Reports the registry documents among `ids` that do not exist, against `field(i)`.
pub(crate) async fn check_documents(
    conn: &mut AsyncPgConnection,
    check: &mut Checker,
    ids: &[(String, i64)],
) -> Result<()> {
    let wanted: Vec<i64> = ids.iter().map(|(_, id)| *id).collect();
    let found = refs::document_refs(conn, &wanted).await?;
    for (field, id) in ids {
        if !found.contains_key(id) {
            check.push(
                field.as_str(),
                "unknown_document",
                format!("no document {id} in the registry"),
            );
        }
    }
    Ok(())
}

/// A plan's document, legal basis, areas and targets as written, checked.
pub(super) struct Parts<'a> {
    pub document_id: Option<i64>,
    pub legal_basis: &'a [i64],
    pub areas: &'a [PlanAreaInput],
    pub targets: &'a [PlanTargetInput],
}

/// What `parts` resolve to.
pub(super) struct Resolved {
    pub areas: Vec<AreaValues>,
    pub targets: Vec<TargetValues>,
}

pub(super) async fn resolve(
    conn: &mut AsyncPgConnection,
    check: &mut Checker,
    parts: &Parts<'_>,
) -> Result<Resolved> {
    let mut documents: Vec<(String, i64)> = parts
        .legal_basis
        .iter()
        .enumerate()
        .map(|(i, id)| (format!("legal_basis_document_ids[{i}]"), *id))
        .collect();
    let mut seen = HashSet::new();
    for (field, id) in &documents {
        if !seen.insert(*id) {
            check.push(
                field.as_str(),
                "duplicate",
                format!("document {id} is listed twice"),
            );
        }
    }
    if parts.legal_basis.len() > MAX_ITEMS {
        check.push(
            "legal_basis_document_ids",
            "too_many",
            format!("at most {MAX_ITEMS} documents"),
        );
    }
    if let Some(id) = parts.document_id {
        if parts.legal_basis.contains(&id) {
            check.push(
                "document_id",
                "also_legal_basis",
                "the plan's own document cannot also be its legal basis",
            );
        }
        documents.push(("document_id".to_owned(), id));
    }
    check_documents(conn, check, &documents).await?;

    let mut codes = Vec::new();
    let mut areas_seen = HashSet::new();
    for (i, area) in parts.areas.iter().enumerate() {
        if !areas_seen.insert(area.content_area) {
            check.push(
                format!("areas[{i}].content_area"),
                "duplicate",
                format!("{} is listed twice", area.content_area),
            );
        }
        codes.push((
            format!("areas[{i}].lead_unit_code"),
            area.lead_unit_code.clone(),
        ));
        if area.coordinating_unit_codes.len() > MAX_ITEMS {
            check.push(
                format!("areas[{i}].coordinating_unit_codes"),
                "too_many",
                format!("at most {MAX_ITEMS} units"),
            );
        }
        for (j, code) in area.coordinating_unit_codes.iter().enumerate() {
            let field = format!("areas[{i}].coordinating_unit_codes[{j}]");
            if code.trim() == area.lead_unit_code.trim() {
                check.push(
                    field.as_str(),
                    "lead_also_coordinating",
                    "the lead unit is not also a coordinating unit",
                );
            }
            codes.push((field, code.clone()));
        }
        check.optional_text(&format!("areas[{i}].note"), area.note.as_deref(), 2000);
    }
    let units = unit_ids(conn, check, &codes).await?;

    if parts.targets.len() > MAX_ITEMS {
        check.push(
            "targets",
            "too_many",
            format!("at most {MAX_ITEMS} targets"),
        );
    }
    let indicator_codes: Vec<String> = parts
        .targets
        .iter()
        .filter_map(|t| {
            t.indicator_code
                .as_deref()
                .map(str::trim)
                .map(str::to_owned)
        })
        .collect();
    let indicators = refs::indicator_ids_by_code(conn, &indicator_codes).await?;
    let period_codes: Vec<String> = parts
        .targets
        .iter()
        .filter_map(|t| t.period_code.as_deref().map(str::trim).map(str::to_owned))
        .collect();
    let periods = refs::period_ids_by_code(conn, &period_codes).await?;
    let mut targets = Vec::new();
    for (i, target) in parts.targets.iter().enumerate() {
        check.text(
            &format!("targets[{i}].description"),
            &target.description,
            1000,
        );
        let indicator_id = match target.indicator_code.as_deref().map(str::trim) {
            Some(code) => {
                let id = indicators.get(code).copied();
                if id.is_none() {
                    check.push(
                        format!("targets[{i}].indicator_code"),
                        "unknown_indicator",
                        format!("no indicator has the code {code:?}"),
                    );
                }
                id
            }
            None => None,
        };
        match (&target.indicator_code, &target.target) {
            (Some(_), None) => check.push(
                format!("targets[{i}].target"),
                "required",
                "an indicator's target needs its comparator and threshold",
            ),
            (None, Some(_)) => check.push(
                format!("targets[{i}].indicator_code"),
                "required",
                "a comparator and threshold need the indicator that measures them",
            ),
            _ => {}
        }
        let period_id = match target.period_code.as_deref().map(str::trim) {
            Some(code) => {
                let id = periods.get(code).copied();
                if id.is_none() {
                    check.push(
                        format!("targets[{i}].period_code"),
                        "unknown_period",
                        format!("no period has the code {code:?}"),
                    );
                }
                id
            }
            None => None,
        };
        targets.push(TargetValues {
            description: target.description.trim().to_owned(),
            content_area: target.content_area,
            indicator_id,
            comparator: target.target.map(|t| t.comparator),
            threshold: target.target.map(|t| t.threshold),
            period_id,
        });
    }
    let areas = parts
        .areas
        .iter()
        .map(|area| {
            let id = |code: &str| units.get(code.trim()).copied().unwrap_or_default();
            let mut coordinating: Vec<i64> =
                area.coordinating_unit_codes.iter().map(|c| id(c)).collect();
            coordinating.sort_unstable();
            coordinating.dedup();
            AreaValues {
                content_area: area.content_area,
                lead_unit_id: id(&area.lead_unit_code),
                coordinating_unit_ids: coordinating,
                note: non_blank(area.note.as_deref()),
            }
        })
        .collect();
    Ok(Resolved { areas, targets })
}
