//! Connection pool, embedded migrations and the readiness check.

use std::time::Duration;

use diesel::prelude::*;
use diesel::ConnectionError;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_async::pooled_connection::deadpool::{Object, Pool};
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

pub type DbPool = Pool<AsyncPgConnection>;
pub type DbConn = Object<AsyncPgConnection>;

/// Longest one SQL statement may run unless `CCHC_DB_STATEMENT_TIMEOUT_MS` says otherwise.
pub const DEFAULT_STATEMENT_TIMEOUT: Duration = Duration::from_secs(30);

/// A pool whose connections cancel any statement running longer than the default timeout.
pub fn build_pool(database_url: &str, max_size: usize) -> anyhow::Result<DbPool> {
    build_pool_with_timeout(database_url, max_size, DEFAULT_STATEMENT_TIMEOUT)
}

/// A pool whose connections cancel any statement running longer than `statement_timeout`, so a
/// runaway query (or one stuck behind a lock) frees its connection and its locks instead of
/// holding them until the pool runs dry; the caller gets a 503, not a hang.
pub fn build_pool_with_timeout(
    database_url: &str,
    max_size: usize,
    statement_timeout: Duration,
) -> anyhow::Result<DbPool> {
    let milliseconds = statement_timeout.as_millis().max(1);
    let mut config = ManagerConfig::<AsyncPgConnection>::default();
    // No `SELECT 1` on every checkout (the default): it doubled the round trips of a short
    // request. A connection the server closed (restart, idle kill) is still caught: its
    // socket reports closed and the pool replaces it; one dropped mid-query fails that query.
    config.recycling_method = RecyclingMethod::Fast;
    config.custom_setup = Box::new(move |url| {
        let url = url.to_owned();
        Box::pin(async move {
            let mut conn =
                <AsyncPgConnection as diesel_async::AsyncConnection>::establish(&url).await?;
            diesel::sql_query(format!("SET statement_timeout = {milliseconds}"))
                .execute(&mut conn)
                .await
                .map_err(ConnectionError::CouldntSetupConfiguration)?;
            Ok(conn)
        })
    });
    let manager =
        AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(database_url, config);
    Ok(Pool::builder(manager).max_size(max_size.max(1)).build()?)
}

/// Applies pending migrations and returns the versions applied (empty when up to date).
///
/// Diesel's migration harness is synchronous, so it runs on a blocking thread through
/// diesel-async's connection wrapper (no libpq needed).
pub async fn run_migrations(database_url: &str) -> anyhow::Result<Vec<String>> {
    let url = database_url.to_owned();
    tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<String>> {
        let mut conn = AsyncConnectionWrapper::<AsyncPgConnection>::establish(&url)?;
        let applied = conn
            .run_pending_migrations(MIGRATIONS)
            .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
        Ok(applied.iter().map(ToString::to_string).collect())
    })
    .await?
}

/// Reverts every migration (used by the up → down → up test and by operators who start over).
pub async fn revert_all_migrations(database_url: &str) -> anyhow::Result<Vec<String>> {
    let url = database_url.to_owned();
    tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<String>> {
        let mut conn = AsyncConnectionWrapper::<AsyncPgConnection>::establish(&url)?;
        let reverted = conn
            .revert_all_migrations(MIGRATIONS)
            .map_err(|e| anyhow::anyhow!("revert failed: {e}"))?;
        Ok(reverted.iter().map(ToString::to_string).collect())
    })
    .await?
}

/// Versions of the migrations compiled into this binary, e.g. `20261122000000`.
pub fn embedded_migration_versions() -> Vec<String> {
    use diesel::migration::MigrationSource;
    let source: &dyn MigrationSource<diesel::pg::Pg> = &MIGRATIONS;
    match source.migrations() {
        Ok(migrations) => migrations
            .iter()
            .map(|m| m.name().version().to_string())
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum Readiness {
    Ready,
    PendingMigrations(Vec<String>),
}

diesel::table! {
    __diesel_schema_migrations (version) {
        version -> VarChar,
        run_on -> Timestamp,
    }
}

/// Ready when the database answers and every embedded migration has been applied.
pub async fn readiness(conn: &mut AsyncPgConnection) -> QueryResult<Readiness> {
    let applied: Vec<String> = match __diesel_schema_migrations::table
        .select(__diesel_schema_migrations::version)
        .load(conn)
        .await
    {
        Ok(applied) => applied,
        // No migrations table yet: nothing applied.
        Err(diesel::result::Error::DatabaseError(_, info))
            if info.message().contains("does not exist") =>
        {
            Vec::new()
        }
        Err(e) => return Err(e),
    };
    let pending: Vec<String> = embedded_migration_versions()
        .into_iter()
        .filter(|v| !applied.contains(v))
        .collect();
    Ok(if pending.is_empty() {
        Readiness::Ready
    } else {
        Readiness::PendingMigrations(pending)
    })
}
