//! The compliance board and the consolidated report, and the caches that keep them.

use super::{period_facts, period_indicators_of, reported, PeriodFacts};
use crate::authz;
use crate::authz::Principal;
use crate::generation_cache::{CacheStats, GenerationCache};
use crate::repo::schedule;
use crate::repo::{local, units};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::submission::{
    ComplianceBoard, ComplianceQuery, ComplianceRow, ComplianceTotals, ConsolidatedIndicator,
    Consolidation, ConsolidationQuery, ConsolidationScope, Discrepancy, Standing, SubmissionStatus,
    UnitContribution, UnitFigure,
};
use cchc_domain::model::task::PlanBoard;
use cchc_domain::model::PageParams;
use cchc_domain::rules::completeness::{discrepancy, unit_figure};
use cchc_domain::rules::compliance as compliance_rules;
use cchc_domain::rules::consolidation::period::PeriodConsolidation;
use cchc_domain::rules::consolidation::value_kind;
use cchc_domain::rules::reminders::EscalationLevel;
use cchc_domain::rules::timeliness::Timeliness;
use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use futures_util::TryStreamExt;
use std::collections::HashMap;
use std::sync::Arc;

pub use cchc_db::submissions::board_generation;
use cchc_db::submissions::{board_rows, counted_reports, counted_values, BoardRow, Counted};

pub(super) fn board_standing(standing: compliance_rules::Standing) -> Standing {
    match standing {
        compliance_rules::Standing::Reported(Timeliness::Early) => Standing::Early,
        compliance_rules::Standing::Reported(Timeliness::OnTime) => Standing::OnTime,
        compliance_rules::Standing::Reported(Timeliness::Late) => Standing::Late,
        compliance_rules::Standing::Pending => Standing::Pending,
        compliance_rules::Standing::Missing { .. } => Standing::Missing,
    }
}

/// Which consolidated report: the period, the reports counted and the subtree.
pub(super) type ConsolidationKey = (i64, ConsolidationScope, Option<String>);

/// Computed boards kept in memory between requests, current as long as the database's board
/// generation has not moved. A compliance board depends on the instant it is read at, so what
/// is kept is what it is computed from (one narrow row per unit), not the answer.
#[derive(Debug)]
pub struct BoardCaches {
    pub(super) compliance: GenerationCache<i64, Arc<BoardInputs>>,
    pub(super) consolidation: GenerationCache<ConsolidationKey, Arc<Consolidation>>,
    /// Plans' boards by (plan, minute since the epoch): their statuses move with the clock.
    pub(crate) plans: GenerationCache<(i64, i64), Arc<PlanBoard>>,
}

impl BoardCaches {
    /// Caches holding at most `capacity` boards and `capacity` reports (0 turns them off).
    pub fn new(capacity: usize) -> Self {
        Self {
            compliance: GenerationCache::new(capacity),
            consolidation: GenerationCache::new(capacity),
            plans: GenerationCache::new(capacity),
        }
    }

    /// Hits and misses of the plans' boards.
    pub fn plan_stats(&self) -> CacheStats {
        self.plans.stats()
    }

    /// Hits and misses of the compliance boards and of the consolidated reports.
    pub fn stats(&self) -> (CacheStats, CacheStats) {
        (self.compliance.stats(), self.consolidation.stats())
    }
}

/// The compliance board of a period at `as_of`: the reporting and on-time rates over every
/// participating unit, and one page of the units (those of `query.standing`, if given) with
/// their standing.
pub async fn compliance(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    as_of: DateTime<Utc>,
    query: &ComplianceQuery,
    page: PageParams,
    principal: &Principal,
) -> Result<ComplianceBoard> {
    authz::view_across_units(principal, "the compliance board")?;
    let page = page.validate()?;
    let inputs = board_inputs(conn, period_id).await?;
    board(&inputs, as_of, query.standing, Some(page))
}

