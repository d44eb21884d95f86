//! Batches: one question sent to many authorities, each member an ordinary request.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{batch_members, batches, events, figures};
use super::{last_insert_id, DbConnection};
use crate::domain::timeline::EventKind;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Queryable, Selectable)]
#[diesel(table_name = batches)]
pub struct Batch {
    pub id: i32,
    pub organisation_id: i32,
    pub title: String,
    pub wdtk_url: Option<String>,
    pub created_by: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(
    conn: &mut DbConnection,
    organisation_id: i32,
    title: &str,
    wdtk_url: Option<&str>,
    created_by: Option<i32>,
    now: NaiveDateTime,
) -> QueryResult<i32> {
    diesel::insert_into(batches::table)
        .values((
            batches::organisation_id.eq(organisation_id),
            batches::title.eq(title),
            batches::wdtk_url.eq(wdtk_url),
            batches::created_by.eq(created_by),
            batches::created_at.eq(now),
            batches::updated_at.eq(now),
        ))
        .execute(conn)?;
    last_insert_id(conn)
}

pub fn add_member(
    conn: &mut DbConnection,
    batch_id: i32,
    request_id: i32,
    authority_id: i32,
) -> QueryResult<usize> {
    diesel::insert_into(batch_members::table)
        .values((
            batch_members::batch_id.eq(batch_id),
            batch_members::request_id.eq(request_id),
            batch_members::authority_id.eq(authority_id),
        ))
        .execute(conn)
}

pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Batch>> {
    batches::table
        .find(id)
        .select(Batch::as_select())
        .first(conn)
        .optional()
}

pub fn touch(conn: &mut DbConnection, id: i32, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(batches::table.find(id))
        .set(batches::updated_at.eq(now))
        .execute(conn)
}

/// Every batch, newest first.
pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<Batch>> {
    batches::table
        .order(batches::id.desc())
        .select(Batch::as_select())
        .load(conn)
}

/// The members' request ids of each of `batch_ids`, as (batch, request), by request id.
pub fn members(conn: &mut DbConnection, batch_ids: &[i32]) -> QueryResult<Vec<(i32, i32)>> {
    batch_members::table
        .filter(batch_members::batch_id.eq_any(batch_ids))
        .order(batch_members::request_id)
        .select((batch_members::batch_id, batch_members::request_id))
        .load(conn)
}

/// (request, batch) of those of the requests that belong to a batch.
pub fn of_requests(conn: &mut DbConnection, request_ids: &[i32]) -> QueryResult<Vec<(i32, i32)>> {
    let mut rows = Vec::new();
    // Well under both backends' limits on bound parameters.
    for chunk in request_ids.chunks(5_000) {
        rows.extend(
            batch_members::table
                .filter(batch_members::request_id.eq_any(chunk))
                .select((batch_members::request_id, batch_members::batch_id))
                .load::<(i32, i32)>(conn)?,
        );
    }
    Ok(rows)
}

/// The batch a request belongs to, if any.
pub fn of_request(conn: &mut DbConnection, request_id: i32) -> QueryResult<Option<i32>> {
    batch_members::table
        .find(request_id)
        .select(batch_members::batch_id)
        .first(conn)
        .optional()
}

/// How many figures were entered from each of the requests.
pub fn figures_of(conn: &mut DbConnection, request_ids: &[i32]) -> QueryResult<Vec<(i32, i64)>> {
    let rows: Vec<(Option<i32>, i64)> = figures::table
        .filter(figures::request_id.eq_any(request_ids.iter().map(|id| Some(*id))))
        .group_by(figures::request_id)
        .select((figures::request_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(id, n)| Some((id?, n))).collect())
}

/// The day of the first event of `kind` of each of the requests, of those that have one.
pub fn first_of(
    conn: &mut DbConnection,
    request_ids: &[i32],
    kind: EventKind,
) -> QueryResult<Vec<(i32, chrono::NaiveDate)>> {
    let rows: Vec<(i32, Option<chrono::NaiveDate>)> = events::table
        .filter(events::request_id.eq_any(request_ids))
        .filter(events::kind.eq(kind.to_string()))
        .group_by(events::request_id)
        .select((events::request_id, diesel::dsl::min(events::occurred_on)))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(id, on)| Some((id, on?))).collect())
}
