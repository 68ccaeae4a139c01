use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;

use crate::authz;
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::{contains_pattern, local, map_unique};
use cchc_db::schema::{indicator_versions, indicators, period_indicators, periods};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::indicator::{
    Comparator, ContentArea, CreateIndicator, Indicator, IndicatorDefinition, IndicatorFilter,
    IndicatorKind, IndicatorPage, IndicatorVersion, IndicatorVersionPage, Target, UpdateIndicator,
};
use cchc_domain::model::period::PeriodStatus;
use cchc_domain::model::PageParams;
use cchc_domain::rules::completeness::IndicatorSpec;
use cchc_domain::rules::consolidation::value_kind;
use cchc_domain::validation::Checker;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = indicators)]
struct IndicatorRow {
    id: i64,
    code: String,
    current_version: i32,
    name: String,
    description: Option<String>,
    content_area: ContentArea,
    kind: IndicatorKind,
    unit_of_measure: Option<String>,
    target_comparator: Option<Comparator>,
    target_threshold: Option<Decimal>,
    tolerance: Decimal,
    evidence_required: bool,
    active: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = indicator_versions)]
pub(crate) struct VersionRow {
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
}

/// Largest tolerance or threshold accepted; far above any real figure, it keeps numbers sane.
const MAX_MAGNITUDE: i64 = 1_000_000_000_000;

#[allow(clippy::too_many_arguments)]
fn definition(
    code: &str,
    name: &str,
    description: Option<&str>,
    content_area: ContentArea,
    kind: IndicatorKind,
    unit_of_measure: Option<&str>,
    comparator: Option<Comparator>,
    threshold: Option<Decimal>,
    tolerance: Decimal,
    evidence_required: bool,
) -> IndicatorDefinition {
    let target = match (comparator, threshold) {
        (Some(comparator), Some(threshold)) => Some(Target {
            comparator,
            threshold: threshold.normalize(),
        }),
        _ => None,
    };
    IndicatorDefinition {
        code: code.to_owned(),
        name: name.to_owned(),
        description: description.map(str::to_owned),
        content_area,
        kind,
        unit_of_measure: unit_of_measure.map(str::to_owned),
        target,
        tolerance: tolerance.normalize(),
        evidence_required,
    }
}

impl IndicatorRow {
    fn into_api(self) -> Indicator {
        Indicator {
            id: self.id,
            version: self.current_version,
            definition: definition(
                &self.code,
                &self.name,
                self.description.as_deref(),
                self.content_area,
                self.kind,
                self.unit_of_measure.as_deref(),
                self.target_comparator,
                self.target_threshold,
                self.tolerance,
                self.evidence_required,
            ),
            active: self.active,
            created_at: local(self.created_at),
            updated_at: local(self.updated_at),
        }
    }
}

impl VersionRow {
    pub(crate) fn definition(&self) -> IndicatorDefinition {
        definition(
            &self.code,
            &self.name,
            self.description.as_deref(),
            self.content_area,
            self.kind,
            self.unit_of_measure.as_deref(),
            self.target_comparator,
            self.target_threshold,
            self.tolerance,
            self.evidence_required,
        )
    }

    /// What the completeness and discrepancy rules need to know of this version.
    pub(crate) fn spec(&self) -> IndicatorSpec {
        IndicatorSpec {
            code: self.code.clone(),
            kind: value_kind(self.kind),
            tolerance: self.tolerance,
            evidence_required: self.evidence_required,
        }
    }

    fn into_api(self) -> IndicatorVersion {
        IndicatorVersion {
            indicator_id: self.indicator_id,
            version: self.version,
            definition: self.definition(),
            created_at: local(self.created_at),
        }
    }
}

/// The definition columns of `indicators`, written on create and on every change.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = indicators, treat_none_as_null = true)]
struct DefinitionValues<'a> {
    name: &'a str,
    description: Option<&'a str>,
    content_area: ContentArea,
    kind: IndicatorKind,
    unit_of_measure: Option<&'a str>,
    target_comparator: Option<Comparator>,
    target_threshold: Option<Decimal>,
    tolerance: Decimal,
    evidence_required: bool,
    updated_at: DateTime<Utc>,
}

impl<'a> DefinitionValues<'a> {
    fn new(def: &'a IndicatorDefinition, now: DateTime<Utc>) -> Self {
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
            updated_at: now,
        }
    }
}

