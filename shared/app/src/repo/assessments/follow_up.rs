//! A criterion whose points were lost becomes a task in a plan (typically next year's), led by
//! the unit responsible for it, so the loss is worked on where the plan is tracked.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

use super::items::ItemRef;
use super::results::results;
use super::{authorize_office, find};
use crate::authz::Principal;
use crate::repo::submissions::BoardCaches;
use crate::repo::tasks;
use cchc_db::assessments as db;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::assessment::LostCriterionTask;
use cchc_domain::model::audit::Actor;
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::model::task::{CreateTask, TaskDetail};

/// Creates the task for criterion `item_ref` of an appraised round in `input.plan_id`.
#[allow(clippy::too_many_arguments)] // a use case's usual six, plus the cache and the policy
pub async fn task_for_lost_criterion(
    conn: &mut AsyncPgConnection,
    caches: &BoardCaches,
    item_ref: ItemRef<'_>,
    input: &LostCriterionTask,
    policy: &ReminderPolicy,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<TaskDetail> {
    authorize_office(principal)?;
    let ItemRef {
        assessment_id: id,
        code,
    } = item_ref;
    let row = find(conn, id, false).await?;
    let set = crate::repo::criteria::load(conn, row.criteria_set_id).await?;
    let criterion = set
        .criteria
        .iter()
        .find(|c| c.code == code && c.scoring.is_some())
        .ok_or(Error::not_found("criterion"))?;
    let outcome = results(conn, caches, id, principal).await?;
    let lost = outcome
        .criteria
        .iter()
        .find(|c| c.code == code)
        .map(|c| c.lost_points)
        .unwrap_or_default();
    if lost <= rust_decimal::Decimal::ZERO {
        return Err(Error::conflict(
            "criterion_not_lost",
            "the appraisal kept this criterion's self-assessed points; nothing to win back",
        ));
    }
    let responsible = match db::responsible_unit(conn, id, criterion.id).await? {
        Some(unit_id) => cchc_db::refs::unit_refs(conn, &[unit_id])
            .await?
            .remove(&unit_id)
            .map(|u| u.code),
        None => None,
    };
    let lead_unit_code = input
        .lead_unit_code
        .clone()
        .or(responsible)
        .ok_or_else(|| {
            Error::invalid(
                "lead_unit_code",
                "required",
                "no unit is responsible for this criterion; name the lead unit",
            )
        })?;
    let lost_text = lost.normalize().to_string().replace('.', ",");
    let task = CreateTask {
        code: input.code.clone().unwrap_or_else(|| format!("PAR-{code}")),
        title: format!(
            "Khắc phục tiêu chí {code} \"{}\" của Chỉ số CCHC năm {} (mất {lost_text} điểm)",
            criterion.title, row.year
        ),
        source_document_id: None,
        content_area: criterion.content_area,
        lead_unit_code,
        coordinating_unit_codes: Vec::new(),
        expected_output: Some(format!("Tài liệu kiểm chứng đầy đủ cho tiêu chí {code}")),
        start_date: None,
        due: input.due,
    };
    tasks::create_in_plan(conn, input.plan_id, &task, policy, principal, actor, now).await
}
