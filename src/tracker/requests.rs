//! Requests: create, edit, send a draft, hand over.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::access::{require, unchanged_since_read, writable};
use super::audit::{of_request_kind, record, Caller};
use super::deadline_index::reindex;
use super::holidays::CalendarStore;
use super::input::{names, Fields};
use crate::db::authorities;
use crate::db::events::{self, EventRecord};
use crate::db::requests::{self, Request, RequestValues};
use crate::db::{self, DbConnection};
use crate::domain::account::Actor;
use crate::domain::regime::Regime;
use crate::domain::request::{normalise_tag, SentVia, MAX_TAGS, MAX_TAG_LENGTH};
use crate::domain::timeline::{Event, EventKind, Status};
use crate::domain::version::Expected;
use crate::error::AppError;

pub const MAX_TITLE: usize = 200;
pub const MAX_BODY: usize = 100_000;

/// A request as a form or an API client sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RequestInput {
    #[serde(default)]
    #[schema(required = true)]
    pub title: String,
    /// The text sent to the authority.
    #[serde(default)]
    #[schema(required = true)]
    pub body: String,
    #[schema(required = true)]
    pub authority_id: Option<i32>,
    /// foia, eir, foisa, eisr or sar; the authority's default when left out.
    #[schema(value_type = Option<crate::domain::regime::Regime>)]
    pub regime: Option<String>,
    /// email (the default), web_form, post, whatdotheyknow or other.
    #[schema(value_type = Option<crate::domain::request::SentVia>)]
    pub sent_via: Option<String>,
    /// YYYY-MM-DD; with no date sent or received the request is a draft.
    #[schema(format = Date)]
    pub sent_on: Option<String>,
    /// YYYY-MM-DD, the day the authority received it (default: the day sent). Only when
    /// creating; afterwards the date of receipt is the `received` event.
    #[schema(format = Date)]
    pub received_on: Option<String>,
    /// The authority's reference.
    pub reference: Option<String>,
    /// A user of the request's organisation who follows it (default: whoever creates it).
    pub owner_id: Option<i32>,
    #[serde(default)]
    pub tags: Vec<String>,
}

impl RequestInput {
    /// A stored request in the shape a change is sent in: what a merge patch applies to.
    fn of(request: &Request, tags: Vec<String>) -> RequestInput {
        RequestInput {
            title: request.title.clone(),
            body: request.body.clone(),
            authority_id: Some(request.authority_id),
            regime: Some(request.regime.to_string()),
            sent_via: Some(request.sent_via.to_string()),
            sent_on: request.sent_on.map(|d| d.to_string()),
            received_on: None,
            reference: request.reference.clone(),
            owner_id: request.owner_id,
            tags,
        }
    }
}

struct Valid {
    values: RequestValues,
    regime: Regime,
    tags: Vec<String>,
    received_on: Option<NaiveDate>,
}

fn validate(
    conn: &mut DbConnection,
    input: &RequestInput,
    today: NaiveDate,
    organisation_id: i32,
) -> Result<Valid, AppError> {
    let mut f = Fields::new();
    let title = f.text("title", "Title", &input.title, MAX_TITLE);
    let body = f.lines("body", "The text sent", &input.body, MAX_BODY);
    let authority = match input.authority_id {
        None => {
            f.error("authority_id", "Choose the authority the request goes to");
            None
        }
        Some(id) => {
            let found = authorities::find(conn, id)?;
            if found.is_none() {
                f.error("authority_id", format!("There is no authority {id}"));
            }
            found
        }
    };
    let regime: Option<Regime> = match input.regime.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        Some(regime) => f.closed("regime", "Regime", regime, &names::<Regime>()),
        None => authority.as_ref().map(|a| a.default_regime),
    };
    let sent_via: Option<SentVia> = match input.sent_via.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        Some(via) => f.closed("sent_via", "How it was sent", via, &names::<SentVia>()),
        None => Some(SentVia::Email),
    };
    let sent_on = f.optional_date("sent_on", "Date sent", input.sent_on.as_deref(), Some(today));
    let received_on = f.optional_date(
        "received_on",
        "Date received",
        input.received_on.as_deref(),
        Some(today),
    );
    if let (Some(sent), Some(received)) = (sent_on, received_on) {
        if received < sent {
            f.error(
                "received_on",
                format!("Date received cannot be before the date sent ({sent})"),
            );
        }
    }
    let reference = f.optional_text(
        "reference",
        "The authority's reference",
        input.reference.as_deref(),
        100,
    );
    if let Some(owner) = input.owner_id {
        let member = crate::db::accounts::find_user(conn, owner)?
            .is_some_and(|u| u.active && u.organisation_id == organisation_id);
        if !member {
            f.error(
                "owner_id",
                "The owner must be an active member of the request's organisation",
            );
        }
    }
    let tags = tags(&mut f, &input.tags);
    let regime = regime.unwrap_or(Regime::Foia);
    f.finish(Valid {
        values: RequestValues {
            title,
            body,
            authority_id: input.authority_id.unwrap_or_default(),
            regime,
            sent_via: sent_via.unwrap_or(SentVia::Email),
            sent_on: sent_on.or(received_on),
            reference,
            owner_id: input.owner_id,
        },
        regime,
        tags,
        received_on: received_on.or(sent_on),
    })
}

