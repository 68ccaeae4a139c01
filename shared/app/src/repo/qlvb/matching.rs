//! Which unit sent a received document and which period it answers, as far as our records
//! know; the decision itself is the pure rule `rules::document_match`.

use diesel_async::AsyncPgConnection;

use crate::repo::units;
use cchc_db::periods;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::document::QlvbDocument;
use cchc_domain::rules::document_match::{Candidate, PeriodLookup, Sender};
use cchc_domain::rules::document_number;

/// The sender as far as our units know it.
pub(super) async fn sender_facts(
    conn: &mut AsyncPgConnection,
    document: &QlvbDocument,
) -> Result<Sender> {
    let Some(sender) = &document.sender else {
        return Ok(Sender::NotGiven);
    };
    let unit_code = sender
        .unit_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let agency_code = sender
        .agency_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let by_unit = match unit_code {
        Some(code) => Some((code, units::find_id_by_code(conn, code).await?)),
        None => None,
    };
    let by_agency = match agency_code {
        Some(code) => Some((code, units::find_id_by_qlvb_code(conn, code).await?)),
        None => None,
    };
    let unit_id = match (by_unit, by_agency) {
        (None, None) => return Ok(Sender::NotGiven),
        (Some((code, None)), _) => {
            return Ok(Sender::Unknown {
                what: format!("unit_code {code:?}"),
            })
        }
        (_, Some((code, None))) => {
            return Ok(Sender::Unknown {
                what: format!("agency_code (qlvb_code) {code:?}"),
            })
        }
        (Some((unit, Some(a))), Some((agency, Some(b)))) if a != b => {
            return Ok(Sender::Conflicting {
                what: format!("unit_code {unit:?} and agency_code {agency:?}"),
            })
        }
        (Some((_, Some(id))), _) | (None, Some((_, Some(id)))) => id,
    };
    let (unit_code, _) = cchc_db::units::code_and_name(conn, unit_id)
        .await?
        .ok_or_else(|| Error::Internal(format!("unit {unit_id} vanished while matching")))?;
    Ok(Sender::Found { unit_id, unit_code })
}

async fn candidate(conn: &mut AsyncPgConnection, period_id: i64) -> Result<Candidate> {
    let (code, status) = periods::code_and_status(conn, period_id).await?;
    let unit_ids = periods::participant_ids(conn, period_id).await?;
    Ok(Candidate {
        period_id,
        code,
        status,
        unit_ids,
    })
}

/// The period as the event names it.
pub(super) async fn period_facts(
    conn: &mut AsyncPgConnection,
    document: &QlvbDocument,
) -> Result<PeriodLookup> {
    let period_code = document
        .period_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if let Some(code) = period_code {
        let found = match crate::repo::periods::id_by_code(conn, code).await? {
            Some(id) => Some(candidate(conn, id).await?),
            None => None,
        };
        return Ok(PeriodLookup::ByCode {
            code: code.to_owned(),
            found,
        });
    }
    let Some(reply) = document
        .in_reply_to
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    else {
        return Ok(PeriodLookup::NotGiven);
    };
    let parsed = match document_number::parse(reply) {
        Ok(parsed) => parsed,
        Err(why) => {
            return Ok(PeriodLookup::ByReply {
                number: reply.to_owned(),
                invalid: Some(why.to_string()),
                letter_registered: false,
                periods: Vec::new(),
            })
        }
    };
    let canonical = parsed.to_string();
    let letters = cchc_db::documents::ids_by_number(conn, &canonical).await?;
    let period_ids = cchc_db::documents::periods_requested_by(conn, &letters).await?;
    let mut periods = Vec::new();
    for id in period_ids {
        periods.push(candidate(conn, id).await?);
    }
    Ok(PeriodLookup::ByReply {
        number: canonical,
        invalid: None,
        letter_registered: !letters.is_empty(),
        periods,
    })
}
