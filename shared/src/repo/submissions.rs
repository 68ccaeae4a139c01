//! Submissions: filing, review and versions. Who may see and do what is decided here, from
//! the caller's principal, so every path enforces the same scoping.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use futures_util::TryStreamExt;
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use crate::error::{Error, FieldError, Result};
use crate::generation_cache::{CacheStats, GenerationCache};
use crate::jobs::{BackgroundJob, Receipt};
use crate::model::attachment::{Attachment, AttachmentPurpose};
use crate::model::audit::{Actor, EntityType};
use crate::model::indicator::IndicatorKind;
use crate::model::period::PeriodStatus;
use crate::model::policy::ReminderPolicy;
use crate::model::submission::{
    diff, ComplianceBoard, ComplianceQuery, ComplianceRow, ComplianceTotals, ConsolidatedIndicator,
    Consolidation, ConsolidationQuery, ConsolidationScope, CreateSubmission, Discrepancy,
    EvidenceCitation, Extension, ExtensionPage, GrantExtension, IfMatch, IndicatorValue, Standing,
    Submission, SubmissionFilter, SubmissionPage, SubmissionStatus, SubmissionSummary,
    SubmissionVersion, SubmissionVersionPage, SystemValueSource, UnitContribution, UnitFigure,
    UpdateSubmission, ValueInput,
};
use crate::model::token::Role;
use crate::model::webhook::EventType;
use crate::model::{parse_stored, PageParams};
use crate::repo::audit::{self, Entry};
use crate::repo::events;
use crate::repo::indicators::VersionRow;
use crate::repo::jobs;
use crate::repo::pinned_versions::{self, PinnedVersion};
use crate::repo::schedule;
use crate::repo::tokens::Principal;
use crate::repo::{
    attachments, holidays, local, local_opt, refuse_reporters, stored_policy, units,
};
use crate::rules::completeness::{
    completeness_problems, discrepancy, shape_problems, unit_figure, IndicatorSpec, ReportedValue,
    ValueKind,
};
use crate::rules::compliance as compliance_rules;
use crate::rules::consolidation::{value_kind, RunningConsolidation};
use crate::rules::reminders::EscalationLevel;
use crate::rules::timeliness::{assess, Timeliness};
use crate::schema::{
    board_generation, indicator_versions, period_extensions, period_indicators, period_units,
    periods, submission_evidence, submission_values, submission_versions, submissions,
    units as units_table,
};
use crate::validation::Checker;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = submissions)]
struct SubmissionRow {
    id: i64,
    period_id: i64,
    unit_id: i64,
    status: String,
    narrative: Option<String>,
    revision: i32,
    first_submitted_at: Option<DateTime<Utc>>,
    first_timeliness: Option<String>,
    first_minutes_late: Option<i32>,
    last_submitted_at: Option<DateTime<Utc>>,
    submit_count: i32,
    return_reason: Option<String>,
    returned_at: Option<DateTime<Utc>>,
    accepted_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = submission_values)]
struct ValueRow {
    submission_id: i64,
    indicator_id: i64,
    numerator: Option<Decimal>,
    denominator: Option<Decimal>,
    number: Option<Decimal>,
    flag: Option<bool>,
    text_value: Option<String>,
    not_applicable: bool,
    system_value: Option<Decimal>,
    system_value_source: Option<String>,
    explanation: Option<String>,
    note: Option<String>,
}

/// The period facts a submission needs.
#[derive(Debug, Clone)]
struct PeriodFacts {
    code: String,
    status: PeriodStatus,
    deadline: DateTime<Utc>,
    policy: ReminderPolicy,
}

/// One indicator of the period in the version the period uses.
#[derive(Debug, Clone)]
struct PeriodIndicatorFacts {
    indicator_id: i64,
    version: VersionRow,
}

/// One indicator of a report's period, in the version the period pins (from memory).
#[derive(Debug, Clone)]
struct PinnedIndicator {
    indicator_id: i64,
    version: Arc<PinnedVersion>,
}

/// The review state of a submission as the audit trail records its transitions.
fn state_view(row: &SubmissionRow) -> Value {
    json!({
        "status": row.status,
        "timeliness": row.first_timeliness,
        "minutes_late": row.first_minutes_late,
        "submit_count": row.submit_count,
        "return_reason": row.return_reason,
    })
}

/// Enqueues the unit's receipt of `event` (`submitted`, `returned`, `accepted`) for each of its
/// focal persons, in the transaction of the change itself (outbox): the mail goes out if and
/// only if the change commits. `sequence` tells repeated events apart (the n-th submit).
async fn enqueue_receipts(
    conn: &mut AsyncPgConnection,
    row: &SubmissionRow,
    event: &str,
    sequence: i32,
    now: DateTime<Utc>,
) -> Result<()> {
    let contacts = schedule::contacts_of(conn, &[row.unit_id]).await?;
    let focal_persons = contacts
        .get(&row.unit_id)
        .map(|c| c.focal_persons.clone())
        .unwrap_or_default();
    for recipient in focal_persons {
        let key = format!(
            "receipt:{}:{event}:{sequence}:{}",
            row.id,
            recipient.email.trim().to_lowercase()
        );
        let job = Receipt {
            submission_id: row.id,
            event: event.to_owned(),
            recipient,
        }
        .to_new_job(key, now)?;
        jobs::enqueue(conn, &job, now).await?;
    }
    Ok(())
}

/// Records a transition of a submission from `before` to `after` (the row the update returned).
async fn record_transition(
    conn: &mut AsyncPgConnection,
    before: &SubmissionRow,
    after: &SubmissionRow,
    action: &'static str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    let entry = Entry::changed_json(
        EntityType::Submission,
        before.id,
        action,
        &state_view(before),
        &state_view(after),
    );
    audit::record_opt(conn, actor, now, entry).await
}

fn parse_timeliness(value: &str) -> Result<Timeliness> {
    value
        .parse()
        .map_err(|_| Error::Internal(format!("unknown timeliness {value:?}")))
}

/// Reporters see only their own unit's submissions; others are "not found" to them.
fn check_can_read(principal: &Principal, unit_id: i64) -> Result<()> {
    if principal.role == Role::Reporter && principal.unit_id != Some(unit_id) {
        return Err(Error::not_found("submission"));
    }
    Ok(())
}

/// Filing is for the unit's reporter and the Office.
fn check_can_file(principal: &Principal, unit_id: i64) -> Result<()> {
    check_can_read(principal, unit_id)?;
    match principal.role {
        Role::Admin | Role::Reporter => Ok(()),
        role => Err(Error::Forbidden(format!(
            "the {role} role cannot change submissions"
        ))),
    }
}

fn check_admin(principal: &Principal, action: &str) -> Result<()> {
    if principal.role == Role::Admin {
        Ok(())
    } else {
        Err(Error::Forbidden(format!(
            "only the Office (admin) can {action} a submission"
        )))
    }
}

async fn period_facts(mut conn: &AsyncPgConnection, period_id: i64) -> Result<PeriodFacts> {
    let row: Option<(String, String, DateTime<Utc>, Value)> = periods::table
        .find(period_id)
        .select((
            periods::code,
            periods::status,
            periods::deadline,
            periods::policy,
        ))
        .first(&mut conn)
        .await
        .optional()?;
    let (code, status, deadline, policy) = row.ok_or(Error::not_found("period"))?;
    Ok(PeriodFacts {
        code,
        status: parse_stored(&status)?,
        deadline,
        policy: stored_policy(policy)?,
    })
}

async fn period_indicators_of(
    mut conn: &AsyncPgConnection,
    period_id: i64,
) -> Result<Vec<PeriodIndicatorFacts>> {
    let rows: Vec<(i64, VersionRow)> = period_indicators::table
        .inner_join(indicator_versions::table)
        .filter(period_indicators::period_id.eq(period_id))
        .order((
            period_indicators::sort_order,
            period_indicators::indicator_id,
        ))
        .select((period_indicators::indicator_id, VersionRow::as_select()))
        .load(&mut conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(indicator_id, version)| PeriodIndicatorFacts {
            indicator_id,
            version,
        })
        .collect())
}

async fn extension_deadline(
    mut conn: &AsyncPgConnection,
    period_id: i64,
    unit_id: i64,
) -> Result<Option<DateTime<Utc>>> {
    Ok(period_extensions::table
        .find((period_id, unit_id))
        .select(period_extensions::deadline)
        .first(&mut conn)
        .await
        .optional()?)
}

