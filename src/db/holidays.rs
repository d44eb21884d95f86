//! Imported gov.uk bank holiday files, laid over the bundled copy in import order.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::holiday_imports;
use super::{last_insert_id, DbConnection};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Queryable, Selectable)]
#[diesel(table_name = holiday_imports)]
pub struct HolidayImport {
    pub id: i32,
    pub imported_at: NaiveDateTime,
    pub source: String,
    pub summary: String,
}

/// Every import, oldest first, without the files.
pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<HolidayImport>> {
    holiday_imports::table
        .order(holiday_imports::id)
        .select(HolidayImport::as_select())
        .load(conn)
}

/// The files, oldest first, to lay over the bundled copy.
pub fn contents(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    holiday_imports::table
        .order(holiday_imports::id)
        .select(holiday_imports::content)
        .load(conn)
}

/// The newest import's id, 0 when there is none: tells whether a cached calendar is current.
pub fn latest_id(conn: &mut DbConnection) -> QueryResult<i32> {
    Ok(holiday_imports::table
        .select(diesel::dsl::max(holiday_imports::id))
        .first::<Option<i32>>(conn)?
        .unwrap_or(0))
}

pub fn insert(
    conn: &mut DbConnection,
    source: &str,
    content: &str,
    summary: &str,
    now: NaiveDateTime,
) -> QueryResult<i32> {
    diesel::insert_into(holiday_imports::table)
        .values((
            holiday_imports::imported_at.eq(now),
            holiday_imports::source.eq(source),
            holiday_imports::content.eq(content),
            holiday_imports::summary.eq(summary),
        ))
        .execute(conn)?;
    last_insert_id(conn)
}
