//! Pure rules: no database, no HTTP, no clock, no I/O. The closed sets name their SQL type
//! (text) through diesel's derives so that `db::closed` can store them; nothing here queries.

/// A closed set of values: a Rust enum stored and serialised as snake_case text.
macro_rules! closed_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
            strum::EnumString, strum::Display, strum::IntoStaticStr, strum::VariantArray,
            diesel::AsExpression, diesel::FromSqlRow,
        )]
        // Stored in text columns; the conversions are in `db::closed`.
        #[diesel(sql_type = diesel::sql_types::Text)]
        #[serde(rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }
    };
}

pub mod account;
pub mod appeal;
pub mod authority;
pub mod batch;
pub mod calendar;
pub mod csv_cell;
pub mod demand;
pub mod document;
pub mod document_text;
pub mod email;
pub mod exemptions;
pub mod export;
pub mod figure_import;
pub mod history;
pub mod instant;
pub mod letter;
pub mod recipients;
pub mod regime;
pub mod reminders;
pub mod repeat;
pub mod reply_address;
pub mod reply_kind;
pub mod request;
pub mod response;
pub mod scorecard;
pub mod search_query;
pub mod spreadsheet;
pub mod standing;
pub mod text;
pub mod timeline;
pub mod version;
pub mod wdtk;
pub mod written;
