//! A new plan, as a draft.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::resolve::{resolve, Parts};
use super::{authorize_change, load};
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::map_unique;
use cchc_db::plans::{self, PlanValues};
use cchc_domain::error::Result;
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::job::Recipient;
use cchc_domain::model::plan::{CreatePlan, Plan};
use cchc_domain::validation::{non_blank, Checker};

/// At most this many mailboxes in a working group.
const MAX_WORKING_GROUP: usize = 50;

/// Checks the fields a plan has on its own (not what they name).
pub(super) fn check_own_fields(
    check: &mut Checker,
    year: i32,
    title: &str,
    description: Option<&str>,
    working_group: &[Recipient],
) {
    if !(1900..=2200).contains(&year) {
        check.push("year", "out_of_range", "must be between 1900 and 2200");
    }
    check.text("title", title, 500);
    check.optional_text("description", description, 4000);
    if working_group.len() > MAX_WORKING_GROUP {
        check.push(
            "working_group",
            "too_many",
            format!("must list at most {MAX_WORKING_GROUP} mailboxes"),
        );
    }
    let mut seen = Vec::new();
    for (i, member) in working_group.iter().enumerate() {
        let field = format!("working_group[{i}]");
        check.optional_text(&format!("{field}.name"), member.name.as_deref(), 200);
        check.email(&format!("{field}.email"), member.email.trim());
        let address = member.email.trim().to_lowercase();
        if seen.contains(&address) {
            check.push(
                format!("{field}.email"),
                "duplicate",
                "is listed twice in the working group",
            );
        }
        seen.push(address);
    }
}

/// The working group as stored: trimmed, blank names dropped.
pub(super) fn working_group_json(working_group: &[Recipient]) -> Result<serde_json::Value> {
    let cleaned: Vec<Recipient> = working_group
        .iter()
        .map(|member| Recipient {
            name: non_blank(member.name.as_deref()),
            email: member.email.trim().to_owned(),
        })
        .collect();
    serde_json::to_value(cleaned)
        .map_err(|e| cchc_domain::error::Error::Internal(format!("working group: {e}")))
}

pub async fn create(
    conn: &mut AsyncPgConnection,
    input: &CreatePlan,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Plan> {
    authorize_change(principal)?;
    let code = input.code.trim();
    let mut check = Checker::new();
    check.code("code", &code.to_uppercase(), 40, "._-");
    check_own_fields(
        &mut check,
        input.year,
        &input.title,
        input.description.as_deref(),
        &input.working_group,
    );
    let duplicate = || format!("a plan with the code {code} exists");
    conn.transaction(async |conn| -> Result<Plan> {
        let parts = Parts {
            document_id: input.document_id,
            legal_basis: &input.legal_basis_document_ids,
            areas: &input.areas,
            targets: &input.targets,
        };
        let resolved = resolve(conn, &mut check, &parts).await?;
        check.finish()?;
        let description = non_blank(input.description.as_deref());
        let working_group = working_group_json(&input.working_group)?;
        let values = PlanValues {
            code,
            year: input.year,
            title: input.title.trim(),
            description: description.as_deref(),
            document_id: input.document_id,
            working_group: &working_group,
        };
        let id = plans::insert(conn, &values, now)
            .await
            .map_err(|e| map_unique(e, "duplicate_code", "code", duplicate()))?;
        plans::replace_legal_basis(conn, id, &input.legal_basis_document_ids).await?;
        plans::replace_areas(conn, id, &resolved.areas).await?;
        plans::replace_targets(conn, id, &resolved.targets).await?;
        let plan = load(conn, id).await?;
        audit::record(
            conn,
            actor,
            now,
            Entry::created(EntityType::Plan, id, &plan)?,
        )
        .await?;
        Ok(plan)
    })
    .await
}
