//! Organisations and their users.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{api_tokens, organisations, sessions, users};
use super::sessions::{ApiToken, Session};
use super::{last_insert_id, DbConnection};
use crate::domain::account::Role;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Queryable, Selectable)]
#[diesel(table_name = organisations)]
pub struct Organisation {
    pub id: i32,
    pub name: String,
}

/// A user. The password hash and the TOTP secret are never serialised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i32,
    pub organisation_id: i32,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    #[serde(skip)]
    pub password_hash: Option<String>,
    #[serde(skip)]
    pub totp_secret: Option<String>,
    pub created_at: NaiveDateTime,
}

impl User {
    pub fn two_factor(&self) -> bool {
        self.totp_secret.is_some()
    }

    pub fn has_password(&self) -> bool {
        self.password_hash.is_some()
    }
}

pub fn organisations(conn: &mut DbConnection) -> QueryResult<Vec<Organisation>> {
    organisations::table
        .order(organisations::name)
        .select(Organisation::as_select())
        .load(conn)
}

pub fn find_organisation(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Organisation>> {
    organisations::table
        .find(id)
        .select(Organisation::as_select())
        .first(conn)
        .optional()
}

pub fn find_organisation_by_name(conn: &mut DbConnection, name: &str) -> QueryResult<Option<Organisation>> {
    organisations::table
        .filter(organisations::name.eq(name))
        .select(Organisation::as_select())
        .first(conn)
        .optional()
}

pub fn insert_organisation(conn: &mut DbConnection, name: &str, now: NaiveDateTime) -> QueryResult<i32> {
    diesel::insert_into(organisations::table)
        .values((organisations::name.eq(name), organisations::created_at.eq(now)))
        .execute(conn)?;
    last_insert_id(conn)
}

pub fn rename_organisation(conn: &mut DbConnection, id: i32, name: &str) -> QueryResult<usize> {
    diesel::update(organisations::table.find(id))
        .set(organisations::name.eq(name))
        .execute(conn)
}

pub fn users(conn: &mut DbConnection) -> QueryResult<Vec<User>> {
    users::table
        .order((users::organisation_id, users::name))
        .select(User::as_select())
        .load(conn)
}

pub fn users_of(conn: &mut DbConnection, organisation_id: i32) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::organisation_id.eq(organisation_id))
        .order(users::name)
        .select(User::as_select())
        .load(conn)
}

pub fn find_user(conn: &mut DbConnection, id: i32) -> QueryResult<Option<User>> {
    users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// A session with its user, in one round trip: every page asks.
pub fn session_and_user(conn: &mut DbConnection, token_hash: &str) -> QueryResult<Option<(Session, User)>> {
    sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash))
        .select((Session::as_select(), User::as_select()))
        .first::<(Session, User)>(conn)
        .optional()
}

/// As `session_and_user`, with the register's version read in the same query: a page served
/// from the cache costs this one round trip.
pub fn session_user_and_version(
    conn: &mut DbConnection,
    token_hash: &str,
) -> QueryResult<Option<(Session, User, i64)>> {
    use super::schema::register_version;
    let version = register_version::table
        .select(register_version::version)
        .single_value()
        .assume_not_null();
    sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash))
        .select((Session::as_select(), User::as_select(), version))
        .first::<(Session, User, i64)>(conn)
        .optional()
}

/// An API token with its user, in one round trip: every API call asks.
pub fn token_and_user(conn: &mut DbConnection, token_hash: &str) -> QueryResult<Option<(ApiToken, User)>> {
    api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(token_hash))
        .select((ApiToken::as_select(), User::as_select()))
        .first::<(ApiToken, User)>(conn)
        .optional()
}

pub fn find_user_by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub struct NewUser<'a> {
    pub organisation_id: i32,
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub password_hash: Option<&'a str>,
}

pub fn insert_user(conn: &mut DbConnection, user: &NewUser<'_>, now: NaiveDateTime) -> QueryResult<i32> {
    diesel::insert_into(users::table)
        .values((
            users::organisation_id.eq(user.organisation_id),
            users::email.eq(user.email),
            users::name.eq(user.name),
            users::role.eq(user.role.to_string()),
            users::password_hash.eq(user.password_hash),
            users::active.eq(true),
            users::created_at.eq(now),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    last_insert_id(conn)
}

pub fn set_password(conn: &mut DbConnection, id: i32, hash: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((users::password_hash.eq(hash), users::updated_at.eq(now)))
        .execute(conn)
}

pub fn set_totp_secret(
    conn: &mut DbConnection,
    id: i32,
    secret: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((users::totp_secret.eq(secret), users::updated_at.eq(now)))
        .execute(conn)
}

/// Records that the code of time step `step` was used, unless it or a later one already was:
/// `false` then, and the code must be refused.
pub fn use_totp_step(conn: &mut DbConnection, id: i32, step: i64) -> QueryResult<bool> {
    let changed = diesel::update(
        users::table
            .filter(users::id.eq(id))
            .filter(users::totp_last_step.is_null().or(users::totp_last_step.lt(step))),
    )
    .set(users::totp_last_step.eq(step))
    .execute(conn)?;
    Ok(changed == 1)
}

pub fn set_active(conn: &mut DbConnection, id: i32, active: bool, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((users::active.eq(active), users::updated_at.eq(now)))
        .execute(conn)
}

pub fn count_users(conn: &mut DbConnection) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}
