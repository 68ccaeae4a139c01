//! Files of a submission: upload, list, read, download and delete, with the same access rules
//! as the submission itself.
//!
//! An upload writes the object first, under a new unique key, and then the row in one
//! transaction (which also bumps the submission's revision). If the store fails, nothing is
//! recorded and the caller gets `storage_unavailable`; if the transaction fails, the object is
//! deleted again (best effort: an orphaned object is harmless, a row without its bytes is not).
//! A delete goes the other way: the row first, then the object.

mod delete;
mod read;
mod upload;

use diesel_async::AsyncPgConnection;

use crate::authz::Principal;
use crate::repo::submissions::editable;
use cchc_domain::error::Result;

pub use crate::repo::upload_form::{UploadForm, UploadedFile};
pub use delete::delete;
pub use read::{download, get, list, Download};
pub use upload::upload;

/// The first step of [`upload`]: whether `principal` may add files to submission `id` now
/// (`authz::may_file_for`, on a report that is editable while its unit may file). Exposed so
/// a handler refuses a caller before it reads the body; [`upload`] starts with the same step
/// and repeats it under the row lock.
pub async fn authorize_upload(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
) -> Result<()> {
    editable(conn, id, principal, false).await.map(|_| ())
}
