//! The demand catalogue, the indicators requests ask for, and released figures.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::requests::{seen_by, Scope};
use super::schema::{
    appeals, deadlines, demands, events, figures, indicators, request_indicators, requests, response_grounds,
    responses,
};
use super::{last_insert_id, DbConnection};
use crate::domain::regime::Regime;
use crate::domain::timeline::Status;

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

/// (indicator, period start, period end) asked by a request.
pub type Link = (String, NaiveDate, NaiveDate);

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
    for (indicator, start, end) in links {
        diesel::insert_into(request_indicators::table)
            .values((
                request_indicators::request_id.eq(request_id),
                request_indicators::indicator_id.eq(indicator),
                request_indicators::period_start.eq(start),
                request_indicators::period_end.eq(end),
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
        .filter(requests::status.ne(Status::Draft.to_string()))
        .filter(requests::regime.ne(Regime::Sar.to_string()))
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
        .filter(requests::status.ne(Status::Draft.to_string()))
        .filter(requests::regime.ne(Regime::Sar.to_string()))
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Queryable, Selectable, utoipa::ToSchema)]
#[diesel(table_name = figures)]
pub struct Figure {
    pub id: i32,
    pub indicator_id: String,
    /// The exact number, as written; `None` when suppressed.
    pub value: Option<String>,
    /// What the source gave instead of a number, e.g. "fewer than 5".
    pub suppressed: Option<String>,
    pub unit: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// "dimension=value" pairs joined by "; "; empty for a total.
    pub breakdown: String,
    pub definition: String,
    /// matches, comparable or different.
    pub definition_match: String,
    pub caveats: String,
    /// request or publication.
    pub source_kind: String,
    pub request_id: Option<i32>,
    pub event_id: Option<i32>,
    pub document_id: Option<i32>,
    /// Where in the document: page, table, cell.
    pub location: Option<String>,
    pub publication_title: Option<String>,
    pub publisher: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub url: Option<String>,
    pub entered_by: Option<i32>,
    #[serde(serialize_with = "crate::domain::instant::utc")]
    pub entered_at: NaiveDateTime,
    pub verified_by: Option<i32>,
    #[serde(serialize_with = "crate::domain::instant::utc_or_null")]
    pub verified_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = figures)]
pub struct NewFigure {
    pub indicator_id: String,
    pub value: Option<String>,
    pub suppressed: Option<String>,
    pub unit: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub breakdown: String,
    pub definition: String,
    pub definition_match: String,
    pub caveats: String,
    pub source_kind: String,
    pub request_id: Option<i32>,
    pub event_id: Option<i32>,
    pub document_id: Option<i32>,
    pub location: Option<String>,
    pub publication_title: Option<String>,
    pub publisher: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub url: Option<String>,
    pub entered_by: Option<i32>,
    pub entered_at: NaiveDateTime,
}

pub fn insert_figure(conn: &mut DbConnection, figure: &NewFigure) -> QueryResult<i32> {
    diesel::insert_into(figures::table).values(figure).execute(conn)?;
    last_insert_id(conn)
}

pub fn find_figure(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Figure>> {
    figures::table
        .find(id)
        .select(Figure::as_select())
        .first(conn)
        .optional()
}

pub fn verify_figure(
    conn: &mut DbConnection,
    id: i32,
    user_id: i32,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(figures::table.find(id).filter(figures::verified_at.is_null()))
        .set((figures::verified_by.eq(user_id), figures::verified_at.eq(now)))
        .execute(conn)
}

/// Whose figures: from the sources the public may know of, or from the requests a reader
/// sees (a figure from no request, i.e. from a publication, is everyone's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sources {
    Public,
    Seen(Scope),
}

/// Every figure, or one indicator's, by period, of the sources given.
pub fn figures(
    conn: &mut DbConnection,
    indicator: Option<&str>,
    sources: Sources,
) -> QueryResult<Vec<Figure>> {
    let mut query = figures::table
        .left_join(requests::table.on(figures::request_id.eq(requests::id.nullable())))
        .into_boxed();
    if let Some(indicator) = indicator {
        query = query.filter(figures::indicator_id.eq(indicator.to_string()));
    }
    match sources {
        Sources::Public => {
            query = query.filter(
                figures::request_id.is_null().or(requests::status
                    .ne(Status::Draft.to_string())
                    .and(requests::regime.ne(Regime::Sar.to_string()))),
            )
        }
        Sources::Seen(Scope::SeenBy(organisation)) => {
            query = query.filter(figures::request_id.is_null().or(seen_by(organisation)))
        }
        Sources::Seen(Scope::Everything) => {}
    }
    query
        .order((
            figures::indicator_id,
            figures::period_start,
            figures::breakdown,
            figures::id,
        ))
        .select(Figure::as_select())
        .load(conn)
}

/// A figure with its indicator's wording and demand, and its request's authority.
pub type Publishable = (Figure, String, String, Option<String>);

/// Every verified figure that may be published: none from a draft or a subject access request.
pub fn publishable(conn: &mut DbConnection) -> QueryResult<Vec<Publishable>> {
    use super::schema::authorities;
    let rows: Vec<(Figure, String, String, Option<i32>)> = figures::table
        .inner_join(indicators::table)
        .left_join(requests::table.on(figures::request_id.eq(requests::id.nullable())))
        .filter(figures::verified_at.is_not_null())
        .filter(
            figures::request_id.is_null().or(requests::status
                .ne(Status::Draft.to_string())
                .and(requests::regime.ne(Regime::Sar.to_string()))),
        )
        .order((
            figures::indicator_id,
            figures::period_start,
            figures::breakdown,
            figures::id,
        ))
        .select((
            Figure::as_select(),
            indicators::wording,
            indicators::demand_id,
            requests::authority_id.nullable(),
        ))
        .load(conn)?;
    let ids: Vec<i32> = rows.iter().filter_map(|r| r.3).collect();
    let names: std::collections::HashMap<i32, String> = authorities::table
        .filter(authorities::id.eq_any(ids))
        .select((authorities::id, authorities::name))
        .load(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|(figure, wording, demand, authority)| {
            (
                figure,
                wording,
                demand,
                authority.and_then(|a| names.get(&a).cloned()),
            )
        })
        .collect())
}

/// A verified figure's id, indicator, period, breakdown and definition match.
pub type SpanRow = (i32, String, NaiveDate, NaiveDate, String, String);

/// The period and definition match of every verified figure the public may know of: what
/// the scorecard counts. None from a draft or a subject access request, as in the open data.
pub fn verified_spans(conn: &mut DbConnection) -> QueryResult<Vec<SpanRow>> {
    figures::table
        .left_join(requests::table.on(figures::request_id.eq(requests::id.nullable())))
        .filter(figures::verified_at.is_not_null())
        .filter(
            figures::request_id.is_null().or(requests::status
                .ne(Status::Draft.to_string())
                .and(requests::regime.ne(Regime::Sar.to_string()))),
        )
        .select((
            figures::id,
            figures::indicator_id,
            figures::period_start,
            figures::period_end,
            figures::breakdown,
            figures::definition_match,
        ))
        .load(conn)
}