fn tags(f: &mut Fields, raw: &[String]) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in raw.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        match normalise_tag(tag) {
            Some(tag) if tag.chars().count() > MAX_TAG_LENGTH => f.error(
                "tags",
                format!("Tag \"{tag}\" is longer than {MAX_TAG_LENGTH} characters"),
            ),
            Some(tag) => {
                if !tags.contains(&tag) {
                    tags.push(tag)
                }
            }
            None => f.error(
                "tags",
                format!("Tag \"{tag}\" may use only letters, digits, spaces and hyphens"),
            ),
        }
    }
    if tags.len() > MAX_TAGS {
        f.error("tags", format!("A request can have at most {MAX_TAGS} tags"));
    }
    tags
}

pub fn get(conn: &mut DbConnection, id: i32) -> Result<Request, AppError> {
    requests::find(conn, id)?.ok_or_else(|| AppError::NotFound(format!("request {id}")))
}

pub(crate) fn tags_of(conn: &mut DbConnection, id: i32) -> Result<Vec<String>, AppError> {
    Ok(requests::tags(conn, &[id])?.remove(&id).unwrap_or_default())
}

/// A request as the audit trail records it: a subject access request's personal data by
/// name only.
pub(crate) fn snapshot(request: &Request, tags: &[String]) -> serde_json::Value {
    let value = json!({
        "title": request.title, "body": request.body, "authority_id": request.authority_id,
        "regime": request.regime, "sent_via": request.sent_via, "sent_on": request.sent_on,
        "reference": request.reference, "organisation_id": request.organisation_id,
        "owner_id": request.owner_id, "tags": tags,
    });
    of_request_kind(request.regime, value, &["title", "body", "reference", "tags"])
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
            "hand_over",
            "request",
            Some(*id),
            Some(json!({"owner_id": from})),
            Some(json!({"owner_id": to})),
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
        let mut events = Vec::new();
        if let Some(received) = valid.received_on {
            let event = Event::new(EventKind::Received, received);
            events::insert(conn, id, &event, "", now)?;
            events.push(event);
        }
        reindex(conn, &calendar, today, id, valid.regime, &events)?;
        let after = snapshot(&get(conn, id)?, &valid.tags);
        record(
            conn,
            caller,
            "create",
            "request",
            Some(id),
            None,
            Some(after),
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
        let existing = writable(conn, caller, id)?;
        unchanged_since_read(expected, existing.updated_at, &format!("request {id}"))?;
        let input = apply(RequestInput::of(&existing, tags_of(conn, id)?))?;
        update_within(conn, calendars, caller, today, id, &input, &Expected::Any, now)
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
        update_within(conn, calendars, caller, today, id, input, expected, now)
    })
}

/// [`update`] inside the caller's transaction.
#[allow(clippy::too_many_arguments)]
fn update_within(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    id: i32,
    input: &RequestInput,
    expected: &Expected,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let calendar = calendars.current(conn)?;
    let existing = writable(conn, caller, id)?;
    unchanged_since_read(expected, existing.updated_at, &format!("request {id}"))?;
    let before = snapshot(&existing, &tags_of(conn, id)?);
    let valid = validate(conn, input, today, existing.organisation_id)?;
    let records = events::for_request(conn, id)?;
    let mut events: Vec<Event> = records.iter().map(EventRecord::event).collect();
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
            events.push(event);
        }
        _ => {}
    }
    requests::update(conn, id, &valid.values, now)?;
    requests::set_tags(conn, id, &valid.tags)?;
    reindex(conn, &calendar, today, id, valid.regime, &events).map_err(|e| match e {
        AppError::Invalid(errors) => AppError::invalid(
            "regime",
            format!(
                "The events recorded do not fit {}: {}",
                valid.regime.short_name(),
                errors.first().map(|e| e.message.as_str()).unwrap_or_default()
            ),
        ),
        other => other,
    })?;
    let after = snapshot(&get(conn, id)?, &valid.tags);
    record(
        conn,
        caller,
        "update",
        "request",
        Some(id),
        Some(before),
        Some(after),
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
    let (sent, received) = f.finish((sent.unwrap_or(today), received.unwrap_or(today)))?;
    db::write(conn, |conn| {
        let calendar = calendars.current(conn)?;
        let request = writable(conn, caller, id)?;
        if request.status != Status::Draft {
            return Err(AppError::conflict(
                Some("sent_on"),
                "This request has already been sent",
            ));
        }
        requests::set_sent_on(conn, id, sent, now)?;
        let mut events: Vec<Event> = events::for_request(conn, id)?
            .iter()
            .map(EventRecord::event)
            .collect();
        let event = Event::new(EventKind::Received, received);
        events.push(event.clone());
        reindex(conn, &calendar, today, id, request.regime, &events)?;
        events::insert(conn, id, &event, "", now)?;
        record(
            conn,
            caller,
            "send",
            "request",
            Some(id),
            Some(json!({"sent_on": request.sent_on, "status": request.status})),
            Some(json!({"sent_on": sent, "received_on": received})),
            now,
        )?;
        Ok(())
    })
}