async fn find_row(conn: &mut AsyncPgConnection, id: i64, lock: bool) -> Result<SubmissionRow> {
    let query = submissions::table
        .find(id)
        .select(SubmissionRow::as_select());
    let row = if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    };
    row.ok_or(Error::not_found("submission"))
}

fn reported(row: &ValueRow, evidence_count: usize) -> ReportedValue {
    ReportedValue {
        numerator: row.numerator,
        denominator: row.denominator,
        number: row.number,
        flag: row.flag,
        text: row.text_value.clone(),
        not_applicable: row.not_applicable,
        system_value: row.system_value,
        explanation: row.explanation.clone(),
        evidence_count,
    }
}

/// Everything about one submission, loaded once.
struct Loaded {
    row: SubmissionRow,
    period: PeriodFacts,
    unit_code: String,
    unit_name: String,
    indicators: Vec<PinnedIndicator>,
    values: HashMap<i64, ValueRow>,
    evidence: Vec<(Option<i64>, EvidenceCitation)>,
    attachments: Vec<Attachment>,
    official_documents: Vec<crate::model::document::OfficialDocument>,
    extension: Option<DateTime<Utc>>,
}

type EvidenceRow = (
    Option<i64>,
    Option<String>,
    String,
    Option<String>,
    Option<i32>,
    Option<i64>,
);

async fn values_of(mut conn: &AsyncPgConnection, submission_id: i64) -> Result<Vec<ValueRow>> {
    Ok(submission_values::table
        .filter(submission_values::submission_id.eq(submission_id))
        .select(ValueRow::as_select())
        .load(&mut conn)
        .await?)
}

async fn evidence_of(mut conn: &AsyncPgConnection, submission_id: i64) -> Result<Vec<EvidenceRow>> {
    Ok(submission_evidence::table
        .filter(submission_evidence::submission_id.eq(submission_id))
        .order((submission_evidence::sort_order, submission_evidence::id))
        .select((
            submission_evidence::indicator_id,
            submission_evidence::document_number,
            submission_evidence::title,
            submission_evidence::section,
            submission_evidence::page,
            submission_evidence::attachment_id,
        ))
        .load(&mut conn)
        .await?)
}

/// Declares a scalar subquery of the select list correlated with the outer `submissions` row:
/// diesel's builder has no correlated subqueries, so the SQL is a constant written here. As a
/// type with a static query id it keeps the whole statement prepared once per connection,
/// which a `sql_query` would not be.
macro_rules! submission_subquery {
    ($(#[$doc:meta])* $name:ident: $sql_type:ty = $sql:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, diesel::query_builder::QueryId)]
        struct $name;

        impl diesel::expression::Expression for $name {
            type SqlType = $sql_type;
        }

        impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for $name {
            fn walk_ast<'b>(
                &'b self,
                mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
            ) -> diesel::QueryResult<()> {
                out.push_sql($sql);
                Ok(())
            }
        }

        impl<QS> diesel::expression::AppearsOnTable<QS> for $name where
            QS: diesel::query_source::AppearsInFromClause<submissions::table, Count = diesel::query_source::Once>
        {
        }

        impl<QS> diesel::expression::SelectableExpression<QS> for $name where
            QS: diesel::query_source::AppearsInFromClause<submissions::table, Count = diesel::query_source::Once>
        {
        }

        impl diesel::expression::ValidGrouping<()> for $name {
            type IsAggregate = diesel::expression::is_aggregate::Never;
        }
    };
}

submission_subquery! {
    /// The indicators of the submission's period, in the period's order.
    PinnedIndicatorIds: diesel::sql_types::Nullable<diesel::sql_types::Array<diesel::sql_types::BigInt>> =
        "(SELECT array_agg(pi.indicator_id ORDER BY pi.sort_order, pi.indicator_id) \
          FROM period_indicators pi WHERE pi.period_id = \"submissions\".\"period_id\")"
}

submission_subquery! {
    /// The versions the period pins, in the same order as [`PinnedIndicatorIds`].
    PinnedVersionIds: diesel::sql_types::Nullable<diesel::sql_types::Array<diesel::sql_types::BigInt>> =
        "(SELECT array_agg(pi.indicator_version_id ORDER BY pi.sort_order, pi.indicator_id) \
          FROM period_indicators pi WHERE pi.period_id = \"submissions\".\"period_id\")"
}

submission_subquery! {
    /// Whether the submission cites any evidence.
    HasEvidence: diesel::sql_types::Bool =
        "EXISTS (SELECT 1 FROM submission_evidence e WHERE e.submission_id = \"submissions\".\"id\")"
}

submission_subquery! {
    /// Whether the submission has any files.
    HasAttachments: diesel::sql_types::Bool =
        "EXISTS (SELECT 1 FROM submission_attachments a WHERE a.submission_id = \"submissions\".\"id\")"
}

submission_subquery! {
    /// Whether any official document is linked to the submission.
    HasDocuments: diesel::sql_types::Bool =
        "EXISTS (SELECT 1 FROM document_submission_links l WHERE l.submission_id = \"submissions\".\"id\")"
}

submission_subquery! {
    /// The database's oid: indicator version ids are only unique within one database, and the
    /// in-memory versions are shared by the whole process.
    DatabaseOid: diesel::sql_types::BigInt =
        "(SELECT oid::int8 FROM pg_catalog.pg_database WHERE datname = current_database())"
}

/// A submission with what its answer needs of its period and unit, read in one statement.
struct Head {
    row: SubmissionRow,
    period: PeriodFacts,
    unit_code: String,
    unit_name: String,
    extension: Option<DateTime<Utc>>,
    indicator_ids: Vec<i64>,
    version_ids: Vec<i64>,
    has_evidence: bool,
    has_attachments: bool,
    has_documents: bool,
    database: i64,
}

type HeadColumns = (
    SubmissionRow,
    String,
    String,
    DateTime<Utc>,
    Value,
    String,
    String,
    Option<DateTime<Utc>>,
    Option<Vec<i64>>,
    Option<Vec<i64>>,
    bool,
    bool,
    bool,
    i64,
);

async fn head_of(mut conn: &AsyncPgConnection, id: i64) -> Result<Option<Head>> {
    let found: Option<HeadColumns> = submissions::table
        .inner_join(periods::table)
        .inner_join(units_table::table)
        .left_join(
            period_extensions::table.on(period_extensions::period_id
                .eq(submissions::period_id)
                .and(period_extensions::unit_id.eq(submissions::unit_id))),
        )
        .filter(submissions::id.eq(id))
        .select((
            SubmissionRow::as_select(),
            periods::code,
            periods::status,
            periods::deadline,
            periods::policy,
            units_table::code,
            units_table::name,
            period_extensions::deadline.nullable(),
            PinnedIndicatorIds,
            PinnedVersionIds,
            HasEvidence,
            HasAttachments,
            HasDocuments,
            DatabaseOid,
        ))
        .first(&mut conn)
        .await
        .optional()?;
    let Some((
        row,
        period_code,
        period_status,
        deadline,
        policy,
        unit_code,
        unit_name,
        extension,
        indicator_ids,
        version_ids,
        has_evidence,
        has_attachments,
        has_documents,
        database,
    )) = found
    else {
        return Ok(None);
    };
    Ok(Some(Head {
        row,
        period: PeriodFacts {
            code: period_code,
            status: parse_stored(&period_status)?,
            deadline,
            policy: stored_policy(policy)?,
        },
        unit_code,
        unit_name,
        extension,
        indicator_ids: indicator_ids.unwrap_or_default(),
        version_ids: version_ids.unwrap_or_default(),
        has_evidence,
        has_attachments,
        has_documents,
        database,
    }))
}

async fn locked_row(mut conn: &AsyncPgConnection, id: i64) -> Result<SubmissionRow> {
    submissions::table
        .find(id)
        .select(SubmissionRow::as_select())
        .for_update()
        .first(&mut conn)
        .await
        .optional()?
        .ok_or(Error::not_found("submission"))
}

/// Reads submission `id` with its period, unit and extension, and its values, in one round
/// trip. `lock` takes the row lock first, for use inside a write transaction: the statements
/// run in the order sent, so the reads after it see the row as locked.
async fn read_head(conn: &AsyncPgConnection, id: i64, lock: bool) -> Result<(Head, Vec<ValueRow>)> {
    let (locked, head, values) = futures_util::try_join!(
        async {
            if lock {
                locked_row(conn, id).await.map(Some)
            } else {
                Ok(None)
            }
        },
        head_of(conn, id),
        values_of(conn, id),
    )?;
    let mut head = head.ok_or(Error::not_found("submission"))?;
    if let Some(row) = locked {
        head.row = row;
    }
    Ok((head, values))
}

