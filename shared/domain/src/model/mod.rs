//! Types of the public API (JSON in and out), shared by the API and the worker.
//!
//! Conventions: timestamps are RFC 3339 with offset and shown in local time (+07:00); inputs
//! reject unknown fields; in PATCH bodies an absent field is left alone and `null` clears an
//! optional field.

pub mod attachment;
pub mod audit;
pub mod document;
pub mod holiday;
pub mod indicator;
pub mod job;
pub mod period;
pub mod policy;
pub mod submission;
pub mod time_input;
pub mod token;
pub mod unit;
pub mod webhook;

use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};

pub use crate::error::UnknownVariant;

/// Declares a closed set of values stored as text and exchanged as snake_case strings.
#[macro_export]
macro_rules! text_enum {
    ($(#[doc = $doc:literal])* pub enum $name:ident { $($(#[doc = $vdoc:literal])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[doc = $vdoc])* #[serde(rename = $text)] $variant),+
        }

        // Written by hand: utoipa's derive cannot read a `rename` that comes from a macro
        // argument and would document the Rust variant names instead of the wire values.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let summary = $crate::model::doc_text(&[$($doc),*]);
                let values = [$(
                    match $crate::model::doc_text(&[$($vdoc),*]) {
                        doc if doc.is_empty() => format!("- `{}`", $text),
                        doc => format!("- `{}`: {doc}", $text),
                    }
                ),+];
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),+]))
                    .description(Some(format!("{summary}\n\n{}", values.join("\n"))))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(&self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::model::UnknownVariant;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                match value {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::model::UnknownVariant { kind: stringify!($name), value: value.to_owned() }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// The text of doc-comment lines, as one paragraph (used for hand-written schemas).
pub fn doc_text(lines: &[&str]) -> String {
    lines
        .iter()
        .map(|line| line.trim())
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Parses a stored text column into its enum; a mismatch means the database holds something
/// this build does not understand, which callers report as a server-side error.
pub fn parse_stored<T: std::str::FromStr<Err = UnknownVariant>>(
    value: &str,
) -> Result<T, UnknownVariant> {
    value.parse()
}

/// Lets PATCH bodies tell "absent" (outer `None`) from `null` (`Some(None)`).
pub fn double_option<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// For PATCH fields that may be absent but not `null`: `null` is a 400 naming the field
/// instead of being silently read as "absent".
pub fn non_null<'de, T, D>(deserializer: D) -> Result<Option<T>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// Pagination of every list: `page` starts at 1; `per_page` is 1–200 (default 50). Items come
/// in a stable order documented per list, so paging never skips or repeats an item.
#[derive(Debug, Clone, Copy, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page number, from 1.
    #[param(minimum = 1, default = 1)]
    pub page: Option<i64>,
    /// Items per page, 1–200.
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub per_page: Option<i64>,
}

pub const MAX_PER_PAGE: i64 = 200;
pub const DEFAULT_PER_PAGE: i64 = 50;

impl PageParams {
    pub fn validate(&self) -> Result<(i64, i64), crate::error::Invalid> {
        let mut check = crate::validation::Checker::new();
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(DEFAULT_PER_PAGE);
        if page < 1 {
            check.push("page", "out_of_range", "must be 1 or more");
        }
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            check.push(
                "per_page",
                "out_of_range",
                format!("must be between 1 and {MAX_PER_PAGE}"),
            );
        }
        check.finish()?;
        Ok((page, per_page))
    }

    pub fn offset(page: i64, per_page: i64) -> i64 {
        (page - 1).saturating_mul(per_page)
    }
}

/// Declares the paginated envelope of one list.
macro_rules! page_of {
    ($name:ident, $item:ty, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            /// The page returned, from 1.
            pub page: i64,
            pub per_page: i64,
            /// Number of items matching the filters, over all pages.
            pub total: i64,
        }
    };
}
pub(crate) use page_of;

/// `HH:MM` local times of day in JSON.
pub mod hhmm {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(time: &NaiveTime, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&time.format("%H:%M").to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveTime, D::Error> {
        let text = String::deserialize(deserializer)?;
        NaiveTime::parse_from_str(&text, "%H:%M").map_err(|_| {
            serde::de::Error::custom(format!("expected a time of day as HH:MM, got {text:?}"))
        })
    }

    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(
            time: &Option<NaiveTime>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match time {
                Some(time) => super::serialize(time, serializer),
                None => serializer.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<NaiveTime>, D::Error> {
            super::deserialize(deserializer).map(Some)
        }
    }
}

/// Body of `DELETE`-like actions that return nothing but a confirmation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Ack {
    pub ok: bool,
}
