//! Launching a campaign: checked whole, recorded with its rounds and criteria, audited.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::authorize_office;
use super::read::load;
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::map_unique;
use cchc_db::campaigns::{self as db, NewCampaign};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::campaign::{Campaign, CampaignSource, CreateCampaign};
use cchc_domain::rules::emulation::check_campaign;
use cchc_domain::validation::Checker;

pub async fn create(
    conn: &mut AsyncPgConnection,
    input: &CreateCampaign,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Campaign> {
    authorize_office(principal)?;
    let mut check = Checker::new();
    check_campaign(&mut check, input);
    conn.transaction(async |conn| -> Result<Campaign> {
        if let Some(document_id) = input.document_id {
            crate::repo::plans::resolve::check_documents(
                conn,
                &mut check,
                &[("document_id".to_owned(), document_id)],
            )
            .await?;
        }
        let wanted: Vec<(usize, String)> = input
            .criteria
            .iter()
            .enumerate()
            .filter_map(|(i, c)| match &c.source {
                CampaignSource::Indicator { indicator_code } => {
                    Some((i, indicator_code.trim().to_owned()))
                }
                _ => None,
            })
            .collect();
        if !wanted.is_empty() {
            let codes: Vec<String> = wanted.iter().map(|(_, c)| c.clone()).collect();
            let found = db::indicator_ratios(conn, &codes).await?;
            for (i, code) in wanted {
                let field = format!("criteria[{i}].source.indicator_code");
                match found.get(&code) {
                    None => check.push(
                        field,
                        "unknown_indicator",
                        format!("no indicator has the code {code:?}"),
                    ),
                    Some(false) => check.push(
                        field,
                        "not_a_ratio",
                        "a campaign scores a ratio indicator (a share of a whole)",
                    ),
                    Some(true) => {}
                }
            }
        }
        for (i, criterion) in input.criteria.iter().enumerate() {
            if let CampaignSource::AssessmentReadiness { assessment_code } = &criterion.source {
                let code = assessment_code.trim();
                if cchc_db::assessments::id_by_code(conn, code)
                    .await?
                    .is_none()
                {
                    check.push(
                        format!("criteria[{i}].source.assessment_code"),
                        "unknown_assessment",
                        format!("no self-assessment round has the code {code:?}"),
                    );
                }
            }
        }
        check.finish()?;
        let sources = input
            .criteria
            .iter()
            .map(|c| serde_json::to_value(&c.source))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| Error::Internal(format!("campaign source: {e}")))?;
        let code = input.code.trim();
        let new = NewCampaign {
            code,
            year: input.year,
            title: input.title.trim(),
            document_id: input.document_id,
            participation: input.participation,
            rounds: input
                .rounds
                .iter()
                .map(|r| (r.starts_on, r.ends_on, r.review_on))
                .collect(),
            criteria: input
                .criteria
                .iter()
                .zip(sources)
                .map(|(c, source)| (c.code.trim(), c.title.trim(), c.kind, c.max_points, source))
                .collect(),
        };
        let id = db::insert(conn, &new, now).await.map_err(|e| {
            map_unique(
                e,
                "duplicate_code",
                "code",
                format!("a campaign with the code {code} exists"),
            )
        })?;
        let campaign = load(conn, id).await?;
        audit::record(
            conn,
            actor,
            now,
            Entry::created(EntityType::Campaign, id, &campaign)?,
        )
        .await?;
        Ok(campaign)
    })
    .await
}
