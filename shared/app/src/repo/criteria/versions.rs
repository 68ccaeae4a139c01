//! Editing a published criteria set. While no round was sent against it, the set is
//! rewritten in place; once one was, the sent round keeps what it was scored against and the
//! edit becomes the set's next version (same code), which new rounds use. Either way the open
//! rounds follow the edit: a part whose criterion is still a leaf keeps its unit, score and
//! evidence (its score is cleared when the criterion's points or scoring changed), a part
//! whose criterion left is removed, and a new leaf gets a pending part.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

use super::input::{check_input, criterion_values, set_values, taken_code, Replaced};
use super::load;
use crate::repo::assessments::default_unit;
use crate::repo::audit::{self, Entry};
use cchc_db::assessments as rounds_db;
use cchc_db::criteria::{self as db, CriteriaSetRow};
use cchc_db::criteria_versions as versions;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::assessment::AssessmentStatus;
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::criteria::{CreateCriteriaSet, CriteriaSet, Criterion};

/// What an edit did to one open round's parts.
#[derive(Debug, Default, serde::Serialize)]
struct PartChanges {
    criteria_set_id: i64,
    removed: Vec<String>,
    added: Vec<String>,
    cleared: Vec<String>,
}

impl PartChanges {
    fn any(&self) -> bool {
        !(self.removed.is_empty() && self.added.is_empty() && self.cleared.is_empty())
    }
}

