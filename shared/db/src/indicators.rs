//! Indicators (`indicators`) and their versions (`indicator_versions`): the rows, what they
//! say in the domain's terms, and their queries. A version is never changed once written; an
//! edit of an indicator writes a new one.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;

use crate::schema::{indicator_versions, indicators, period_indicators, periods};
use cchc_domain::model::indicator::{
    Aggregation, Comparator, ContentArea, Indicator, IndicatorDefinition, IndicatorKind,
    IndicatorVersion, Target,
};
use cchc_domain::model::period::PeriodStatus;
use cchc_domain::rules::completeness::IndicatorSpec;
use cchc_domain::rules::consolidation::value_kind;
use cchc_domain::rules::local_time::to_local;
use cchc_domain::Result;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = indicators)]
pub struct IndicatorRow {
    pub id: i64,
    pub code: String,
    pub current_version: i32,
    pub name: String,
    pub description: Option<String>,
    pub content_area: ContentArea,
    pub kind: IndicatorKind,
    pub unit_of_measure: Option<String>,
    pub target_comparator: Option<Comparator>,
    pub target_threshold: Option<Decimal>,
    pub tolerance: Decimal,
    pub evidence_required: bool,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub aggregation: Aggregation,
    pub aggregation_weight: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = indicator_versions)]
pub struct VersionRow {
    pub indicator_id: i64,
    pub version: i32,
    pub code: String,
    pub name: String,
    pub description: Option<String>,
    pub content_area: ContentArea,
    pub kind: IndicatorKind,
    pub unit_of_measure: Option<String>,
    pub target_comparator: Option<Comparator>,
    pub target_threshold: Option<Decimal>,
    pub tolerance: Decimal,
    pub evidence_required: bool,
    pub created_at: DateTime<Utc>,
    pub aggregation: Aggregation,
    pub aggregation_weight: Option<String>,
}

/// The target two nullable columns hold, when both are set.
fn target(comparator: Option<Comparator>, threshold: Option<Decimal>) -> Option<Target> {
    match (comparator, threshold) {
        (Some(comparator), Some(threshold)) => Some(Target {
            comparator,
            threshold: threshold.normalize(),
        }),
        _ => None,
    }
}

impl IndicatorRow {
    /// The definition in its current version.
    pub fn definition(&self) -> IndicatorDefinition {
        IndicatorDefinition {
            code: self.code.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            content_area: self.content_area,
            kind: self.kind,
            unit_of_measure: self.unit_of_measure.clone(),
            target: target(self.target_comparator, self.target_threshold),
            tolerance: self.tolerance.normalize(),
            evidence_required: self.evidence_required,
            aggregation: self.aggregation,
            aggregation_weight: self.aggregation_weight.clone(),
        }
    }

    /// The indicator as the API shows it.
    pub fn into_model(self) -> Indicator {
        Indicator {
            id: self.id,
            version: self.current_version,
            definition: self.definition(),
            active: self.active,
            created_at: to_local(self.created_at),
            updated_at: to_local(self.updated_at),
        }
    }
}

impl VersionRow {
    /// The definition this version holds.
    pub fn definition(&self) -> IndicatorDefinition {
        IndicatorDefinition {
            code: self.code.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            content_area: self.content_area,
            kind: self.kind,
            unit_of_measure: self.unit_of_measure.clone(),
            target: target(self.target_comparator, self.target_threshold),
            tolerance: self.tolerance.normalize(),
            evidence_required: self.evidence_required,
            aggregation: self.aggregation,
            aggregation_weight: self.aggregation_weight.clone(),
        }
    }

    /// What the completeness and discrepancy rules need to know of this version.
    pub fn spec(&self) -> IndicatorSpec {
        IndicatorSpec {
            code: self.code.clone(),
            kind: value_kind(self.kind),
            tolerance: self.tolerance,
            evidence_required: self.evidence_required,
        }
    }

    /// The version as the API shows it.
    pub fn into_model(self) -> IndicatorVersion {
        IndicatorVersion {
            indicator_id: self.indicator_id,
            version: self.version,
            definition: self.definition(),
            created_at: to_local(self.created_at),
        }
    }
}

/// The definition columns of `indicators`, written on create and on every change.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = indicators, treat_none_as_null = true)]
pub struct DefinitionValues<'a> {
    name: &'a str,
    description: Option<&'a str>,
    content_area: ContentArea,
    kind: IndicatorKind,
    unit_of_measure: Option<&'a str>,
    target_comparator: Option<Comparator>,
    target_threshold: Option<Decimal>,
    tolerance: Decimal,
    evidence_required: bool,
    aggregation: Aggregation,
    aggregation_weight: Option<&'a str>,
    updated_at: DateTime<Utc>,
}

