//! The outbox of integration events. A change that integrators hear about (a period opened, a
//! report submitted, a unit escalated…) calls [`emit`] inside its own transaction: the event row
//! and one delivery job per interested subscription commit with the change, or not at all. The
//! worker delivers the jobs (`webhook_delivery`).

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde::Serialize;

use crate::jobs::{BackgroundJob, WebhookDelivery};
use crate::repo::jobs;
use crate::repo::local;
use cchc_db::events;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::period::Period;
use cchc_domain::model::submission::SubmissionStatus;
use cchc_domain::model::webhook::{
    EscalationEventData, EventType, PeriodEventData, SubmissionEventData, TaskEventData,
};
use cchc_domain::rules::reminders::EscalationLevel;
use cchc_domain::rules::webhooks::new_event_id;

/// Records an event and enqueues its delivery to every active subscription that takes its
/// type. Call it inside the transaction of the change. Returns the event's id.
pub async fn emit<T: Serialize>(
    conn: &mut AsyncPgConnection,
    event_type: EventType,
    data: &T,
    now: DateTime<Utc>,
) -> Result<String> {
    let id = record(conn, event_type, data, now).await?;
    for subscription_id in events::subscribers(conn, event_type).await? {
        enqueue_delivery(conn, subscription_id, &id, None, now).await?;
    }
    Ok(id)
}

/// Records an event without delivering it (a ping is delivered to one subscription only).
pub(crate) async fn record<T: Serialize>(
    conn: &mut AsyncPgConnection,
    event_type: EventType,
    data: &T,
    now: DateTime<Utc>,
) -> Result<String> {
    let data =
        serde_json::to_value(data).map_err(|e| Error::Internal(format!("event data: {e}")))?;
    let id = new_event_id();
    events::insert(conn, &id, event_type, &data, now).await?;
    Ok(id)
}

/// Enqueues the delivery of an event to a subscription. The first delivery's key,
/// `webhook:{subscription}:{event}`, makes it happen once; a redelivery gets a key of its own
/// (`…:redelivery:{delivery}:{random}`), so every request sends again.
pub(crate) async fn enqueue_delivery(
    conn: &mut AsyncPgConnection,
    subscription_id: i64,
    event_id: &str,
    redelivery_of: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let mut key = format!("webhook:{subscription_id}:{event_id}");
    if let Some(delivery) = redelivery_of {
        key.push_str(&format!(
            ":redelivery:{delivery}:{}",
            &new_event_id()[4..12]
        ));
    }
    let job = WebhookDelivery {
        subscription_id,
        event_id: event_id.to_owned(),
        redelivery: redelivery_of.is_some(),
    }
    .to_new_job(key, now)?;
    jobs::enqueue(conn, &job, now).await
}

/// `period.opened` / `period.closed`, from the period as the transition left it.
pub async fn period_changed(
    conn: &mut AsyncPgConnection,
    event_type: EventType,
    period: &Period,
    now: DateTime<Utc>,
) -> Result<String> {
    let data = PeriodEventData {
        period_id: period.id,
        period_code: period.code.clone(),
        period_title: period.title.clone(),
        status: period.status,
        deadline: period.deadline.effective,
        unit_count: i64::try_from(period.units.len()).unwrap_or(i64::MAX),
    };
    emit(conn, event_type, &data, now).await
}

/// `submission.submitted` / `.returned` / `.accepted`, read from the submission as the change
/// left it (inside the same transaction).
pub async fn submission_changed(
    conn: &mut AsyncPgConnection,
    event_type: EventType,
    submission_id: i64,
    now: DateTime<Utc>,
) -> Result<String> {
    let facts = events::submission_facts(conn, submission_id).await?;
    let status = facts.status;
    let data = SubmissionEventData {
        submission_id: facts.submission_id,
        period_id: facts.period_id,
        period_code: facts.period_code,
        unit_id: facts.unit_id,
        unit_code: facts.unit_code,
        status,
        version: facts.version,
        deadline: local(facts.deadline),
        timeliness: facts.timeliness,
        minutes_late: facts.minutes_late,
        // The last reason stays on the record after acceptance; the event carries it only
        // when it is news.
        return_reason: facts
            .return_reason
            .filter(|_| status == SubmissionStatus::Returned),
    };
    emit(conn, event_type, &data, now).await
}

