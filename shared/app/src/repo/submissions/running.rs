//! A period's consolidation sums kept in step with its reports, in the transaction of each
//! status change: a submitted report's figures are added to the sums over every counted
//! report, an accepted one's to the sums over the accepted ones, a returned one's taken back.
//! The compliance board's counts are kept by triggers (migration
//! `2026-12-06-000100_period_running_sums`). A period whose sums cannot be kept by a delta
//! (its indicators changed, a unit was renamed, a sum overflowed, it predates the sums) is
//! marked stale and rebuilt from its reports before its next read ([`rebuild_if_stale`]).

use std::collections::{HashMap, HashSet};

use cchc_db::running_sums::{self, FigureRow, SumsRow};
use cchc_db::submissions::{counted_reports, counted_values, Counted, ValueRow};
use cchc_domain::error::Result;
use cchc_domain::model::indicator::{Aggregation, IndicatorDefinition};
use cchc_domain::model::submission::SubmissionStatus;
use cchc_domain::rules::completeness::{discrepancy, unit_figure, IndicatorSpec};
use cchc_domain::rules::consolidation::sums::{Contribution, Sums};
use cchc_domain::rules::consolidation::value_kind;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use futures_util::TryStreamExt;

use super::reported;

/// One indicator of the period as the sums need it.
pub(super) struct Indicator<'a> {
    pub(super) id: i64,
    pub(super) definition: &'a IndicatorDefinition,
    pub(super) spec: &'a IndicatorSpec,
}