/// Checks a whole definition: each field, and the target against the kind.
fn check_definition(check: &mut Checker, def: &IndicatorDefinition) {
    check.text("name", &def.name, 300);
    check.optional_text("description", def.description.as_deref(), 4000);
    check.optional_text("unit_of_measure", def.unit_of_measure.as_deref(), 50);
    let max = Decimal::from(MAX_MAGNITUDE);
    if def.tolerance.is_sign_negative() || def.tolerance > max {
        check.push("tolerance", "out_of_range", "must be between 0 and 10^12");
    }
    if def.kind == IndicatorKind::Ratio && def.tolerance > Decimal::ONE_HUNDRED {
        check.push(
            "tolerance",
            "out_of_range",
            "for a ratio the tolerance is in percentage points, 0–100",
        );
    }
    let Some(target) = def.target else { return };
    let threshold = target.threshold;
    match def.kind {
        IndicatorKind::Ratio
            if threshold.is_sign_negative() || threshold > Decimal::ONE_HUNDRED =>
        {
            check.push(
                "target.threshold",
                "out_of_range",
                "a ratio's target is a percentage between 0 and 100",
            )
        }
        IndicatorKind::Count if threshold.is_sign_negative() || !threshold.fract().is_zero() => {
            check.push(
                "target.threshold",
                "out_of_range",
                "a count's target is a whole number, 0 or more",
            )
        }
        IndicatorKind::Boolean if target.comparator != Comparator::Eq => check.push(
            "target.comparator",
            "invalid_for_kind",
            "a yes/no target uses comparator eq",
        ),
        IndicatorKind::Boolean if threshold != Decimal::ZERO && threshold != Decimal::ONE => check
            .push(
                "target.threshold",
                "invalid_for_kind",
                "a yes/no target is 1 (yes) or 0 (no)",
            ),
        IndicatorKind::Text => check.push(
            "target",
            "invalid_for_kind",
            "a text indicator has no target",
        ),
        _ if threshold.abs() > max => {
            check.push("target.threshold", "out_of_range", "must be within ±10^12")
        }
        _ => {}
    }
}

async fn find_row(conn: &mut AsyncPgConnection, id: i64, lock: bool) -> Result<IndicatorRow> {
    let query = indicators::table.find(id).select(IndicatorRow::as_select());
    let row = if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    };
    row.ok_or(Error::not_found("indicator"))
}

/// An indicator in its current version: reference data, for every role.
pub async fn get(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
) -> Result<Indicator> {
    authz::read_reference(principal)?;
    load(conn, id).await
}

/// The same without an access check (callers have done it).
pub(crate) async fn load(conn: &mut AsyncPgConnection, id: i64) -> Result<Indicator> {
    Ok(find_row(conn, id, false).await?.into_api())
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &IndicatorFilter,
    page: PageParams,
    principal: &Principal,
) -> Result<IndicatorPage> {
    authz::read_reference(principal)?;
    let (page, per_page) = page.validate()?;
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
        if let Some(q) = filter.q.as_deref().filter(|q| !q.trim().is_empty()) {
            let pattern = contains_pattern(q);
            query = query.filter(
                indicators::code
                    .ilike(pattern.clone())
                    .or(indicators::name.ilike(pattern)),
            );
        }
        query
    };
    let total: i64 = query().count().get_result(conn).await?;
    let rows: Vec<IndicatorRow> = query()
        .order(indicators::code.asc())
        .limit(per_page)
        .offset(PageParams::offset(page, per_page))
        .select(IndicatorRow::as_select())
        .load(conn)
        .await?;
    Ok(IndicatorPage {
        items: rows.into_iter().map(IndicatorRow::into_api).collect(),
        page,
        per_page,
        total,
    })
}

pub async fn versions(
    conn: &mut AsyncPgConnection,
    id: i64,
    page: PageParams,
    principal: &Principal,
) -> Result<IndicatorVersionPage> {
    authz::read_reference(principal)?;
    let (page, per_page) = page.validate()?;
    find_row(conn, id, false).await?;
    let total: i64 = indicator_versions::table
        .filter(indicator_versions::indicator_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    let rows: Vec<VersionRow> = indicator_versions::table
        .filter(indicator_versions::indicator_id.eq(id))
        .order(indicator_versions::version.desc())
        .limit(per_page)
        .offset(PageParams::offset(page, per_page))
        .select(VersionRow::as_select())
        .load(conn)
        .await?;
    Ok(IndicatorVersionPage {
        items: rows.into_iter().map(VersionRow::into_api).collect(),
        page,
        per_page,
        total,
    })
}

/// Writes a version row for the definition and returns its id.
async fn insert_version(
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
            indicator_versions::created_at.eq(now),
        ))
        .returning(indicator_versions::id)
        .get_result(conn)
        .await?)
}

fn trimmed(value: Option<&str>) -> Option<String> {
    value.map(|v| v.trim().to_owned())
}

/// The first step of [`create`] and [`update`]: only the Office changes indicators. Exposed so
/// a handler refuses a caller before it reports what is wrong with the body.
pub fn authorize_change(principal: &Principal) -> Result<()> {
    authz::require_admin(principal)
}

