//! Who the holder of a verified access token is to this service: a role and, for a unit's
//! people, their unit.
//!
//! In order:
//! 1. `CCHC_OIDC_ROLE_RULES` (e.g. `groups:cchc-office=admin;groups:cchc-leadership=viewer`):
//!    the first rule the token's claims satisfy gives its role, for the Office and the
//!    leadership, who are no unit's contacts.
//! 2. The units' contacts, by the e-mail in `CCHC_OIDC_EMAIL_CLAIM` (compared without regard
//!    to case): a unit's focal person, or else its head, is a `reporter` of that unit. The
//!    head files and submits for the unit as its focal persons do (they answer for the
//!    report); the Office reviews. Only active units count.
//! 3. Nothing else: 403 `unknown_person`, naming the claim and the value not found.
//!
//! The contacts are read on every request, never cached: a person the Office moves to
//! another unit (or removes) loses the old unit's access with their next request.

use cchc_db::units::{self, ContactOfPerson};
use cchc_domain::model::audit::Person;
use cchc_domain::model::token::Role;
use cchc_domain::model::unit::ContactRole;
use diesel_async::AsyncPgConnection;
use serde_json::Value;

use super::settings::OidcSettings;
use super::verify::Verified;
use crate::authz::Principal;

/// Why a verified person is let in to nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PersonRefused {
    /// Neither a rule nor a unit's contacts know them: 403 `unknown_person`.
    #[error("{0}")]
    Unknown(String),
    /// They are the contact of several units: 403 `ambiguous_person`.
    #[error("{0}")]
    Ambiguous(String),
}

/// A person as the service knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identified {
    /// Their rights; `token_id` 0 (no API token).
    pub principal: Principal,
    /// Who the audit trail names.
    pub person: Person,
}

/// Maps `token` to a role and unit (see the module's text).
pub async fn identify(
    conn: &mut AsyncPgConnection,
    settings: &OidcSettings,
    token: &Verified,
) -> cchc_domain::Result<Result<Identified, PersonRefused>> {
    let email = token
        .claims
        .get(&settings.email_claim)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|email| !email.is_empty());
    let claimed_name = token
        .claims
        .get("name")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|name| !name.is_empty());
    let person = |contact_name: Option<&str>| Person {
        name: claimed_name
            .or(contact_name)
            .or(email)
            .unwrap_or(token.subject.as_str())
            .to_owned(),
        email: email.map(str::to_owned),
        subject: token.subject.clone(),
        issuer: token.issuer.clone(),
    };
    if let Some(rule) = settings
        .role_rules
        .iter()
        .find(|rule| rule.matches(&token.claims))
    {
        let person = person(None);
        return Ok(Ok(Identified {
            principal: principal(&person, rule.role, None),
            person,
        }));
    }
    let Some(email) = email else {
        return Ok(Err(PersonRefused::Unknown(format!(
            "the access token has no {:?} claim, so the person cannot be matched to a unit's contacts, and no CCHC_OIDC_ROLE_RULES rule matches it",
            settings.email_claim
        ))));
    };
    let contacts = units::contacts_with_email(conn, email).await?;
    match choose(&contacts) {
        Ok(Some(contact)) => {
            let person = person(Some(&contact.name));
            Ok(Ok(Identified {
                principal: principal(&person, Role::Reporter, Some(contact)),
                person,
            }))
        }
        Ok(None) => Ok(Err(PersonRefused::Unknown(format!(
            "no unit has {email:?} (the token's {:?} claim) as its head or focal person, and no CCHC_OIDC_ROLE_RULES rule matches the token; the Office adds people on the units' contacts",
            settings.email_claim
        )))),
        Err(codes) => Ok(Err(PersonRefused::Ambiguous(format!(
            "{email:?} is a contact of several units ({}); a person reports for one unit, so the Office must keep them on one",
            codes.join(", ")
        )))),
    }
}

/// The unit a person reports for: where they are a focal person, else where they are head;
/// several units of the same standing are ambiguous (their codes).
fn choose(contacts: &[ContactOfPerson]) -> Result<Option<&ContactOfPerson>, Vec<String>> {
    for role in [ContactRole::FocalPerson, ContactRole::Head] {
        let mut of_role = contacts.iter().filter(|c| c.role == role);
        let Some(first) = of_role.next() else {
            continue;
        };
        let mut codes: Vec<String> = of_role
            .filter(|c| c.unit_id != first.unit_id)
            .map(|c| c.unit_code.clone())
            .collect();
        if codes.is_empty() {
            return Ok(Some(first));
        }
        codes.insert(0, first.unit_code.clone());
        codes.dedup();
        return Err(codes);
    }
    Ok(None)
}

fn principal(person: &Person, role: Role, unit: Option<&ContactOfPerson>) -> Principal {
    Principal {
        token_id: 0,
        name: person.name.clone(),
        role,
        unit_id: unit.map(|u| u.unit_id),
        unit_code: unit.map(|u| u.unit_code.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(unit_id: i64, code: &str, role: ContactRole) -> ContactOfPerson {
        ContactOfPerson {
            unit_id,
            unit_code: code.into(),
            role,
            name: "Nguyễn Thị Lan".into(),
        }
    }

    #[test]
    fn a_focal_person_outranks_a_head_and_several_units_are_ambiguous() {
        assert_eq!(choose(&[]), Ok(None));
        let head_of_a = contact(1, "A", ContactRole::Head);
        let focal_of_b = contact(2, "B", ContactRole::FocalPerson);
        assert_eq!(
            choose(&[head_of_a.clone(), focal_of_b.clone()]),
            Ok(Some(&focal_of_b))
        );
        assert_eq!(
            choose(std::slice::from_ref(&head_of_a)),
            Ok(Some(&head_of_a))
        );
        // Head and focal person of one unit: that unit.
        let focal_of_a = contact(1, "A", ContactRole::FocalPerson);
        assert_eq!(
            choose(&[head_of_a, focal_of_a.clone()]),
            Ok(Some(&focal_of_a))
        );
        assert_eq!(
            choose(&[focal_of_a, focal_of_b]),
            Err(vec!["A".to_owned(), "B".to_owned()])
        );
    }
}