/// The figures report `submission_id` of unit `unit_code` adds to each indicator, from its
/// `values` (by indicator id).
pub(super) fn figures_of_report(
    period_id: i64,
    submission_id: i64,
    unit_code: &str,
    accepted: bool,
    indicators: &[Indicator<'_>],
    values: &HashMap<i64, ValueRow>,
) -> Vec<FigureRow> {
    let by_code: HashMap<&str, i64> = indicators
        .iter()
        .map(|i| (i.definition.code.as_str(), i.id))
        .collect();
    let mut rows = Vec::new();
    for indicator in indicators {
        let Some(row) = values.get(&indicator.id) else {
            continue;
        };
        let def = indicator.definition;
        let value = reported(row, 0);
        // A weighted mean meets the report's value of its weighing indicator (none when that
        // indicator is not in the period, has no value or is not applicable).
        let weight = match def.aggregation {
            Aggregation::WeightedMean => def
                .aggregation_weight
                .as_deref()
                .and_then(|code| by_code.get(code))
                .and_then(|id| values.get(id))
                .and_then(|w| w.number.filter(|_| !w.not_applicable)),
            _ => None,
        };
        let Some(c) = Contribution::of(def.kind, def.target.as_ref(), &value, weight) else {
            continue;
        };
        let figure = unit_figure(value_kind(def.kind), &value).map(|f| f.round_dp(4).normalize());
        let listed = match (row.system_value, discrepancy(indicator.spec, &value)) {
            (Some(_), Some(difference)) if difference > indicator.spec.tolerance => {
                Some(difference.round_dp(4).normalize())
            }
            _ => None,
        };
        rows.push(FigureRow {
            submission_id,
            indicator_id: indicator.id,
            period_id,
            unit_code: unit_code.to_owned(),
            accepted,
            reports_text: c.reports_text,
            usable: c.usable,
            numerator: c.numerator,
            denominator: c.denominator,
            number: c.number,
            figure: c.figure,
            extreme: c.extreme,
            weight: c.weight,
            weighted: c.weighted,
            yes: c.yes,
            fails_target: c.fails_target,
            unit_figure: listed.and(figure),
            system_value: listed.and(row.system_value),
            difference: listed,
            explanation: listed.and(row.explanation.clone()),
        });
    }
    rows
}

fn contribution(row: &FigureRow) -> Contribution {
    Contribution {
        reports_text: row.reports_text,
        usable: row.usable,
        numerator: row.numerator,
        denominator: row.denominator,
        number: row.number,
        figure: row.figure,
        extreme: row.extreme,
        weight: row.weight,
        weighted: row.weighted,
        yes: row.yes,
        fails_target: row.fails_target,
    }
}

pub(super) fn sums_of(row: &SumsRow) -> Sums {
    let pair =
        |code: &Option<String>, figure: Option<rust_decimal::Decimal>| code.clone().zip(figure);
    Sums {
        usable: row.usable,
        texts: row.texts,
        numerators: row.numerators,
        denominators: row.denominators,
        numbers: row.numbers,
        figures: row.figures,
        weighted: row.weighted,
        weights: row.weights,
        yes: row.yes,
        failing: row.failing,
        lowest: pair(&row.lowest_unit, row.lowest),
        highest: pair(&row.highest_unit, row.highest),
    }
}

fn row_of(period_id: i64, indicator_id: i64, accepted_only: bool, sums: &Sums) -> SumsRow {
    SumsRow {
        period_id,
        indicator_id,
        accepted_only,
        usable: sums.usable,
        texts: sums.texts,
        numerators: sums.numerators,
        denominators: sums.denominators,
        numbers: sums.numbers,
        figures: sums.figures,
        weighted: sums.weighted,
        weights: sums.weights,
        yes: sums.yes,
        failing: sums.failing,
        lowest_unit: sums.lowest.as_ref().map(|(code, _)| code.clone()),
        lowest: sums.lowest.as_ref().map(|(_, figure)| *figure),
        highest_unit: sums.highest.as_ref().map(|(code, _)| code.clone()),
        highest: sums.highest.as_ref().map(|(_, figure)| *figure),
    }
}

/// The period's sums of one scope, by indicator.
async fn current(
    conn: &AsyncPgConnection,
    period_id: i64,
    accepted_only: bool,
) -> Result<HashMap<i64, Sums>> {
    Ok(running_sums::sums(conn, period_id, accepted_only)
        .await?
        .iter()
        .map(|row| (row.indicator_id, sums_of(row)))
        .collect())
}

async fn add(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    accepted_only: bool,
    figures: &[FigureRow],
) -> Result<()> {
    let mut sums = current(conn, period_id, accepted_only).await?;
    let mut changed = Vec::new();
    for figure in figures {
        let entry = sums.entry(figure.indicator_id).or_default();
        entry.add(&figure.unit_code, &contribution(figure));
        changed.push(row_of(period_id, figure.indicator_id, accepted_only, entry));
    }
    running_sums::write_sums(conn, &changed).await
}

/// The period's lock; `false` when the sums are not kept by deltas now (stale, or no period).
async fn lock_fresh(conn: &mut AsyncPgConnection, period_id: i64) -> Result<bool> {
    Ok(running_sums::lock(conn, period_id)
        .await?
        .is_some_and(|state| !state.consolidation_stale))
}

/// Report `submission_id` (of unit `unit_code`, with `values`) has just been submitted.
pub(super) async fn submitted(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    submission_id: i64,
    unit_code: &str,
    indicators: &[Indicator<'_>],
    values: &HashMap<i64, ValueRow>,
) -> Result<()> {
    if !lock_fresh(conn, period_id).await? {
        return Ok(());
    }
    let figures = figures_of_report(
        period_id,
        submission_id,
        unit_code,
        false,
        indicators,
        values,
    );
    running_sums::delete_figures(conn, submission_id).await?;
    running_sums::insert_figures(conn, &figures).await?;
    add(conn, period_id, false, &figures).await
}

/// Report `submission_id` has just been accepted.
pub(super) async fn accepted(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    submission_id: i64,
) -> Result<()> {
    if !lock_fresh(conn, period_id).await? {
        return Ok(());
    }
    let figures = running_sums::figures_of(conn, submission_id).await?;
    running_sums::accept_figures(conn, submission_id).await?;
    add(conn, period_id, true, &figures).await
}

/// Report `submission_id` has just stopped counting (returned).
pub(super) async fn withdrawn(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    submission_id: i64,
) -> Result<()> {
    if !lock_fresh(conn, period_id).await? {
        return Ok(());
    }
    let figures = running_sums::figures_of(conn, submission_id).await?;
    running_sums::delete_figures(conn, submission_id).await?;
    for accepted_only in [false, true] {
        let mut sums = current(conn, period_id, accepted_only).await?;
        let mut changed = Vec::new();
        for figure in figures.iter().filter(|f| f.accepted || !accepted_only) {
            let entry = sums.entry(figure.indicator_id).or_default();
            let Ok((lowest, highest)) = entry.remove(&figure.unit_code, &contribution(figure))
            else {
                // An overflowed sum cannot be taken back: computed afresh on the next read.
                return running_sums::set_stale(conn, period_id, true).await;
            };
            if lowest {
                entry.lowest = running_sums::extreme(
                    conn,
                    period_id,
                    figure.indicator_id,
                    accepted_only,
                    true,
                )
                .await?;
            }
            if highest {
                entry.highest = running_sums::extreme(
                    conn,
                    period_id,
                    figure.indicator_id,
                    accepted_only,
                    false,
                )
                .await?;
            }
            changed.push(row_of(period_id, figure.indicator_id, accepted_only, entry));
        }
        running_sums::write_sums(conn, &changed).await?;
    }
    Ok(())
}

/// Rebuilds the period's sums from its reports if they are marked stale (once: the first
/// reader does it under the period's lock, the others then find them current).
pub(super) async fn rebuild_if_stale(conn: &mut AsyncPgConnection, period_id: i64) -> Result<()> {
    let stale = running_sums::state(conn, period_id)
        .await?
        .is_some_and(|state| state.consolidation_stale);
    if !stale {
        return Ok(());
    }
    conn.transaction(async |conn| -> Result<()> {
        if lock_fresh(conn, period_id).await? {
            return Ok(());
        }
        rebuild(conn, period_id).await
    })
    .await
}

/// Rebuilds every period's sums marked stale (after a migration, or a data load that went
/// around the use cases), so no reader waits for it; how many were rebuilt.
pub async fn rebuild_stale(conn: &mut AsyncPgConnection) -> Result<usize> {
    let stale = running_sums::stale_periods(conn).await?;
    for &period_id in &stale {
        rebuild_if_stale(conn, period_id).await?;
    }
    Ok(stale.len())
}

/// Computes the period's figures and sums afresh from its counted reports.
async fn rebuild(conn: &mut AsyncPgConnection, period_id: i64) -> Result<()> {
    let pinned = super::period_indicators_of(conn, period_id).await?;
    let definitions: Vec<(IndicatorDefinition, IndicatorSpec)> = pinned
        .iter()
        .map(|facts| (facts.version.definition(), facts.version.spec()))
        .collect();
    let indicators: Vec<Indicator<'_>> = pinned
        .iter()
        .zip(&definitions)
        .map(|(facts, (definition, spec))| Indicator {
            id: facts.indicator_id,
            definition,
            spec,
        })
        .collect();
    let statuses = [SubmissionStatus::Submitted, SubmissionStatus::Accepted];
    let counted = Counted {
        period_id,
        statuses: &statuses,
        unit_ids: None,
    };
    let accepted: HashSet<i64> = counted_reports(
        conn,
        Counted {
            statuses: &[SubmissionStatus::Accepted],
            ..counted
        },
    )
    .await?
    .into_iter()
    .map(|(id, _, _)| id)
    .collect();
    let mut reports: HashMap<i64, (String, HashMap<i64, ValueRow>)> = HashMap::new();
    {
        let mut rows = counted_values(conn, counted).await?;
        while let Some((row, unit_code, _)) = rows.try_next().await? {
            reports
                .entry(row.submission_id)
                .or_insert_with(|| (unit_code, HashMap::new()))
                .1
                .insert(row.indicator_id, row);
        }
    }
    let mut figures = Vec::new();
    for (id, (unit_code, values)) in &reports {
        figures.extend(figures_of_report(
            period_id,
            *id,
            unit_code,
            accepted.contains(id),
            &indicators,
            values,
        ));
    }
    let mut rows = Vec::new();
    for accepted_only in [false, true] {
        let mut sums: HashMap<i64, Sums> = HashMap::new();
        for figure in figures.iter().filter(|f| f.accepted || !accepted_only) {
            sums.entry(figure.indicator_id)
                .or_default()
                .add(&figure.unit_code, &contribution(figure));
        }
        rows.extend(
            sums.iter()
                .map(|(indicator_id, sums)| row_of(period_id, *indicator_id, accepted_only, sums)),
        );
    }
    running_sums::clear(conn, period_id).await?;
    running_sums::insert_figures(conn, &figures).await?;
    for chunk in rows.chunks(1000) {
        running_sums::write_sums(conn, chunk).await?;
    }
    running_sums::set_stale(conn, period_id, false).await
}
