//! The stored index of each request's status and deadlines, kept in step with the engine:
//! rewritten when a request changes, caught up when a new day or a new calendar moves them.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::holidays::CalendarStore;
use crate::db::events::{self, EventRecord};
use crate::db::requests::{self, Request};
use crate::db::{self, deadlines, DbConnection};
use crate::domain::calendar::Calendar;
use crate::domain::regime::Regime;
use crate::domain::timeline::{self, Event, Schedule, TimelineError};
use crate::error::AppError;

/// Recomputes a request's schedule from its stored events (a change stores them first, in
/// the same transaction) and writes the index from it; a timeline the engine refuses is the
/// caller's input at fault.
pub(crate) fn reindex(
    conn: &mut DbConnection,
    calendar: &Calendar,
    today: NaiveDate,
    request_id: i32,
    regime: Regime,
) -> Result<Schedule, AppError> {
    let records = events::for_request(conn, request_id)?;
    let events: Vec<Event> = records.iter().map(EventRecord::event).collect();
    let schedule = timeline::schedule(regime, &events, calendar, today)
        .map_err(|e| AppError::invalid(e.field(), e.to_string()))?;
    write_index(conn, calendar, today, request_id, &schedule, &records)?;
    // The search index's words of the request and its events change with them.
    super::search::index_request(conn, request_id)?;
    Ok(schedule)
}

/// Writes what the index keeps of a request: its status, deadlines, history facts (from its
/// stored `records`) and the reminders it owes.
fn write_index(
    conn: &mut DbConnection,
    calendar: &Calendar,
    today: NaiveDate,
    request_id: i32,
    schedule: &Schedule,
    records: &[EventRecord],
) -> Result<(), AppError> {
    requests::set_status(
        conn,
        request_id,
        schedule.status,
        schedule.next_change(),
        schedule.next_due(),
    )?;
    deadlines::replace(conn, request_id, schedule)?;
    crate::db::history::write_facts(conn, request_id, &super::history_facts::of(schedule, records))?;
    // What the request owes in reminders follows at once, in the same transaction: a notice
    // about a deadline an event just met, or that a correction or a holiday import moved, is
    // cancelled, and a deadline that falls due today is announced today, not at the next sweep.
    super::reminders::replan(conn, calendar, request_id, today)
}

/// Requests re-indexed at most per call; the rest wait for the next read.
const CATCH_UP_BATCH: i64 = 500;

/// Brings the index up to date on `today`: a request whose earliest running deadline has
/// passed may now read differently (a FOISA review right opens, an unpaid fee lapses), so
/// it is computed again. Runs before the index is read; after the first read of a day it
/// finds nothing to do.
pub fn catch_up(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    today: NaiveDate,
) -> Result<usize, AppError> {
    if requests::due_for_reindex(conn, today, 1)?.is_empty() {
        return Ok(0);
    }
    db::write(conn, |conn| {
        let calendar = calendars.current(conn)?;
        let ids = requests::due_for_reindex(conn, today, CATCH_UP_BATCH)?;
        let mut events_by_request = events::for_requests(conn, &ids)?;
        for request in requests::find_many(conn, &ids)? {
            let records = events_by_request.remove(&request.id).unwrap_or_default();
            let schedule = schedule_of(&request, &records, &calendar, today)?;
            write_index(conn, &calendar, today, request.id, &schedule, &records)?;
        }
        Ok(ids.len())
    })
}

/// Recomputes every request against `calendar`, rewriting (if `write`) the index of those
/// whose deadlines moved; returns the deadlines that moved.
pub(crate) fn reindex_all(
    conn: &mut DbConnection,
    calendar: &Calendar,
    today: NaiveDate,
    write: bool,
) -> Result<Vec<super::holidays::MovedDeadline>, AppError> {
    let ids = requests::all_ids(conn)?;
    let mut stored: HashMap<i32, Vec<NaiveDate>> = HashMap::new();
    for (request_id, _, due) in deadlines::all_dues(conn)? {
        stored.entry(request_id).or_default().push(due);
    }
    let mut moved = Vec::new();
    for chunk in ids.chunks(500) {
        let mut events_by_request = events::for_requests(conn, chunk)?;
        let mut facts = crate::db::history::stored_facts(conn, chunk)?;
        for request in requests::find_many(conn, chunk)? {
            let records = events_by_request.remove(&request.id).unwrap_or_default();
            let schedule = schedule_of(&request, &records, calendar, today)?;
            let before = stored.remove(&request.id).unwrap_or_default();
            let after: Vec<NaiveDate> = schedule.deadlines.iter().map(|d| d.due).collect();
            // A calendar can move what the history keeps (a limit on extensions) and no due date.
            let stored_facts = facts.remove(&request.id);
            if before == after && stored_facts == Some(super::history_facts::of(&schedule, &records)) {
                continue;
            }
            for (i, due) in after.iter().enumerate() {
                if let Some(old) = before.get(i).filter(|old| *old != due) {
                    moved.push(super::holidays::MovedDeadline {
                        request_id: request.id,
                        title: request.values.title.clone(),
                        from: *old,
                        to: *due,
                    });
                }
            }
            if write {
                write_index(conn, calendar, today, request.id, &schedule, &records)?;
            }
        }
    }
    Ok(moved)
}

/// A request's schedule from its events; a history the engine refuses is the app's fault,
/// since every event was checked when it was recorded.
pub(crate) fn schedule_of(
    request: &Request,
    events: &[EventRecord],
    calendar: &Calendar,
    today: NaiveDate,
) -> Result<Schedule, AppError> {
    let events: Vec<Event> = events.iter().map(EventRecord::event).collect();
    timeline::schedule(request.values.regime, &events, calendar, today).map_err(|e: TimelineError| {
        AppError::Internal(format!("request {} does not compute: {e}", request.id))
    })
}