/// One escalation as `unit.escalated`.
#[derive(Debug, Clone)]
pub struct EscalationFacts<'a> {
    pub period_id: i64,
    pub period_code: &'a str,
    pub unit_id: i64,
    pub unit_code: &'a str,
    pub level: EscalationLevel,
    pub deadline: DateTime<Utc>,
    pub minutes_late: i32,
}

pub async fn unit_escalated(
    conn: &mut AsyncPgConnection,
    facts: &EscalationFacts<'_>,
    now: DateTime<Utc>,
) -> Result<String> {
    let data = EscalationEventData {
        period_id: facts.period_id,
        period_code: facts.period_code.to_owned(),
        unit_id: facts.unit_id,
        unit_code: facts.unit_code.to_owned(),
        level: facts.level,
        deadline: local(facts.deadline),
        minutes_late: facts.minutes_late,
    };
    emit(conn, EventType::UnitEscalated, &data, now).await
}

/// `task.assigned` / `.overdue` / `.completed`, read from the task as the change left it
/// (inside the same transaction).
pub async fn task_changed(
    conn: &mut AsyncPgConnection,
    event_type: EventType,
    task_id: i64,
    now: DateTime<Utc>,
) -> Result<String> {
    let row = cchc_db::tasks::find(conn, task_id, false)
        .await?
        .ok_or(Error::not_found("task"))?;
    let coordinating = cchc_db::tasks::coordinating_units(conn, &[task_id])
        .await?
        .remove(&task_id)
        .unwrap_or_default();
    let unit_ids: Vec<i64> = std::iter::once(row.lead_unit_id)
        .chain(coordinating.iter().copied())
        .collect();
    let units = cchc_db::refs::unit_refs(conn, &unit_ids).await?;
    let code_of = |id: &i64| units.get(id).map(|u| u.code.clone()).unwrap_or_default();
    let plan_code = match row.plan_id {
        Some(plan) => cchc_db::refs::plan_refs(conn, &[plan])
            .await?
            .remove(&plan)
            .map(|(code, _)| code),
        None => None,
    };
    let deadline = row.effective_deadline();
    let completed = event_type == EventType::TaskCompleted;
    let completed_at = row.declared_at.filter(|_| completed);
    let data = TaskEventData {
        task_id,
        task_code: row.code.clone(),
        title: row.title.clone(),
        plan_id: row.plan_id,
        plan_code,
        source_document_id: row.source_document_id,
        lead_unit_id: row.lead_unit_id,
        lead_unit_code: code_of(&row.lead_unit_id),
        coordinating_unit_codes: coordinating.iter().map(code_of).collect(),
        deadline: crate::repo::local_opt(deadline),
        completed_at: crate::repo::local_opt(completed_at),
        on_time: completed_at.map(|at| deadline.is_none_or(|d| at <= d)),
    };
    emit(conn, event_type, &data, now).await
}

/// Emits `assessment.sent` or `assessment.appraised` with `data`.
pub async fn assessment_changed(
    conn: &mut AsyncPgConnection,
    event_type: EventType,
    data: &cchc_domain::model::webhook::AssessmentEventData,
    now: DateTime<Utc>,
) -> Result<String> {
    emit(conn, event_type, data, now).await
}

/// Emits `campaign.round_reviewed` for round `round` of campaign `id`, reviewed with `first`
/// ranked first.
pub async fn campaign_round_reviewed(
    conn: &mut AsyncPgConnection,
    data: &cchc_domain::model::webhook::CampaignRoundEventData,
    now: DateTime<Utc>,
) -> Result<String> {
    emit(conn, EventType::CampaignRoundReviewed, data, now).await
}