/// Completes what [`read_head`] read: the pinned indicator versions (from memory once known)
/// and, only where the submission has any, its citations, files and official documents, in
/// one round trip at most.
async fn load(conn: &AsyncPgConnection, head: Head, values: Vec<ValueRow>) -> Result<Loaded> {
    let id = head.row.id;
    let (versions, evidence, attachments, official_documents) = futures_util::try_join!(
        pinned_versions::versions(conn, head.database, &head.version_ids),
        async {
            if head.has_evidence {
                evidence_of(conn, id).await
            } else {
                Ok(Vec::new())
            }
        },
        async {
            if head.has_attachments {
                attachments::of_submission(conn, id).await
            } else {
                Ok(Vec::new())
            }
        },
        async {
            if head.has_documents {
                crate::repo::documents::of_submission(conn, id).await
            } else {
                Ok(Vec::new())
            }
        },
    )?;
    let indicators: Vec<PinnedIndicator> = head
        .indicator_ids
        .iter()
        .zip(versions)
        .map(|(indicator_id, version)| PinnedIndicator {
            indicator_id: *indicator_id,
            version,
        })
        .collect();
    let values: HashMap<i64, ValueRow> = values.into_iter().map(|v| (v.indicator_id, v)).collect();
    let code_of: HashMap<i64, &str> = indicators
        .iter()
        .map(|i| (i.indicator_id, i.version.row.code.as_str()))
        .collect();
    let evidence = evidence
        .into_iter()
        .map(
            |(indicator_id, document_number, title, section, page, attachment_id)| {
                (
                    indicator_id,
                    EvidenceCitation {
                        indicator_code: indicator_id
                            .and_then(|id| code_of.get(&id).map(|code| (*code).to_owned())),
                        document_number,
                        title,
                        section,
                        page,
                        attachment_id,
                    },
                )
            },
        )
        .collect();
    Ok(Loaded {
        row: head.row,
        period: head.period,
        unit_code: head.unit_code,
        unit_name: head.unit_name,
        indicators,
        values,
        evidence,
        attachments,
        official_documents,
        extension: head.extension,
    })
}

impl Loaded {
    fn deadline(&self) -> DateTime<Utc> {
        self.extension.unwrap_or(self.period.deadline)
    }

    /// Evidence for one indicator: citations naming it, and evidence files uploaded for it.
    fn evidence_count(&self, facts: &PinnedIndicator) -> usize {
        let cited = self
            .evidence
            .iter()
            .filter(|(id, _)| *id == Some(facts.indicator_id))
            .count();
        let uploaded = self
            .attachments
            .iter()
            .filter(|a| a.purpose == AttachmentPurpose::Evidence)
            .filter(|a| a.indicator_code.as_deref() == Some(facts.version.row.code.as_str()))
            .count();
        cited + uploaded
    }

