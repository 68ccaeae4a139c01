//! Links between documents and periods or reports, and the reads that follow them.

use super::{authorize_change, find_row, get};
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::drafts;
use crate::repo::{local, local_opt, periods as periods_repo, units};
use cchc_db::documents;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::document::{
    Document, DocumentLinkRole, DocumentStatus, LinkDocument, OfficialDocument,
};
use cchc_domain::model::period::PeriodStatus;
use cchc_domain::validation::Checker;
use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::json;

/// Sets a document `linked`, records the link; call inside a transaction.
pub(super) async fn mark_linked(
    conn: &mut AsyncPgConnection,
    document_id: i64,
    link: serde_json::Value,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    let before = documents::status_of(conn, document_id).await?;
    documents::set_status(conn, document_id, DocumentStatus::Linked, now).await?;
    audit::record(
        conn,
        actor,
        now,
        Entry {
            entity_type: EntityType::Document,
            entity_id: document_id.to_string(),
            action: "linked",
            before: Some(json!({ "status": before })),
            after: Some(json!({ "status": DocumentStatus::Linked, "link": link })),
        },
    )
    .await
}

/// Links a document to a unit's submission as its report; linking twice changes nothing.
/// The submission gets a new revision (its JSON now lists the document). Call inside a
/// transaction.
pub(crate) async fn link_submission(
    conn: &mut AsyncPgConnection,
    document_id: i64,
    submission_id: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    if !documents::link_to_submission(conn, document_id, submission_id, &actor.name, now).await? {
        return Ok(());
    }
    let link = json!({ "role": DocumentLinkRole::UnitReport, "submission_id": submission_id });
    mark_linked(conn, document_id, link, actor, now).await
}

