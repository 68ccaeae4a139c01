//! The readiness board of a round: every unresolved criterion and the points at risk, per area
//! and per unit.

use std::collections::BTreeMap;

use diesel_async::AsyncPgConnection;

use super::assemble::parts;
use super::find;
use crate::authz::{self, Principal};
use crate::repo::submissions::BoardCaches;
use cchc_domain::error::Result;
use cchc_domain::model::assessment::{
    AreaReadiness, Readiness, ReadinessFigures, UnitReadiness, UnresolvedItem,
};
use cchc_domain::rules::par_readiness;

/// Round `id`'s readiness (the Office and the leadership).
pub async fn readiness(
    conn: &mut AsyncPgConnection,
    caches: &BoardCaches,
    id: i64,
    principal: &Principal,
) -> Result<Readiness> {
    authz::read_plans(principal)?;
    authz::refuse_reporters(principal, "the readiness board")?;
    let row = find(conn, id, false).await?;
    let set = crate::repo::criteria::load(conn, row.criteria_set_id).await?;
    let parts = parts(conn, caches, id, &set, None).await?;
    let mut total = ReadinessFigures::default();
    let mut areas: BTreeMap<usize, AreaReadiness> = BTreeMap::new();
    let mut units: BTreeMap<Option<String>, UnitReadiness> = BTreeMap::new();
    let mut unresolved = Vec::new();
    for part in &parts {
        let problems = &part.item.problems;
        par_readiness::add(&mut total, &part.facts, part.points, problems);
        let position = set
            .criteria
            .iter()
            .position(|c| c.code == part.item.area_code)
            .unwrap_or(usize::MAX);
        let area = areas.entry(position).or_insert_with(|| AreaReadiness {
            code: part.item.area_code.clone(),
            title: set
                .criteria
                .get(position)
                .map(|c| c.title.clone())
                .unwrap_or_default(),
            figures: ReadinessFigures::default(),
        });
        par_readiness::add(&mut area.figures, &part.facts, part.points, problems);
        let unit_code = part.item.unit.as_ref().map(|u| u.code.clone());
        let unit = units.entry(unit_code).or_insert_with(|| UnitReadiness {
            unit: part.item.unit.clone(),
            figures: ReadinessFigures::default(),
        });
        par_readiness::add(&mut unit.figures, &part.facts, part.points, problems);
        if !problems.is_empty() {
            unresolved.push(UnresolvedItem {
                code: part.item.code.clone(),
                title: part.item.title.clone(),
                unit: part.item.unit.clone(),
                problems: problems.clone(),
                self_points: part.points,
            });
        }
    }
    let normalize = |f: &mut ReadinessFigures| {
        f.max_points = f.max_points.normalize();
        f.self_points = f.self_points.normalize();
        f.points_at_risk = f.points_at_risk.normalize();
    };
    normalize(&mut total);
    let mut areas: Vec<AreaReadiness> = areas.into_values().collect();
    areas.iter_mut().for_each(|a| normalize(&mut a.figures));
    let mut units: Vec<UnitReadiness> = units.into_values().collect();
    units.iter_mut().for_each(|u| normalize(&mut u.figures));
    Ok(Readiness {
        assessment_id: id,
        ready: unresolved.is_empty(),
        total,
        areas,
        units,
        unresolved,
    })
}
