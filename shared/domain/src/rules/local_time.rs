//! Conversions between stored UTC instants and Vietnamese local time.
//!
//! Deadlines and cut-off dates are decided in `Asia/Ho_Chi_Minh` (UTC+7, no
//! daylight saving time), while instants are stored as UTC. Every "which day
//! is this?" question must therefore go through this module; taking the UTC
//! date instead would put anything after 17:00 local on the wrong day.

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The time zone in which deadlines and working days are defined.
pub const LOCAL_TZ: Tz = chrono_tz::Asia::Ho_Chi_Minh;

/// Vietnam's offset since 1975. Used only as a fallback for historical local
/// times that the tz database marks as skipped (see [`local_instant`]).
const VIETNAM_STANDARD_OFFSET: Option<FixedOffset> = FixedOffset::east_opt(7 * 3600);

/// The calendar date in Vietnam at `instant`.
pub fn local_date(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&LOCAL_TZ).date_naive()
}

/// The wall-clock time in Vietnam at `instant`.
pub fn local_time_of_day(instant: DateTime<Utc>) -> NaiveTime {
    instant.with_timezone(&LOCAL_TZ).time()
}

/// The UTC instant of the local wall-clock `time` on `date` in Vietnam.
///
/// Vietnam has had a fixed UTC+7 offset with no DST since 1975, so every
/// date a reporting period can use maps to exactly one instant. For the
/// historical offset changes before that, an ambiguous local time resolves
/// to the earlier instant and a skipped one is read as UTC+7, so the function
/// never fails.
pub fn local_instant(date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let local = date.and_time(time);
    match LOCAL_TZ.from_local_datetime(&local) {
        LocalResult::Single(instant) | LocalResult::Ambiguous(instant, _) => {
            instant.with_timezone(&Utc)
        }
        LocalResult::None => VIETNAM_STANDARD_OFFSET
            .and_then(|offset| offset.from_local_datetime(&local).single())
            .map_or_else(|| local.and_utc(), |instant| instant.with_timezone(&Utc)),
    }
}

/// `instant` with Vietnam's UTC offset (+07:00) attached, for display and
/// serialization, so API clients see the same wall-clock time as officials.
pub fn to_local(instant: DateTime<Utc>) -> DateTime<FixedOffset> {
    instant.with_timezone(&LOCAL_TZ).fixed_offset()
}

/// An instant as Vietnamese offices write it, in local time: `16:30 ngày 10/03/2023`.
pub fn vietnamese_date_time(instant: DateTime<Utc>) -> String {
    instant
        .with_timezone(&LOCAL_TZ)
        .format("%H:%M ngày %d/%m/%Y")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("valid test date")
    }

    fn time(hour: u32, minute: u32, second: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(hour, minute, second).expect("valid test time")
    }

    fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> DateTime<Utc> {
        date(year, month, day)
            .and_time(time(hour, minute, second))
            .and_utc()
    }

    #[test]
    fn local_afternoon_is_morning_utc() {
        assert_eq!(
            local_instant(date(2023, 3, 10), time(16, 30, 0)),
            utc(2023, 3, 10, 9, 30, 0)
        );
    }

    #[test]
    fn utc_evening_is_next_local_date() {
        let instant = utc(2023, 3, 10, 18, 0, 0);
        assert_eq!(local_date(instant), date(2023, 3, 11));
        assert_eq!(local_time_of_day(instant), time(1, 0, 0));
    }

    #[test]
    fn local_midnight_is_17_00_utc_the_day_before() {
        assert_eq!(local_date(utc(2023, 3, 14, 16, 59, 59)), date(2023, 3, 14));
        assert_eq!(local_date(utc(2023, 3, 14, 17, 0, 0)), date(2023, 3, 15));
        assert_eq!(
            local_instant(date(2023, 3, 15), NaiveTime::MIN),
            utc(2023, 3, 14, 17, 0, 0)
        );
    }

    #[test]
    fn local_round_trip_preserves_date_and_time() {
        for (day, wall_clock) in [
            (date(2025, 1, 1), time(0, 0, 0)),
            (date(2026, 2, 16), time(17, 0, 0)),
            (date(2027, 12, 31), time(23, 59, 59)),
        ] {
            let instant = local_instant(day, wall_clock);
            assert_eq!(local_date(instant), day);
            assert_eq!(local_time_of_day(instant), wall_clock);
        }
    }

    #[test]
    fn to_local_carries_plus_seven_offset() {
        let local = to_local(utc(2023, 3, 10, 9, 30, 0));
        assert_eq!(local.offset().local_minus_utc(), 7 * 3600);
        assert_eq!(local.to_rfc3339(), "2023-03-10T16:30:00+07:00");
        assert_eq!(local.with_timezone(&Utc), utc(2023, 3, 10, 9, 30, 0));
    }

    #[test]
    fn historical_offset_changes_do_not_panic() {
        // The zone moved between UTC+7 and UTC+8 several times before 1975;
        // whatever those days map to, the function must answer.
        let mut day = date(1940, 1, 1);
        while day < date(1976, 1, 1) {
            let instant = local_instant(day, time(0, 30, 0));
            let back = local_date(instant);
            assert!((back - day).num_days().abs() <= 1, "{day} -> {back}");
            day = day.succ_opt().expect("in range");
        }
    }
}