/// [`compliance`], computed from what `caches` keeps while the board generation stands.
pub async fn compliance_cached(
    conn: &mut AsyncPgConnection,
    caches: &BoardCaches,
    period_id: i64,
    as_of: DateTime<Utc>,
    query: &ComplianceQuery,
    page: PageParams,
    principal: &Principal,
) -> Result<ComplianceBoard> {
    authz::view_across_units(principal, "the compliance board")?;
    let page = page.validate()?;
    let generation = board_generation(conn).await?;
    let inputs = match caches.compliance.get(&period_id, generation) {
        Some(inputs) => inputs,
        None => {
            let inputs = Arc::new(board_inputs(conn, period_id).await?);
            caches
                .compliance
                .insert(period_id, generation, Arc::clone(&inputs));
            inputs
        }
    };
    board(&inputs, as_of, query.standing, Some(page))
}

/// The whole compliance board, every unit on one page (for the filing manifest, whose use
/// case has checked access).
pub(crate) async fn compliance_of_all_units(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    as_of: DateTime<Utc>,
) -> Result<ComplianceBoard> {
    let inputs = board_inputs(conn, period_id).await?;
    board(&inputs, as_of, None, None)
}

/// What a period's compliance board is computed from, whatever the instant.
#[derive(Debug)]
pub struct BoardInputs {
    pub(super) period_id: i64,
    pub(super) period: PeriodFacts,
    pub(super) title: String,
    pub(super) rows: Vec<BoardRow>,
    pub(super) escalation_levels: HashMap<i64, EscalationLevel>,
}

pub(super) async fn board_inputs(conn: &AsyncPgConnection, period_id: i64) -> Result<BoardInputs> {
    // The period first: an unknown one is 404 before anything else is read.
    let period = period_facts(conn, period_id).await?;
    let (title, rows, escalation_levels) = futures_util::try_join!(
        cchc_db::periods::title(conn, period_id),
        board_rows(conn, period_id),
        schedule::levels(conn, period_id),
    )?;
    Ok(BoardInputs {
        period_id,
        period,
        title,
        rows,
        escalation_levels,
    })
}

/// The board at `as_of` with the units of `standing` (all without), on the page
/// `(page, per_page)` or all on one page.
pub(super) fn board(
    inputs: &BoardInputs,
    as_of: DateTime<Utc>,
    standing: Option<Standing>,
    page: Option<(i64, i64)>,
) -> Result<ComplianceBoard> {
    let BoardInputs {
        period_id,
        period,
        title,
        rows,
        escalation_levels,
    } = inputs;
    let mut standings = Vec::with_capacity(rows.len());
    let (mut accepted, mut returned) = (0, 0);
    for unit in rows {
        let report = compliance_rules::UnitReport {
            first_submitted_at: unit.first_submitted_at,
            timeliness: unit.first_timeliness,
            deadline: unit.extension.unwrap_or(period.deadline),
        };
        standings.push(compliance_rules::standing(&report, as_of));
        match unit.status {
            Some(SubmissionStatus::Accepted) => accepted += 1,
            Some(SubmissionStatus::Returned) => returned += 1,
            _ => {}
        }
    }
    let totals = compliance_rules::totals(&standings);
    let matching: Vec<(&BoardRow, compliance_rules::Standing)> = rows
        .iter()
        .zip(standings)
        .filter(|(_, unit)| standing.is_none_or(|s| s == board_standing(*unit)))
        .collect();
    let total = i64::try_from(matching.len()).unwrap_or(i64::MAX);
    let (page, per_page) = page.unwrap_or((1, total.max(1)));
    let units = matching
        .into_iter()
        .skip(usize::try_from(PageParams::offset(page, per_page)).unwrap_or(usize::MAX))
        .take(usize::try_from(per_page).unwrap_or(usize::MAX))
        .map(|(row, standing)| {
            let reported = matches!(standing, compliance_rules::Standing::Reported(_));
            ComplianceRow {
                unit_id: row.unit_id,
                unit_code: row.unit_code.clone(),
                unit_name: row.unit_name.clone(),
                standing: board_standing(standing),
                submission_id: row.submission_id,
                status: row.status,
                first_submitted_at: row.first_submitted_at.filter(|_| reported).map(local),
                timeliness: row.first_timeliness.filter(|_| reported),
                minutes_late: row.first_minutes_late.filter(|_| reported),
                overdue_minutes: match standing {
                    compliance_rules::Standing::Missing { overdue_minutes } => {
                        Some(overdue_minutes)
                    }
                    _ => None,
                },
                versions: row.submit_count.unwrap_or(0),
                deadline: local(row.extension.unwrap_or(period.deadline)),
                has_extension: row.extension.is_some(),
                escalation_level: escalation_levels.get(&row.unit_id).copied(),
            }
        })
        .collect();
    Ok(ComplianceBoard {
        period_id: *period_id,
        period_code: period.code.clone(),
        period_title: title.clone(),
        as_of: local(as_of),
        deadline: local(period.deadline),
        units,
        page,
        per_page,
        total,
        totals: ComplianceTotals {
            expected: totals.expected,
            reported: totals.reported,
            early: totals.early,
            on_time: totals.on_time,
            late: totals.late,
            pending: totals.pending,
            missing: totals.missing,
            accepted,
            returned,
            reporting_rate: totals.reporting_rate,
            on_time_rate: totals.on_time_rate,
        },
    })
}

