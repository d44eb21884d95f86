//! Sessions, one-time links, API tokens and failed sign-ins. Every secret is stored as its
//! SHA-256 only: what the database holds cannot be replayed.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{api_tokens, one_time_tokens, sessions, sign_in_failures};
use super::{last_insert_id, DbConnection};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id: i32,
    pub user_id: i32,
    pub csrf_token: String,
    pub verified: bool,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_id: i32,
    pub csrf_token: &'a str,
    pub verified: bool,
    pub client: Option<&'a str>,
    pub expires_at: NaiveDateTime,
}

pub fn insert_session(conn: &mut DbConnection, s: &NewSession<'_>, now: NaiveDateTime) -> QueryResult<i32> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(s.token_hash),
            sessions::user_id.eq(s.user_id),
            sessions::csrf_token.eq(s.csrf_token),
            sessions::verified.eq(s.verified),
            sessions::client.eq(s.client),
            sessions::created_at.eq(now),
            sessions::last_seen_at.eq(now),
            sessions::expires_at.eq(s.expires_at),
        ))
        .execute(conn)?;
    last_insert_id(conn)
}

pub fn touch_session(
    conn: &mut DbConnection,
    id: i32,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(sessions::table.find(id))
        .set((
            sessions::last_seen_at.eq(now),
            sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)
}

pub fn mark_verified(conn: &mut DbConnection, id: i32) -> QueryResult<usize> {
    diesel::update(sessions::table.find(id))
        .set(sessions::verified.eq(true))
        .execute(conn)
}

pub fn delete_session(conn: &mut DbConnection, id: i32) -> QueryResult<usize> {
    diesel::delete(sessions::table.find(id)).execute(conn)
}

/// Ends every session of a user; returns how many there were.
pub fn delete_sessions_of(conn: &mut DbConnection, user_id: i32) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = one_time_tokens)]
pub struct OneTimeToken {
    pub id: i32,
    pub user_id: i32,
    pub purpose: String,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

pub fn insert_one_time_token(
    conn: &mut DbConnection,
    user_id: i32,
    purpose: &str,
    token_hash: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<i32> {
    diesel::insert_into(one_time_tokens::table)
        .values((
            one_time_tokens::user_id.eq(user_id),
            one_time_tokens::purpose.eq(purpose),
            one_time_tokens::token_hash.eq(token_hash),
            one_time_tokens::created_at.eq(now),
            one_time_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    last_insert_id(conn)
}

pub fn find_one_time_token(conn: &mut DbConnection, token_hash: &str) -> QueryResult<Option<OneTimeToken>> {
    one_time_tokens::table
        .filter(one_time_tokens::token_hash.eq(token_hash))
        .select(OneTimeToken::as_select())
        .first(conn)
        .optional()
}

/// Marks a link used; 0 when another use got there first.
pub fn use_one_time_token(conn: &mut DbConnection, id: i32, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        one_time_tokens::table
            .find(id)
            .filter(one_time_tokens::used_at.is_null()),
    )
    .set(one_time_tokens::used_at.eq(now))
    .execute(conn)
}

/// Withdraws a user's unused links of one purpose (a newer one replaces them).
pub fn expire_one_time_tokens(
    conn: &mut DbConnection,
    user_id: i32,
    purpose: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        one_time_tokens::table
            .filter(one_time_tokens::user_id.eq(user_id))
            .filter(one_time_tokens::purpose.eq(purpose))
            .filter(one_time_tokens::used_at.is_null()),
    )
    .set(one_time_tokens::used_at.eq(now))
    .execute(conn)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    pub id: i32,
    pub user_id: i32,
    pub name: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

pub fn insert_api_token(
    conn: &mut DbConnection,
    user_id: i32,
    name: &str,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<i32> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::user_id.eq(user_id),
            api_tokens::name.eq(name),
            api_tokens::token_hash.eq(token_hash),
            api_tokens::created_at.eq(now),
        ))
        .execute(conn)?;
    last_insert_id(conn)
}

pub fn find_api_token_by_id(conn: &mut DbConnection, id: i32) -> QueryResult<Option<ApiToken>> {
    api_tokens::table
        .find(id)
        .select(ApiToken::as_select())
        .first(conn)
        .optional()
}

pub fn api_tokens_of(conn: &mut DbConnection, user_id: i32) -> QueryResult<Vec<ApiToken>> {
    api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .order(api_tokens::id.desc())
        .select(ApiToken::as_select())
        .load(conn)
}

pub fn revoke_api_token(conn: &mut DbConnection, id: i32, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        api_tokens::table
            .find(id)
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(now))
    .execute(conn)
}

pub fn revoke_api_tokens_of(conn: &mut DbConnection, user_id: i32, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        api_tokens::table
            .filter(api_tokens::user_id.eq(user_id))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(now))
    .execute(conn)
}

pub fn touch_api_token(conn: &mut DbConnection, id: i32, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(api_tokens::table.find(id))
        .set(api_tokens::last_used_at.eq(now))
        .execute(conn)
}

/// Records a failed sign-in (or one being checked); returns its id.
pub fn insert_failure(
    conn: &mut DbConnection,
    email: &str,
    client: &str,
    now: NaiveDateTime,
) -> QueryResult<i32> {
    diesel::insert_into(sign_in_failures::table)
        .values((
            sign_in_failures::at.eq(now),
            sign_in_failures::email.eq(email),
            sign_in_failures::client.eq(client),
        ))
        .execute(conn)?;
    last_insert_id(conn)
}

/// Forgets an attempt that turned out right.
pub fn delete_failure(conn: &mut DbConnection, id: i32) -> QueryResult<usize> {
    diesel::delete(sign_in_failures::table.find(id)).execute(conn)
}

/// Failures for an account and from a client since `since`, and the earliest of each.
pub fn failures_since(
    conn: &mut DbConnection,
    email: &str,
    client: &str,
    since: NaiveDateTime,
) -> QueryResult<(Vec<NaiveDateTime>, Vec<NaiveDateTime>)> {
    let by_email = sign_in_failures::table
        .filter(sign_in_failures::email.eq(email))
        .filter(sign_in_failures::at.gt(since))
        .order(sign_in_failures::at)
        .select(sign_in_failures::at)
        .load(conn)?;
    let by_client = sign_in_failures::table
        .filter(sign_in_failures::client.eq(client))
        .filter(sign_in_failures::at.gt(since))
        .order(sign_in_failures::at)
        .select(sign_in_failures::at)
        .load(conn)?;
    Ok((by_email, by_client))
}
