//! The closed sets of the domain (regimes, event kinds, outcomes, states, roles...) as they are
//! stored: each in a text column under its snake_case name, which the migrations' CHECK
//! constraints list. Read and written here, in one place, for both backends, so that a row
//! holds the enum itself and a value outside the set fails as the row is read.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;
use diesel::sqlite::Sqlite;

use crate::domain::account::Role;
use crate::domain::appeal::{AppealOutcome, Stage};
use crate::domain::authority::Nation;
use crate::domain::demand::{DefinitionMatch, Granularity, SourceKind};
use crate::domain::export::Dataset;
use crate::domain::history::{Grouping, Timeliness};
use crate::domain::letter::LetterKind;
use crate::domain::regime::Regime;
use crate::domain::reminders::{Delivery, NoticeKind, OutboxStatus};
use crate::domain::request::SentVia;
use crate::domain::response::Outcome;
use crate::domain::scorecard::QuarterState;
use crate::domain::timeline::{DeadlineKind, DeadlineState, EventKind, Party, Status};

/// The backend of [`super::DbConnection`], either of the two.
type Either = <super::DbConnection as diesel::Connection>::Backend;

/// A closed-set value read back from its stored name; the CHECK constraints make a failure
/// here a corrupt database. Also for names stored inside a text of several (a user's kinds
/// of reminder).
pub(super) fn closed<T: std::str::FromStr>(text: &str) -> diesel::QueryResult<T> {
    text.parse()
        .map_err(|_| diesel::result::Error::DeserializationError(format!("unexpected value {text:?}").into()))
}

macro_rules! stored_as_text {
    ($($name:ty),+ $(,)?) => {$(
        impl FromSql<Text, Sqlite> for $name {
            // Read in place: a summary of the history reads 300,000 of them.
            fn from_sql(mut value: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                Ok(closed(value.read_text())?)
            }
        }

        impl FromSql<Text, Pg> for $name {
            fn from_sql(value: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                Ok(closed(std::str::from_utf8(value.as_bytes())?)?)
            }
        }

        impl FromSql<Text, Either> for $name {
            fn from_sql(value: <Either as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                value.from_sql::<Self, Text>()
            }
        }

        impl ToSql<Text, Sqlite> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                let name: &'static str = self.into();
                <str as ToSql<Text, Sqlite>>::to_sql(name, out)
            }
        }

        impl ToSql<Text, Pg> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                let name: &'static str = self.into();
                <str as ToSql<Text, Pg>>::to_sql(name, out)
            }
        }

        impl ToSql<Text, Either> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Either>) -> serialize::Result {
                out.set_value((Text, self));
                Ok(IsNull::No)
            }
        }
    )+};
}

stored_as_text!(
    AppealOutcome,
    DeadlineKind,
    DeadlineState,
    DefinitionMatch,
    Dataset,
    Delivery,
    EventKind,
    Granularity,
    Grouping,
    LetterKind,
    Nation,
    NoticeKind,
    Outcome,
    OutboxStatus,
    Party,
    QuarterState,
    Regime,
    Role,
    SentVia,
    SourceKind,
    Stage,
    Status,
    Timeliness,
);
