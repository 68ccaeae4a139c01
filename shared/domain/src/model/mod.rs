//! Types of the public API (JSON in and out), shared by the API and the worker.
//!
//! Conventions: timestamps are RFC 3339 with offset and shown in local time (+07:00); inputs
//! reject unknown fields; in PATCH bodies an absent field is left alone and `null` clears an
//! optional field.

pub mod assessment;
pub mod assessment_file;
pub mod attachment;
pub mod audit;
pub mod campaign;
pub mod criteria;
pub mod document;
pub mod holiday;
pub mod indicator;
pub mod job;
pub mod letterhead;
pub mod notification;
pub mod period;
pub mod person;
pub mod plan;
pub mod policy;
pub mod qlvb_import;
pub mod submission;
pub mod task;
pub mod task_cutoff;
pub mod task_file;
pub mod time_input;
pub mod token;
pub mod unit;
pub mod webhook;

use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A text that is not one of a closed set's values: a stored column this build does not know,
/// or a form field out of the set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} value {value:?}")]
pub struct UnknownVariant {
    pub kind: &'static str,
    pub value: String,
}

/// Declares a closed set of values stored as text and exchanged as snake_case strings.
#[macro_export]
macro_rules! text_enum {
    ($(#[doc = $doc:literal])* pub enum $name:ident { $($(#[doc = $vdoc:literal])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(
            feature = "diesel",
            derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow),
            diesel(sql_type = diesel::sql_types::Text)
        )]
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

        $crate::text_column!($name);
    };
}

/// With the `diesel` feature, maps a closed set of values to a text column: written as its
/// `as_str()`, read back with its `FromStr`, so row structs and filters hold the type itself
/// and a stored value this build does not know fails the query, naming the type and the
/// value. The type also derives `AsExpression` and `FromSqlRow` for `Text` (as `text_enum!`
/// does); the `cfg` is the domain's, the only crate that declares such types.
#[doc(hidden)]
#[macro_export]
macro_rules! text_column {
    ($name:ident) => {
        #[cfg(feature = "diesel")]
        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg>>::to_sql(
                    self.as_str(),
                    out,
                )
            }
        }

        #[cfg(feature = "diesel")]
        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn from_sql(value: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
                $crate::model::from_column(value.as_bytes())
            }
        }
    };
}

/// The value of a stored text column (the `FromSql` of [`text_column!`]): text this build
/// does not know is refused with the type's own parse error, which names the type and the
/// value.
#[cfg(feature = "diesel")]
#[doc(hidden)]
pub fn from_column<T>(bytes: &[u8]) -> diesel::deserialize::Result<T>
where
    T: std::str::FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    Ok(std::str::from_utf8(bytes)?.parse::<T>()?)
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

#[cfg(all(test, feature = "diesel"))]
mod text_column_tests {
    use diesel::deserialize::FromSqlRow;
    use diesel::expression::AsExpression;
    use diesel::pg::Pg;
    use diesel::sql_types::{Nullable, Text};

    use super::from_column;
    use crate::rules::calendar::DayKind;
    use crate::rules::cutoff::{Frequency, ReportType};
    use crate::rules::reminders::EscalationLevel;
    use crate::rules::timeliness::Timeliness;

    /// Every value of a set reads back from its own text, and the type binds as `Text` and
    /// `Nullable<Text>` and loads from both (as `Option` from the latter).
    fn assert_round_trip<T>(all: &[T], as_str: fn(&T) -> &'static str)
    where
        T: std::str::FromStr + PartialEq + std::fmt::Debug,
        T::Err: std::error::Error + Send + Sync + 'static,
        T: AsExpression<Text> + AsExpression<Nullable<Text>> + FromSqlRow<Text, Pg>,
        Option<T>: FromSqlRow<Nullable<Text>, Pg>,
    {
        for value in all {
            let read = from_column::<T>(as_str(value).as_bytes()).expect("known value");
            assert_eq!(&read, value);
        }
    }

    #[test]
    fn every_vocabulary_value_reads_back_from_its_text() {
        use super::{attachment::*, audit::*, document::*, indicator::*, job::*, period::*};
        use super::{submission::*, token::*, unit::*, webhook::*};
        assert_round_trip(AttachmentPurpose::ALL, AttachmentPurpose::as_str);
        assert_round_trip(EntityType::ALL, EntityType::as_str);
        assert_round_trip(DocumentDirection::ALL, DocumentDirection::as_str);
        assert_round_trip(DocumentSource::ALL, DocumentSource::as_str);
        assert_round_trip(DocumentStatus::ALL, DocumentStatus::as_str);
        assert_round_trip(DocumentLinkRole::ALL, DocumentLinkRole::as_str);
        assert_round_trip(QlvbEventType::ALL, QlvbEventType::as_str);
        assert_round_trip(ContentArea::ALL, ContentArea::as_str);
        assert_round_trip(IndicatorKind::ALL, IndicatorKind::as_str);
        assert_round_trip(Comparator::ALL, Comparator::as_str);
        assert_round_trip(JobStatus::ALL, JobStatus::as_str);
        assert_round_trip(PeriodStatus::ALL, PeriodStatus::as_str);
        assert_round_trip(WindowSource::ALL, WindowSource::as_str);
        assert_round_trip(SubmissionStatus::ALL, SubmissionStatus::as_str);
        assert_round_trip(SystemValueSource::ALL, SystemValueSource::as_str);
        assert_round_trip(Standing::ALL, Standing::as_str);
        assert_round_trip(ConsolidationScope::ALL, ConsolidationScope::as_str);
        assert_round_trip(Role::ALL, Role::as_str);
        assert_round_trip(UnitKind::ALL, UnitKind::as_str);
        assert_round_trip(ContactRole::ALL, ContactRole::as_str);
        assert_round_trip(EventType::ALL, EventType::as_str);
        assert_round_trip(&DayKind::ALL, DayKind::as_str);
        assert_round_trip(&Frequency::ALL, Frequency::as_str);
        assert_round_trip(&ReportType::ALL, ReportType::as_str);
        assert_round_trip(&Timeliness::ALL, Timeliness::as_str);
        assert_round_trip(
            &[EscalationLevel::Head, EscalationLevel::Leadership],
            EscalationLevel::as_str,
        );
    }

    #[test]
    fn an_unknown_stored_value_is_refused_naming_the_type_and_the_value() {
        let error = from_column::<super::period::PeriodStatus>(b"reopened").unwrap_err();
        assert_eq!(
            error.to_string(),
            r#"unknown PeriodStatus value "reopened""#
        );
        let error = from_column::<Frequency>(b"weekly").unwrap_err();
        assert!(
            error.to_string().contains("unknown frequency 'weekly'"),
            "{error}"
        );
        let error = from_column::<EscalationLevel>(b"Head").unwrap_err();
        assert_eq!(error.to_string(), r#"unknown EscalationLevel value "Head""#);
    }

    #[test]
    fn stored_text_is_matched_exactly() {
        for text in ["", "Open", " open", "open ", "OPEN"] {
            let refused = from_column::<super::period::PeriodStatus>(text.as_bytes());
            assert!(refused.is_err(), "{text:?} was read");
        }
        assert!(from_column::<super::period::PeriodStatus>(b"op\xffen").is_err());
    }
}
