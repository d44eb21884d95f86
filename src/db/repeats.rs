//! The quarterly repeats of requests: which request repeats, which one it repeats, which period
//! was skipped, and the ends of each series, where the next repeat is filed from.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::requests;
use super::DbConnection;

pub fn set_repeats(
    conn: &mut DbConnection,
    id: i32,
    repeats: bool,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(requests::table.find(id))
        .set((requests::repeats.eq(repeats), requests::updated_at.eq(now)))
        .execute(conn)
}

pub fn set_repeat_of(conn: &mut DbConnection, id: i32, of: i32) -> QueryResult<usize> {
    diesel::update(requests::table.find(id))
        .set(requests::repeat_of.eq(Some(of)))
        .execute(conn)
}

pub fn skip(conn: &mut DbConnection, id: i32, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(requests::table.find(id).filter(requests::skipped_at.is_null()))
        .set((requests::skipped_at.eq(Some(now)), requests::updated_at.eq(now)))
        .execute(conn)
}

/// A request's place in a quarterly series: (repeats, repeat_of, skipped_at).
pub fn repeat_state(
    conn: &mut DbConnection,
    id: i32,
) -> QueryResult<(bool, Option<i32>, Option<NaiveDateTime>)> {
    requests::table
        .find(id)
        .select((requests::repeats, requests::repeat_of, requests::skipped_at))
        .first(conn)
}

/// The requests set to repeat that have no successor yet: the ends of their series.
pub fn series_ends(conn: &mut DbConnection) -> QueryResult<Vec<i32>> {
    let repeating: Vec<i32> = requests::table
        .filter(requests::repeats.eq(true))
        .select(requests::id)
        .load(conn)?;
    let repeated: std::collections::HashSet<i32> = requests::table
        .filter(requests::repeat_of.is_not_null())
        .select(requests::repeat_of)
        .load::<Option<i32>>(conn)?
        .into_iter()
        .flatten()
        .collect();
    Ok(repeating
        .into_iter()
        .filter(|id| !repeated.contains(id))
        .collect())
}
