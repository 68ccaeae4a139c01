//! A subscription, the list, and a subscription's delivery log.

use diesel_async::AsyncPgConnection;

use super::find_row;
use crate::authz;
use crate::authz::Principal;
use cchc_db::webhooks::{self, SubscriptionRow};
use cchc_domain::error::Result;
use cchc_domain::model::webhook::{DeliveryFilter, Webhook, WebhookDeliveryPage, WebhookPage};
use cchc_domain::model::PageParams;

/// A subscription: the Office only.
pub async fn get(conn: &mut AsyncPgConnection, id: i64, principal: &Principal) -> Result<Webhook> {
    authz::require_admin(principal)?;
    load(conn, id).await
}

/// The same without an access check (callers have done it).
pub(crate) async fn load(conn: &mut AsyncPgConnection, id: i64) -> Result<Webhook> {
    Ok(find_row(conn, id, false).await?.into_model())
}

/// Subscriptions by id.
pub async fn list(
    conn: &mut AsyncPgConnection,
    page: PageParams,
    principal: &Principal,
) -> Result<WebhookPage> {
    authz::require_admin(principal)?;
    let (page, per_page) = page.validate()?;
    let offset = PageParams::offset(page, per_page);
    let (total, rows) = webhooks::page(conn, per_page, offset).await?;
    Ok(WebhookPage {
        items: rows.into_iter().map(SubscriptionRow::into_model).collect(),
        page,
        per_page,
        total,
    })
}

/// A subscription's delivery log, newest first.
pub async fn deliveries(
    conn: &mut AsyncPgConnection,
    id: i64,
    filter: &DeliveryFilter,
    page: PageParams,
    principal: &Principal,
) -> Result<WebhookDeliveryPage> {
    authz::require_admin(principal)?;
    let (page, per_page) = page.validate()?;
    find_row(conn, id, false).await?;
    let delivery_filter = webhooks::DeliveryFilter {
        event_type: filter.event_type,
        succeeded: filter.succeeded,
    };
    let offset = PageParams::offset(page, per_page);
    let (total, items) =
        webhooks::page_of_deliveries(conn, id, delivery_filter, per_page, offset).await?;
    Ok(WebhookDeliveryPage {
        items,
        page,
        per_page,
        total,
    })
}
