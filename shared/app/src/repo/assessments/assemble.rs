//! A round as the API shows it: its parts in the criteria set's order, each with its unit,
//! score, evidence, computation and what keeps it from being ready.

use std::collections::HashMap;

use diesel_async::AsyncPgConnection;
use rust_decimal::Decimal;

use super::find;
use crate::authz::{self, Principal, UnitScope};
use crate::repo::submissions::BoardCaches;
use crate::repo::{local, local_opt};
use cchc_db::assessments as db;
use cchc_db::refs;
use cchc_domain::error::Result;
use cchc_domain::model::assessment::{
    Assessment, AssessmentEvidence, AssessmentItem, AssessmentPage, AssessmentSummary,
};
use cchc_domain::model::assessment_file::{download_url, AssessmentFileRef};
use cchc_domain::model::criteria::{CriteriaSet, Criterion, Scoring};
use cchc_domain::model::PageParams;
use cchc_domain::rules::par_readiness::{self, ItemFacts, Method};

/// A part with what readiness read of it.
pub(super) struct Part {
    pub item: AssessmentItem,
    pub facts: ItemFacts,
    /// The points that count: the proposal's, or the computation's.
    pub points: Option<Decimal>,
    /// The province's appraisal, once recorded.
    pub appraised_points: Option<Decimal>,
    pub restored_points: Option<Decimal>,
    pub appraisal_comment: Option<String>,
}

/// The top-level criterion of each criterion, by code.
pub(super) fn areas_of(criteria: &[Criterion]) -> HashMap<String, String> {
    let parents: HashMap<&str, Option<&str>> = criteria
        .iter()
        .map(|c| (c.code.as_str(), c.parent_code.as_deref()))
        .collect();
    criteria
        .iter()
        .map(|c| {
            let mut code = c.code.as_str();
            while let Some(Some(parent)) = parents.get(code) {
                code = parent;
            }
            (c.code.clone(), code.to_owned())
        })
        .collect()
}

/// The parts of round `id` against `set`, in the set's order; only `unit`'s when given.
pub(super) async fn parts(
    conn: &mut AsyncPgConnection,
    caches: &BoardCaches,
    id: i64,
    set: &CriteriaSet,
    unit: Option<i64>,
) -> Result<Vec<Part>> {
    let (rows, evidence) = db::items(conn, id).await?;
    let by_criterion: HashMap<i64, db::ItemRow> = rows
        .into_iter()
        .map(|row| (row.criterion_id, row))
        .collect();
    let mut unit_ids: Vec<i64> = by_criterion.values().filter_map(|r| r.unit_id).collect();
    unit_ids.sort_unstable();
    unit_ids.dedup();
    let units = refs::unit_refs(conn, &unit_ids).await?;
    let document_ids: Vec<i64> = evidence.iter().filter_map(|e| e.document_id).collect();
    let documents = refs::document_refs(conn, &document_ids).await?;
    let file_ids: Vec<i64> = evidence.iter().filter_map(|e| e.file_id).collect();
    let files = cchc_db::assessment_files::refs(conn, &file_ids).await?;
    let computed = super::computed::computed_scores(conn, caches, set).await?;
    let areas = areas_of(&set.criteria);
    let mut parts = Vec::new();
    for criterion in &set.criteria {
        let Some(row) = by_criterion.get(&criterion.id) else {
            continue;
        };
        if unit.is_some() && row.unit_id != unit {
            continue;
        }
        let Some(scoring) = &criterion.scoring else {
            continue;
        };
        let cited: Vec<AssessmentEvidence> = evidence
            .iter()
            .filter(|e| e.item_id == row.id)
            .filter_map(|e| {
                let document = match e.document_id {
                    Some(document) => Some(documents.get(&document)?.clone()),
                    None => None,
                };
                let file = match e.file_id {
                    Some(file) => {
                        let (round, _, filename) = files.get(&file)?;
                        Some(AssessmentFileRef {
                            id: file,
                            filename: filename.clone(),
                            download_url: download_url(*round, file),
                        })
                    }
                    None => None,
                };
                Some(AssessmentEvidence {
                    document,
                    file,
                    section: e.section.clone(),
                    page: e.page,
                })
            })
            .collect();
        let (method, computation) = match scoring {
            Scoring::Indicator { .. }
            | Scoring::PlanOnTime { .. }
            | Scoring::ReportTimeliness { .. } => {
                let computation = computed.get(&criterion.id).cloned();
                let has_value = computation.as_ref().is_some_and(|c| c.value.is_some());
                (Method::Computed { has_value }, computation)
            }
            Scoring::Survey => (Method::Survey, None),
            Scoring::Entered | Scoring::Levels { .. } => (Method::Proposed, None),
        };
        let points = match &computation {
            Some(c) if c.value.is_some() => Some(c.points),
            Some(_) => None,
            None => row.self_points.map(|p| p.normalize()),
        };
        let facts = ItemFacts {
            method,
            has_unit: row.unit_id.is_some(),
            status: row.status,
            self_points: points,
            evidence: cited.len(),
            // A file is the evidence itself; a registry document needs the place in it.
            unlocated_evidence: cited
                .iter()
                .filter(|e| e.document.is_some() && e.section.is_none() && e.page.is_none())
                .count(),
            has_explanation: row.explanation.is_some(),
            max_points: criterion.max_points,
        };
        let problems = par_readiness::problems(&facts);
        let method_name = serde_json::to_value(scoring)
            .ok()
            .and_then(|v| v["method"].as_str().map(str::to_owned))
            .unwrap_or_default();
        parts.push(Part {
            item: AssessmentItem {
                criterion_id: criterion.id,
                code: criterion.code.clone(),
                area_code: areas.get(&criterion.code).cloned().unwrap_or_default(),
                title: criterion.title.clone(),
                max_points: criterion.max_points,
                method: method_name,
                unit: row.unit_id.and_then(|u| units.get(&u).cloned()),
                status: row.status,
                self_points: row.self_points.map(|p| p.normalize()),
                level: row.level_index,
                explanation: row.explanation.clone(),
                evidence: cited,
                return_reason: row.return_reason.clone(),
                computed: computation,
                problems,
                proposed_at: local_opt(row.proposed_at),
                proposed_by: row.proposed_by.clone(),
            },
            facts,
            points,
            appraised_points: row.appraised_points,
            restored_points: row.restored_points,
            appraisal_comment: row.appraisal_comment.clone(),
        });
    }
    Ok(parts)
}

