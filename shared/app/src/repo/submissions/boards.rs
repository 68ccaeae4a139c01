//! The compliance board and the consolidated report, and the caches that keep them.

use super::{period_facts, period_indicators_of, reported, running, PeriodFacts};
use crate::authz;
use crate::authz::Principal;
use crate::generation_cache::{CacheStats, GenerationCache};
use crate::repo::schedule;
use crate::repo::{local, units};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::indicator::IndicatorDefinition;
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
use cchc_domain::rules::consolidation::{value_kind, Consolidated};
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
    counted_board(conn, period_id, as_of, query.standing, page).await
}

/// [`compliance`]. The board is read from the period's running counts and one page of rows
/// (issue 23), cheaper than keeping it: `caches` keeps nothing for it any more.
pub async fn compliance_cached(
    conn: &mut AsyncPgConnection,
    _caches: &BoardCaches,
    period_id: i64,
    as_of: DateTime<Utc>,
    query: &ComplianceQuery,
    page: PageParams,
    principal: &Principal,
) -> Result<ComplianceBoard> {
    compliance(conn, period_id, as_of, query, page, principal).await
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
        .map(|(row, standing)| compliance_row(row, standing, period.deadline, escalation_levels))
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

/// Who returned or accepted a report that stands returned or accepted.
fn reviewer(row: &BoardRow) -> Option<String> {
    matches!(
        row.status,
        Some(SubmissionStatus::Returned | SubmissionStatus::Accepted)
    )
    .then(|| row.reviewed_by.clone())
    .flatten()
}

/// One unit's line on the board, standing as `standing` at the board's instant.
fn compliance_row(
    row: &BoardRow,
    standing: compliance_rules::Standing,
    period_deadline: DateTime<Utc>,
    escalation_levels: &HashMap<i64, EscalationLevel>,
) -> ComplianceRow {
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
            compliance_rules::Standing::Missing { overdue_minutes } => Some(overdue_minutes),
            _ => None,
        },
        versions: row.submit_count.unwrap_or(0),
        submitted_by: row.submitted_by.clone().filter(|_| reported),
        reviewed_by: reviewer(row),
        deadline: local(row.extension.unwrap_or(period_deadline)),
        has_extension: row.extension.is_some(),
        escalation_level: escalation_levels.get(&row.unit_id).copied(),
    }
}

