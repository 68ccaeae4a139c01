//! Test databases: every test gets its own PostgreSQL database, cloned from a template that is
//! migrated once (the approach of crates.io's test harness). Cloning a template takes tens of
//! milliseconds, so tests stay isolated without paying for migrations each time.
//!
//! The server comes from `TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`);
//! the harness needs a role that may create databases.

use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_async::AsyncPgConnection;
use diesel_migrations::MigrationHarness;
use rand::Rng;

use cchc_db::{embedded_migration_versions, MIGRATIONS};

type SyncConn = AsyncConnectionWrapper<AsyncPgConnection>;

pub const DEFAULT_TEST_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Where the test server is; a `postgres://…/dbname` URL whose database may be any existing one.
pub fn server_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_TEST_DATABASE_URL.to_owned())
}

/// The same server, another database.
pub fn url_for(database: &str) -> String {
    let server = server_url();
    let (base, query) = match server.split_once('?') {
        Some((base, query)) => (base.to_owned(), Some(query.to_owned())),
        None => (server.clone(), None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_part = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => &base[..],
    };
    match query {
        Some(query) => format!("{host_part}/{database}?{query}"),
        None => format!("{host_part}/{database}"),
    }
}

/// Diesel's sync API over the async driver; every harness call runs on its own thread so it
/// never blocks (or needs) the test's runtime.
fn on_thread<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    match std::thread::spawn(work).join() {
        Ok(value) => value,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

fn connect(url: &str) -> SyncConn {
    SyncConn::establish(url).unwrap_or_else(|error| {
        panic!(
            "\n\nThe tests need PostgreSQL and could not connect to {url}: {error}\n\
             Start PostgreSQL on 127.0.0.1:5432 with trust auth for user postgres \
             (e.g. `pg_ctlcluster 15 main start`), or point TEST_DATABASE_URL at a server \
             where the user may create databases.\n\n"
        )
    })
}

fn exec(conn: &mut SyncConn, sql: &str) {
    diesel::sql_query(sql)
        .execute(conn)
        .unwrap_or_else(|e| panic!("test database setup failed on `{sql}`: {e}"));
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn database_exists(conn: &mut SyncConn, name: &str) -> bool {
    diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
        .bind::<Text, _>(name)
        .get_result::<Count>(conn)
        .map(|c| c.n > 0)
        .unwrap_or(false)
}

/// Name of the migrated template for this set of migrations (landed migrations never change,
/// so their versions identify the schema).
fn template_name() -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    embedded_migration_versions().hash(&mut hasher);
    format!("cchc_test_tpl_{:016x}", hasher.finish())
}

fn random_suffix() -> String {
    let mut rng = rand::rng();
    (0..12)
        .map(|_| char::from(b'a' + rng.random_range(0..26u8)))
        .collect()
}

/// Creates the template once per server (under an advisory lock, so parallel test processes
/// agree) and returns its name.
fn ensure_template() -> String {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE
        .get_or_init(|| {
            on_thread(|| {
                let template = template_name();
                let mut admin = connect(&server_url());
                exec(&mut admin, "SELECT pg_advisory_lock(4242001)");
                if !database_exists(&mut admin, &template) {
                    let building = format!("{template}_build_{}", random_suffix());
                    exec(&mut admin, &format!("CREATE DATABASE \"{building}\""));
                    {
                        let mut conn = connect(&url_for(&building));
                        conn.run_pending_migrations(MIGRATIONS)
                            .unwrap_or_else(|e| panic!("migrating the test template failed: {e}"));
                    }
                    // Publish under the final name only once fully migrated.
                    exec(
                        &mut admin,
                        &format!("ALTER DATABASE \"{building}\" RENAME TO \"{template}\""),
                    );
                    exec(
                        &mut admin,
                        &format!("ALTER DATABASE \"{template}\" IS_TEMPLATE true"),
                    );
                }
                exec(&mut admin, "SELECT pg_advisory_unlock(4242001)");
                template
            })
        })
        .clone()
}

/// A database of its own for one test, dropped when the value is dropped.
#[derive(Debug)]
pub struct TestDatabase {
    name: String,
    url: String,
}

impl TestDatabase {
    /// A migrated database.
    pub fn migrated() -> Self {
        let template = ensure_template();
        Self::create(Some(template))
    }

    /// An empty database with no migrations applied.
    pub fn empty() -> Self {
        Self::create(None)
    }

    fn create(template: Option<String>) -> Self {
        let name = format!("cchc_test_{}", random_suffix());
        let sql = match &template {
            Some(template) => format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""),
            None => format!("CREATE DATABASE \"{name}\""),
        };
        on_thread(move || {
            let mut admin = connect(&server_url());
            exec(&mut admin, &sql);
        });
        let url = url_for(&name);
        Self { name, url }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn pool(&self) -> cchc_db::DbPool {
        cchc_db::build_pool(&self.url, 4).unwrap_or_else(|e| panic!("test pool: {e}"))
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        // Best effort: a database left behind only costs disk, and a panic in drop would hide
        // the test's own failure.
        let _ = std::thread::spawn(move || {
            if let Ok(mut admin) = SyncConn::establish(&server_url()) {
                let _ = diesel::sql_query(sql).execute(&mut admin);
            }
        })
        .join();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_for_replaces_only_the_database() {
        let url = url_for("cchc_test_x");
        assert!(url.ends_with("/cchc_test_x"), "{url}");
        assert!(url.starts_with("postgres://"), "{url}");
    }
}