/// The consolidated report: every indicator of the period rolled up over the included units'
/// reports (accepted ones by default), optionally within a subtree of units. Each indicator's
/// per-unit `breakdown` is filled only `with_breakdown` (at national scale it is most of the
/// answer: 5,000 units × 40 indicators).
pub async fn consolidation(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    query: &ConsolidationQuery,
    with_breakdown: bool,
    principal: &Principal,
) -> Result<Consolidation> {
    authz::view_across_units(principal, "the consolidated report")?;
    consolidate(conn, period_id, query, with_breakdown).await
}

/// [`consolidation`] without the per-unit breakdown, kept in `caches` while the board
/// generation stands (the breakdown, 5,000 × 40 contributions at national scale, is always
/// computed afresh: too large to keep).
pub async fn consolidation_cached(
    conn: &mut AsyncPgConnection,
    caches: &BoardCaches,
    period_id: i64,
    query: &ConsolidationQuery,
    principal: &Principal,
) -> Result<Arc<Consolidation>> {
    authz::view_across_units(principal, "the consolidated report")?;
    cached_consolidation(conn, caches, period_id, query).await
}

/// [`consolidation_cached`] without an access check (callers have done it, or read only the
/// figures of indicators, as a PAR Index criterion computed from one does).
pub(crate) async fn cached_consolidation(
    conn: &mut AsyncPgConnection,
    caches: &BoardCaches,
    period_id: i64,
    query: &ConsolidationQuery,
) -> Result<Arc<Consolidation>> {
    let generation = board_generation(conn).await?;
    let key = (
        period_id,
        query.include.unwrap_or(ConsolidationScope::Accepted),
        query.under.clone(),
    );
    if let Some(report) = caches.consolidation.get(&key, generation) {
        return Ok(report);
    }
    let report = Arc::new(consolidate(conn, period_id, query, false).await?);
    caches
        .consolidation
        .insert(key, generation, Arc::clone(&report));
    Ok(report)
}

