//! Public authorities.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::authorities;
use super::{last_insert_id, DbConnection};
use crate::domain::authority::Nation;
use crate::domain::regime::Regime;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema, Queryable, Selectable)]
#[diesel(table_name = authorities)]
pub struct Authority {
    pub id: i32,
    #[diesel(embed)]
    #[serde(flatten)]
    pub values: AuthorityValues,
    /// Its last change, for `domain::version`; not part of what it says.
    #[serde(skip)]
    pub updated_at: NaiveDateTime,
}

/// What a user sets on an authority.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema, Queryable, Selectable, Insertable, AsChangeset,
)]
#[diesel(table_name = authorities, treat_none_as_null = true)]
pub struct AuthorityValues {
    pub name: String,
    pub short_name: String,
    pub foi_email: Option<String>,
    pub website: Option<String>,
    pub default_regime: Regime,
    pub nation: Nation,
}

pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<Authority>> {
    authorities::table
        .order(authorities::name)
        .select(Authority::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Authority>> {
    authorities::table
        .find(id)
        .select(Authority::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_name(conn: &mut DbConnection, name: &str) -> QueryResult<Option<Authority>> {
    authorities::table
        .filter(authorities::name.eq(name))
        .select(Authority::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, values: &AuthorityValues, now: NaiveDateTime) -> QueryResult<i32> {
    diesel::insert_into(authorities::table)
        .values((
            values,
            authorities::created_at.eq(now),
            authorities::updated_at.eq(now),
        ))
        .execute(conn)?;
    last_insert_id(conn)
}

pub fn update(
    conn: &mut DbConnection,
    id: i32,
    values: &AuthorityValues,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(authorities::table.find(id))
        .set((values, authorities::updated_at.eq(now)))
        .execute(conn)
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    authorities::table.count().get_result(conn)
}
