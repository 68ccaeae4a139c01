//! Vocabulary types travel through PostgreSQL's text columns as their text: bound as
//! `as_str()`, read back into the type, and a stored value this build does not know fails the
//! query, naming the type and the value.

use cchc_db::schema::holidays;
use cchc_domain::model::period::PeriodStatus;
use cchc_domain::model::webhook::EventType;
use cchc_domain::rules::calendar::DayKind;
use cchc_testkit::test_db::TestDatabase;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Nullable, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

async fn connect(db: &TestDatabase) -> AsyncPgConnection {
    AsyncPgConnection::establish(db.url())
        .await
        .expect("connect")
}

#[tokio::test(flavor = "multi_thread")]
async fn values_are_written_and_read_as_their_text() {
    let db = TestDatabase::empty();
    let mut conn = connect(&db).await;
    for status in PeriodStatus::ALL {
        let written: String = diesel::select(status.into_sql::<Text>())
            .get_result(&mut conn)
            .await
            .expect("bind");
        assert_eq!(written, status.as_str());
        let read: PeriodStatus = diesel::select(status.as_str().into_sql::<Text>())
            .get_result(&mut conn)
            .await
            .expect("read");
        assert_eq!(read, *status);
    }
    let none: Option<PeriodStatus> = diesel::select(sql::<Nullable<Text>>("NULL"))
        .get_result(&mut conn)
        .await
        .expect("null");
    assert_eq!(none, None);
    let types: Vec<EventType> = diesel::select(sql::<Array<Text>>(
        "ARRAY['period.opened', 'unit.escalated']",
    ))
    .get_result(&mut conn)
    .await
    .expect("array");
    assert_eq!(types, [EventType::PeriodOpened, EventType::UnitEscalated]);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_stored_value_fails_the_query_naming_it() {
    let db = TestDatabase::empty();
    let mut conn = connect(&db).await;
    let error = diesel::select("reopened".into_sql::<Text>())
        .get_result::<PeriodStatus>(&mut conn)
        .await
        .expect_err("an unknown status must not load");
    // What a use case answers: an internal error whose message keeps diesel's causes.
    let error = cchc_domain::Error::from(error);
    assert!(
        matches!(error, cchc_domain::Error::Internal(_)),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("PeriodStatus") && message.contains("reopened"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn filters_compare_a_column_with_the_value() {
    let db = TestDatabase::migrated();
    let mut conn = connect(&db).await;
    let kinds: Vec<DayKind> = holidays::table
        .select(holidays::kind)
        .load(&mut conn)
        .await
        .expect("every stored day kind is known");
    let typed: i64 = holidays::table
        .filter(holidays::kind.eq(DayKind::PublicHoliday))
        .count()
        .get_result(&mut conn)
        .await
        .expect("typed filter");
    let spelled: i64 = diesel::select(sql::<BigInt>(
        "count(*) FROM holidays WHERE kind = 'public_holiday'",
    ))
    .get_result(&mut conn)
    .await
    .expect("spelled filter");
    assert!(typed > 0, "the pre-filled calendar has public holidays");
    assert_eq!(typed, spelled);
    let counted = kinds
        .iter()
        .filter(|kind| **kind == DayKind::PublicHoliday)
        .count();
    assert_eq!(i64::try_from(counted).expect("count"), typed);
}
