//! The stored secret of the signed links (`link_secret`): one row, written once.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::link_secret;
use cchc_domain::Result;

/// The stored secret; `candidate` is stored first when there is none yet. Two processes
/// starting at once store one of their candidates and both read that one.
pub async fn get_or_insert(conn: &mut AsyncPgConnection, candidate: &[u8]) -> Result<Vec<u8>> {
    diesel::insert_into(link_secret::table)
        .values((
            link_secret::singleton.eq(true),
            link_secret::secret.eq(candidate),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    let secret = link_secret::table
        .select(link_secret::secret)
        .first::<Vec<u8>>(conn)
        .await?;
    Ok(secret)
}
