//! Who is late and escalated: the contacts mail goes to, each unit's highest escalation
//! level, and a period's escalations for the Office.

use std::collections::HashMap;

use diesel_async::AsyncPgConnection;

use crate::authz;
use crate::authz::Principal;
use crate::repo::local;
use cchc_db::{escalations, periods, standings};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::job::{Escalation, EscalationPage, Recipient};
use cchc_domain::model::unit::ContactRole;
use cchc_domain::model::PageParams;
use cchc_domain::rules::reminders::EscalationLevel;

/// A unit's head and focal persons.
#[derive(Debug, Clone, Default)]
pub struct UnitContacts {
    pub head: Option<Recipient>,
    pub focal_persons: Vec<Recipient>,
}

pub async fn contacts_of(
    conn: &mut AsyncPgConnection,
    unit_ids: &[i64],
) -> Result<HashMap<i64, UnitContacts>> {
    let mut contacts: HashMap<i64, UnitContacts> = HashMap::new();
    for row in standings::mail_contacts(conn, unit_ids).await? {
        let entry = contacts.entry(row.unit_id).or_default();
        let recipient = Recipient {
            name: Some(row.name),
            email: row.email,
        };
        match row.role {
            ContactRole::Head => entry.head = Some(recipient),
            ContactRole::FocalPerson => entry.focal_persons.push(recipient),
        }
    }
    Ok(contacts)
}

/// The highest escalation level of each unit of a period.
pub async fn levels(
    conn: &AsyncPgConnection,
    period_id: i64,
) -> Result<HashMap<i64, EscalationLevel>> {
    let mut levels: HashMap<i64, EscalationLevel> = HashMap::new();
    for (unit_id, level) in escalations::unit_levels(conn, period_id).await? {
        let entry = levels.entry(unit_id).or_insert(level);
        *entry = (*entry).max(level);
    }
    Ok(levels)
}

/// A period's escalations, in the order they happened.
pub async fn escalations_of(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    page: PageParams,
    principal: &Principal,
) -> Result<EscalationPage> {
    authz::view_across_units(principal, "the list of escalations")?;
    let (page, per_page) = page.validate()?;
    if !periods::exists(conn, period_id).await? {
        return Err(Error::not_found("period"));
    }
    let total = escalations::count_of_period(conn, period_id).await?;
    let rows = escalations::page_of_period(
        conn,
        period_id,
        per_page,
        PageParams::offset(page, per_page),
    )
    .await?;
    let items = rows
        .into_iter()
        .map(|row| Escalation {
            unit_code: row.unit_code,
            unit_name: row.unit_name,
            level: row.level,
            deadline: local(row.deadline),
            escalated_at: local(row.escalated_at),
            minutes_late: row.minutes_late,
        })
        .collect();
    Ok(EscalationPage {
        items,
        page,
        per_page,
        total,
    })
}
