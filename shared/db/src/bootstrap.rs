//! Setting up a server for the service: the database created when the operator's
//! `DATABASE_URL` names one the server does not have yet (`quickstart`).

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

/// Splits `postgres://…/name?opts` into the server URL with the `postgres` maintenance
/// database and the database name.
pub fn maintenance_url(database_url: &str) -> Option<(String, String)> {
    let (without_query, query) = match database_url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (database_url, None),
    };
    let scheme_end = without_query.find("://")? + 3;
    let slash = without_query[scheme_end..].find('/')? + scheme_end;
    let name = &without_query[slash + 1..];
    if name.is_empty() {
        return None;
    }
    let mut url = format!("{}/postgres", &without_query[..slash]);
    if let Some(query) = query {
        url.push('?');
        url.push_str(query);
    }
    Some((url, name.to_owned()))
}

/// Creates the database `database_url` names when the server does not have it yet, through
/// the `postgres` maintenance database; gives its name when it did.
pub async fn create_database_if_missing(database_url: &str) -> anyhow::Result<Option<String>> {
    let Some((maintenance, name)) = maintenance_url(database_url) else {
        return Ok(None);
    };
    let mut conn = AsyncPgConnection::establish(&maintenance).await?;
    diesel::table! { pg_database (datname) { datname -> Text, } }
    let exists: Option<String> = pg_database::table
        .filter(pg_database::datname.eq(&name))
        .select(pg_database::datname)
        .first(&mut conn)
        .await
        .optional()?;
    if exists.is_some() {
        return Ok(None);
    }
    diesel::sql_query(format!("CREATE DATABASE \"{}\"", name.replace('"', "\"\"")))
        .execute(&mut conn)
        .await?;
    Ok(Some(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maintenance_url_swaps_the_database() {
        assert_eq!(
            maintenance_url("postgres://postgres@127.0.0.1:5432/cchc"),
            Some((
                "postgres://postgres@127.0.0.1:5432/postgres".into(),
                "cchc".into()
            ))
        );
        assert_eq!(
            maintenance_url("postgres://u:p@db/cchc?sslmode=disable"),
            Some((
                "postgres://u:p@db/postgres?sslmode=disable".into(),
                "cchc".into()
            ))
        );
        assert_eq!(maintenance_url("postgres://db"), None);
    }
}
