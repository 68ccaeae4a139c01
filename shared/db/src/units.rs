//! Reads of `units` that jobs share with the use cases.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::units;
use cchc_domain::Result;

/// Unit `id`'s code and name, if it exists.
pub async fn code_and_name(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> Result<Option<(String, String)>> {
    Ok(units::table
        .find(id)
        .select((units::code, units::name))
        .first(conn)
        .await
        .optional()?)
}
