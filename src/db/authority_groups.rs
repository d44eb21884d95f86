//! Named groups of authorities, which a batch is sent to.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{authorities, authority_group_members, authority_groups};
use super::{last_insert_id, DbConnection};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema, Queryable, Selectable)]
#[diesel(table_name = authority_groups)]
pub struct AuthorityGroup {
    pub id: i32,
    pub name: String,
    pub description: String,
    #[serde(skip)]
    pub updated_at: NaiveDateTime,
}

pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<AuthorityGroup>> {
    authority_groups::table
        .order(authority_groups::name)
        .select(AuthorityGroup::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Option<AuthorityGroup>> {
    authority_groups::table
        .find(id)
        .select(AuthorityGroup::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_name(conn: &mut DbConnection, name: &str) -> QueryResult<Option<AuthorityGroup>> {
    authority_groups::table
        .filter(authority_groups::name.eq(name))
        .select(AuthorityGroup::as_select())
        .first(conn)
        .optional()
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    authority_groups::table.count().get_result(conn)
}

/// Every group's members' ids, by group, in the order of the authorities' names.
pub fn members(conn: &mut DbConnection) -> QueryResult<Vec<(i32, i32)>> {
    authority_group_members::table
        .inner_join(authorities::table)
        .order((authority_group_members::group_id, authorities::name))
        .select((
            authority_group_members::group_id,
            authority_group_members::authority_id,
        ))
        .load(conn)
}

pub fn members_of(conn: &mut DbConnection, group_id: i32) -> QueryResult<Vec<i32>> {
    authority_group_members::table
        .inner_join(authorities::table)
        .filter(authority_group_members::group_id.eq(group_id))
        .order(authorities::name)
        .select(authority_group_members::authority_id)
        .load(conn)
}

pub fn insert(
    conn: &mut DbConnection,
    name: &str,
    description: &str,
    now: NaiveDateTime,
) -> QueryResult<i32> {
    diesel::insert_into(authority_groups::table)
        .values((
            authority_groups::name.eq(name),
            authority_groups::description.eq(description),
            authority_groups::created_at.eq(now),
            authority_groups::updated_at.eq(now),
        ))
        .execute(conn)?;
    last_insert_id(conn)
}

pub fn update(
    conn: &mut DbConnection,
    id: i32,
    name: &str,
    description: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(authority_groups::table.find(id))
        .set((
            authority_groups::name.eq(name),
            authority_groups::description.eq(description),
            authority_groups::updated_at.eq(now),
        ))
        .execute(conn)
}

/// Replaces the group's members with `authority_ids`.
pub fn set_members(conn: &mut DbConnection, group_id: i32, authority_ids: &[i32]) -> QueryResult<()> {
    diesel::delete(authority_group_members::table.filter(authority_group_members::group_id.eq(group_id)))
        .execute(conn)?;
    // One row a statement: a multi-row insert is not available on both backends at once.
    for authority_id in authority_ids {
        diesel::insert_into(authority_group_members::table)
            .values((
                authority_group_members::group_id.eq(group_id),
                authority_group_members::authority_id.eq(*authority_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn delete(conn: &mut DbConnection, id: i32) -> QueryResult<usize> {
    diesel::delete(authority_group_members::table.filter(authority_group_members::group_id.eq(id)))
        .execute(conn)?;
    diesel::delete(authority_groups::table.find(id)).execute(conn)
}
