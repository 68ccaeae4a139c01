//! Migrations go up, down and up again on a real database, and the diesel schema matches what
//! they create.

use cchc_db::{
    embedded_migration_versions, readiness, revert_all_migrations, run_migrations, Readiness,
};
use cchc_testkit::test_db::TestDatabase;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

#[derive(QueryableByName, Debug, PartialEq)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn columns(conn: &mut AsyncPgConnection) -> Vec<Column> {
    diesel::sql_query(
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations' \
         ORDER BY table_name, ordinal_position",
    )
    .load(conn)
    .await
    .expect("columns")
}

#[tokio::test(flavor = "multi_thread")]
async fn migrations_go_up_down_and_up_again() {
    let db = TestDatabase::empty();
    let mut conn = AsyncPgConnection::establish(db.url())
        .await
        .expect("connect");
    assert_eq!(
        readiness(&mut conn).await.expect("readiness"),
        Readiness::PendingMigrations(embedded_migration_versions())
    );

    let applied = run_migrations(db.url()).await.expect("up");
    assert_eq!(applied, embedded_migration_versions());
    assert_eq!(
        readiness(&mut conn).await.expect("readiness"),
        Readiness::Ready
    );
    let first = columns(&mut conn).await;
    assert!(first
        .iter()
        .any(|c| c.table_name == "periods" && c.column_name == "deadline"));
    let holidays: Count = diesel::sql_query("SELECT count(*) AS n FROM holidays")
        .get_result(&mut conn)
        .await
        .expect("holidays");
    assert!(
        holidays.n >= 30,
        "the calendar is pre-filled for 2025–2027, found {}",
        holidays.n
    );

    assert!(run_migrations(db.url())
        .await
        .expect("idempotent")
        .is_empty());

    let reverted = revert_all_migrations(db.url()).await.expect("down");
    assert_eq!(reverted.len(), embedded_migration_versions().len());
    assert!(
        columns(&mut conn).await.is_empty(),
        "down removes every table"
    );

    run_migrations(db.url()).await.expect("up again");
    assert_eq!(columns(&mut conn).await, first);
}

/// Columns `SELECT <table>.*` names in the diesel schema, read off the SQL diesel generates.
fn schema_columns(sql: &str) -> Vec<(String, String)> {
    let list = sql
        .trim_start_matches("SELECT ")
        .split(" FROM ")
        .next()
        .unwrap_or_default();
    list.split(", ")
        .map(|qualified| {
            let mut parts = qualified.split('.').map(|p| p.trim_matches('"').to_owned());
            (
                parts.next().unwrap_or_default(),
                parts.next().unwrap_or_default(),
            )
        })
        .collect()
}

/// Every table and column of the diesel schema exists in the migrated database, and nothing else.
#[tokio::test(flavor = "multi_thread")]
async fn diesel_schema_matches_the_migrated_database() {
    use cchc_db::schema::*;
    use diesel::pg::Pg;

    let db = TestDatabase::migrated();
    let mut conn = AsyncPgConnection::establish(db.url())
        .await
        .expect("connect");
    let mut actual: Vec<(String, String)> = columns(&mut conn)
        .await
        .into_iter()
        .map(|c| (c.table_name, c.column_name))
        .collect();
    macro_rules! expected {
        ($($table:ident),+) => {{
            let mut expected = Vec::new();
            $(
                let sql = diesel::debug_query::<Pg, _>(&$table::table.select($table::all_columns)).to_string();
                expected.extend(schema_columns(&sql));
            )+
            expected
        }};
    }
    let mut expected: Vec<(String, String)> = expected!(
        units,
        unit_contacts,
        api_tokens,
        indicators,
        indicator_versions,
        periods,
        period_documents,
        period_indicators,
        period_units,
        holidays,
        period_extensions,
        period_running_totals,
        period_board_counts,
        period_figures,
        period_indicator_sums,
        submissions,
        submission_values,
        submission_evidence,
        submission_versions,
        audit_events,
        jobs,
        escalations,
        submission_attachments,
        documents,
        document_files,
        document_period_links,
        document_submission_links,
        integration_secrets,
        qlvb_events,
        webhook_subscriptions,
        integration_events,
        webhook_deliveries,
        idempotency_keys,
        link_secret,
        board_generation,
        plans,
        plan_legal_basis,
        plan_areas,
        plan_area_units,
        plan_targets,
        tasks,
        task_escalations,
        task_units,
        task_extensions,
        task_events,
        task_evidence,
        task_files,
        criteria_sets,
        criteria,
        assessments,
        assessment_items,
        assessment_evidence,
        assessment_files,
        assessment_escalations,
        campaigns,
        campaign_rounds,
        campaign_criteria,
        campaign_registrations,
        campaign_points
    );
    actual.sort();
    expected.sort();
    assert_eq!(actual, expected);
}

/// A kept `Idempotency-Key` belongs to exactly one caller — an API token, or a person by
/// issuer and subject — and each caller's keys are unique to it alone. Reverting works with
/// both kinds kept (the people's are dropped: the table had no room for them).
#[tokio::test(flavor = "multi_thread")]
async fn an_idempotency_key_belongs_to_one_token_or_one_person() {
    let db = TestDatabase::migrated();
    let mut conn = AsyncPgConnection::establish(db.url())
        .await
        .expect("connect");
    diesel::sql_query(
        "INSERT INTO api_tokens (id, name, role, token_hash, token_prefix) \
         VALUES (7, 'Văn phòng', 'admin', '\\x01', 'cchc_a')",
    )
    .execute(&mut conn)
    .await
    .expect("a token");
    const COLUMNS: &str = "INSERT INTO idempotency_keys (token_id, person_issuer, person_subject, \
         key, method, path, body_sha256, created_at, expires_at) VALUES ";
    const REST: &str = "'k', 'POST', '/api/v1/units', 'ab', now(), now() + interval '1 day')";
    let insert = |owner: &str| format!("{COLUMNS}({owner}, {REST}");
    for owner in [
        "7, NULL, NULL",
        "NULL, 'https://sso.example.vn', 'lan'",
        "NULL, 'https://sso.example.vn', 'minh'",
        "NULL, 'https://other.example.vn', 'lan'",
    ] {
        diesel::sql_query(insert(owner))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{owner}: {e}"));
    }
    for (owner, refusal) in [
        ("7, NULL, NULL", "idempotency_keys_token_key_idx"),
        (
            "NULL, 'https://sso.example.vn', 'lan'",
            "idempotency_keys_person_key_idx",
        ),
        ("NULL, NULL, NULL", "idempotency_keys_one_caller"),
        (
            "7, 'https://sso.example.vn', 'lan'",
            "idempotency_keys_one_caller",
        ),
        (
            "NULL, 'https://sso.example.vn', NULL",
            "idempotency_keys_one_caller",
        ),
    ] {
        let error = diesel::sql_query(insert(owner))
            .execute(&mut conn)
            .await
            .expect_err(owner)
            .to_string();
        assert!(error.contains(refusal), "{owner}: {error}");
    }
    let kept: Count = diesel::sql_query("SELECT count(*) AS n FROM idempotency_keys")
        .get_result(&mut conn)
        .await
        .expect("count");
    assert_eq!(kept.n, 4);

    revert_all_migrations(db.url())
        .await
        .expect("down with keys kept");
}
