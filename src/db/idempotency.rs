//! The stored first answers of API calls sent with an `Idempotency-Key`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::idempotency_keys;
use super::DbConnection;

/// A first answer, as it was sent.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = idempotency_keys)]
pub struct StoredAnswer {
    pub fingerprint: String,
    pub status: i32,
    pub location: Option<String>,
    pub body: String,
    pub created_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConnection, user_id: i32, key: &str) -> QueryResult<Option<StoredAnswer>> {
    idempotency_keys::table
        .filter(idempotency_keys::user_id.eq(user_id))
        .filter(idempotency_keys::key.eq(key))
        .select(StoredAnswer::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, user_id: i32, key: &str, answer: &StoredAnswer) -> QueryResult<usize> {
    diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::user_id.eq(user_id),
            idempotency_keys::key.eq(key),
            idempotency_keys::fingerprint.eq(&answer.fingerprint),
            idempotency_keys::status.eq(answer.status),
            idempotency_keys::location.eq(&answer.location),
            idempotency_keys::body.eq(&answer.body),
            idempotency_keys::created_at.eq(answer.created_at),
        ))
        .execute(conn)
}

/// Forgets the answers stored before `before`.
pub fn forget_before(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(before))).execute(conn)
}
