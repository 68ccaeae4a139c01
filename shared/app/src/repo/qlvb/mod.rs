//! Inbound events from the province's document-management system (QLVB).
//!
//! The order of a request, each step refusing before anything is written:
//!
//! 1. [`verify`]: the integration's HMAC signature over the raw body and timestamp
//!    (`rules::signature`), before the body is even parsed;
//! 2. [`prepare`]: an event id answered before is answered again from the record (same status,
//!    same body) with no second effect, or refused with 409 `event_id_reused` if the body
//!    differs; then the document's fields are checked (file URLs naming a refused address
//!    included, see [`crate::outbound`]);
//! 3. [`fetch`], **without a database connection** (a slow file server must not hold one
//!    of the pool's connections): the files decoded or downloaded (a timeout and the size
//!    limit while reading, streamed through a temporary file), checked by content, and written
//!    to the store;
//! 4. [`commit`]: one transaction claims the event id (the unique key decides between two
//!    concurrent deliveries: the second waits for the first and then replays its answer),
//!    registers the document, its files and its links, and records the answer. If anything
//!    fails, the objects written are removed and nothing is recorded, so the sender may retry.
//!
//! Only successful answers are recorded: an event refused (bad field, failed download) may be
//! sent again with the same id once fixed.
//!
//! A number already registered (same issuer, year and number, by hand or by an earlier event
//! with another id) is not a conflict: QLVB products resend documents, e.g. with a signed copy
//! added. The existing document is kept as it is, the event's files it does not have yet (by
//! SHA-256) are added, and a `document.received` that matches a unit's report links it if it
//! was not linked; the answer says `already_registered: true` with status 200.

mod commit;
mod files;
mod import;
mod matching;
mod prepare;
mod verify;

use crate::outbound::{AllowList, Options, Outbound};
use crate::storage::Storage;
use cchc_domain::error::Result;

pub use commit::commit;
pub use files::{Limits, StoredFiles};
pub use prepare::{prepare, Answer, NewEvent, Prepared};
pub use verify::{authorize_event, verify, Signed};

/// Longest event id.
pub const MAX_EVENT_ID_CHARS: usize = 200;
/// Most files one event may carry.
pub const MAX_FILES: usize = 20;

/// Files downloaded at once by one API process, every event together.
pub const MAX_CONCURRENT_DOWNLOADS: usize = 4;

/// The client that downloads events' files: internal addresses refused unless `allow` lists
/// them, no redirects, at most [`MAX_CONCURRENT_DOWNLOADS`] at once.
pub fn download_client(allow: &AllowList) -> std::result::Result<Outbound, reqwest::Error> {
    Outbound::new(
        allow.clone(),
        Options {
            max_concurrent: MAX_CONCURRENT_DOWNLOADS,
            ..Options::default()
        },
    )
}

/// Step 3: the event's files, in the store. Takes no connection on purpose.
pub async fn fetch(
    new: &NewEvent<'_>,
    storage: &Storage,
    outbound: &Outbound,
    limits: &Limits,
) -> Result<StoredFiles> {
    files::fetch(
        &new.event.data.document,
        &new.names,
        limits,
        storage,
        outbound,
    )
    .await
}
