//! Requests: create, edit, send a draft, hand over.

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::json;

use super::access::{require, unchanged_since_read, writable};
use super::audit::{of_request_kind, record, Caller, Change};
use super::deadline_index::reindex;
use super::holidays::CalendarStore;
use super::input::Fields;
use super::request_input::{validate, RequestInput};
use crate::db::events;
use crate::db::requests::{self, Request};
use crate::db::{self, DbConnection};
use crate::domain::account::Actor;
use crate::domain::timeline::{Event, EventKind, Status};
use crate::domain::version::Expected;
use crate::error::AppError;

pub fn get(conn: &mut DbConnection, id: i32) -> Result<Request, AppError> {
    requests::find(conn, id)?.ok_or_else(|| AppError::NotFound(format!("request {id}")))
}

pub(crate) fn tags_of(conn: &mut DbConnection, id: i32) -> Result<Vec<String>, AppError> {
    Ok(requests::tags(conn, &[id])?.remove(&id).unwrap_or_default())
}

/// A request as the audit trail records it: a subject access request's personal data by
/// name only.
pub(crate) fn snapshot(request: &Request, tags: &[String]) -> serde_json::Value {
    let v = &request.values;
    let value = json!({
        "title": v.title, "body": v.body, "authority_id": v.authority_id, "regime": v.regime,
        "sent_via": v.sent_via, "sent_on": v.sent_on, "reference": v.reference,
        "organisation_id": request.organisation_id, "owner_id": v.owner_id, "tags": tags,
    });
    of_request_kind(v.regime, value, &["title", "body", "reference", "tags"])
}

/// Gives every request owned by one user to another, each change audited.
pub(crate) fn hand_over(
    conn: &mut DbConnection,
    caller: &Caller,
    from: i32,
    to: i32,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let ids = requests::hand_over(conn, from, to, now)?;
    for id in &ids {
        record(
            conn,
            caller,
            Change::new("hand_over", "request", *id)
                .before(json!({"owner_id": from}))
                .after(json!({"owner_id": to})),
            now,
        )?;
    }
    Ok(ids.len())
}

/// Creates a request; with a date sent or received it is sent, and its clock starts.
pub fn create(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    input: &RequestInput,
    now: NaiveDateTime,
) -> Result<i32, AppError> {
    let actor = require(caller, Actor::files_requests)?;
    let mut input = input.clone();
    input.owner_id = input.owner_id.or(Some(actor.user_id));
    db::write(conn, |conn| {
        let calendar = calendars.current(conn)?;
        let valid = validate(conn, &input, today, actor.organisation_id)?;
        let id = requests::insert(conn, actor.organisation_id, &valid.values, now)?;
        requests::set_tags(conn, id, &valid.tags)?;
        if let Some(received) = valid.received_on {
            events::insert(conn, id, &Event::new(EventKind::Received, received), "", now)?;
        }
        reindex(conn, &calendar, today, id, valid.values.regime)?;
        let after = snapshot(&get(conn, id)?, &valid.tags);
        record(
            conn,
            caller,
            Change::new("create", "request", id).after(after),
            now,
        )?;
        Ok(id)
    })
}

/// Changes the fields `apply` changes and keeps the others (`PATCH` as an RFC 7396 merge
/// patch): `apply` is given the request as it stands, inside the transaction that writes it.
#[allow(clippy::too_many_arguments)]
pub fn patch(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    id: i32,
    apply: impl FnOnce(RequestInput) -> Result<RequestInput, AppError>,
    expected: &Expected,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    // Read, merged and written in one transaction: nothing changes between.
    db::write(conn, |conn| {
        let (existing, tags) = to_change(conn, caller, id, expected)?;
        let input = apply(RequestInput::of(&existing, tags.clone()))?;
        change(conn, calendars, caller, today, &existing, &tags, &input, now)
    })
}

/// Edits a request's own facts. Its events stay as recorded, so a sent request keeps a date
/// sent no later than its receipt; a draft given a date sent is sent.
#[allow(clippy::too_many_arguments)]
pub fn update(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    id: i32,
    input: &RequestInput,
    expected: &Expected,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    db::write(conn, |conn| {
        let (existing, tags) = to_change(conn, caller, id, expected)?;
        change(conn, calendars, caller, today, &existing, &tags, input, now)
    })
}

/// The request and its tags as they stand, if `caller` may change it and it is still the
/// version `expected`.
fn to_change(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i32,
    expected: &Expected,
) -> Result<(Request, Vec<String>), AppError> {
    let existing = writable(conn, caller, id)?;
    unchanged_since_read(expected, existing.updated_at, &format!("request {id}"))?;
    let tags = tags_of(conn, id)?;
    Ok((existing, tags))
}

