//! What a unit's body must satisfy: its QLVB code and its contacts; and codes resolved.

use diesel_async::AsyncPgConnection;

use cchc_db::units;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::unit::Contact;
use cchc_domain::validation::Checker;

const MAX_FOCAL_PERSONS: usize = 20;

/// A QLVB identifier code (mã định danh, e.g. `000.00.12.H56`), checked loosely: products
/// differ in how they write it.
pub(super) fn check_qlvb_code(check: &mut Checker, value: &str) {
    let valid = value
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && value.len() <= 40
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if !valid {
        check.push(
            "qlvb_code",
            "invalid_code",
            "must be 1 to 40 characters: letters A–Z, digits, '.' and '-', starting with a letter or digit (e.g. 000.00.12.H56)",
        );
    }
}

pub(super) fn duplicate_qlvb_code(code: &str) -> Error {
    Error::conflict_on(
        "duplicate_qlvb_code",
        "qlvb_code",
        format!("another unit already has the QLVB code {code:?}"),
    )
}

fn check_contact(check: &mut Checker, field: &str, contact: &Contact) {
    check.text(&format!("{field}.name"), &contact.name, 200);
    check.optional_text(
        &format!("{field}.position_title"),
        contact.position_title.as_deref(),
        200,
    );
    check.email(&format!("{field}.email"), &contact.email);
    if let Some(phone) = &contact.phone {
        check.phone(&format!("{field}.phone"), phone);
    }
}

pub(super) fn check_contacts(
    check: &mut Checker,
    head: Option<&Contact>,
    focal_persons: Option<&[Contact]>,
) {
    if let Some(head) = head {
        check_contact(check, "head", head);
    }
    if let Some(focal_persons) = focal_persons {
        if focal_persons.len() > MAX_FOCAL_PERSONS {
            check.push(
                "focal_persons",
                "too_many",
                format!("at most {MAX_FOCAL_PERSONS} focal persons"),
            );
        }
        for (i, person) in focal_persons.iter().enumerate() {
            check_contact(check, &format!("focal_persons[{i}]"), person);
        }
    }
}

pub(super) async fn resolve_code(
    conn: &mut AsyncPgConnection,
    field: &str,
    code: &str,
) -> Result<i64> {
    units::find_id_by_code(conn, code)
        .await?
        .ok_or_else(|| Error::invalid(field, "unknown_code", format!("no unit has code {code:?}")))
}
