//! The pre-filled working calendar, checked against independent sources.

use chrono::NaiveDate;
use diesel_async::{AsyncConnection, AsyncPgConnection};

use cchc_db::calendar::load_calendar;
use cchc_testkit::test_db::TestDatabase;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Tết Đinh Mùi: mùng 1 tháng Giêng is Saturday 06/02/2027 (astronomical lunar calendar,
/// UTC+7). As in the Government's schedules for the Saturday Tết of 2020 (23/01 – 29/01) and
/// 2024 (08/02 – 14/02), the days off run from the Thursday before to the Wednesday after:
/// 04/02 – 10/02/2027; 03/02 and 11/02 are working days.
#[tokio::test(flavor = "multi_thread")]
async fn tet_2027_is_off_from_thursday_4_to_wednesday_10_february() {
    let db = TestDatabase::migrated();
    let mut conn = AsyncPgConnection::establish(db.url())
        .await
        .expect("connect");
    let calendar = load_calendar(&mut conn).await.expect("calendar");
    let off: Vec<NaiveDate> = (1..=12)
        .map(|day| d(2027, 2, day))
        .filter(|date| !calendar.is_working_day(*date))
        .collect();
    assert_eq!(off, (4..=10).map(|day| d(2027, 2, day)).collect::<Vec<_>>());
    assert!(calendar.is_working_day(d(2027, 2, 3)));
    assert!(calendar.is_working_day(d(2027, 2, 11)));
    // The first working day after Tết is Thursday 11/02.
    assert_eq!(calendar.next_working_day(d(2027, 2, 3)), d(2027, 2, 11));
}
