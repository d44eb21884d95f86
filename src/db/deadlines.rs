//! The deadlines index: every deadline of every request as the engine last computed it, for
//! the dashboard, reminders and calendar feeds. The engine stays the source of truth.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{authorities, deadlines, requests, users};
use super::DbConnection;
use crate::domain::calendar::{FIRST_DAY, LAST_DAY};
use crate::domain::regime::Regime;
use crate::domain::standing::Unsettled;
use crate::domain::timeline::{DeadlineKind, Party, Schedule};

/// Replaces a request's deadlines with those of its new schedule.
pub fn replace(conn: &mut DbConnection, request_id: i32, schedule: &Schedule) -> QueryResult<()> {
    diesel::delete(deadlines::table.filter(deadlines::request_id.eq(request_id))).execute(conn)?;
    let rows: Vec<_> = schedule
        .deadlines
        .iter()
        .enumerate()
        .map(|(position, d)| {
            (
                deadlines::request_id.eq(request_id),
                deadlines::position.eq(position as i32),
                deadlines::kind.eq(d.kind.to_string()),
                deadlines::party.eq(d.party.to_string()),
                deadlines::from_date.eq(d.from),
                deadlines::due.eq(d.due),
                deadlines::latest.eq(d.latest),
                // Only what an event settled is stored as settled; the rest is judged
                // against the day it is read.
                deadlines::settled_state.eq(d.settled_on.map(|_| d.state.to_string())),
                deadlines::settled_on.eq(d.settled_on),
                deadlines::rule.eq(&d.rule),
            )
        })
        .collect();
    for row in rows {
        diesel::insert_into(deadlines::table).values(row).execute(conn)?;
    }
    Ok(())
}

/// The deadlines nothing has settled yet of each of `ids`, in the order they began.
pub fn unsettled(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<HashMap<i32, Vec<Unsettled>>> {
    let rows: Vec<(i32, DeadlineKind, Party, NaiveDate, Option<NaiveDate>)> = deadlines::table
        .filter(deadlines::request_id.eq_any(ids))
        .filter(deadlines::settled_state.is_null())
        .order((deadlines::request_id, deadlines::position))
        .select((
            deadlines::request_id,
            deadlines::kind,
            deadlines::party,
            deadlines::due,
            deadlines::latest,
        ))
        .load(conn)?;
    let mut by_request: HashMap<i32, Vec<Unsettled>> = HashMap::new();
    for (request_id, kind, party, due, latest) in rows {
        by_request.entry(request_id).or_default().push(Unsettled {
            kind,
            party,
            due,
            latest,
        });
    }
    Ok(by_request)
}

/// A deadline nothing has settled yet, with what a list needs to show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pending {
    pub request_id: i32,
    pub title: String,
    pub authority: String,
    /// The name of the request's owner, when it has one.
    pub owner: Option<String>,
    pub regime: Regime,
    pub kind: DeadlineKind,
    pub party: Party,
    pub due: NaiveDate,
    pub latest: Option<NaiveDate>,
    /// Filled in by the caller for deadlines already passed.
    pub working_days_late: Option<i64>,
}

#[derive(Queryable)]
struct PendingRow {
    request_id: i32,
    title: String,
    authority: String,
    owner: Option<String>,
    regime: Regime,
    kind: DeadlineKind,
    party: Party,
    due: NaiveDate,
    latest: Option<NaiveDate>,
}

/// An organisation's pending deadlines of one party due from `from` to `until` (both
/// included), earliest first.
pub fn pending(
    conn: &mut DbConnection,
    organisation_id: i32,
    party: Party,
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
    limit: i64,
) -> QueryResult<Vec<Pending>> {
    // Unboxed, with both bounds always bound, so that each backend can reuse the prepared
    // statement: the dashboard runs this on every view.
    let rows: Vec<PendingRow> = deadlines::table
        .inner_join(requests::table.inner_join(authorities::table))
        .filter(deadlines::settled_state.is_null())
        .filter(deadlines::party.eq(party.to_string()))
        .filter(deadlines::due.between(from.unwrap_or(FIRST_DAY), until.unwrap_or(LAST_DAY)))
        .filter(requests::organisation_id.eq(organisation_id))
        .order((deadlines::due, deadlines::request_id))
        .limit(limit)
        .select((
            deadlines::request_id,
            requests::title,
            authorities::short_name,
            users::table
                .filter(users::id.nullable().eq(requests::owner_id))
                .select(users::name)
                .single_value(),
            requests::regime,
            deadlines::kind,
            deadlines::party,
            deadlines::due,
            deadlines::latest,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|row| {
            Ok(Pending {
                request_id: row.request_id,
                title: row.title,
                authority: row.authority,
                owner: row.owner,
                regime: row.regime,
                kind: row.kind,
                party: row.party,
                due: row.due,
                latest: row.latest,
                working_days_late: None,
            })
        })
        .collect()
}

/// How many of an organisation's pending deadlines of one party fall due from `from` to `until`.
pub fn count_pending(
    conn: &mut DbConnection,
    organisation_id: i32,
    party: Party,
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
) -> QueryResult<i64> {
    deadlines::table
        .inner_join(requests::table)
        .filter(requests::organisation_id.eq(organisation_id))
        .filter(deadlines::settled_state.is_null())
        .filter(deadlines::party.eq(party.to_string()))
        .filter(deadlines::due.between(from.unwrap_or(FIRST_DAY), until.unwrap_or(LAST_DAY)))
        .count()
        .get_result(conn)
}

/// (request, kind, due) of every stored deadline, to tell what a recomputation moved.
pub fn all_dues(conn: &mut DbConnection) -> QueryResult<Vec<(i32, i32, NaiveDate)>> {
    deadlines::table
        .select((deadlines::request_id, deadlines::position, deadlines::due))
        .order((deadlines::request_id, deadlines::position))
        .load(conn)
}