/// Edits published set `row` (locked) to `input`: a superseded version and a new code are
/// refused before the input is checked.
pub(super) async fn edit_published(
    conn: &mut AsyncPgConnection,
    row: CriteriaSetRow,
    input: &CreateCriteriaSet,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Replaced> {
    if row.superseded_at.is_some() {
        let newer = versions::successor_of(conn, row.id).await?;
        let detail = match newer {
            Some((id, version)) => format!(
                "version {} of this set was replaced by version {version} (set {id}): edit that one",
                row.version
            ),
            None => "a newer version of this set replaced it".to_owned(),
        };
        return Err(Error::conflict("criteria_set_superseded", detail));
    }
    if input.code.trim() != row.code {
        return Err(Error::invalid(
            "code",
            "code_fixed",
            format!(
                "a published set keeps its code {}: create a new set for another code",
                row.code
            ),
        ));
    }
    check_input(conn, input).await?;
    let before = load(conn, row.id).await?;
    let rounds = versions::rounds_on_set(conn, row.id).await?;
    let was_sent = rounds.iter().any(|(_, s)| *s != AssessmentStatus::Open);
    let open: Vec<i64> = rounds
        .iter()
        .filter(|(_, s)| *s == AssessmentStatus::Open)
        .map(|(id, _)| *id)
        .collect();
    let leaves: HashSet<&str> = input
        .criteria
        .iter()
        .filter(|c| c.scoring.is_some())
        .map(|c| c.code.trim())
        .collect();
    let old_by_id: HashMap<i64, &Criterion> = before.criteria.iter().map(|c| (c.id, c)).collect();
    let parts = versions::parts_of(conn, &open).await?;
    let mut changes: HashMap<i64, PartChanges> = HashMap::new();
    let mut gone = Vec::new();
    let mut kept = Vec::new();
    for (part, round, criterion) in parts {
        let Some(old) = old_by_id.get(&criterion) else {
            return Err(Error::Internal(format!(
                "part {part} names criterion {criterion} outside its set"
            )));
        };
        if leaves.contains(old.code.as_str()) {
            kept.push((part, round, *old));
        } else {
            gone.push(part);
            changes
                .entry(round)
                .or_default()
                .removed
                .push(old.code.clone());
        }
    }
    // Parts first: a removed criterion's row cannot go while a part names it.
    versions::delete_parts(conn, &gone).await?;
    let values = set_values(input)?;
    let target = if was_sent {
        versions::mark_superseded(conn, row.id, now).await?;
        let id = versions::insert_version(conn, &row, &values, now)
            .await
            .map_err(|e| taken_code(e, values.code))?;
        db::replace_criteria(conn, id, &criterion_values(input)?).await?;
        versions::move_rounds(conn, &open, id, now).await?;
        id
    } else {
        db::update_set(conn, row.id, &values, now)
            .await
            .map_err(|e| taken_code(e, values.code))?;
        versions::sync_criteria(conn, row.id, &criterion_values(input)?).await?;
        row.id
    };
    let after = load(conn, target).await?;
    follow(conn, &after, &open, kept, &mut changes).await?;
    record(conn, actor, now, (&before, &after), &open, changes).await?;
    Ok(if was_sent {
        Replaced::NewVersion(after)
    } else {
        Replaced::Rewritten(after)
    })
}

/// Points the kept parts of the open rounds at `after`'s criteria, clears the scores whose
/// criterion's points or scoring changed, and adds a pending part for every new leaf.
async fn follow(
    conn: &mut AsyncPgConnection,
    after: &CriteriaSet,
    open: &[i64],
    kept: Vec<(i64, i64, &Criterion)>,
    changes: &mut HashMap<i64, PartChanges>,
) -> Result<()> {
    let new_leaves: HashMap<&str, &Criterion> = after
        .criteria
        .iter()
        .filter(|c| c.scoring.is_some())
        .map(|c| (c.code.as_str(), c))
        .collect();
    let mut covered: HashMap<i64, HashSet<&str>> = HashMap::new();
    let mut cleared = Vec::new();
    for (part, round, old) in kept {
        let Some(new) = new_leaves.get(old.code.as_str()) else {
            continue;
        };
        covered.entry(round).or_default().insert(new.code.as_str());
        if new.id != old.id {
            versions::retarget_part(conn, part, new.id).await?;
        }
        if new.max_points != old.max_points || new.scoring != old.scoring {
            cleared.push(part);
            changes
                .entry(round)
                .or_default()
                .cleared
                .push(new.code.clone());
        }
    }
    versions::reset_parts(conn, &cleared).await?;
    let leads = rounds_db::area_leads(conn, after.year).await?;
    let mut added = Vec::new();
    for round in open {
        let has = covered.get(round);
        for leaf in after.criteria.iter().filter(|c| c.scoring.is_some()) {
            if has.is_some_and(|codes| codes.contains(leaf.code.as_str())) {
                continue;
            }
            added.push((*round, leaf.id, default_unit(leaf, &leads)));
            changes
                .entry(*round)
                .or_default()
                .added
                .push(leaf.code.clone());
        }
    }
    versions::insert_parts(conn, &added).await
}

/// The audit trail: the set rewritten, or its new version and the old one superseded; and
/// every open round whose parts (or set) changed.
async fn record(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    (before, after): (&CriteriaSet, &CriteriaSet),
    open: &[i64],
    mut changes: HashMap<i64, PartChanges>,
) -> Result<()> {
    let new_version = before.id != after.id;
    if new_version {
        audit::record(
            conn,
            actor,
            now,
            Entry::created(EntityType::CriteriaSet, after.id, after)?,
        )
        .await?;
        let superseded = Entry {
            entity_type: EntityType::CriteriaSet,
            entity_id: before.id.to_string(),
            action: "superseded",
            before: None,
            after: Some(serde_json::json!({
                "superseded_by_id": after.id,
                "version": after.version,
            })),
        };
        audit::record(conn, actor, now, superseded).await?;
    } else if let Some(entry) =
        Entry::changed(EntityType::CriteriaSet, after.id, "updated", before, after)?
    {
        audit::record(conn, actor, now, entry).await?;
    }
    for round in open {
        let mut change = changes.remove(round).unwrap_or_default();
        change.criteria_set_id = after.id;
        if !(change.any() || new_version) {
            continue;
        }
        let entry = Entry {
            entity_type: EntityType::Assessment,
            entity_id: round.to_string(),
            action: "criteria_changed",
            before: Some(serde_json::json!({ "criteria_set_id": before.id })),
            after: Some(audit::snapshot(&change)?),
        };
        audit::record(conn, actor, now, entry).await?;
    }
    Ok(())
}