impl<'a> DefinitionValues<'a> {
    pub fn new(def: &'a IndicatorDefinition, now: DateTime<Utc>) -> Self {
        Self {
            name: &def.name,
            description: def.description.as_deref(),
            content_area: def.content_area,
            kind: def.kind,
            unit_of_measure: def.unit_of_measure.as_deref(),
            target_comparator: def.target.map(|t| t.comparator),
            target_threshold: def.target.map(|t| t.threshold),
            tolerance: def.tolerance,
            evidence_required: def.evidence_required,
            aggregation: def.aggregation,
            aggregation_weight: def.aggregation_weight.as_deref(),
            updated_at: now,
        }
    }
}

/// Indicator `id`'s row, if it exists; `lock` locks it for the rest of the transaction.
pub async fn find(
    conn: &mut AsyncPgConnection,
    id: i64,
    lock: bool,
) -> Result<Option<IndicatorRow>> {
    let query = indicators::table.find(id).select(IndicatorRow::as_select());
    Ok(if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    })
}

/// The id of indicator `code`, if there is one.
pub async fn id_by_code(conn: &mut AsyncPgConnection, code: &str) -> Result<Option<i64>> {
    Ok(indicators::table
        .filter(indicators::code.eq(code))
        .select(indicators::id)
        .first(conn)
        .await
        .optional()?)
}

/// The kind of indicator `code` in its current version, if there is one.
pub async fn kind_by_code(
    conn: &mut AsyncPgConnection,
    code: &str,
) -> Result<Option<IndicatorKind>> {
    Ok(indicators::table
        .filter(indicators::code.eq(code))
        .select(indicators::kind)
        .first(conn)
        .await
        .optional()?)
}

/// Codes of the indicators whose current definition is weighted by indicator `code`, in code
/// order.
pub async fn weighted_by(conn: &mut AsyncPgConnection, code: &str) -> Result<Vec<String>> {
    Ok(indicators::table
        .filter(indicators::aggregation_weight.eq(code))
        .order(indicators::code.asc())
        .select(indicators::code)
        .load(conn)
        .await?)
}

/// Which indicators to list; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub content_area: Option<ContentArea>,
    pub kind: Option<IndicatorKind>,
    pub active: Option<bool>,
    /// An `ILIKE` pattern the code or the name matches.
    pub pattern: Option<String>,
}

/// How many indicators `filter` keeps, and a page of them by code.
pub async fn page(
    conn: &mut AsyncPgConnection,
    filter: &ListFilter,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<IndicatorRow>)> {
    let query = || {
        let mut query = indicators::table.into_boxed();
        if let Some(area) = filter.content_area {
            query = query.filter(indicators::content_area.eq(area));
        }
        if let Some(kind) = filter.kind {
            query = query.filter(indicators::kind.eq(kind));
        }
        if let Some(active) = filter.active {
            query = query.filter(indicators::active.eq(active));
        }
        if let Some(pattern) = &filter.pattern {
            query = query.filter(
                indicators::code
                    .ilike(pattern.clone())
                    .or(indicators::name.ilike(pattern.clone())),
            );
        }
        query
    };
    let total: i64 = query().count().get_result(conn).await?;
    let rows = query()
        .order(indicators::code.asc())
        .limit(limit)
        .offset(offset)
        .select(IndicatorRow::as_select())
        .load(conn)
        .await?;
    Ok((total, rows))
}

/// How many versions indicator `id` has, and a page of them, newest first.
pub async fn page_of_versions(
    conn: &mut AsyncPgConnection,
    id: i64,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<VersionRow>)> {
    let total: i64 = indicator_versions::table
        .filter(indicator_versions::indicator_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    let rows = indicator_versions::table
        .filter(indicator_versions::indicator_id.eq(id))
        .order(indicator_versions::version.desc())
        .limit(limit)
        .offset(offset)
        .select(VersionRow::as_select())
        .load(conn)
        .await?;
    Ok((total, rows))
}

/// Inserts indicator `code`, at version 1, with `values`; its id. The raw error is returned
/// so the caller can tell a duplicate code (two concurrent creates) from other failures.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    code: &str,
    active: bool,
    values: DefinitionValues<'_>,
    now: DateTime<Utc>,
) -> QueryResult<i64> {
    diesel::insert_into(indicators::table)
        .values((
            indicators::code.eq(code),
            indicators::current_version.eq(1),
            indicators::active.eq(active),
            indicators::created_at.eq(now),
            values,
        ))
        .returning(indicators::id)
        .get_result(conn)
        .await
}

