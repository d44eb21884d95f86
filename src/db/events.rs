//! The events of a request, in the order they were recorded.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::schema::events;
use super::{last_insert_id, DbConnection};
use crate::domain::appeal::{AppealDetails, Stage};
use crate::domain::timeline::{Event, EventKind};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct EventRecord {
    pub id: i32,
    pub request_id: i32,
    pub kind: EventKind,
    pub occurred_on: NaiveDate,
    pub extended_to: Option<NaiveDate>,
    pub details: String,
    #[serde(serialize_with = "crate::domain::instant::utc")]
    pub recorded_at: NaiveDateTime,
    /// For a response: how it answered, if that was recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<super::responses::ResponseRecord>,
    /// For an event of an appeal stage: its references and, for a decision, its outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appeal: Option<AppealDetails>,
    /// What may be a mistake in it, though it was accepted (`domain::appeal::warnings`),
    /// filled in by the use cases that show events.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl EventRecord {
    /// What the engine needs of it.
    pub fn event(&self) -> Event {
        Event {
            kind: self.kind,
            date: self.occurred_on,
            extended_to: self.extended_to,
            promised_on: self.response.as_ref().and_then(|r| r.promised_on),
        }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = events)]
struct Row {
    id: i32,
    request_id: i32,
    kind: EventKind,
    occurred_on: NaiveDate,
    extended_to: Option<NaiveDate>,
    details: String,
    recorded_at: NaiveDateTime,
}

/// A stored event, before its response, appeal and warnings are added.
impl From<Row> for EventRecord {
    fn from(row: Row) -> EventRecord {
        EventRecord {
            kind: row.kind,
            id: row.id,
            request_id: row.request_id,
            occurred_on: row.occurred_on,
            extended_to: row.extended_to,
            details: row.details,
            recorded_at: row.recorded_at,
            response: None,
            appeal: None,
            warnings: Vec::new(),
        }
    }
}

/// A request's events by date; events of one day in the order recorded.
pub fn for_request(conn: &mut DbConnection, request_id: i32) -> QueryResult<Vec<EventRecord>> {
    let mut records = events::table
        .filter(events::request_id.eq(request_id))
        .order((events::occurred_on, events::id))
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(EventRecord::from)
        .collect::<Vec<_>>();
    with_details(conn, records.iter_mut())?;
    Ok(records)
}

/// Fills in how each response answered and each appeal stage's references and outcome.
fn with_details<'a>(
    conn: &mut DbConnection,
    records: impl Iterator<Item = &'a mut EventRecord>,
) -> QueryResult<()> {
    let mut records: Vec<&'a mut EventRecord> = records
        .filter(|r| r.kind == EventKind::Response || Stage::of(r.kind).is_some())
        .collect();
    let ids = |kind_matches: &dyn Fn(EventKind) -> bool| -> Vec<i32> {
        records
            .iter()
            .filter(|r| kind_matches(r.kind))
            .map(|r| r.id)
            .collect()
    };
    let response_ids = ids(&|k| k == EventKind::Response);
    let appeal_ids = ids(&|k| Stage::of(k).is_some());
    let mut responses = super::responses::for_events(conn, &response_ids)?;
    let mut appeals = super::appeals::for_events(conn, &appeal_ids)?;
    for record in &mut records {
        record.response = responses.remove(&record.id);
        record.appeal = appeals.remove(&record.id);
    }
    Ok(())
}

/// These events, without their details, in no order.
pub fn find_many(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<Vec<EventRecord>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(events::table
        .filter(events::id.eq_any(ids))
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(EventRecord::from)
        .collect())
}

/// The events of many requests in one query.
pub fn for_requests(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<HashMap<i32, Vec<EventRecord>>> {
    let mut map: HashMap<i32, Vec<EventRecord>> = HashMap::new();
    let rows: Vec<Row> = events::table
        .filter(events::request_id.eq_any(ids))
        .order((events::request_id, events::occurred_on, events::id))
        .select(Row::as_select())
        .load(conn)?;
    for row in rows {
        let record = EventRecord::from(row);
        map.entry(record.request_id).or_default().push(record);
    }
    with_details(conn, map.values_mut().flatten())?;
    Ok(map)
}

pub fn insert(
    conn: &mut DbConnection,
    request_id: i32,
    event: &Event,
    details: &str,
    now: NaiveDateTime,
) -> QueryResult<i32> {
    diesel::insert_into(events::table)
        .values((
            events::request_id.eq(request_id),
            events::kind.eq(event.kind.to_string()),
            events::occurred_on.eq(event.date),
            events::extended_to.eq(event.extended_to),
            events::details.eq(details),
            events::recorded_at.eq(now),
        ))
        .execute(conn)?;
    last_insert_id(conn)
}

/// The event recorded last, whatever its date.
pub fn last_recorded(conn: &mut DbConnection, request_id: i32) -> QueryResult<Option<EventRecord>> {
    let last = events::table
        .filter(events::request_id.eq(request_id))
        .order(events::id.desc())
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(EventRecord::from);
    let mut last = last;
    with_details(conn, last.iter_mut())?;
    Ok(last)
}

pub fn delete(conn: &mut DbConnection, id: i32) -> QueryResult<usize> {
    diesel::delete(events::table.find(id)).execute(conn)
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    events::table.count().get_result(conn)
}