/// [`consolidation`] without an access check (callers have done it).
pub(crate) async fn consolidate(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    query: &ConsolidationQuery,
    with_breakdown: bool,
) -> Result<Consolidation> {
    let period = period_facts(conn, period_id).await?;
    let scope = query.include.unwrap_or(ConsolidationScope::Accepted);
    let statuses: Vec<SubmissionStatus> = match scope {
        ConsolidationScope::Accepted => vec![SubmissionStatus::Accepted],
        ConsolidationScope::Submitted => {
            vec![SubmissionStatus::Submitted, SubmissionStatus::Accepted]
        }
    };
    let subtree = match &query.under {
        Some(code) => {
            let root = units::find_id_by_code(conn, code).await?.ok_or_else(|| {
                Error::invalid(
                    "under",
                    "unknown_code",
                    format!("no unit has code {code:?}"),
                )
            })?;
            Some(units::subtree_ids(conn, root).await?)
        }
        None => None,
    };
    let counted = Counted {
        period_id,
        statuses: &statuses,
        unit_ids: subtree.as_deref(),
    };
    let conn: &AsyncPgConnection = conn;
    let (title, included, indicators) = futures_util::try_join!(
        cchc_db::periods::title(conn, period_id),
        counted_reports(conn, counted),
        period_indicators_of(conn, period_id),
    )?;
    let (definitions, specs): (Vec<_>, Vec<_>) = indicators
        .iter()
        .map(|facts| (facts.version.definition(), facts.version.spec()))
        .unzip();
    let position: HashMap<i64, usize> = indicators
        .iter()
        .enumerate()
        .map(|(i, facts)| (facts.indicator_id, i))
        .collect();
    // Each indicator by its rule; a weighted mean meets each unit's weight as it comes.
    let mut running = PeriodConsolidation::new(&definitions);
    let mut breakdowns: Vec<Vec<UnitContribution>> = vec![Vec::new(); indicators.len()];
    let mut discrepancies: Vec<Vec<Discrepancy>> = vec![Vec::new(); indicators.len()];
    // The values stream in, in whatever order the plan gives, and are folded as they come,
    // so memory does not grow with units × indicators (a weighted mean keeps one weight per
    // report and weighing indicator); the lists are put in unit-code order at the end.
    let mut rows = counted_values(conn, counted).await?;
    while let Some((row, unit_code, unit_name)) = rows.try_next().await? {
        let Some(&i) = position.get(&row.indicator_id) else {
            continue;
        };
        let (def, spec) = (&definitions[i], &specs[i]);
        let value = reported(&row, 0);
        let figure = unit_figure(value_kind(def.kind), &value).map(|f| f.round_dp(4).normalize());
        if let (Some(system_value), Some(difference)) =
            (row.system_value, discrepancy(spec, &value))
        {
            if difference > spec.tolerance {
                discrepancies[i].push(Discrepancy {
                    unit_code: unit_code.clone(),
                    unit_figure: figure,
                    system_value,
                    difference: difference.round_dp(4).normalize(),
                    explanation: row.explanation.clone(),
                });
            }
        }
        running.add(i, row.submission_id, &unit_code, &value);
        if with_breakdown {
            breakdowns[i].push(UnitContribution {
                unit_code,
                unit_name,
                numerator: row.numerator,
                denominator: row.denominator,
                figure: figure.filter(|_| !row.not_applicable),
                flag: row.flag,
                text: row.text_value,
                not_applicable: row.not_applicable,
                explanation: row.explanation,
                note: row.note,
            });
        }
    }
    drop(rows);
    for list in &mut breakdowns {
        list.sort_by(|a, b| a.unit_code.cmp(&b.unit_code));
    }
    for list in &mut discrepancies {
        list.sort_by(|a, b| a.unit_code.cmp(&b.unit_code));
    }
    let rolled = running.finish();
    let indicators = definitions
        .into_iter()
        .zip(rolled)
        .zip(breakdowns.into_iter().zip(discrepancies))
        .map(
            |((def, rolled), (breakdown, discrepancies))| ConsolidatedIndicator {
                code: def.code,
                name: def.name,
                kind: def.kind,
                unit_of_measure: def.unit_of_measure,
                target: def.target,
                aggregation: def.aggregation,
                aggregation_weight: def.aggregation_weight,
                units_reporting: rolled.units_reporting,
                numerator_sum: rolled.numerator_sum,
                denominator_sum: rolled.denominator_sum,
                value: rolled.value,
                lowest: rolled
                    .lowest
                    .map(|(unit_code, figure)| UnitFigure { unit_code, figure }),
                highest: rolled
                    .highest
                    .map(|(unit_code, figure)| UnitFigure { unit_code, figure }),
                target_met: rolled.target_met,
                breakdown,
                discrepancies,
            },
        )
        .collect();
    Ok(Consolidation {
        period_id,
        period_code: period.code,
        period_title: title,
        include: scope,
        under: query.under.clone(),
        units: included.into_iter().map(|(_, code, _)| code).collect(),
        indicators,
    })
}