/// Writes `input` over `existing` (with its `tags`), inside the caller's transaction.
#[allow(clippy::too_many_arguments)]
fn change(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    existing: &Request,
    tags: &[String],
    input: &RequestInput,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let id = existing.id;
    let calendar = calendars.current(conn)?;
    let before = snapshot(existing, tags);
    let valid = validate(conn, input, today, existing.organisation_id)?;
    let records = events::for_request(conn, id)?;
    let received = records
        .iter()
        .find(|e| e.kind == EventKind::Received)
        .map(|e| e.occurred_on);
    match (received, valid.values.sent_on) {
        (Some(_), None) => {
            return Err(AppError::invalid("sent_on", "A sent request keeps its date sent"));
        }
        (Some(received), Some(sent)) if sent > received => {
            return Err(AppError::invalid(
                "sent_on",
                format!("Date sent cannot be after the date received ({received})"),
            ));
        }
        (Some(received), _)
            if input.received_on.as_deref().is_some_and(|r| !r.trim().is_empty())
                && valid.received_on != Some(received) =>
        {
            return Err(AppError::invalid(
                "received_on",
                "The date received is on the timeline: remove the received event and record it again",
            ));
        }
        (None, Some(_)) => {
            let event = Event::new(EventKind::Received, valid.received_on.unwrap_or(today));
            events::insert(conn, id, &event, "", now)?;
        }
        _ => {}
    }
    requests::update(conn, id, &valid.values, now)?;
    requests::set_tags(conn, id, &valid.tags)?;
    reindex(conn, &calendar, today, id, valid.values.regime).map_err(|e| match e {
        AppError::Invalid(errors) => AppError::invalid(
            "regime",
            format!(
                "The events recorded do not fit {}: {}",
                valid.values.regime.short_name(),
                errors.first().map(|e| e.message.as_str()).unwrap_or_default()
            ),
        ),
        other => other,
    })?;
    let after = snapshot(&get(conn, id)?, &valid.tags);
    record(
        conn,
        caller,
        Change::new("update", "request", id).before(before).after(after),
        now,
    )?;
    Ok(())
}

/// Sends a draft: records the date sent and the `received` event that starts its clock.
#[allow(clippy::too_many_arguments)]
pub fn send(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    id: i32,
    sent_on: &str,
    received_on: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let (sent, received) = sent_dates(today, sent_on, received_on)?;
    db::write(conn, |conn| {
        let request = writable(conn, caller, id)?;
        mark_sent(
            conn,
            calendars,
            caller,
            today,
            &request,
            sent,
            received,
            json!({}),
            now,
        )?;
        Ok(())
    })
}

/// The date a draft was sent and the date it was received (the day sent if not given), each
/// checked: neither after today, nor received before it was sent.
pub(crate) fn sent_dates(
    today: NaiveDate,
    sent_on: &str,
    received_on: Option<&str>,
) -> Result<(NaiveDate, NaiveDate), AppError> {
    let mut f = Fields::new();
    let sent = f.date("sent_on", "Date sent", sent_on, Some(today));
    let received = f
        .optional_date("received_on", "Date received", received_on, Some(today))
        .or(sent);
    if let (Some(s), Some(r)) = (sent, received) {
        if r < s {
            f.error(
                "received_on",
                format!("Date received cannot be before the date sent ({s})"),
            );
        }
    }
    f.finish((sent.unwrap_or(today), received.unwrap_or(today)))
}

/// Inside the caller's transaction: records a draft as sent on `sent` and received on
/// `received`, its clock started, audited with `how` (what sent it, if the tracker did); the
/// `received` event's id.
#[allow(clippy::too_many_arguments)]
pub(crate) fn mark_sent(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    request: &Request,
    sent: NaiveDate,
    received: NaiveDate,
    how: serde_json::Value,
    now: NaiveDateTime,
) -> Result<i32, AppError> {
    let id = request.id;
    let calendar = calendars.current(conn)?;
    if request.status != Status::Draft {
        return Err(AppError::conflict(
            Some("sent_on"),
            "This request has already been sent",
        ));
    }
    requests::set_sent_on(conn, id, sent, now)?;
    let event = events::insert(conn, id, &Event::new(EventKind::Received, received), "", now)?;
    reindex(conn, &calendar, today, id, request.values.regime)?;
    let mut after = json!({"sent_on": sent, "received_on": received});
    if let (Some(after), Some(how)) = (after.as_object_mut(), how.as_object()) {
        after.extend(how.clone());
    }
    record(
        conn,
        caller,
        Change::new("send", "request", id)
            .before(json!({"sent_on": request.values.sent_on, "status": request.status}))
            .after(after),
        now,
    )?;
    Ok(event)
}
