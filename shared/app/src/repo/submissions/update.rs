//! Changing a draft: values, narrative, evidence, under If-Match.

use cchc_db::submissions::{replace_evidence, write_values};
use cchc_domain::rules::evidence;
use cchc_domain::rules::system_figure;

use super::{
    check_editable, check_filing_window, check_revision, is_empty_input, load, read_head, reported,
    Loaded, PinnedIndicator,
};
use crate::authz;
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::pinned_versions::PinnedVersions;
use cchc_db::submissions::ValueRow;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::submission::{IfMatch, Submission, UpdateSubmission};
use cchc_domain::rules::completeness::shape_problems;
use cchc_domain::validation::{non_blank, Checker};
use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use std::collections::HashMap;

/// Changes a draft or returned submission while the unit may still file; `if_match` must name
/// the current revision.
// The connection, the versions cache, the request's parts, its caller and the clock.
#[allow(clippy::too_many_arguments)]
pub async fn update(
    conn: &mut AsyncPgConnection,
    versions: &PinnedVersions,
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
        authz::may_file_for(principal, row.unit_id)?;
        check_revision(&row, if_match)?;
        check_editable(&row)?;
        let mut loaded = load(conn, versions, head, values).await?;
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
        let writer = system_figure::writer(authz::enters_office_figures(principal));
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
            let stored = loaded
                .values
                .get(&facts.indicator_id)
                .map(ValueRow::system_figure)
                .unwrap_or_default();
            if is_empty_input(value) && system_figure::kept_office_figure(writer, stored).is_none()
            {
                new_rows.push((facts.indicator_id, None));
                continue;
            }
            let figure = system_figure::write(writer, stored, value.system_value);
            if figure.overrides_office {
                check.push(
                    format!("values.{code}.system_value"),
                    "set_by_office",
                    "the Office set this system-of-record figure; send it unchanged or leave it \
                     out",
                );
            }
            let new = ValueRow {
                submission_id: id,
                indicator_id: facts.indicator_id,
                numerator: value.numerator,
                denominator: value.denominator,
                number: value.number,
                flag: value.flag,
                text_value: non_blank(value.text.as_deref()),
                not_applicable: value.not_applicable.unwrap_or(false),
                system_value: figure.figure.value,
                system_value_source: figure.figure.source,
                explanation: non_blank(value.explanation.as_deref()),
                note: non_blank(value.note.as_deref()),
            };
            for problem in shape_problems(&facts.version.spec, &reported(&new, 0)) {
                check.push(problem.field, problem.code, problem.message);
            }
            if let Some(note) = &new.note {
                if note.chars().count() > 4000 {
                    let field = format!("values.{code}.note");
                    check.push(field, "too_long", "must be at most 4000 characters");
                }
            }
            new_rows.push((facts.indicator_id, Some(new)));
        }
        let citations = input.evidence.as_deref().map(|citations| {
            evidence::check_citations(
                &mut check,
                citations,
                |id| loaded.attachments.iter().any(|a| a.id == id),
                |code| by_code.get(code).map(|facts| facts.indicator_id),
            )
        });
        check.finish()?;

        let (upserts, cleared) = split_changes(new_rows);
        for indicator_id in &cleared {
            loaded.values.remove(indicator_id);
        }
        for row in &upserts {
            loaded.values.insert(row.indicator_id, row.clone());
        }
        if let Some(citations) = &citations {
            loaded.evidence = citations
                .iter()
                .map(|c| (c.indicator_id, c.citation.clone()))
                .collect();
        }
        let narrative = match &input.narrative {
            Some(narrative) => non_blank(narrative.as_deref()),
            None => row.narrative.clone(),
        };
        // Everything the writes leave is known now, so is the trail's "after": the writes go
        // out together (one round trip) and the answer needs no second read.
        loaded.row.narrative = narrative.clone();
        let entry = Entry::changed_json(
            EntityType::Submission,
            id,
            "updated",
            &before,
            &loaded.content(),
        );
        let shared: &AsyncPgConnection = conn;
        let ((), (), updated, ()) = futures_util::try_join!(
            write_values(shared, id, &upserts, &cleared),
            async {
                if let Some(citations) = &citations {
                    replace_evidence(shared, id, citations).await?;
                }
                Ok::<_, Error>(())
            },
            cchc_db::submissions::set_narrative(
                shared,
                id,
                narrative.as_deref(),
                row.revision + 1,
                now
            ),
            audit::record_opt(shared, actor, now, entry),
        )?;
        loaded.row = updated;
        Ok(loaded)
    })
    .await
    .map(|loaded| loaded.to_api())
}

/// Splits a PATCH's value changes into rows to write and indicators to clear.
pub(super) fn split_changes(changes: Vec<(i64, Option<ValueRow>)>) -> (Vec<ValueRow>, Vec<i64>) {
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

/// Checks, without writing, what [`update`] checks before it looks at the changes: the caller
/// may change the submission, `if_match` names its current revision, and it is editable while
/// the unit may file. A file import runs it before reading the file, so its answers come in
/// the same order as `PATCH`'s; `update` checks again under its lock.
pub async fn check_update(
    conn: &mut AsyncPgConnection,
    versions: &PinnedVersions,
    id: i64,
    if_match: &IfMatch,
    principal: &Principal,
) -> Result<Submission> {
    let (head, values) = read_head(conn, id, false).await?;
    authz::may_file_for(principal, head.row.unit_id)?;
    check_revision(&head.row, if_match)?;
    check_editable(&head.row)?;
    let loaded = load(conn, versions, head, values).await?;
    check_filing_window(&loaded.period, loaded.extension.is_some())?;
    Ok(loaded.to_api())
}
