//! The points of the criteria computed from what the system already holds: an indicator's
//! consolidated value in a period (accepted reports, through the boards' cache), a plan's
//! share of tasks done on time, a year's share of reports submitted on time; each through
//! the criterion's thresholds, read when the round is read.

use std::collections::HashMap;

use diesel_async::AsyncPgConnection;
use rust_decimal::Decimal;

use crate::repo::submissions::{cached_consolidation, BoardCaches};
use cchc_db::par_sources::{self, OnTime};
use cchc_db::refs;
use cchc_domain::error::Result;
use cchc_domain::model::assessment::ComputedScore;
use cchc_domain::model::criteria::{CriteriaSet, Scoring};
use cchc_domain::model::submission::ConsolidationQuery;
use cchc_domain::rules::par_index::{points_by_thresholds, share_percent};

/// A computed criterion's score with nothing filled in yet.
fn blank(scoring: &Scoring) -> ComputedScore {
    ComputedScore {
        method: scoring.method().to_owned(),
        indicator_code: None,
        period_code: None,
        plan_code: None,
        year: None,
        counted: None,
        out_of: None,
        value: None,
        points: Decimal::ZERO,
    }
}

fn with_share(mut score: ComputedScore, on_time: Option<OnTime>) -> ComputedScore {
    if let Some(OnTime { counted, out_of }) = on_time {
        score.counted = Some(counted);
        score.out_of = Some(out_of);
        score.value = share_percent(counted, out_of);
    }
    score
}

/// The indicators' consolidated values by (indicator, period) code.
async fn indicator_values(
    conn: &mut AsyncPgConnection,
    caches: &BoardCaches,
    wanted: &[(String, String)],
) -> Result<HashMap<(String, String), Option<Decimal>>> {
    let period_codes: Vec<String> = wanted.iter().map(|(_, p)| p.clone()).collect();
    let period_ids = refs::period_ids_by_code(conn, &period_codes).await?;
    let mut by_period = HashMap::new();
    let mut values = HashMap::new();
    for (indicator, period) in wanted {
        let Some(&period_id) = period_ids.get(period) else {
            values.insert((indicator.clone(), period.clone()), None);
            continue;
        };
        if let std::collections::hash_map::Entry::Vacant(slot) = by_period.entry(period_id) {
            let query = ConsolidationQuery::default();
            slot.insert(cached_consolidation(conn, caches, period_id, &query).await?);
        }
        let value = by_period[&period_id]
            .indicators
            .iter()
            .find(|figure| &figure.code == indicator)
            .and_then(|figure| figure.value);
        values.insert((indicator.clone(), period.clone()), value);
    }
    Ok(values)
}

/// The computed criteria of `set` by criterion id, each with its value and points.
pub(super) async fn computed_scores(
    conn: &mut AsyncPgConnection,
    caches: &BoardCaches,
    set: &CriteriaSet,
) -> Result<HashMap<i64, ComputedScore>> {
    let (mut indicators, mut plans, mut years) = (Vec::new(), Vec::new(), Vec::new());
    for criterion in &set.criteria {
        match &criterion.scoring {
            Some(Scoring::Indicator {
                indicator_code,
                period_code,
                ..
            }) => indicators.push((indicator_code.clone(), period_code.clone())),
            Some(Scoring::PlanOnTime { plan_code, .. }) => plans.push(plan_code.clone()),
            Some(Scoring::ReportTimeliness { year, .. }) => years.push(*year),
            _ => {}
        }
    }
    let values = indicator_values(conn, caches, &indicators).await?;
    let plans = if plans.is_empty() {
        HashMap::new()
    } else {
        par_sources::plans_on_time(conn, &plans).await?
    };
    let years = if years.is_empty() {
        HashMap::new()
    } else {
        par_sources::reports_on_time(conn, &years).await?
    };
    let mut scores = HashMap::new();
    for criterion in &set.criteria {
        let Some(scoring) = &criterion.scoring else {
            continue;
        };
        let Some(thresholds) = scoring.thresholds() else {
            continue;
        };
        let mut score = blank(scoring);
        match scoring {
            Scoring::Indicator {
                indicator_code,
                period_code,
                ..
            } => {
                score.value = values
                    .get(&(indicator_code.clone(), period_code.clone()))
                    .copied()
                    .flatten();
                score.indicator_code = Some(indicator_code.clone());
                score.period_code = Some(period_code.clone());
            }
            Scoring::PlanOnTime { plan_code, .. } => {
                score = with_share(score, plans.get(plan_code).copied());
                score.plan_code = Some(plan_code.clone());
            }
            Scoring::ReportTimeliness { year, .. } => {
                score = with_share(score, years.get(year).copied());
                score.year = Some(*year);
            }
            Scoring::Entered | Scoring::Levels { .. } | Scoring::Survey => {}
        }
        score.points = score
            .value
            .map_or(Decimal::ZERO, |v| points_by_thresholds(v, thresholds))
            .normalize();
        scores.insert(criterion.id, score);
    }
    Ok(scores)
}