pub async fn create(
    conn: &mut AsyncPgConnection,
    input: &CreateIndicator,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Indicator> {
    authorize_change(principal)?;
    let def = IndicatorDefinition {
        code: input.code.clone(),
        name: input.name.trim().to_owned(),
        description: trimmed(input.description.as_deref()),
        content_area: input.content_area,
        kind: input.kind,
        unit_of_measure: trimmed(input.unit_of_measure.as_deref())
            .or_else(|| (input.kind == IndicatorKind::Ratio).then(|| "%".to_owned())),
        target: input.target,
        tolerance: input.tolerance.unwrap_or(Decimal::ZERO),
        evidence_required: input.evidence_required.unwrap_or(false),
    };
    let mut check = Checker::new();
    check.code("code", &input.code, 32, "._-");
    check_definition(&mut check, &def);
    check.finish()?;

    let duplicate = || format!("an indicator with code {:?} already exists", input.code);
    conn.transaction(async |conn| -> Result<Indicator> {
        let exists: Option<i64> = indicators::table
            .filter(indicators::code.eq(&input.code))
            .select(indicators::id)
            .first(conn)
            .await
            .optional()?;
        if exists.is_some() {
            return Err(Error::conflict_on("duplicate_code", "code", duplicate()));
        }
        let id: i64 = diesel::insert_into(indicators::table)
            .values((
                indicators::code.eq(&def.code),
                indicators::current_version.eq(1),
                indicators::active.eq(input.active.unwrap_or(true)),
                indicators::created_at.eq(now),
                DefinitionValues::new(&def, now),
            ))
            .returning(indicators::id)
            .get_result(conn)
            .await
            .map_err(|e| map_unique(e, "duplicate_code", "code", duplicate()))?;
        insert_version(conn, id, 1, &def, now).await?;
        let indicator = load(conn, id).await?;
        let entry = Entry::created(EntityType::Indicator, id, &indicator)?;
        audit::record(conn, actor, now, entry).await?;
        Ok(indicator)
    })
    .await
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: i64,
    input: &UpdateIndicator,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Indicator> {
    authorize_change(principal)?;
    conn.transaction(async |conn| -> Result<Indicator> {
        let row = find_row(conn, id, true).await?;
        let before = load(conn, id).await?;
        let active = input.active.unwrap_or(row.active);
        let current = row.into_api().definition;
        let kind = input.kind.unwrap_or(current.kind);
        let next = IndicatorDefinition {
            code: current.code.clone(),
            name: input
                .name
                .as_deref()
                .map(str::trim)
                .unwrap_or(&current.name)
                .to_owned(),
            description: match &input.description {
                Some(d) => trimmed(d.as_deref()),
                None => current.description.clone(),
            },
            content_area: input.content_area.unwrap_or(current.content_area),
            kind,
            unit_of_measure: match &input.unit_of_measure {
                Some(u) => trimmed(u.as_deref()),
                // A ratio is shown as a percentage unless told otherwise, as on create.
                None if kind == IndicatorKind::Ratio && current.kind != IndicatorKind::Ratio => {
                    current
                        .unit_of_measure
                        .clone()
                        .or_else(|| Some("%".to_owned()))
                }
                None => current.unit_of_measure.clone(),
            },
            target: match input.target {
                Some(t) => t,
                None => current.target,
            },
            tolerance: input.tolerance.unwrap_or(current.tolerance),
            evidence_required: input.evidence_required.unwrap_or(current.evidence_required),
        };
        let mut check = Checker::new();
        check_definition(&mut check, &next);
        check.finish()?;

        let mut version: i32 = indicators::table
            .find(id)
            .select(indicators::current_version)
            .first(conn)
            .await?;
        let comparable = |d: &IndicatorDefinition| IndicatorDefinition {
            target: d.target.map(|t| Target {
                threshold: t.threshold.normalize(),
                ..t
            }),
            tolerance: d.tolerance.normalize(),
            ..d.clone()
        };
        if comparable(&next) != comparable(&current) {
            version += 1;
            let version_id = insert_version(conn, id, version, &next, now).await?;
            // Drafts follow the latest definition; open and closed periods keep theirs.
            let drafts = periods::table
                .filter(periods::status.eq(PeriodStatus::Draft))
                .select(periods::id);
            diesel::update(
                period_indicators::table
                    .filter(period_indicators::indicator_id.eq(id))
                    .filter(period_indicators::period_id.eq_any(drafts)),
            )
            .set(period_indicators::indicator_version_id.eq(version_id))
            .execute(conn)
            .await?;
        }
        diesel::update(indicators::table.find(id))
            .set((
                indicators::current_version.eq(version),
                indicators::active.eq(active),
                DefinitionValues::new(&next, now),
            ))
            .execute(conn)
            .await?;
        let after = load(conn, id).await?;
        let entry = Entry::changed(EntityType::Indicator, id, "updated", &before, &after)?;
        audit::record_opt(conn, actor, now, entry).await?;
        Ok(after)
    })
    .await
}

/// Current version row ids of indicators, by code, for building a period's indicator set.
pub(crate) async fn current_versions_by_code(
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
pub(crate) async fn active_codes(conn: &mut AsyncPgConnection) -> Result<Vec<String>> {
    Ok(indicators::table
        .filter(indicators::active.eq(true))
        .order(indicators::code.asc())
        .select(indicators::code)
        .load(conn)
        .await?)
}