/// The board at `as_of` from the period's running counts and one page of units, so its cost
/// does not grow with the units. A board looking back before some first submissions counts
/// those units as not reported yet (an index range over them; none for the present).
async fn counted_board(
    conn: &AsyncPgConnection,
    period_id: i64,
    as_of: DateTime<Utc>,
    standing: Option<Standing>,
    (page, per_page): (i64, i64),
) -> Result<ComplianceBoard> {
    use cchc_db::running_sums::{board_counts, board_page, reported_after, state, BoardFilter};
    // The period first: an unknown one is 404 before anything else is read.
    let period = period_facts(conn, period_id).await?;
    let looks_back = state(conn, period_id)
        .await?
        .and_then(|running| running.latest_first_submitted_at)
        .is_some_and(|at| at > as_of);
    let (title, counts, later) = futures_util::try_join!(
        cchc_db::periods::title(conn, period_id),
        board_counts(conn, period_id),
        async {
            if looks_back {
                reported_after(conn, period_id, as_of).await
            } else {
                Ok(Vec::new())
            }
        },
    )?;
    let mut standings = compliance_rules::Counts::default();
    let (mut accepted, mut returned) = (0u32, 0u32);
    let mut count =
        |timeliness: Option<Timeliness>, deadline: Option<DateTime<Utc>>, units: i64| {
            let report = compliance_rules::UnitReport {
                first_submitted_at: timeliness.map(|_| as_of),
                timeliness,
                deadline: deadline.unwrap_or(period.deadline),
            };
            let units = u32::try_from(units).unwrap_or(0);
            let standing = compliance_rules::standing(&report, as_of);
            if units > 0 {
                standings.count(standing, units);
            }
        };
    // Units reported later than `as_of` stand as not reported yet.
    let mut later_by_group: HashMap<(Option<Timeliness>, Option<DateTime<Utc>>), i64> =
        HashMap::new();
    for group in &later {
        *later_by_group
            .entry((group.timeliness, group.extension_deadline))
            .or_default() += i64::from(group.units);
    }
    for group in &counts {
        let units = i64::from(group.units);
        match group.status {
            Some(SubmissionStatus::Accepted) => accepted += u32::try_from(units).unwrap_or(0),
            Some(SubmissionStatus::Returned) => returned += u32::try_from(units).unwrap_or(0),
            _ => {}
        }
        let key = (group.timeliness, group.extension_deadline);
        let not_yet = match later_by_group.get_mut(&key) {
            Some(left) if group.timeliness.is_some() => {
                let moved = (*left).min(units);
                *left -= moved;
                moved
            }
            _ => 0,
        };
        count(group.timeliness, group.extension_deadline, units - not_yet);
        count(None, group.extension_deadline, not_yet);
    }
    let totals = standings.totals();
    let unreported = |missing| BoardFilter::Unreported {
        as_of,
        missing,
        past_period: as_of > period.deadline,
    };
    let (total, filter) = match standing {
        None => (totals.expected, BoardFilter::All),
        Some(Standing::Early) => (
            totals.early,
            BoardFilter::Reported(Timeliness::Early, as_of),
        ),
        Some(Standing::OnTime) => (
            totals.on_time,
            BoardFilter::Reported(Timeliness::OnTime, as_of),
        ),
        Some(Standing::Late) => (totals.late, BoardFilter::Reported(Timeliness::Late, as_of)),
        Some(Standing::Pending) => (totals.pending, unreported(false)),
        Some(Standing::Missing) => (totals.missing, unreported(true)),
    };
    let rows = board_page(
        conn,
        period_id,
        filter,
        PageParams::offset(page, per_page),
        per_page,
    )
    .await?;
    let escalation_levels = schedule::levels(conn, period_id).await?;
    let units = rows
        .iter()
        .map(|row| {
            let report = compliance_rules::UnitReport {
                first_submitted_at: row.first_submitted_at,
                timeliness: row.first_timeliness,
                deadline: row.extension.unwrap_or(period.deadline),
            };
            let standing = compliance_rules::standing(&report, as_of);
            compliance_row(row, standing, period.deadline, &escalation_levels)
        })
        .collect();
    Ok(ComplianceBoard {
        period_id,
        period_code: period.code,
        period_title: title,
        as_of: local(as_of),
        deadline: local(period.deadline),
        units,
        page,
        per_page,
        total: i64::from(total),
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

/// The board computed from every participating unit's row, as before the running counts: the
/// reference they are checked against (no access check: for tests).
pub async fn reference_compliance(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    as_of: DateTime<Utc>,
    standing: Option<Standing>,
    page: (i64, i64),
) -> Result<ComplianceBoard> {
    let inputs = board_inputs(conn, period_id).await?;
    board(&inputs, as_of, standing, Some(page))
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

/// [`consolidation`] without an access check (callers have done it). The whole period without
/// the breakdown is read from its running sums; a subtree or the breakdown from the reports.
pub(crate) async fn consolidate(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    query: &ConsolidationQuery,
    with_breakdown: bool,
) -> Result<Consolidation> {
    if query.under.is_none() && !with_breakdown {
        return summed_consolidation(conn, period_id, query).await;
    }
    reference_consolidation(conn, period_id, query, with_breakdown).await
}

/// The whole period's consolidated report from its running sums: a row per indicator, the
/// listed discrepancies and the codes of the units counted.
async fn summed_consolidation(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    query: &ConsolidationQuery,
) -> Result<Consolidation> {
    let period = period_facts(conn, period_id).await?;
    running::rebuild_if_stale(conn, period_id).await?;
    let scope = query.include.unwrap_or(ConsolidationScope::Accepted);
    let accepted_only = scope == ConsolidationScope::Accepted;
    let statuses: Vec<SubmissionStatus> = if accepted_only {
        vec![SubmissionStatus::Accepted]
    } else {
        vec![SubmissionStatus::Submitted, SubmissionStatus::Accepted]
    };
    let counted = Counted {
        period_id,
        statuses: &statuses,
        unit_ids: None,
    };
    let conn: &AsyncPgConnection = conn;
    let (title, included, indicators, sums, listed) = futures_util::try_join!(
        cchc_db::periods::title(conn, period_id),
        counted_reports(conn, counted),
        period_indicators_of(conn, period_id),
        cchc_db::running_sums::sums(conn, period_id, accepted_only),
        cchc_db::running_sums::discrepancies(conn, period_id, accepted_only),
    )?;
    let sums: HashMap<i64, _> = sums
        .iter()
        .map(|row| (row.indicator_id, running::sums_of(row)))
        .collect();
    let mut discrepancies: HashMap<i64, Vec<Discrepancy>> = HashMap::new();
    for row in listed {
        let (Some(system_value), Some(difference)) = (row.system_value, row.difference) else {
            continue;
        };
        discrepancies
            .entry(row.indicator_id)
            .or_default()
            .push(Discrepancy {
                unit_code: row.unit_code,
                unit_figure: row.unit_figure,
                system_value,
                difference,
                explanation: row.explanation,
            });
    }
    let indicators = indicators
        .iter()
        .map(|facts| {
            let def = facts.version.definition();
            let rolled = sums
                .get(&facts.indicator_id)
                .cloned()
                .unwrap_or_default()
                .finish(def.kind, def.aggregation, def.target.as_ref());
            let mut discrepancies = discrepancies
                .remove(&facts.indicator_id)
                .unwrap_or_default();
            discrepancies.sort_by(|a, b| a.unit_code.cmp(&b.unit_code));
            consolidated_indicator(def, rolled, Vec::new(), discrepancies)
        })
        .collect();
    Ok(Consolidation {
        period_id,
        period_code: period.code,
        period_title: title,
        include: scope,
        under: None,
        units: included.into_iter().map(|(_, code, _)| code).collect(),
        indicators,
    })
}

/// The consolidated report computed from every counted report's values, as before the running
/// sums: the subtree and breakdown path, and the reference the sums are checked against (no
/// access check: callers have done it).
pub async fn reference_consolidation(
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
        .map(|((def, rolled), (breakdown, discrepancies))| {
            consolidated_indicator(def, rolled, breakdown, discrepancies)
        })
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

/// One indicator's line of the consolidated report, from its definition and its rolled-up
/// figures (kept sums or a fresh pass alike).
fn consolidated_indicator(
    def: IndicatorDefinition,
    rolled: Consolidated,
    breakdown: Vec<UnitContribution>,
    discrepancies: Vec<Discrepancy>,
) -> ConsolidatedIndicator {
    ConsolidatedIndicator {
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
    }
}
