//! The demand catalogue, the indicators requests ask for, and released figures.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::requests::public;
use super::schema::{
    appeals, deadlines, demands, events, indicators, request_indicators, requests, response_grounds,
    responses,
};
use super::DbConnection;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Queryable, Selectable, utoipa::ToSchema)]
#[diesel(table_name = demands)]
pub struct Demand {
    pub id: String,
    pub title: String,
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Queryable, Selectable, utoipa::ToSchema)]
#[diesel(table_name = indicators)]
pub struct Indicator {
    pub id: String,
    pub demand_id: String,
    pub wording: String,
    pub unit: String,
    /// quarter or year.
    pub granularity: String,
    pub breakdowns: String,
    pub definition: String,
    pub official_source: String,
    #[serde(serialize_with = "crate::domain::instant::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::domain::instant::utc")]
    pub updated_at: NaiveDateTime,
}

/// An indicator's fields as written.
#[derive(Debug, Clone, PartialEq, Eq, Insertable, AsChangeset)]
#[diesel(table_name = indicators)]
pub struct IndicatorValues {
    pub demand_id: String,
    pub wording: String,
    pub unit: String,
    pub granularity: String,
    pub breakdowns: String,
    pub definition: String,
    pub official_source: String,
}

pub fn demands(conn: &mut DbConnection) -> QueryResult<Vec<Demand>> {
    demands::table
        .order(demands::id)
        .select(Demand::as_select())
        .load(conn)
}

/// Every indicator, by id ("D1.2" before "D1.10" is not needed: ids stay below 10 per demand).
pub fn indicators(conn: &mut DbConnection) -> QueryResult<Vec<Indicator>> {
    indicators::table
        .order(indicators::id)
        .select(Indicator::as_select())
        .load(conn)
}

pub fn find_indicator(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Indicator>> {
    indicators::table
        .find(id)
        .select(Indicator::as_select())
        .first(conn)
        .optional()
}

pub fn insert_indicator(
    conn: &mut DbConnection,
    id: &str,
    values: &IndicatorValues,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(indicators::table)
        .values((
            indicators::id.eq(id),
            values,
            indicators::created_at.eq(now),
            indicators::updated_at.eq(now),
        ))
        .execute(conn)
}

pub fn update_indicator(
    conn: &mut DbConnection,
    id: &str,
    values: &IndicatorValues,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(indicators::table.find(id))
        .set((values, indicators::updated_at.eq(now)))
        .execute(conn)
}

/// An indicator a request asks for, over a period: what `LinkInput` sets, read back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Queryable, utoipa::ToSchema)]
pub struct Link {
    pub indicator_id: String,
    /// The first day of the period asked for.
    pub from: NaiveDate,
    /// Its last day.
    pub to: NaiveDate,
}

pub fn links_of(conn: &mut DbConnection, request_id: i32) -> QueryResult<Vec<Link>> {
    request_indicators::table
        .filter(request_indicators::request_id.eq(request_id))
        .order((request_indicators::indicator_id, request_indicators::period_start))
        .select((
            request_indicators::indicator_id,
            request_indicators::period_start,
            request_indicators::period_end,
        ))
        .load(conn)
}

/// Replaces what a request asks for.
pub fn set_links(conn: &mut DbConnection, request_id: i32, links: &[Link]) -> QueryResult<()> {
    diesel::delete(request_indicators::table.filter(request_indicators::request_id.eq(request_id)))
        .execute(conn)?;
    for link in links {
        diesel::insert_into(request_indicators::table)
            .values((
                request_indicators::request_id.eq(request_id),
                request_indicators::indicator_id.eq(&link.indicator_id),
                request_indicators::period_start.eq(link.from),
                request_indicators::period_end.eq(link.to),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// One request's ask for an indicator: (request, the indicator or the authority, start, end,
/// the request's status).
pub type AskRow = (i32, String, NaiveDate, NaiveDate, String);

/// Every ask of a sent request that is neither a draft nor a subject access request:
/// (request, indicator, start, end, the request's status).
pub fn asks(conn: &mut DbConnection) -> QueryResult<Vec<AskRow>> {
    request_indicators::table
        .inner_join(requests::table)
        .filter(public())
        .order((request_indicators::request_id, request_indicators::indicator_id))
        .select((
            request_indicators::request_id,
            request_indicators::indicator_id,
            request_indicators::period_start,
            request_indicators::period_end,
            requests::status,
        ))
        .load(conn)
}

/// The requests asking for an indicator whose authority let a deadline pass unmet by
/// `today`: an answer, or a review's, that is late. One query.
pub fn overdue_asking(
    conn: &mut DbConnection,
    today: NaiveDate,
) -> QueryResult<std::collections::HashSet<i32>> {
    let asking = request_indicators::table.select(request_indicators::request_id);
    let late: Vec<i32> = deadlines::table
        .filter(deadlines::request_id.eq_any(asking))
        .filter(deadlines::party.eq("authority"))
        .filter(deadlines::settled_state.is_null())
        .filter(deadlines::due.lt(today))
        .select(deadlines::request_id)
        .distinct()
        .load(conn)?;
    Ok(late.into_iter().collect())
}

/// The asks for one indicator, with the asking request's authority:
/// (request, authority, start, end, the request's status).
pub fn asks_for(conn: &mut DbConnection, indicator: &str) -> QueryResult<Vec<AskRow>> {
    use super::schema::authorities;
    request_indicators::table
        .inner_join(requests::table.inner_join(authorities::table))
        .filter(request_indicators::indicator_id.eq(indicator.to_string()))
        .filter(public())
        .order((request_indicators::period_start, request_indicators::request_id))
        .select((
            request_indicators::request_id,
            authorities::name,
            request_indicators::period_start,
            request_indicators::period_end,
            requests::status,
        ))
        .load(conn)
}

/// The responses of every request that asks for an indicator:
/// (request, event, date, outcome).
pub fn asked_responses(conn: &mut DbConnection) -> QueryResult<Vec<(i32, i32, NaiveDate, String)>> {
    let asking = request_indicators::table.select(request_indicators::request_id);
    responses::table
        .inner_join(events::table)
        .filter(responses::request_id.eq_any(asking))
        .order(responses::event_id)
        .select((
            responses::request_id,
            responses::event_id,
            events::occurred_on,
            responses::outcome,
        ))
        .load(conn)
}

/// The decided appeal stages (review, regulator, tribunal) of every request that asks for an
/// indicator: (request, event, date, outcome).
pub fn asked_decisions(conn: &mut DbConnection) -> QueryResult<Vec<(i32, i32, NaiveDate, String)>> {
    let asking = request_indicators::table.select(request_indicators::request_id);
    appeals::table
        .inner_join(events::table)
        .filter(appeals::request_id.eq_any(asking))
        .filter(appeals::outcome.is_not_null())
        .order(appeals::event_id)
        .select((
            appeals::request_id,
            appeals::event_id,
            events::occurred_on,
            appeals::outcome.assume_not_null(),
        ))
        .load(conn)
}

/// The grounds cited by the responses of requests that ask for an indicator: (event, ground).
pub fn asked_grounds(conn: &mut DbConnection) -> QueryResult<Vec<(i32, String)>> {
    let asking = request_indicators::table.select(request_indicators::request_id);
    response_grounds::table
        .inner_join(responses::table)
        .filter(responses::request_id.eq_any(asking))
        .order((response_grounds::event_id, response_grounds::position))
        .select((response_grounds::event_id, response_grounds::ground))
        .load(conn)
}
