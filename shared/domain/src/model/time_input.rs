//! Dates and instants as the API accepts them: RFC 3339 with an offset (`2023-03-10T16:30:00+07:00`)
//! and `YYYY-MM-DD`, years 1900–9999 only, no leap second.
//!
//! chrono's own parsers accept more: signed years of five digits (`+10000-01-01`, echoed back
//! in a form no RFC 3339 client reads) and `:60`, which PostgreSQL would store as the next
//! minute. Every input field that is a date or an instant deserializes through these, so the
//! refusal is a 400 naming the field.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

/// The first and last year any date of this domain may have.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=9999;

fn check_year(year: i32) -> Result<(), String> {
    if YEARS.contains(&year) {
        Ok(())
    } else {
        Err(format!(
            "the year must be between {} and {}",
            YEARS.start(),
            YEARS.end()
        ))
    }
}

/// Parses an instant: RFC 3339 with an offset, years 1900–9999, no leap second.
pub fn parse_instant(text: &str) -> Result<DateTime<FixedOffset>, String> {
    let instant = DateTime::parse_from_rfc3339(text.trim()).map_err(|e| {
        format!("expected RFC 3339 with an offset, e.g. 2023-03-10T16:30:00+07:00 ({e})")
    })?;
    // chrono keeps a leap second as a nanosecond count of one second or more.
    if instant.nanosecond() >= 1_000_000_000 {
        return Err("a leap second (:60) is not a valid time here; use :59".to_owned());
    }
    check_year(instant.year())?;
    Ok(instant)
}

/// Parses a calendar date: exactly `YYYY-MM-DD`, years 1900–9999.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let text = text.trim();
    let shape_ok = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    let expected = || "expected a date as YYYY-MM-DD, e.g. 2023-03-10".to_owned();
    if !shape_ok {
        return Err(expected());
    }
    let date =
        NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|e| format!("{}: {e}", expected()))?;
    check_year(date.year())?;
    Ok(date)
}

fn text<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<std::borrow::Cow<'de, str>, D::Error> {
    <std::borrow::Cow<'de, str>>::deserialize(deserializer)
}

/// `deserialize_with` for a required instant.
pub fn instant<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<DateTime<FixedOffset>, D::Error> {
    parse_instant(&text(deserializer)?).map_err(D::Error::custom)
}

/// `deserialize_with` for an optional instant where `null` is the same as absent (with
/// `#[serde(default)]`).
pub fn optional_instant<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
    Option::<std::borrow::Cow<'de, str>>::deserialize(deserializer)?
        .map(|t| parse_instant(&t).map_err(D::Error::custom))
        .transpose()
}

/// `deserialize_with` for a PATCH field that may be absent but not `null` (with
/// `#[serde(default)]`).
pub fn present_instant<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
    instant(deserializer).map(Some)
}

/// `deserialize_with` for a required date.
pub fn date<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    parse_date(&text(deserializer)?).map_err(D::Error::custom)
}

/// `deserialize_with` for an optional date where `null` is the same as absent.
pub fn optional_date<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<NaiveDate>, D::Error> {
    Option::<std::borrow::Cow<'de, str>>::deserialize(deserializer)?
        .map(|t| parse_date(&t).map_err(D::Error::custom))
        .transpose()
}

/// `deserialize_with` for a PATCH date that may be absent but not `null`.
pub fn present_date<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<NaiveDate>, D::Error> {
    date(deserializer).map(Some)
}

/// `deserialize_with` for a PATCH date that may be absent (left alone), `null` (cleared) or a
/// date.
pub fn optional_present_date<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<NaiveDate>>, D::Error> {
    optional_date(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_with_an_offset_in_four_digit_years_are_read() {
        let instant = parse_instant("2023-03-10T16:30:00+07:00").unwrap();
        assert_eq!(instant.to_rfc3339(), "2023-03-10T16:30:00+07:00");
        assert!(parse_instant("2023-03-10T09:30:00Z").is_ok());
        assert!(parse_instant("1900-01-01T00:00:00+07:00").is_ok());
        assert!(parse_instant("9999-12-31T23:59:59+07:00").is_ok());
    }

    #[test]
    fn years_outside_1900_to_9999_are_refused() {
        for text in [
            "+10000-01-01T00:00:00+07:00",
            "10000-01-01T00:00:00+07:00",
            "1899-12-31T23:59:59+07:00",
            "0001-01-01T00:00:00Z",
        ] {
            assert!(parse_instant(text).is_err(), "{text}");
        }
        for text in ["+10000-01-01", "10000-01-01", "1899-12-31", "-0001-01-01"] {
            assert!(parse_date(text).is_err(), "{text}");
        }
        assert!(parse_date("1900-01-01").is_ok());
        assert!(parse_date("9999-12-31").is_ok());
    }

    #[test]
    fn a_leap_second_is_refused_not_moved_to_the_next_minute() {
        let error = parse_instant("2016-12-31T23:59:60+00:00").unwrap_err();
        assert!(error.contains("leap second"), "{error}");
        assert!(parse_instant("2016-12-31T23:59:59.999+00:00").is_ok());
    }

    #[test]
    fn dates_have_exactly_the_iso_shape() {
        assert_eq!(
            parse_date("2023-03-10").unwrap(),
            NaiveDate::from_ymd_opt(2023, 3, 10).unwrap()
        );
        for text in [
            "2023-3-10",
            "20230310",
            "2023-02-30",
            "2023-03-10T00:00:00",
            "",
        ] {
            assert!(parse_date(text).is_err(), "{text}");
        }
    }

    #[test]
    fn instants_without_an_offset_are_refused() {
        assert!(parse_instant("2023-03-10T16:30:00").is_err());
        assert!(parse_instant("2023-03-10").is_err());
    }
}