/// Writes version `version` of indicator `indicator_id` holding `def`; its id.
pub async fn insert_version(
    conn: &mut AsyncPgConnection,
    indicator_id: i64,
    version: i32,
    def: &IndicatorDefinition,
    now: DateTime<Utc>,
) -> Result<i64> {
    Ok(diesel::insert_into(indicator_versions::table)
        .values((
            indicator_versions::indicator_id.eq(indicator_id),
            indicator_versions::version.eq(version),
            indicator_versions::code.eq(&def.code),
            indicator_versions::name.eq(&def.name),
            indicator_versions::description.eq(&def.description),
            indicator_versions::content_area.eq(def.content_area),
            indicator_versions::kind.eq(def.kind),
            indicator_versions::unit_of_measure.eq(&def.unit_of_measure),
            indicator_versions::target_comparator.eq(def.target.map(|t| t.comparator)),
            indicator_versions::target_threshold.eq(def.target.map(|t| t.threshold)),
            indicator_versions::tolerance.eq(def.tolerance),
            indicator_versions::evidence_required.eq(def.evidence_required),
            indicator_versions::aggregation.eq(def.aggregation),
            indicator_versions::aggregation_weight.eq(&def.aggregation_weight),
            indicator_versions::created_at.eq(now),
        ))
        .returning(indicator_versions::id)
        .get_result(conn)
        .await?)
}

/// Points the draft periods that ask for indicator `indicator_id` at version `version_id`;
/// open and closed periods keep the version they pinned.
pub async fn repin_drafts(
    conn: &mut AsyncPgConnection,
    indicator_id: i64,
    version_id: i64,
) -> Result<()> {
    let drafts = periods::table
        .filter(periods::status.eq(PeriodStatus::Draft))
        .select(periods::id);
    diesel::update(
        period_indicators::table
            .filter(period_indicators::indicator_id.eq(indicator_id))
            .filter(period_indicators::period_id.eq_any(drafts)),
    )
    .set(period_indicators::indicator_version_id.eq(version_id))
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes indicator `id`'s current version, whether it is active, and its definition.
pub async fn update(
    conn: &mut AsyncPgConnection,
    id: i64,
    version: i32,
    active: bool,
    values: DefinitionValues<'_>,
) -> Result<()> {
    diesel::update(indicators::table.find(id))
        .set((
            indicators::current_version.eq(version),
            indicators::active.eq(active),
            values,
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// (code, indicator id, current version id, active) of the indicators whose codes are among
/// `codes`: what a period's indicator set is built from.
pub async fn current_versions_by_code(
    conn: &mut AsyncPgConnection,
    codes: &[String],
) -> Result<Vec<(String, i64, i64, bool)>> {
    Ok(indicators::table
        .inner_join(
            indicator_versions::table.on(indicator_versions::indicator_id
                .eq(indicators::id)
                .and(indicator_versions::version.eq(indicators::current_version))),
        )
        .filter(indicators::code.eq_any(codes))
        .select((
            indicators::code,
            indicators::id,
            indicator_versions::id,
            indicators::active,
        ))
        .load(conn)
        .await?)
}

/// Codes of every active indicator, in code order.
pub async fn active_codes(conn: &mut AsyncPgConnection) -> Result<Vec<String>> {
    Ok(indicators::table
        .filter(indicators::active.eq(true))
        .order(indicators::code.asc())
        .select(indicators::code)
        .load(conn)
        .await?)
}

/// The versions period `period_id` pins, each with its indicator id, in the period's order.
/// It takes a shared connection so it can be pipelined.
pub async fn pinned_by_period(
    mut conn: &AsyncPgConnection,
    period_id: i64,
) -> Result<Vec<(i64, VersionRow)>> {
    Ok(period_indicators::table
        .inner_join(indicator_versions::table)
        .filter(period_indicators::period_id.eq(period_id))
        .order((
            period_indicators::sort_order,
            period_indicators::indicator_id,
        ))
        .select((period_indicators::indicator_id, VersionRow::as_select()))
        .load(&mut conn)
        .await?)
}

/// Versions `ids`, each with its id, in no particular order. It takes a shared connection so
/// it can be pipelined.
pub async fn versions_by_id(
    mut conn: &AsyncPgConnection,
    ids: &[i64],
) -> Result<Vec<(i64, VersionRow)>> {
    Ok(indicator_versions::table
        .filter(indicator_versions::id.eq_any(ids))
        .select((indicator_versions::id, VersionRow::as_select()))
        .load(&mut conn)
        .await?)
}
