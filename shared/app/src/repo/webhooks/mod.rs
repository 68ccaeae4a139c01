//! Webhook subscriptions (the Office only): reading them and their delivery log (`read`),
//! making and changing them (`create`, `update`, `delete`, `rotate_secret`), and sending to
//! them by hand (`send`: ping, redeliver). Events themselves are emitted by
//! [`crate::repo::events`]; the worker delivers them with the queries of `cchc_db::webhooks`.

mod create;
mod read;
mod send;
mod update;

use diesel_async::AsyncPgConnection;

use crate::authz;
use crate::authz::Principal;
use cchc_db::webhooks::{self, SubscriptionRow};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::webhook::EventType;
use cchc_domain::rules::webhooks::parse_event_types;
use cchc_domain::validation::Checker;

pub use create::{create, target_problem};
pub use read::{deliveries, get, list};
pub use send::{ping, redeliver};
pub use update::{delete, rotate_secret, update};

/// The first step of every change to the subscriptions: only the Office makes them. Exposed so a
/// handler refuses a caller before it looks the URL's host up or reports what is wrong with the
/// body.
pub fn authorize_change(principal: &Principal) -> Result<()> {
    authz::require_admin(principal)
}

pub(super) async fn find_row(
    conn: &mut AsyncPgConnection,
    id: i64,
    lock: bool,
) -> Result<SubscriptionRow> {
    webhooks::find(conn, id, lock)
        .await?
        .ok_or(Error::not_found("webhook"))
}

pub(super) fn check_description(check: &mut Checker, description: Option<&str>) {
    check.optional_text("description", description, 500);
}

pub(super) fn check_event_types(check: &mut Checker, types: &[String]) -> Vec<EventType> {
    match parse_event_types("event_types", types) {
        Ok(types) => types,
        Err(problems) => {
            check.extend(problems);
            Vec::new()
        }
    }
}