/// Round `id`: the Office and the leadership see every part, a reporter its unit's.
pub async fn get(
    conn: &mut AsyncPgConnection,
    caches: &BoardCaches,
    id: i64,
    principal: &Principal,
) -> Result<Assessment> {
    authz::read_plans(principal)?;
    let row = find(conn, id, false).await?;
    let set = crate::repo::criteria::load(conn, row.criteria_set_id).await?;
    let unit = match authz::unit_scope(principal) {
        UnitScope::All => None,
        // A reporter bound to no unit sees no part.
        UnitScope::Own(own) => Some(own.unwrap_or(-1)),
    };
    let items = parts(conn, caches, id, &set, unit)
        .await?
        .into_iter()
        .map(|p| p.item)
        .collect();
    Ok(Assessment {
        id: row.id,
        code: row.code,
        year: row.year,
        title: row.title,
        criteria_set_id: row.criteria_set_id,
        status: row.status,
        units_due_at: local(row.units_due_at),
        send_due_at: local(row.send_due_at),
        sent_at: local_opt(row.sent_at),
        override_reason: row.override_reason,
        appraised_at: local_opt(row.appraised_at),
        items,
        created_at: local(row.created_at),
        updated_at: local(row.updated_at),
    })
}

/// Rounds, newest first.
pub async fn list(
    conn: &mut AsyncPgConnection,
    page: PageParams,
    principal: &Principal,
) -> Result<AssessmentPage> {
    authz::read_plans(principal)?;
    let (page, per_page) = page.validate()?;
    let (total, rows) = db::page(conn, per_page, PageParams::offset(page, per_page)).await?;
    Ok(AssessmentPage {
        items: rows
            .into_iter()
            .map(|row| AssessmentSummary {
                id: row.id,
                code: row.code,
                year: row.year,
                title: row.title,
                status: row.status,
                units_due_at: local(row.units_due_at),
                send_due_at: local(row.send_due_at),
            })
            .collect(),
        page,
        per_page,
        total,
    })
}
