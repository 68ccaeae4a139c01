//! Reading a submission: the row, its values, evidence and files loaded once, and the list.

use super::{period_facts, reported, PeriodFacts, PinnedIndicator};
use crate::authz::Principal;
use crate::authz::{self, PeopleOnly};
use crate::repo::pinned_versions::PinnedVersions;
use crate::repo::{local, local_opt, units};
use cchc_db::submissions;
use cchc_db::submissions::{SubmissionRow, ValueRow};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::attachment::{Attachment, AttachmentPurpose};
use cchc_domain::model::indicator::IndicatorKind;
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::model::submission::{
    EvidenceCitation, IndicatorValue, Submission, SubmissionFilter, SubmissionPage,
    SubmissionSummary,
};
use cchc_domain::model::PageParams;
use cchc_domain::rules::completeness::{discrepancy, unit_figure, ValueKind};
use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// Everything about one submission, loaded once.
pub(super) struct Loaded {
    pub(super) row: SubmissionRow,
    pub(super) period: PeriodFacts,
    pub(super) unit_code: String,
    pub(super) unit_name: String,
    pub(super) indicators: Vec<PinnedIndicator>,
    pub(super) values: HashMap<i64, ValueRow>,
    pub(super) evidence: Vec<(Option<i64>, EvidenceCitation)>,
    pub(super) attachments: Vec<Attachment>,
    pub(super) official_documents: Vec<cchc_domain::model::document::OfficialDocument>,
    pub(super) extension: Option<DateTime<Utc>>,
}

/// A submission with what its answer needs of its period and unit, read in one statement.
pub(super) struct Head {
    pub(super) row: SubmissionRow,
    pub(super) period: PeriodFacts,
    pub(super) unit_code: String,
    pub(super) unit_name: String,
    pub(super) extension: Option<DateTime<Utc>>,
    pub(super) indicator_ids: Vec<i64>,
    pub(super) version_ids: Vec<i64>,
    pub(super) has_evidence: bool,
    pub(super) has_attachments: bool,
    pub(super) has_documents: bool,
}

/// Submission `id` as [`submissions::head`] reads it, with its period's policy checked.
pub(super) async fn head_of(conn: &AsyncPgConnection, id: i64) -> Result<Option<Head>> {
    let Some(found) = submissions::head(conn, id).await? else {
        return Ok(None);
    };
    Ok(Some(Head {
        row: found.row,
        period: PeriodFacts {
            code: found.period_code,
            status: found.period_status,
            deadline: found.period_deadline,
            policy: ReminderPolicy::from_stored(found.period_policy)?,
        },
        unit_code: found.unit_code,
        unit_name: found.unit_name,
        extension: found.extension,
        indicator_ids: found.indicator_ids,
        version_ids: found.version_ids,
        has_evidence: found.has_evidence,
        has_attachments: found.has_attachments,
        has_documents: found.has_documents,
    }))
}

/// Reads submission `id` with its period, unit and extension, and its values, in one round
/// trip. `lock` takes the row lock first, for use inside a write transaction: the statements
/// run in the order sent, so the reads after it see the row as locked.
pub(super) async fn read_head(
    conn: &AsyncPgConnection,
    id: i64,
    lock: bool,
) -> Result<(Head, Vec<ValueRow>)> {
    let (locked, head, values) = futures_util::try_join!(
        async {
            if lock {
                submissions::locked_row(conn, id).await.map(Some)
            } else {
                Ok(None)
            }
        },
        head_of(conn, id),
        submissions::values_of(conn, id),
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
pub(super) async fn load(
    conn: &AsyncPgConnection,
    versions: &PinnedVersions,
    head: Head,
    values: Vec<ValueRow>,
) -> Result<Loaded> {
    let id = head.row.id;
    let (versions, evidence, attachments, official_documents) = futures_util::try_join!(
        versions.get(conn, &head.version_ids),
        async {
            if head.has_evidence {
                submissions::evidence_of(conn, id).await
            } else {
                Ok(Vec::new())
            }
        },
        async {
            if head.has_attachments {
                cchc_db::attachments::of_submission(conn, id).await
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
    pub(super) fn deadline(&self) -> DateTime<Utc> {
        self.extension.unwrap_or(self.period.deadline)
    }

    /// Evidence for one indicator: citations naming it, and evidence files uploaded for it.
    pub(super) fn evidence_count(&self, facts: &PinnedIndicator) -> usize {
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

    pub(super) fn to_api(&self) -> Submission {
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
                IndicatorValue {
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
                    system_value_source: row.and_then(|r| r.system_value_source),
                    discrepancy: gap.map(|g| g.round_dp(4).normalize()),
                    explanation_required: gap.is_some_and(|g| g > spec.tolerance),
                    explanation: row.and_then(|r| r.explanation.clone()),
                    note: row.and_then(|r| r.note.clone()),
                    answered: row.is_some(),
                }
            })
            .collect::<Vec<_>>();
        let row = &self.row;
        Submission {
            id: row.id,
            period_id: row.period_id,
            period_code: self.period.code.clone(),
            unit_id: row.unit_id,
            unit_code: self.unit_code.clone(),
            unit_name: self.unit_name.clone(),
            status: row.status,
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
            timeliness: row.first_timeliness,
            minutes_late: row.first_minutes_late,
            last_submitted_at: local_opt(row.last_submitted_at),
            submit_count: row.submit_count,
            return_reason: row.return_reason.clone(),
            returned_at: local_opt(row.returned_at),
            accepted_at: local_opt(row.accepted_at),
            submitted_by: row.submitted_by.clone(),
            reviewed_by: row.reviewed_by.clone(),
            created_at: local(row.created_at),
            updated_at: local(row.updated_at),
            import_warnings: Vec::new(),
        }
    }

    /// The content a version records: what the unit states, by indicator code.
    pub(super) fn content(&self) -> Value {
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
    versions: &PinnedVersions,
    id: i64,
    principal: &Principal,
) -> Result<Submission> {
    authz::refuse_integrations(principal, PeopleOnly::Reports)?;
    let (head, values) = read_head(conn, id, false).await?;
    authz::may_read_unit(principal, head.row.unit_id, "submission")?;
    Ok(load(conn, versions, head, values).await?.to_api())
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    filter: &SubmissionFilter,
    page: PageParams,
    principal: &Principal,
) -> Result<SubmissionPage> {
    authz::refuse_integrations(principal, PeopleOnly::Reports)?;
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
    let own_unit = authz::unit_scope(principal).only_unit();
    let filter = submissions::ListFilter {
        status: filter.status,
        unit_id,
        own_unit_id: own_unit,
    };
    let offset = PageParams::offset(page, per_page);
    let (total, rows) =
        submissions::page_of_period(conn, period_id, filter, per_page, offset).await?;
    let items = rows
        .into_iter()
        .map(|listed| {
            let row = listed.row;
            Ok(SubmissionSummary {
                id: row.id,
                unit_code: listed.unit_code,
                unit_name: listed.unit_name,
                status: row.status,
                revision: row.revision,
                first_submitted_at: local_opt(row.first_submitted_at),
                timeliness: row.first_timeliness,
                minutes_late: row.first_minutes_late,
                submit_count: row.submit_count,
                submitted_by: row.submitted_by,
                reviewed_by: row.reviewed_by,
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
