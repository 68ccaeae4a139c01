//! A change to a plan: a draft or an issued plan; a closed one changes no more.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::create::{check_own_fields, working_group_json};
use super::resolve::{resolve, Parts};
use super::{authorize_change, load};
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use cchc_db::plans::{self, PlanValues};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::plan::{Plan, PlanStatus, UpdatePlan};
use cchc_domain::validation::{non_blank, Checker};

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: i64,
    input: &UpdatePlan,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Plan> {
    authorize_change(principal)?;
    conn.transaction(async |conn| -> Result<Plan> {
        let row = plans::find(conn, id, true)
            .await?
            .ok_or(Error::not_found("plan"))?;
        if row.status == PlanStatus::Closed {
            return Err(Error::conflict(
                "plan_closed",
                "the plan is closed; it changes no more",
            ));
        }
        let before = load(conn, id).await?;
        let mut check = Checker::new();
        if input.year.is_some() && row.status != PlanStatus::Draft {
            check.push(
                "year",
                "locked_when_issued",
                "cannot change once the plan is issued",
            );
        }
        if row.status == PlanStatus::Issued && input.document_id == Some(None) {
            check.push(
                "document_id",
                "required_when_issued",
                "an issued plan keeps its document",
            );
        }
        let year = input.year.unwrap_or(row.year);
        let title = input.title.as_deref().unwrap_or(&row.title);
        let description = match &input.description {
            Some(d) => non_blank(d.as_deref()),
            None => row.description.clone(),
        };
        let working_group = match &input.working_group {
            Some(group) => group.clone(),
            None => before.working_group.clone(),
        };
        check_own_fields(
            &mut check,
            year,
            title,
            description.as_deref(),
            &working_group,
        );
        let document_id = input.document_id.unwrap_or(row.document_id);
        let current_basis = plans::legal_basis(conn, id).await?;
        let legal_basis = input
            .legal_basis_document_ids
            .as_deref()
            .unwrap_or(&current_basis);
        let parts = Parts {
            document_id,
            legal_basis,
            areas: input.areas.as_deref().unwrap_or_default(),
            targets: input.targets.as_deref().unwrap_or_default(),
        };
        let resolved = resolve(conn, &mut check, &parts).await?;
        check.finish()?;
        let working_group = working_group_json(&working_group)?;
        let values = PlanValues {
            code: &row.code,
            year,
            title: title.trim(),
            description: description.as_deref(),
            document_id,
            working_group: &working_group,
        };
        plans::update(conn, id, &values, now).await?;
        if let Some(basis) = &input.legal_basis_document_ids {
            plans::replace_legal_basis(conn, id, basis).await?;
        }
        if input.areas.is_some() {
            plans::replace_areas(conn, id, &resolved.areas).await?;
        }
        if input.targets.is_some() {
            plans::replace_targets(conn, id, &resolved.targets).await?;
        }
        let after = load(conn, id).await?;
        let entry = Entry::changed(EntityType::Plan, id, "updated", &before, &after)?;
        audit::record_opt(conn, actor, now, entry).await?;
        Ok(after)
    })
    .await
}