    fn to_api(&self) -> Result<Submission> {
        let values = self
            .indicators
            .iter()
            .map(|facts| {
                let def = &facts.version.definition;
                let spec = &facts.version.spec;
                let row = self.values.get(&facts.indicator_id);
                let reported_value = row
                    .map(|r| reported(r, self.evidence_count(facts)))
                    .unwrap_or_default();
                let gap = discrepancy(spec, &reported_value);
                Ok(IndicatorValue {
                    indicator_id: facts.indicator_id,
                    code: def.code.clone(),
                    name: def.name.clone(),
                    kind: def.kind,
                    unit_of_measure: def.unit_of_measure.clone(),
                    numerator: row.and_then(|r| r.numerator),
                    denominator: row.and_then(|r| r.denominator),
                    number: row.and_then(|r| r.number),
                    flag: row.and_then(|r| r.flag),
                    text: row.and_then(|r| r.text_value.clone()),
                    not_applicable: row.is_some_and(|r| r.not_applicable),
                    percentage: (def.kind == IndicatorKind::Ratio)
                        .then(|| unit_figure(ValueKind::Ratio, &reported_value))
                        .flatten()
                        .map(|p| p.round_dp(4).normalize()),
                    system_value: row.and_then(|r| r.system_value),
                    system_value_source: row
                        .and_then(|r| r.system_value_source.as_deref())
                        .map(parse_stored::<SystemValueSource>)
                        .transpose()?,
                    discrepancy: gap.map(|g| g.round_dp(4).normalize()),
                    explanation_required: gap.is_some_and(|g| g > spec.tolerance),
                    explanation: row.and_then(|r| r.explanation.clone()),
                    note: row.and_then(|r| r.note.clone()),
                    answered: row.is_some(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let row = &self.row;
        Ok(Submission {
            id: row.id,
            period_id: row.period_id,
            period_code: self.period.code.clone(),
            unit_id: row.unit_id,
            unit_code: self.unit_code.clone(),
            unit_name: self.unit_name.clone(),
            status: parse_stored(&row.status)?,
            narrative: row.narrative.clone(),
            values,
            evidence: self.evidence.iter().map(|(_, e)| e.clone()).collect(),
            attachments: self.attachments.clone(),
            delivered_via_qlvb_at: self
                .official_documents
                .iter()
                .filter_map(|d| d.received_at)
                .min(),
            official_documents: self.official_documents.clone(),
            revision: row.revision,
            deadline: local(self.deadline()),
            has_extension: self.extension.is_some(),
            first_submitted_at: local_opt(row.first_submitted_at),
            timeliness: row
                .first_timeliness
                .as_deref()
                .map(parse_timeliness)
                .transpose()?,
            minutes_late: row.first_minutes_late,
            last_submitted_at: local_opt(row.last_submitted_at),
            submit_count: row.submit_count,
            return_reason: row.return_reason.clone(),
            returned_at: local_opt(row.returned_at),
            accepted_at: local_opt(row.accepted_at),
            created_at: local(row.created_at),
            updated_at: local(row.updated_at),
        })
    }

    /// The content a version records: what the unit states, by indicator code.
    fn content(&self) -> Value {
        let mut values = Map::new();
        for facts in &self.indicators {
            let Some(row) = self.values.get(&facts.indicator_id) else {
                continue;
            };
            let mut value = Map::new();
            let mut put = |key: &str, v: Value| {
                if !v.is_null() {
                    value.insert(key.to_owned(), v);
                }
            };
            put("numerator", json!(row.numerator));
            put("denominator", json!(row.denominator));
            put("number", json!(row.number));
            put("flag", json!(row.flag));
            put("text", json!(row.text_value));
            if row.not_applicable {
                put("not_applicable", json!(true));
            }
            put("system_value", json!(row.system_value));
            put("explanation", json!(row.explanation));
            put("note", json!(row.note));
            values.insert(facts.version.row.code.clone(), Value::Object(value));
        }
        json!({
            "narrative": self.row.narrative,
            "values": values,
            "evidence": self.evidence.iter().map(|(_, e)| e).collect::<Vec<_>>(),
            // Which files were part of the report, by checksum: the bytes may be replaced
            // after a return, the record of what was submitted stays.
            "attachments": self
                .attachments
                .iter()
                .map(|a| {
                    json!({
                        "id": a.id,
                        "purpose": a.purpose,
                        "filename": a.filename,
                        "sha256": a.sha256,
                        "size_bytes": a.size_bytes,
                        "indicator_code": a.indicator_code,
                    })
                })
                .collect::<Vec<_>>(),
        })
    }
}

pub async fn get(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
) -> Result<Submission> {
    let (head, values) = read_head(conn, id, false).await?;
    check_can_read(principal, head.row.unit_id)?;
    load(conn, head, values).await?.to_api()
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    filter: &SubmissionFilter,
    page: PageParams,
    principal: &Principal,
) -> Result<SubmissionPage> {
    let (page, per_page) = page.validate()?;
    period_facts(conn, period_id).await?;
    let unit_id = match &filter.unit_code {
        Some(code) => Some(units::find_id_by_code(conn, code).await?.ok_or_else(|| {
            Error::invalid(
                "unit_code",
                "unknown_code",
                format!("no unit has code {code:?}"),
            )
        })?),
        None => None,
    };
    let own_unit = (principal.role == Role::Reporter).then_some(principal.unit_id.unwrap_or(-1));
    let query = || {
        let mut query = submissions::table
            .inner_join(units_table::table)
            .filter(submissions::period_id.eq(period_id))
            .into_boxed();
        if let Some(status) = filter.status {
            query = query.filter(submissions::status.eq(status.as_str()));
        }
        if let Some(unit_id) = unit_id {
            query = query.filter(submissions::unit_id.eq(unit_id));
        }
        if let Some(own) = own_unit {
            query = query.filter(submissions::unit_id.eq(own));
        }
        query
    };
    let total: i64 = query().count().get_result(conn).await?;
    let rows: Vec<(SubmissionRow, String, String)> = query()
        .order(units_table::code.asc())
        .limit(per_page)
        .offset(PageParams::offset(page, per_page))
        .select((
            SubmissionRow::as_select(),
            units_table::code,
            units_table::name,
        ))
        .load(conn)
        .await?;
    let items = rows
        .into_iter()
        .map(|(row, unit_code, unit_name)| {
            Ok(SubmissionSummary {
                id: row.id,
                unit_code,
                unit_name,
                status: parse_stored(&row.status)?,
                revision: row.revision,
                first_submitted_at: local_opt(row.first_submitted_at),
                timeliness: row
                    .first_timeliness
                    .as_deref()
                    .map(parse_timeliness)
                    .transpose()?,
                minutes_late: row.first_minutes_late,
                submit_count: row.submit_count,
                updated_at: local(row.updated_at),
            })
        })
        .collect::<Result<_>>()?;
    Ok(SubmissionPage {
        items,
        page,
        per_page,
        total,
    })
}

/// Whether the unit may still file: the period is open, or closed with an extension for it.
fn check_filing_window(period: &PeriodFacts, has_extension: bool) -> Result<()> {
    match period.status {
        PeriodStatus::Open => Ok(()),
        PeriodStatus::Closed if has_extension => Ok(()),
        PeriodStatus::Closed => Err(Error::conflict(
            "period_closed",
            "the period is closed; the Office can grant this unit an extension",
        )),
        PeriodStatus::Draft => Err(Error::conflict(
            "period_not_open",
            "the period is not open yet",
        )),
    }
}

pub async fn create(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    input: &CreateSubmission,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Submission> {
    let id = conn
        .transaction(async |conn| -> Result<i64> {
            let period = period_facts(conn, period_id).await?;
            let unit_id = match (principal.role, &input.unit_code) {
                (Role::Reporter, None) => principal.unit_id.ok_or(Error::not_found("unit"))?,
                (Role::Reporter, Some(code)) => {
                    let id = units::find_id_by_code(conn, code).await?;
                    if id.is_none() || id != principal.unit_id {
                        return Err(Error::invalid(
                            "unit_code",
                            "not_your_unit",
                            "a reporter files only for the unit its token is bound to",
                        ));
                    }
                    principal.unit_id.ok_or(Error::not_found("unit"))?
                }
                (Role::Admin, Some(code)) => {
                    units::find_id_by_code(conn, code).await?.ok_or_else(|| {
                        Error::invalid(
                            "unit_code",
                            "unknown_code",
                            format!("no unit has code {code:?}"),
                        )
                    })?
                }
                (Role::Admin, None) => {
                    return Err(Error::invalid(
                        "unit_code",
                        "required",
                        "name the unit filing",
                    ));
                }
                (role, _) => {
                    return Err(Error::Forbidden(format!(
                        "the {role} role cannot file submissions"
                    )))
                }
            };
            let participates: i64 = period_units::table
                .filter(period_units::period_id.eq(period_id))
                .filter(period_units::unit_id.eq(unit_id))
                .count()
                .get_result(conn)
                .await?;
            if participates == 0 {
                return Err(Error::invalid(
                    "unit_code",
                    "not_participating",
                    "this unit does not take part in the period",
                ));
            }
            let extension = extension_deadline(conn, period_id, unit_id).await?;
            check_filing_window(&period, extension.is_some())?;
            let existing: Option<i64> = submissions::table
                .filter(submissions::period_id.eq(period_id))
                .filter(submissions::unit_id.eq(unit_id))
                .select(submissions::id)
                .first(conn)
                .await
                .optional()?;
            if let Some(existing) = existing {
                return Err(Error::conflict(
                    "submission_exists",
                    format!("this unit already has submission {existing} for the period"),
                ));
            }
            let id: i64 = diesel::insert_into(submissions::table)
                .values((
                    submissions::period_id.eq(period_id),
                    submissions::unit_id.eq(unit_id),
                    submissions::status.eq(SubmissionStatus::Draft.as_str()),
                    submissions::created_at.eq(now),
                    submissions::updated_at.eq(now),
                ))
                .returning(submissions::id)
                .get_result(conn)
                .await?;
            let created = json!({"period_id": period_id, "unit_id": unit_id, "status": SubmissionStatus::Draft});
            let entry = Entry::created(EntityType::Submission, id, &created)?;
            audit::record(conn, actor, now, entry).await?;
            Ok(id)
        })
        .await?;
    get(conn, id, principal).await
}

fn trimmed(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

fn is_empty_input(input: &ValueInput) -> bool {
    input.numerator.is_none()
        && input.denominator.is_none()
        && input.number.is_none()
        && input.flag.is_none()
        && trimmed(input.text.as_deref()).is_none()
        && !input.not_applicable.unwrap_or(false)
        && input.system_value.is_none()
        && trimmed(input.explanation.as_deref()).is_none()
        && trimmed(input.note.as_deref()).is_none()
}

/// Checks `If-Match` against the current revision.
fn check_revision(row: &SubmissionRow, if_match: &IfMatch) -> Result<()> {
    match if_match {
        IfMatch::Missing => Err(Error::PreconditionRequired),
        IfMatch::Any => Ok(()),
        IfMatch::Revision {
            submission_id,
            revision,
        } if *submission_id == row.id && *revision == row.revision => Ok(()),
        IfMatch::Revision { .. } | IfMatch::Unmatchable(_) => Err(Error::PreconditionFailed(format!(
            "the submission is at revision {} (ETag \"{}.{}\"); If-Match does not match it: read it again",
            row.revision, row.id, row.revision
        ))),
    }
}

fn check_editable(row: &SubmissionRow) -> Result<SubmissionStatus> {
    let status = parse_stored::<SubmissionStatus>(&row.status)?;
    match status {
        SubmissionStatus::Draft | SubmissionStatus::Returned => Ok(status),
        other => Err(Error::conflict(
            "submission_not_editable",
            format!("a {other} submission cannot be changed; only drafts and returned reports can"),
        )),
    }
}

/// A submission its caller may change now.
pub(crate) struct EditableSubmission {
    pub id: i64,
    pub period_id: i64,
    pub revision: i32,
}

/// The submission `id` if `principal` may change it now: its unit's reporter or the Office,
/// a draft or returned report, while the unit may still file. `lock` takes the row lock, for
/// use inside a write transaction. Another unit's report is "not found" to a reporter.
pub(crate) async fn editable(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
    lock: bool,
) -> Result<EditableSubmission> {
    let row = find_row(conn, id, lock).await?;
    check_can_file(principal, row.unit_id)?;
    check_editable(&row)?;
    let (period, extension) = futures_util::try_join!(
        period_facts(conn, row.period_id),
        extension_deadline(conn, row.period_id, row.unit_id),
    )?;
    check_filing_window(&period, extension.is_some())?;
    Ok(EditableSubmission {
        id: row.id,
        period_id: row.period_id,
        revision: row.revision,
    })
}

/// The unit of submission `id`, if `principal` may read it.
pub(crate) async fn readable(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
) -> Result<i64> {
    let row = find_row(conn, id, false).await?;
    check_can_read(principal, row.unit_id)?;
    Ok(row.unit_id)
}

/// Records a change to the submission's files: a new revision, so its ETag changes.
pub(crate) async fn touch(
    conn: &mut AsyncPgConnection,
    submission: &EditableSubmission,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::update(submissions::table.find(submission.id))
        .set((
            submissions::revision.eq(submission.revision + 1),
            submissions::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Changes a draft or returned submission while the unit may still file; `if_match` must name
/// the current revision.
pub async fn update(
    conn: &mut AsyncPgConnection,
    id: i64,
    input: &UpdateSubmission,
    if_match: &IfMatch,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Submission> {
    conn.transaction(async |conn| -> Result<Loaded> {
        let (head, values) = read_head(conn, id, true).await?;
        let row = head.row.clone();
        check_can_file(principal, row.unit_id)?;
        check_revision(&row, if_match)?;
        check_editable(&row)?;
        let mut loaded = load(conn, head, values).await?;
        let before = loaded.content();
        check_filing_window(&loaded.period, loaded.extension.is_some())?;
        let by_code: HashMap<&str, &PinnedIndicator> = loaded
            .indicators
            .iter()
            .map(|f| (f.version.row.code.as_str(), f))
            .collect();
        let mut check = Checker::new();
        if let Some(Some(narrative)) = &input.narrative {
            if narrative.chars().count() > 100_000 {
                check.push("narrative", "too_long", "must be at most 100000 characters");
            }
        }
        let source = if principal.role == Role::Admin {
            SystemValueSource::Office
        } else {
            SystemValueSource::Unit
        };
        let mut new_rows: Vec<(i64, Option<ValueRow>)> = Vec::new();
        for (code, value) in input.values.iter().flatten() {
            let Some(facts) = by_code.get(code.as_str()) else {
                check.push(
                    format!("values.{code}"),
                    "unknown_indicator",
                    format!("{code} is not an indicator of this period"),
                );
                continue;
            };
            let current = loaded.values.get(&facts.indicator_id);
            // The Office's system-of-record figure is authoritative: a unit cannot overwrite or
            // clear it.
            let office_value = current
                .filter(|c| c.system_value_source.as_deref() == Some(SystemValueSource::Office.as_str()))
                .and_then(|c| c.system_value);
            let kept_office_value = if source == SystemValueSource::Unit { office_value } else { None };
            if is_empty_input(value) && kept_office_value.is_none() {
                new_rows.push((facts.indicator_id, None));
                continue;
            }
            if source == SystemValueSource::Unit && value.system_value.is_some_and(|v| Some(v) != office_value) && office_value.is_some() {
                check.push(
                    format!("values.{code}.system_value"),
                    "set_by_office",
                    "the Office set this system-of-record figure; send it unchanged or leave it out",
                );
            }
            let system_value = value.system_value.or(if source == SystemValueSource::Unit { office_value } else { None });
            let system_source = match (system_value, office_value) {
                (None, _) => None,
                (Some(_), Some(_)) if source == SystemValueSource::Unit => Some(SystemValueSource::Office),
                (Some(_), _) => Some(source),
            };
            let new = ValueRow {
                submission_id: id,
                indicator_id: facts.indicator_id,
                numerator: value.numerator,
                denominator: value.denominator,
                number: value.number,
                flag: value.flag,
                text_value: trimmed(value.text.as_deref()),
                not_applicable: value.not_applicable.unwrap_or(false),
                system_value,
                system_value_source: system_source.map(|s| s.as_str().to_owned()),
                explanation: trimmed(value.explanation.as_deref()),
                note: trimmed(value.note.as_deref()),
            };
            for problem in shape_problems(&facts.version.spec, &reported(&new, 0)) {
                check.push(problem.field, problem.code, problem.message);
            }
            if let Some(note) = &new.note {
                if note.chars().count() > 4000 {
                    check.push(format!("values.{code}.note"), "too_long", "must be at most 4000 characters");
                }
            }
            new_rows.push((facts.indicator_id, Some(new)));
        }
        let mut evidence_rows = Vec::new();
        let mut new_evidence = Vec::new();
        for (i, citation) in input.evidence.iter().flatten().enumerate() {
            let field = |name: &str| format!("evidence[{i}].{name}");
            check.text(&field("title"), &citation.title, 500);
            check.optional_text(&field("document_number"), citation.document_number.as_deref(), 100);
            check.optional_text(&field("section"), citation.section.as_deref(), 200);
            if citation.page.is_some_and(|p| p < 1) {
                check.push(field("page"), "out_of_range", "pages start at 1");
            }
            if let Some(attachment_id) = citation.attachment_id {
                if !loaded.attachments.iter().any(|a| a.id == attachment_id) {
                    check.push(
                        field("attachment_id"),
                        "unknown_attachment",
                        format!("{attachment_id} is not a file of this submission"),
                    );
                }
            }
            let indicator_id = match &citation.indicator_code {
                Some(code) => match by_code.get(code.as_str()) {
                    Some(facts) => Some(facts.indicator_id),
                    None => {
                        check.push(field("indicator_code"), "unknown_indicator", format!("{code} is not an indicator of this period"));
                        None
                    }
                },
                None => None,
            };
            new_evidence.push((
                indicator_id,
                EvidenceCitation {
                    indicator_code: indicator_id.and(citation.indicator_code.clone()),
                    document_number: trimmed(citation.document_number.as_deref()),
                    title: citation.title.trim().to_owned(),
                    section: trimmed(citation.section.as_deref()),
                    page: citation.page,
                    attachment_id: citation.attachment_id,
                },
            ));
            evidence_rows.push((
                submission_evidence::submission_id.eq(id),
                submission_evidence::indicator_id.eq(indicator_id),
                submission_evidence::document_number.eq(trimmed(citation.document_number.as_deref())),
                submission_evidence::title.eq(citation.title.trim().to_owned()),
                submission_evidence::section.eq(trimmed(citation.section.as_deref())),
                submission_evidence::page.eq(citation.page),
                submission_evidence::attachment_id.eq(citation.attachment_id),
                submission_evidence::sort_order.eq(i16::try_from(i).unwrap_or(i16::MAX)),
            ));
        }
        if input.evidence.as_ref().is_some_and(|e| e.len() > 200) {
            check.push("evidence", "too_many", "at most 200 citations");
        }
        check.finish()?;

        let (upserts, cleared) = split_changes(new_rows);
        for indicator_id in &cleared {
            loaded.values.remove(indicator_id);
        }
        for row in &upserts {
            loaded.values.insert(row.indicator_id, row.clone());
        }
        if input.evidence.is_some() {
            loaded.evidence = new_evidence;
        }
        let narrative = match &input.narrative {
            Some(narrative) => trimmed(narrative.as_deref()),
            None => row.narrative.clone(),
        };
        // Everything the writes leave is known now, so is the trail's "after": the writes go
        // out together (one round trip) and the answer needs no second read.
        loaded.row.narrative = narrative.clone();
        let entry = Entry::changed_json(EntityType::Submission, id, "updated", &before, &loaded.content());
        let shared: &AsyncPgConnection = conn;
        let ((), (), updated, ()) = futures_util::try_join!(
            write_values(shared, id, &upserts, &cleared),
            async {
                if input.evidence.is_some() {
                    let mut conn = shared;
                    diesel::delete(submission_evidence::table.filter(submission_evidence::submission_id.eq(id)))
                        .execute(&mut conn)
                        .await?;
                    if !evidence_rows.is_empty() {
                        diesel::insert_into(submission_evidence::table)
                            .values(evidence_rows)
                            .execute(&mut conn)
                            .await?;
                    }
                }
                Ok::<_, Error>(())
            },
            async {
                let mut conn = shared;
                Ok::<_, Error>(
                    diesel::update(submissions::table.find(id))
                        .set((
                            submissions::narrative.eq(&narrative),
                            submissions::revision.eq(row.revision + 1),
                            submissions::updated_at.eq(now),
                        ))
                        .returning(SubmissionRow::as_returning())
                        .get_result(&mut conn)
                        .await?,
                )
            },
            audit::record_opt(shared, actor, now, entry),
        )?;
        loaded.row = updated;
        Ok(loaded)
    })
    .await?
    .to_api()
}

/// Splits a PATCH's value changes into rows to write and indicators to clear.
fn split_changes(changes: Vec<(i64, Option<ValueRow>)>) -> (Vec<ValueRow>, Vec<i64>) {
    let mut upserts = Vec::new();
    let mut cleared = Vec::new();
    for (indicator_id, new) in changes {
        match new {
            Some(new) => upserts.push(new),
            None => cleared.push(indicator_id),
        }
    }
    (upserts, cleared)
}

/// Writes a PATCH's values in two statements at most, sent together: an upsert of the new
/// rows and a delete of the cleared ones.
async fn write_values(
    conn: &AsyncPgConnection,
    submission_id: i64,
    upserts: &[ValueRow],
    cleared: &[i64],
) -> Result<()> {
    use diesel::upsert::excluded;
    macro_rules! upsert {
        ($rows:expr) => {{
            let mut conn = conn;
            diesel::insert_into(submission_values::table)
                .values($rows)
                .on_conflict((
                    submission_values::submission_id,
                    submission_values::indicator_id,
                ))
                .do_update()
                .set((
                    submission_values::numerator.eq(excluded(submission_values::numerator)),
                    submission_values::denominator.eq(excluded(submission_values::denominator)),
                    submission_values::number.eq(excluded(submission_values::number)),
                    submission_values::flag.eq(excluded(submission_values::flag)),
                    submission_values::text_value.eq(excluded(submission_values::text_value)),
                    submission_values::not_applicable
                        .eq(excluded(submission_values::not_applicable)),
                    submission_values::system_value.eq(excluded(submission_values::system_value)),
                    submission_values::system_value_source
                        .eq(excluded(submission_values::system_value_source)),
                    submission_values::explanation.eq(excluded(submission_values::explanation)),
                    submission_values::note.eq(excluded(submission_values::note)),
                ))
                .execute(&mut conn)
                .await
        }};
    }
    futures_util::try_join!(
        async {
            if cleared.is_empty() {
                return Ok(0);
            }
            let mut conn = conn;
            diesel::delete(
                submission_values::table
                    .filter(submission_values::submission_id.eq(submission_id))
                    .filter(submission_values::indicator_id.eq_any(cleared)),
            )
            .execute(&mut conn)
            .await
        },
        async {
            // One row (the usual edit) as a single-row insert: diesel prepares that statement
            // once per connection, a multi-row one on every call.
            match upserts {
                [] => Ok(0),
                [one] => upsert!(one),
                many => upsert!(many),
            }
        },
    )?;
    Ok(())
}

/// Checks, without writing, what [`update`] checks before it looks at the changes: the caller
/// may change the submission, `if_match` names its current revision, and it is editable while
/// the unit may file. A file import runs it before reading the file, so its answers come in
/// the same order as `PATCH`'s; `update` checks again under its lock.
pub async fn check_update(
    conn: &mut AsyncPgConnection,
    id: i64,
    if_match: &IfMatch,
    principal: &Principal,
) -> Result<Submission> {
    let (head, values) = read_head(conn, id, false).await?;
    check_can_file(principal, head.row.unit_id)?;
    check_revision(&head.row, if_match)?;
    check_editable(&head.row)?;
    let loaded = load(conn, head, values).await?;
    check_filing_window(&loaded.period, loaded.extension.is_some())?;
    loaded.to_api()
}

/// Submits: checks completeness (every problem at once), judges timeliness against the
/// unit's deadline, and records an immutable version.
pub async fn submit(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Submission> {
    conn.transaction(async |conn| -> Result<()> {
        let (head, values) = read_head(conn, id, true).await?;
        let row = head.row.clone();
        check_can_file(principal, row.unit_id)?;
        let status = parse_stored::<SubmissionStatus>(&row.status)?;
        if !matches!(status, SubmissionStatus::Draft | SubmissionStatus::Returned) {
            return Err(Error::conflict(
                "invalid_transition",
                format!("cannot submit a {status} submission; only drafts and returned reports are submitted"),
            ));
        }
        let loaded = load(conn, head, values).await?;
        check_filing_window(&loaded.period, loaded.extension.is_some())?;
        let specs: Vec<IndicatorSpec> = loaded.indicators.iter().map(|f| f.version.spec.clone()).collect();
        let reported_values: HashMap<String, ReportedValue> = loaded
            .indicators
            .iter()
            .filter_map(|facts| {
                loaded.values.get(&facts.indicator_id).map(|row| {
                    (
                        facts.version.row.code.clone(),
                        reported(row, loaded.evidence_count(facts)),
                    )
                })
            })
            .collect();
        let problems = completeness_problems(&specs, &reported_values);
        if !problems.is_empty() {
            return Err(Error::Validation {
                errors: problems
                    .into_iter()
                    .map(|p| FieldError::new(p.field, p.code, p.message))
                    .collect(),
            });
        }
        let calendar = holidays::load_calendar(conn).await?;
        let deadline = loaded.deadline();
        let assessment = assess(now, deadline, &calendar, loaded.period.policy.early_margin_working_days);
        let minutes_late = i32::try_from(assessment.minutes_late).unwrap_or(i32::MAX);
        let content = loaded.content();
        let previous: Option<Value> = submission_versions::table
            .filter(submission_versions::submission_id.eq(id))
            .order(submission_versions::version.desc())
            .select(submission_versions::content)
            .first(conn)
            .await
            .optional()?;
        // The first version is compared with an empty report, so it lists what was given.
        let empty = json!({"narrative": null, "values": {}, "evidence": [], "attachments": []});
        let changes = diff(previous.as_ref().unwrap_or(&empty), &content);
        let version = row.submit_count + 1;
        diesel::insert_into(submission_versions::table)
            .values((
                submission_versions::submission_id.eq(id),
                submission_versions::version.eq(version),
                submission_versions::submitted_at.eq(now),
                submission_versions::submitted_by.eq(&principal.name),
                submission_versions::timeliness.eq(assessment.timeliness.as_str()),
                submission_versions::minutes_late.eq(minutes_late),
                submission_versions::deadline.eq(deadline),
                submission_versions::content.eq(&content),
                submission_versions::changes
                    .eq(serde_json::to_value(&changes).map_err(|e| Error::Internal(e.to_string()))?),
            ))
            .execute(conn)
            .await?;
        let first = row.first_submitted_at.is_none();
        let updated: SubmissionRow = diesel::update(submissions::table.find(id))
            .set((
                submissions::status.eq(SubmissionStatus::Submitted.as_str()),
                submissions::first_submitted_at.eq(row.first_submitted_at.or(Some(now))),
                // A returned and resubmitted report keeps its first timeliness.
                submissions::first_timeliness.eq(if first {
                    Some(assessment.timeliness.as_str().to_owned())
                } else {
                    row.first_timeliness.clone()
                }),
                submissions::first_minutes_late.eq(if first { Some(minutes_late) } else { row.first_minutes_late }),
                submissions::last_submitted_at.eq(now),
                submissions::submit_count.eq(version),
                submissions::revision.eq(row.revision + 1),
                submissions::updated_at.eq(now),
            ))
            .returning(SubmissionRow::as_returning())
            .get_result(conn)
            .await?;
        enqueue_receipts(conn, &row, "submitted", version, now).await?;
        events::submission_changed(conn, EventType::SubmissionSubmitted, id, now).await?;
        record_transition(conn, &row, &updated, "submitted", actor, now).await
    })
    .await?;
    get(conn, id, principal).await
}

/// A review decision by the Office.
struct Review<'a> {
    to: SubmissionStatus,
    reason: Option<&'a str>,
}

async fn review(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
    decision: Review<'_>,
) -> Result<Submission> {
    let Review { to, reason } = decision;
    let (action, recorded) = if to == SubmissionStatus::Returned {
        ("return", "returned")
    } else {
        ("accept", "accepted")
    };
    conn.transaction(async |conn| -> Result<()> {
        let row = find_row(conn, id, true).await?;
        check_can_read(principal, row.unit_id)?;
        check_admin(principal, action)?;
        let status = parse_stored::<SubmissionStatus>(&row.status)?;
        if status != SubmissionStatus::Submitted {
            return Err(Error::conflict(
                "invalid_transition",
                format!(
                    "cannot {action} a {status} submission; only submitted reports are reviewed"
                ),
            ));
        }
        let returned = to == SubmissionStatus::Returned;
        let updated: SubmissionRow = diesel::update(submissions::table.find(id))
            .set((
                submissions::status.eq(to.as_str()),
                // The last return reason stays on record after an acceptance.
                submissions::return_reason
                    .eq(reason.map(str::to_owned).or(row.return_reason.clone())),
                submissions::returned_at.eq(if returned { Some(now) } else { row.returned_at }),
                submissions::accepted_at.eq(if returned { row.accepted_at } else { Some(now) }),
                submissions::revision.eq(row.revision + 1),
                submissions::updated_at.eq(now),
            ))
            .returning(SubmissionRow::as_returning())
            .get_result(conn)
            .await?;
        enqueue_receipts(conn, &row, recorded, updated.revision, now).await?;
        let event = if returned {
            EventType::SubmissionReturned
        } else {
            EventType::SubmissionAccepted
        };
        events::submission_changed(conn, event, id, now).await?;
        record_transition(conn, &row, &updated, recorded, actor, now).await
    })
    .await?;
    get(conn, id, principal).await
}

/// `submitted → returned`, with the reason the unit will see.
pub async fn return_for_changes(
    conn: &mut AsyncPgConnection,
    id: i64,
    reason: &str,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Submission> {
    let mut check = Checker::new();
    check.text("reason", reason, 2000);
    check.finish()?;
    let decision = Review {
        to: SubmissionStatus::Returned,
        reason: Some(reason.trim()),
    };
    review(conn, id, principal, actor, now, decision).await
}

/// `submitted → accepted`.
pub async fn accept(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Submission> {
    let decision = Review {
        to: SubmissionStatus::Accepted,
        reason: None,
    };
    review(conn, id, principal, actor, now, decision).await
}

pub async fn versions(
    conn: &mut AsyncPgConnection,
    id: i64,
    page: PageParams,
    principal: &Principal,
) -> Result<SubmissionVersionPage> {
    let (page, per_page) = page.validate()?;
    let row = find_row(conn, id, false).await?;
    check_can_read(principal, row.unit_id)?;
    let total: i64 = submission_versions::table
        .filter(submission_versions::submission_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    type VersionTuple = (
        i32,
        DateTime<Utc>,
        String,
        String,
        i32,
        DateTime<Utc>,
        Value,
        Value,
    );
    let rows: Vec<VersionTuple> = submission_versions::table
        .filter(submission_versions::submission_id.eq(id))
        .order(submission_versions::version.desc())
        .limit(per_page)
        .offset(PageParams::offset(page, per_page))
        .select((
            submission_versions::version,
            submission_versions::submitted_at,
            submission_versions::submitted_by,
            submission_versions::timeliness,
            submission_versions::minutes_late,
            submission_versions::deadline,
            submission_versions::content,
            submission_versions::changes,
        ))
        .load(conn)
        .await?;
    let items = rows
        .into_iter()
        .map(
            |(
                version,
                submitted_at,
                submitted_by,
                timeliness,
                minutes_late,
                deadline,
                content,
                changes,
            )| {
                let changes: Vec<BTreeMap<String, Value>> = serde_json::from_value(changes)
                    .map_err(|e| Error::Internal(format!("stored changes: {e}")))?;
                Ok(SubmissionVersion {
                    version,
                    submitted_at: local(submitted_at),
                    submitted_by,
                    timeliness: parse_timeliness(&timeliness)?,
                    minutes_late,
                    deadline: local(deadline),
                    content,
                    changes: changes
                        .into_iter()
                        .map(|mut c| crate::model::submission::Change {
                            field: c
                                .remove("field")
                                .and_then(|f| f.as_str().map(str::to_owned))
                                .unwrap_or_default(),
                            before: c.remove("before").unwrap_or(Value::Null),
                            after: c.remove("after").unwrap_or(Value::Null),
                        })
                        .collect(),
                })
            },
        )
        .collect::<Result<_>>()?;
    Ok(SubmissionVersionPage {
        items,
        page,
        per_page,
        total,
    })
}

/// Grants (or changes) a unit's extension: its own deadline, which also lets it file after
/// the period closed.
pub async fn grant_extension(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    input: &GrantExtension,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Extension> {
    check_admin(principal, "grant an extension for")?;
    let period = period_facts(conn, period_id).await?;
    let mut check = Checker::new();
    check.text("reason", &input.reason, 2000);
    let deadline = input.deadline.with_timezone(&Utc);
    if deadline <= period.deadline {
        check.push(
            "deadline",
            "not_later",
            "an extension must be later than the period's deadline",
        );
    }
    let unit_id = units::find_id_by_code(conn, &input.unit_code).await?;
    match unit_id {
        None => check.push(
            "unit_code",
            "unknown_code",
            format!("no unit has code {:?}", input.unit_code),
        ),
        Some(unit_id) => {
            let participates: i64 = period_units::table
                .filter(period_units::period_id.eq(period_id))
                .filter(period_units::unit_id.eq(unit_id))
                .count()
                .get_result(conn)
                .await?;
            if participates == 0 {
                check.push(
                    "unit_code",
                    "not_participating",
                    "this unit does not take part in the period",
                );
            }
        }
    }
    if period.status == PeriodStatus::Draft {
        return Err(Error::conflict(
            "period_not_open",
            "extensions are granted once the period is open",
        ));
    }
    check.finish()?;
    let unit_id = unit_id.ok_or(Error::not_found("unit"))?;
    conn.transaction(async |conn| -> Result<Extension> {
    let previous: Option<(DateTime<Utc>, String)> = period_extensions::table
        .find((period_id, unit_id))
        .for_update()
        .select((period_extensions::deadline, period_extensions::reason))
        .first(conn)
        .await
        .optional()?;
    diesel::insert_into(period_extensions::table)
        .values((
            period_extensions::period_id.eq(period_id),
            period_extensions::unit_id.eq(unit_id),
            period_extensions::deadline.eq(deadline),
            period_extensions::reason.eq(input.reason.trim()),
            period_extensions::granted_at.eq(now),
            period_extensions::granted_by.eq(&principal.name),
        ))
        .on_conflict((period_extensions::period_id, period_extensions::unit_id))
        .do_update()
        .set((
            period_extensions::deadline.eq(deadline),
            period_extensions::reason.eq(input.reason.trim()),
            period_extensions::granted_at.eq(now),
            period_extensions::granted_by.eq(&principal.name),
        ))
        .execute(conn)
        .await?;
    let view = |deadline: DateTime<Utc>, reason: &str| {
        json!({"extensions": {&input.unit_code: {"deadline": local(deadline), "reason": reason}}})
    };
    let before = previous.map_or(json!({"extensions": {&input.unit_code: null}}), |(d, r)| view(d, &r));
    let entry = Entry::changed_json(
        EntityType::Period,
        period_id,
        "extension_granted",
        &before,
        &view(deadline, input.reason.trim()),
    );
    audit::record_opt(conn, actor, now, entry).await?;
    Ok(Extension {
        unit_code: input.unit_code.clone(),
        deadline: local(deadline),
        reason: input.reason.trim().to_owned(),
        granted_at: local(now),
        granted_by: principal.name.clone(),
    })
    })
    .await
}

pub async fn extensions(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    page: PageParams,
    principal: &Principal,
) -> Result<ExtensionPage> {
    let (page, per_page) = page.validate()?;
    period_facts(conn, period_id).await?;
    let own_unit = (principal.role == Role::Reporter).then_some(principal.unit_id.unwrap_or(-1));
    let query = || {
        let mut query = period_extensions::table
            .inner_join(units_table::table)
            .filter(period_extensions::period_id.eq(period_id))
            .into_boxed();
        if let Some(own) = own_unit {
            query = query.filter(period_extensions::unit_id.eq(own));
        }
        query
    };
    let total: i64 = query().count().get_result(conn).await?;
    type ExtensionTuple = (String, DateTime<Utc>, String, DateTime<Utc>, String);
    let rows: Vec<ExtensionTuple> = query()
        .order(units_table::code.asc())
        .limit(per_page)
        .offset(PageParams::offset(page, per_page))
        .select((
            units_table::code,
            period_extensions::deadline,
            period_extensions::reason,
            period_extensions::granted_at,
            period_extensions::granted_by,
        ))
        .load(conn)
        .await?;
    Ok(ExtensionPage {
        items: rows
            .into_iter()
            .map(
                |(unit_code, deadline, reason, granted_at, granted_by)| Extension {
                    unit_code,
                    deadline: local(deadline),
                    reason,
                    granted_at: local(granted_at),
                    granted_by,
                },
            )
            .collect(),
        page,
        per_page,
        total,
    })
}

/// One participating unit as the compliance board reads it: only the columns the board
/// shows, so a 5,000-unit period costs one narrow query.
#[derive(Debug, Clone, Queryable)]
struct BoardRow {
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    submission_id: Option<i64>,
    status: Option<String>,
    first_submitted_at: Option<DateTime<Utc>>,
    first_timeliness: Option<String>,
    first_minutes_late: Option<i32>,
    submit_count: Option<i32>,
    extension: Option<DateTime<Utc>>,
}

async fn board_rows(mut conn: &AsyncPgConnection, period_id: i64) -> Result<Vec<BoardRow>> {
    Ok(period_units::table
        .inner_join(units_table::table)
        .left_join(
            submissions::table.on(submissions::period_id
                .eq(period_units::period_id)
                .and(submissions::unit_id.eq(period_units::unit_id))),
        )
        .left_join(
            period_extensions::table.on(period_extensions::period_id
                .eq(period_units::period_id)
                .and(period_extensions::unit_id.eq(period_units::unit_id))),
        )
        .filter(period_units::period_id.eq(period_id))
        .order(units_table::code.asc())
        .select((
            units_table::id,
            units_table::code,
            units_table::name,
            submissions::id.nullable(),
            submissions::status.nullable(),
            submissions::first_submitted_at.nullable(),
            submissions::first_timeliness.nullable(),
            submissions::first_minutes_late.nullable(),
            submissions::submit_count.nullable(),
            period_extensions::deadline.nullable(),
        ))
        .load(&mut conn)
        .await?)
}

async fn period_title(mut conn: &AsyncPgConnection, period_id: i64) -> Result<String> {
    Ok(periods::table
        .find(period_id)
        .select(periods::title)
        .first(&mut conn)
        .await?)
}

fn board_standing(standing: compliance_rules::Standing) -> Standing {
    match standing {
        compliance_rules::Standing::Reported(Timeliness::Early) => Standing::Early,
        compliance_rules::Standing::Reported(Timeliness::OnTime) => Standing::OnTime,
        compliance_rules::Standing::Reported(Timeliness::Late) => Standing::Late,
        compliance_rules::Standing::Pending => Standing::Pending,
        compliance_rules::Standing::Missing { .. } => Standing::Missing,
    }
}

/// The counter that moves whenever a compliance board or a consolidated report could change
/// (migration `2026-12-02-000100_board_generation`): read it before the data a cached value is
/// computed from.
pub async fn board_generation(conn: &mut AsyncPgConnection) -> Result<i64> {
    Ok(board_generation::table
        .select(board_generation::generation)
        .first(conn)
        .await?)
}

/// Which consolidated report: the period, the reports counted and the subtree.
type ConsolidationKey = (i64, ConsolidationScope, Option<String>);

/// Computed boards kept in memory between requests, current as long as the database's board
/// generation has not moved. A compliance board depends on the instant it is read at, so what
/// is kept is what it is computed from (one narrow row per unit), not the answer.
#[derive(Debug)]
pub struct BoardCaches {
    compliance: GenerationCache<i64, Arc<BoardInputs>>,
    consolidation: GenerationCache<ConsolidationKey, Arc<Consolidation>>,
}

impl BoardCaches {
    /// Caches holding at most `capacity` boards and `capacity` reports (0 turns them off).
    pub fn new(capacity: usize) -> Self {
        Self {
            compliance: GenerationCache::new(capacity),
            consolidation: GenerationCache::new(capacity),
        }
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
    refuse_reporters(principal, "the compliance board")?;
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
    refuse_reporters(principal, "the compliance board")?;
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

/// The whole compliance board, every unit on one page (for the filing manifest).
pub async fn compliance_of_all_units(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    as_of: DateTime<Utc>,
    principal: &Principal,
) -> Result<ComplianceBoard> {
    refuse_reporters(principal, "the compliance board")?;
    let inputs = board_inputs(conn, period_id).await?;
    board(&inputs, as_of, None, None)
}

/// What a period's compliance board is computed from, whatever the instant.
#[derive(Debug)]
pub struct BoardInputs {
    period_id: i64,
    period: PeriodFacts,
    title: String,
    rows: Vec<BoardUnit>,
    escalation_levels: HashMap<i64, EscalationLevel>,
}

/// A board row with its stored texts parsed once, not on every read of a kept board.
#[derive(Debug)]
struct BoardUnit {
    row: BoardRow,
    status: Option<SubmissionStatus>,
    timeliness: Option<Timeliness>,
}

async fn board_inputs(conn: &AsyncPgConnection, period_id: i64) -> Result<BoardInputs> {
    // The period first: an unknown one is 404 before anything else is read.
    let period = period_facts(conn, period_id).await?;
    let (title, rows, escalation_levels) = futures_util::try_join!(
        period_title(conn, period_id),
        board_rows(conn, period_id),
        schedule::levels(conn, period_id),
    )?;
    let rows = rows
        .into_iter()
        .map(|row| {
            Ok(BoardUnit {
                status: row.status.as_deref().map(parse_stored).transpose()?,
                timeliness: row
                    .first_timeliness
                    .as_deref()
                    .map(parse_timeliness)
                    .transpose()?,
                row,
            })
        })
        .collect::<Result<Vec<_>>>()?;
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
fn board(
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
            first_submitted_at: unit.row.first_submitted_at,
            timeliness: unit.timeliness,
            deadline: unit.row.extension.unwrap_or(period.deadline),
        };
        standings.push(compliance_rules::standing(&report, as_of));
        match unit.status {
            Some(SubmissionStatus::Accepted) => accepted += 1,
            Some(SubmissionStatus::Returned) => returned += 1,
            _ => {}
        }
    }
    let totals = compliance_rules::totals(&standings);
    let matching: Vec<(&BoardUnit, compliance_rules::Standing)> = rows
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
        .map(|(unit, standing)| {
            let reported = matches!(standing, compliance_rules::Standing::Reported(_));
            let row = &unit.row;
            ComplianceRow {
                unit_id: row.unit_id,
                unit_code: row.unit_code.clone(),
                unit_name: row.unit_name.clone(),
                standing: board_standing(standing),
                submission_id: row.submission_id,
                status: unit.status,
                first_submitted_at: row.first_submitted_at.filter(|_| reported).map(local),
                timeliness: unit.timeliness.filter(|_| reported),
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
    refuse_reporters(principal, "the consolidated report")?;
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
    refuse_reporters(principal, "the consolidated report")?;
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

async fn consolidate(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    query: &ConsolidationQuery,
    with_breakdown: bool,
) -> Result<Consolidation> {
    let period = period_facts(conn, period_id).await?;
    let scope = query.include.unwrap_or(ConsolidationScope::Accepted);
    let statuses: Vec<&str> = match scope {
        ConsolidationScope::Accepted => vec![SubmissionStatus::Accepted.as_str()],
        ConsolidationScope::Submitted => vec![
            SubmissionStatus::Submitted.as_str(),
            SubmissionStatus::Accepted.as_str(),
        ],
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
    let included_query = || {
        let mut query = submissions::table
            .filter(submissions::period_id.eq(period_id))
            .filter(submissions::status.eq_any(statuses.clone()))
            .into_boxed();
        if let Some(ids) = &subtree {
            query = query.filter(submissions::unit_id.eq_any(ids.clone()));
        }
        query
    };
    let conn: &AsyncPgConnection = conn;
    let (title, included, indicators) = futures_util::try_join!(
        period_title(conn, period_id),
        async {
            let mut conn = conn;
            Ok::<_, Error>(
                included_query()
                    .inner_join(units_table::table)
                    .order(units_table::code.asc())
                    .select((submissions::id, units_table::code, units_table::name))
                    .load::<(i64, String, String)>(&mut conn)
                    .await?,
            )
        },
        period_indicators_of(conn, period_id),
    )?;
    let definitions = indicators
        .iter()
        .map(|facts| Ok((facts.version.definition()?, facts.version.spec()?)))
        .collect::<Result<Vec<_>>>()?;
    let position: HashMap<i64, usize> = indicators
        .iter()
        .enumerate()
        .map(|(i, facts)| (facts.indicator_id, i))
        .collect();
    let mut running: Vec<RunningConsolidation> = definitions
        .iter()
        .map(|(def, _)| RunningConsolidation::new(def.kind, def.target.as_ref()))
        .collect();
    let mut breakdowns: Vec<Vec<UnitContribution>> = vec![Vec::new(); indicators.len()];
    let mut discrepancies: Vec<Vec<Discrepancy>> = vec![Vec::new(); indicators.len()];
    // The values stream in, in whatever order the plan gives (no sort of 120,000 rows), and are
    // folded as they come, so memory does not grow with units × indicators; the lists are put
    // in unit-code order at the end.
    let mut values_query = submission_values::table
        .inner_join(submissions::table.inner_join(units_table::table))
        .filter(submissions::period_id.eq(period_id))
        .filter(submissions::status.eq_any(statuses.clone()))
        .into_boxed();
    if let Some(ids) = &subtree {
        values_query = values_query.filter(submissions::unit_id.eq_any(ids.clone()));
    }
    let mut stream_conn = conn;
    let mut rows = values_query
        .select((ValueRow::as_select(), units_table::code, units_table::name))
        .load_stream::<(ValueRow, String, String)>(&mut stream_conn)
        .await?;
    while let Some((row, unit_code, unit_name)) = rows.try_next().await? {
        let Some(&i) = position.get(&row.indicator_id) else {
            continue;
        };
        let (def, spec) = &definitions[i];
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
        running[i].add(&unit_code, &value);
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
    let rolled: Vec<_> = running
        .into_iter()
        .map(RunningConsolidation::finish)
        .collect();
    let indicators = definitions
        .into_iter()
        .zip(rolled)
        .zip(breakdowns.into_iter().zip(discrepancies))
        .map(
            |(((def, _), rolled), (breakdown, discrepancies))| ConsolidatedIndicator {
                code: def.code,
                name: def.name,
                kind: def.kind,
                unit_of_measure: def.unit_of_measure,
                target: def.target,
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
