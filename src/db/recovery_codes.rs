//! Recovery codes: each stored as its SHA-256 only, used once.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::recovery_codes;
use super::DbConnection;

/// Replaces a user's recovery codes with a new set: the old ones stop working.
pub fn replace(
    conn: &mut DbConnection,
    user_id: i32,
    hashes: &[String],
    now: NaiveDateTime,
) -> QueryResult<()> {
    delete_all(conn, user_id)?;
    for hash in hashes {
        diesel::insert_into(recovery_codes::table)
            .values((
                recovery_codes::user_id.eq(user_id),
                recovery_codes::code_hash.eq(hash),
                recovery_codes::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn delete_all(conn: &mut DbConnection, user_id: i32) -> QueryResult<usize> {
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id))).execute(conn)
}

/// Marks the user's unused code with this hash used; whether there was one.
pub fn use_code(conn: &mut DbConnection, user_id: i32, hash: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let used = diesel::update(
        recovery_codes::table
            .filter(recovery_codes::user_id.eq(user_id))
            .filter(recovery_codes::code_hash.eq(hash))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(now))
    .execute(conn)?;
    Ok(used == 1)
}

/// How many of the user's codes are still unused.
pub fn remaining(conn: &mut DbConnection, user_id: i32) -> QueryResult<i64> {
    recovery_codes::table
        .filter(recovery_codes::user_id.eq(user_id))
        .filter(recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)
}