/// The unit's submission for the period, created as a draft (and recorded) if it has none.
/// The caller has checked that the unit takes part. Call inside a transaction.
pub(crate) async fn find_or_create_submission(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    unit_id: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<i64> {
    if let Some(id) = drafts::start(conn, period_id, unit_id, actor, now).await? {
        return Ok(id);
    }
    cchc_db::submissions::id_of(conn, period_id, unit_id)
        .await?
        .ok_or_else(|| Error::Internal("a report that exists was not found".into()))
}

/// What a link body asks for, once checked.
pub(super) enum LinkTarget {
    Period {
        period_id: i64,
        role: DocumentLinkRole,
    },
    Submission(i64),
    UnitPeriod {
        unit_code: String,
        period_code: String,
    },
}

pub(super) fn link_target(input: &LinkDocument) -> Result<LinkTarget> {
    let forms = [
        input.period_id.is_some(),
        input.submission_id.is_some(),
        input.unit_code.is_some() || input.period_code.is_some(),
    ];
    if forms.iter().filter(|f| **f).count() != 1 {
        return Err(Error::invalid(
            "body",
            "one_target",
            "send exactly one of: period_id with role, submission_id, or unit_code with period_code",
        ));
    }
    let mut check = Checker::new();
    let target = if let Some(period_id) = input.period_id {
        match input.role {
            Some(role @ (DocumentLinkRole::LegalBasis | DocumentLinkRole::RequestLetter)) => {
                Some(LinkTarget::Period { period_id, role })
            }
            Some(DocumentLinkRole::UnitReport) => {
                check.push("role", "invalid_value", "a period link is legal_basis or request_letter; a unit's report is linked with submission_id or unit_code and period_code");
                None
            }
            None => {
                check.push(
                    "role",
                    "required",
                    "say what the document is to the period: legal_basis or request_letter",
                );
                None
            }
        }
    } else {
        if input
            .role
            .is_some_and(|role| role != DocumentLinkRole::UnitReport)
        {
            check.push(
                "role",
                "invalid_value",
                "a document linked to a submission is its unit_report",
            );
        }
        if let Some(submission_id) = input.submission_id {
            Some(LinkTarget::Submission(submission_id))
        } else {
            let unit_code = input.unit_code.clone().unwrap_or_default();
            let period_code = input.period_code.clone().unwrap_or_default();
            if unit_code.trim().is_empty() {
                check.push(
                    "unit_code",
                    "required",
                    "name the unit with the period_code",
                );
            }
            if period_code.trim().is_empty() {
                check.push(
                    "period_code",
                    "required",
                    "name the period with the unit_code",
                );
            }
            Some(LinkTarget::UnitPeriod {
                unit_code,
                period_code,
            })
        }
    };
    check.finish()?;
    target.ok_or_else(|| Error::Internal("a checked link has no target".into()))
}

/// Links a document by hand (the Office): to a period as its legal basis or request letter,
/// or to a unit's submission as its report. The inbox's way out.
pub async fn link(
    conn: &mut AsyncPgConnection,
    id: i64,
    input: &LinkDocument,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Document> {
    authorize_change(principal)?;
    let target = link_target(input)?;
    conn.transaction(async |conn| -> Result<()> {
        find_row(conn, id, true).await?;
        match target {
            LinkTarget::Period { period_id, role } => {
                if !cchc_db::periods::exists(conn, period_id).await? {
                    return Err(Error::invalid(
                        "period_id",
                        "unknown_period",
                        format!("no period has id {period_id}"),
                    ));
                }
                let linked =
                    documents::link_to_period(conn, id, period_id, role, &actor.name, now).await?;
                if !linked {
                    let current = documents::period_link_role(conn, id, period_id).await?;
                    if current != role {
                        return Err(Error::conflict_on(
                            "document_already_linked",
                            "role",
                            format!("the document is already linked to this period as {current}"),
                        ));
                    }
                    return Ok(());
                }
                let link = json!({ "role": role, "period_id": period_id });
                mark_linked(conn, id, link, actor, now).await
            }
            LinkTarget::Submission(submission_id) => {
                if cchc_db::submissions::find(conn, submission_id, false)
                    .await?
                    .is_none()
                {
                    return Err(Error::invalid(
                        "submission_id",
                        "unknown_submission",
                        format!("no submission has id {submission_id}"),
                    ));
                }
                link_submission(conn, id, submission_id, actor, now).await
            }
            LinkTarget::UnitPeriod {
                unit_code,
                period_code,
            } => {
                let unit_id = units::find_id_by_code(conn, unit_code.trim()).await?;
                let period_id = periods_repo::id_by_code(conn, period_code.trim()).await?;
                let mut check = Checker::new();
                if unit_id.is_none() {
                    check.push(
                        "unit_code",
                        "unknown_code",
                        format!("no unit has code {unit_code:?}"),
                    );
                }
                if period_id.is_none() {
                    check.push(
                        "period_code",
                        "unknown_code",
                        format!("no period has code {period_code:?}"),
                    );
                }
                check.finish()?;
                let (Some(unit_id), Some(period_id)) = (unit_id, period_id) else {
                    return Err(Error::Internal("checked codes are missing".into()));
                };
                if !periods_repo::participates(conn, period_id, unit_id).await? {
                    return Err(Error::invalid(
                        "unit_code",
                        "not_participating",
                        format!(
                            "the unit {unit_code} does not take part in the period {period_code}"
                        ),
                    ));
                }
                let (_, status) = cchc_db::periods::code_and_status(conn, period_id).await?;
                if status == PeriodStatus::Draft {
                    return Err(Error::conflict(
                        "period_not_open",
                        "the period is not open yet, so its units have no reports",
                    ));
                }
                let submission_id =
                    find_or_create_submission(conn, period_id, unit_id, actor, now).await?;
                link_submission(conn, id, submission_id, actor, now).await
            }
        }
    })
    .await?;
    get(conn, id, principal).await
}

/// The official documents linked to a submission, oldest link first; no access check.
pub(crate) async fn of_submission(
    conn: &AsyncPgConnection,
    submission_id: i64,
) -> Result<Vec<OfficialDocument>> {
    Ok(documents::linked_to_submission(conn, submission_id)
        .await?
        .into_iter()
        .map(|row| OfficialDocument {
            id: row.id,
            number: row.number,
            issued_on: row.issued_on,
            subject: row.subject,
            source: row.source,
            received_at: local_opt(row.received_at),
            linked_at: local(row.linked_at),
            qlvb_import: row
                .qlvb_import
                .and_then(|stored| serde_json::from_value(stored).ok()),
        })
        .collect())
}

/// The registry's documents linked to a period: its request letter (the latest, if several)
/// and its legal basis, as the filing manifest and the report's draft cite them.
pub(crate) async fn of_period(
    conn: &mut AsyncPgConnection,
    period_id: i64,
) -> Result<(
    Option<cchc_domain::model::period::LegalDocument>,
    Vec<cchc_domain::model::period::LegalDocument>,
)> {
    let rows = documents::linked_to_period(conn, period_id).await?;
    let mut request_letter = None;
    let mut legal_basis = Vec::new();
    for (role, number, issued_on, subject) in rows {
        let document = cchc_domain::model::period::LegalDocument {
            number,
            issued_on,
            title: subject,
        };
        if role == DocumentLinkRole::RequestLetter {
            request_letter = Some(document);
        } else {
            legal_basis.push(document);
        }
    }
    Ok((request_letter, legal_basis))
}

/// Numbers of the official documents each submission of a period was sent with, oldest first.
pub(crate) async fn numbers_by_submission(
    conn: &mut AsyncPgConnection,
    period_id: i64,
) -> Result<std::collections::HashMap<i64, Vec<String>>> {
    let rows = documents::numbers_of_period_reports(conn, period_id).await?;
    let mut numbers = std::collections::HashMap::<i64, Vec<String>>::new();
    for (submission_id, number) in rows {
        numbers.entry(submission_id).or_default().push(number);
    }
    Ok(numbers)
}
