//! What the refusal history and the exports read: for the requests a filter keeps, a handful
//! of queries per few thousand requests, whatever their events.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::request_list::{filtered, RequestFilter};
use super::schema::{appeals, events, requests, response_grounds, responses};
use super::DbConnection;
use crate::domain::history::Timeliness;
use crate::domain::regime::Regime;
use crate::domain::response::Outcome;

/// What the history keeps of a request, written with its deadlines index (see
/// `tracker::history_facts`). The lists hold one entry per line.
#[derive(Debug, Clone, PartialEq, Eq, Default, Queryable, Selectable, AsChangeset)]
#[diesel(table_name = requests)]
#[diesel(treat_none_as_null = true)]
pub struct StoredFacts {
    pub received_on: Option<NaiveDate>,
    pub timeliness: Option<Timeliness>,
    pub late_after: Option<NaiveDate>,
    pub first_response_on: Option<NaiveDate>,
    pub first_outcome: Option<Outcome>,
    pub citations: String,
    pub decisions: String,
    pub response_due: Option<NaiveDate>,
}

pub fn write_facts(conn: &mut DbConnection, request_id: i32, facts: &StoredFacts) -> QueryResult<()> {
    diesel::update(requests::table.find(request_id))
        .set(facts)
        .execute(conn)?;
    Ok(())
}

/// The facts stored of the requests, by id.
pub fn stored_facts(
    conn: &mut DbConnection,
    ids: &[i32],
) -> QueryResult<std::collections::HashMap<i32, StoredFacts>> {
    Ok(chunked(conn, ids, |conn, chunk| {
        requests::table
            .filter(requests::id.eq_any(chunk))
            .select((requests::id, StoredFacts::as_select()))
            .load(conn)
    })?
    .into_iter()
    .collect())
}

/// (id, authority_id, regime, facts) of each received request the filter keeps, received
/// from `from` through `to`, by id: the one query a summary of the history makes.
pub fn facts(
    conn: &mut DbConnection,
    filter: &RequestFilter,
    today: NaiveDate,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> QueryResult<Vec<(i32, i32, Regime, StoredFacts)>> {
    let mut query = filtered(filter, today).filter(requests::received_on.is_not_null());
    if let Some(from) = from {
        query = query.filter(requests::received_on.ge(from));
    }
    if let Some(to) = to {
        query = query.filter(requests::received_on.le(to));
    }
    query
        .order(requests::id)
        .select((
            requests::id,
            requests::authority_id,
            requests::regime,
            StoredFacts::as_select(),
        ))
        .load(conn)
}

/// Ids per query: well under both backends' limits on bound parameters.
const CHUNK: usize = 5_000;

/// Runs `query` on each chunk of `ids` and joins the rows, in chunk order.
fn chunked<T>(
    conn: &mut DbConnection,
    ids: &[i32],
    mut query: impl FnMut(&mut DbConnection, &[i32]) -> QueryResult<Vec<T>>,
) -> QueryResult<Vec<T>> {
    let mut rows = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        rows.extend(query(conn, chunk)?);
    }
    Ok(rows)
}

/// (id, authority_id, regime, organisation_id, title, reference, status)
pub type RequestRow = (i32, i32, String, i32, String, Option<String>, String);

pub fn requests(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<Vec<RequestRow>> {
    chunked(conn, ids, |conn, chunk| {
        requests::table
            .filter(requests::id.eq_any(chunk))
            .order(requests::id)
            .select((
                requests::id,
                requests::authority_id,
                requests::regime,
                requests::organisation_id,
                requests::title,
                requests::reference,
                requests::status,
            ))
            .load(conn)
    })
}

/// (id, request_id, kind, occurred_on, extended_to, details, recorded_at), by request and date.
pub type EventRow = (
    i32,
    i32,
    String,
    NaiveDate,
    Option<NaiveDate>,
    String,
    NaiveDateTime,
);

/// The events of the requests; only those of `kinds` if any are given.
pub fn events(conn: &mut DbConnection, ids: &[i32], kinds: &[&str]) -> QueryResult<Vec<EventRow>> {
    chunked(conn, ids, |conn, chunk| {
        let mut query = events::table
            .filter(events::request_id.eq_any(chunk))
            .into_boxed();
        if !kinds.is_empty() {
            query = query.filter(events::kind.eq_any(kinds.to_vec()));
        }
        query
            .order((events::request_id, events::occurred_on, events::id))
            .select((
                events::id,
                events::request_id,
                events::kind,
                events::occurred_on,
                events::extended_to,
                events::details,
                events::recorded_at,
            ))
            .load(conn)
    })
}

/// (event_id, request_id, outcome, public_interest_test, promised_on)
pub type ResponseRow = (i32, i32, String, bool, Option<NaiveDate>);

pub fn responses(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<Vec<ResponseRow>> {
    chunked(conn, ids, |conn, chunk| {
        responses::table
            .filter(responses::request_id.eq_any(chunk))
            .order(responses::event_id)
            .select((
                responses::event_id,
                responses::request_id,
                responses::outcome,
                responses::public_interest_test,
                responses::promised_on,
            ))
            .load(conn)
    })
}

/// (event_id, ground), in the order each response cited them.
pub fn grounds(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<Vec<(i32, String)>> {
    chunked(conn, ids, |conn, chunk| {
        response_grounds::table
            .inner_join(responses::table)
            .filter(responses::request_id.eq_any(chunk))
            .order((response_grounds::event_id, response_grounds::position))
            .select((response_grounds::event_id, response_grounds::ground))
            .load(conn)
    })
}

/// (event_id, request_id, stage, reference, decision_reference, outcome)
pub type AppealRow = (i32, i32, String, Option<String>, Option<String>, Option<String>);

pub fn appeals(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<Vec<AppealRow>> {
    chunked(conn, ids, |conn, chunk| {
        appeals::table
            .filter(appeals::request_id.eq_any(chunk))
            .order(appeals::event_id)
            .select((
                appeals::event_id,
                appeals::request_id,
                appeals::stage,
                appeals::reference,
                appeals::decision_reference,
                appeals::outcome,
            ))
            .load(conn)
    })
}
