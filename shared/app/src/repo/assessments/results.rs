//! Where the points went: self-assessed, appraised, restored after explanation and final, per
//! criterion and area, with the ranking class and earlier years.

use std::collections::HashMap;

use diesel_async::AsyncPgConnection;
use rust_decimal::Decimal;

use super::assemble::{parts, Part};
use super::find;
use crate::authz::{self, Principal};
use crate::repo::submissions::BoardCaches;
use cchc_db::assessments::{self as db, AssessmentRow};
use cchc_domain::error::Result;
use cchc_domain::model::assessment::{
    AssessmentResults, CriterionResult, EarlierArea, EarlierResult,
};
use cchc_domain::model::criteria::CriteriaSet;
use cchc_domain::rules::par_index::{final_points, ranking_class, roll_up};

/// Earlier years shown.
const EARLIER_YEARS: i64 = 5;

/// The results of round `row` against `set`.
async fn compute(
    conn: &mut AsyncPgConnection,
    caches: &BoardCaches,
    row: &AssessmentRow,
    set: &CriteriaSet,
) -> Result<AssessmentResults> {
    let parts = parts(conn, caches, row.id, set, None).await?;
    let by_criterion: HashMap<i64, &Part> =
        parts.iter().map(|p| (p.item.criterion_id, p)).collect();
    let position: HashMap<&str, usize> = set
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| (c.code.as_str(), i))
        .collect();
    let parents: Vec<Option<usize>> = set
        .criteria
        .iter()
        .map(|c| {
            c.parent_code
                .as_deref()
                .and_then(|p| position.get(p).copied())
        })
        .collect();
    let share = set.restored_share_percent;
    let mut own_self = Vec::new();
    let mut own_appraised = Vec::new();
    let mut own_restored = Vec::new();
    let mut own_final = Vec::new();
    for criterion in &set.criteria {
        let part = by_criterion.get(&criterion.id);
        let appraised = part.and_then(|p| p.appraised_points);
        let restored = part.and_then(|p| p.restored_points);
        own_self.push(part.and_then(|p| p.points));
        own_appraised.push(appraised);
        own_restored.push(restored);
        own_final.push(appraised.map(|a| final_points(a, restored, share, criterion.max_points)));
    }
    let self_points = roll_up(&parents, &own_self);
    let appraised_points = roll_up(&parents, &own_appraised);
    let restored_points = roll_up(&parents, &own_restored);
    let final_by = roll_up(&parents, &own_final);
    let normalized = |value: Option<Decimal>| value.map(|v| v.normalize());
    let lost = |i: usize| match (self_points[i], final_by[i]) {
        (Some(own), Some(kept)) => (own - kept).max(Decimal::ZERO).normalize(),
        _ => Decimal::ZERO,
    };
    let criteria: Vec<CriterionResult> = set
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| CriterionResult {
            code: c.code.clone(),
            title: c.title.clone(),
            depth: c.depth,
            max_points: c.max_points,
            self_points: normalized(self_points[i]),
            appraised_points: normalized(appraised_points[i]),
            restored_points: normalized(restored_points[i]),
            final_points: normalized(final_by[i]),
            lost_points: lost(i),
            comment: by_criterion
                .get(&c.id)
                .and_then(|p| p.appraisal_comment.clone()),
        })
        .collect();
    let areas: Vec<usize> = (0..set.criteria.len())
        .filter(|&i| parents[i].is_none())
        .collect();
    let sum = |values: &[Option<Decimal>]| -> Option<Decimal> {
        areas.iter().filter_map(|&i| values[i]).reduce(|a, b| a + b)
    };
    let total_self = sum(&self_points).unwrap_or_default();
    let total_final = sum(&final_by);
    Ok(AssessmentResults {
        assessment_id: row.id,
        year: row.year,
        status: row.status,
        restored_share_percent: share,
        max_points: set.total_points,
        self_points: total_self.normalize(),
        appraised_points: normalized(sum(&appraised_points)),
        final_points: normalized(total_final),
        lost_points: total_final
            .map(|kept| (total_self - kept).max(Decimal::ZERO).normalize())
            .unwrap_or_default(),
        ranking_class: total_final
            .and_then(|total| ranking_class(total, &set.ranking_classes))
            .map(|class| class.label.clone()),
        rank_position: row.rank_position,
        rank_among: row.rank_among,
        criteria,
        earlier: Vec::new(),
    })
}

/// Round `id`'s results (the Office and the leadership), with earlier years' totals.
pub async fn results(
    conn: &mut AsyncPgConnection,
    caches: &BoardCaches,
    id: i64,
    principal: &Principal,
) -> Result<AssessmentResults> {
    authz::read_plans(principal)?;
    authz::refuse_reporters(principal, "the self-assessment's results")?;
    let row = find(conn, id, false).await?;
    let set = crate::repo::criteria::load(conn, row.criteria_set_id).await?;
    let mut results = compute(conn, caches, &row, &set).await?;
    for earlier in db::earlier_appraised(conn, row.year, EARLIER_YEARS).await? {
        let earlier_set = crate::repo::criteria::load(conn, earlier.criteria_set_id).await?;
        let figures = compute(conn, caches, &earlier, &earlier_set).await?;
        if let Some(final_points) = figures.final_points {
            let areas = figures
                .criteria
                .into_iter()
                .filter(|c| c.depth == 1)
                .map(|area| EarlierArea {
                    code: area.code,
                    title: area.title,
                    max_points: area.max_points,
                    self_points: area.self_points,
                    final_points: area.final_points,
                    lost_points: area.lost_points,
                })
                .collect();
            results.earlier.push(EarlierResult {
                assessment_id: earlier.id,
                year: earlier.year,
                code: earlier.code,
                max_points: figures.max_points,
                self_points: figures.self_points,
                final_points,
                lost_points: figures.lost_points,
                ranking_class: figures.ranking_class,
                areas,
            });
        }
    }
    Ok(results)
}
