//! Requests: create, edit, send a draft, read one with its schedule, list with filters, and
//! keep the status and deadlines index in step with the engine.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::access::{readable, record_view, require, scope_of, writable, UNOPENED};
use super::audit::{of_request_kind, record, Caller};
use super::holidays::CalendarStore;
use super::input::{names, Fields};
use crate::db::authorities::{self, Authority};
use crate::db::events::{self, EventRecord};
use crate::db::requests::{self, Order, Request, RequestFilter, RequestValues, Scope, Sort};
use crate::db::{self, deadlines, DbConnection};
use crate::domain::account::{Access, Actor};
use crate::domain::calendar::Calendar;
use crate::domain::regime::Regime;
use crate::domain::request::{normalise_tag, SentVia, MAX_TAGS, MAX_TAG_LENGTH};
use crate::domain::timeline::{self, Event, EventKind, Schedule, Status, TimelineError};
use crate::error::AppError;

pub const MAX_TITLE: usize = 200;
pub const MAX_BODY: usize = 100_000;
pub const PAGE_SIZE: i64 = 25;

/// A request as a form or an API client sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RequestInput {
    #[serde(default)]
    pub title: String,
    /// The text sent to the authority.
    #[serde(default)]
    pub body: String,
    pub authority_id: Option<i32>,
    /// foia, eir, foisa, eisr or sar; the authority's default when left out.
    pub regime: Option<String>,
    /// email (the default), web_form, post, whatdotheyknow or other.
    pub sent_via: Option<String>,
    /// YYYY-MM-DD; with no date sent or received the request is a draft.
    pub sent_on: Option<String>,
    /// YYYY-MM-DD, the day the authority received it (default: the day sent). Only when
    /// creating; afterwards the date of receipt is the `received` event.
    pub received_on: Option<String>,
    /// The authority's reference.
    pub reference: Option<String>,
    /// A user of the request's organisation who follows it (default: whoever creates it).
    pub owner_id: Option<i32>,
    #[serde(default)]
    pub tags: Vec<String>,
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
            regime: regime.to_string(),
            sent_via: sent_via.unwrap_or(SentVia::Email).to_string(),
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

/// Recomputes a request's schedule from its events and writes the index from it.
pub(crate) fn reindex(
    conn: &mut DbConnection,
    calendar: &Calendar,
    today: NaiveDate,
    request_id: i32,
    regime: Regime,
    events: &[Event],
) -> Result<Schedule, AppError> {
    let schedule = timeline::schedule(regime, events, calendar, today)
        .map_err(|e| AppError::invalid(e.field(), e.to_string()))?;
    write_index(conn, calendar, today, request_id, &schedule)?;
    Ok(schedule)
}

fn write_index(
    conn: &mut DbConnection,
    calendar: &Calendar,
    today: NaiveDate,
    request_id: i32,
    schedule: &Schedule,
) -> Result<(), AppError> {
    requests::set_status(conn, request_id, schedule.status, schedule.next_change())?;
    deadlines::replace(conn, request_id, schedule)?;
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
            write_index(conn, &calendar, today, request.id, &schedule)?;
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
        for request in requests::find_many(conn, chunk)? {
            let records = events_by_request.remove(&request.id).unwrap_or_default();
            let schedule = schedule_of(&request, &records, calendar, today)?;
            let before = stored.remove(&request.id).unwrap_or_default();
            let after: Vec<NaiveDate> = schedule.deadlines.iter().map(|d| d.due).collect();
            if before == after {
                continue;
            }
            for (i, due) in after.iter().enumerate() {
                if let Some(old) = before.get(i).filter(|old| *old != due) {
                    moved.push(super::holidays::MovedDeadline {
                        request_id: request.id,
                        title: request.title.clone(),
                        from: *old,
                        to: *due,
                    });
                }
            }
            if write {
                write_index(conn, calendar, today, request.id, &schedule)?;
            }
        }
    }
    Ok(moved)
}

pub fn get(conn: &mut DbConnection, id: i32) -> Result<Request, AppError> {
    requests::find(conn, id)?.ok_or_else(|| AppError::NotFound(format!("request {id}")))
}

fn tags_of(conn: &mut DbConnection, id: i32) -> Result<Vec<String>, AppError> {
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

/// Edits a request's own facts. Its events stay as recorded, so a sent request keeps a date
/// sent no later than its receipt; a draft given a date sent is sent.
pub fn update(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    id: i32,
    input: &RequestInput,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    db::write(conn, |conn| {
        let calendar = calendars.current(conn)?;
        let existing = writable(conn, caller, id)?;
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
    })
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

/// A request with everything its page and its API representation show.
#[derive(Debug, Clone, Serialize)]
pub struct RequestDetail {
    pub request: Request,
    pub authority: Authority,
    pub tags: Vec<String>,
    pub events: Vec<EventRecord>,
    pub schedule: Schedule,
    /// The coalition's other requests that the authority might add to this one for the cost
    /// limit, under `aggregation`.
    pub related: Vec<Related>,
    /// The law's aggregation rule, for the warning; none for the EIR, EI(S)R and SAR.
    pub aggregation: Option<crate::domain::regime::Aggregation>,
    /// The owner's name.
    pub owner: Option<String>,
    /// The files that came with its events.
    pub documents: Vec<crate::db::documents::Document>,
    /// The indicators it asks for: [indicator, from, to].
    pub indicators: Vec<crate::db::demands::Link>,
    /// Asked again every quarter.
    pub repeats: bool,
    /// For a quarterly repeat: the request it repeats.
    pub repeat_of: Option<i32>,
    /// A drafted repeat the researchers chose not to send.
    pub skipped: bool,
    /// Whether the viewer may change it.
    pub writable: bool,
}

/// Another request that the authority might aggregate with this one for the cost limit.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Related {
    pub id: i32,
    pub title: String,
    pub sent_on: Option<NaiveDate>,
    pub status: Status,
}

pub fn show(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    id: i32,
    now: NaiveDateTime,
) -> Result<RequestDetail, AppError> {
    let calendar = calendars.current(conn)?;
    let calendar = calendar.as_ref();
    let (request, access) = readable(conn, caller, id)?;
    record_view(conn, caller, &request, now)?;
    let authority = super::authorities::get(conn, request.authority_id)?;
    let mut events = events::for_request(conn, id)?;
    super::events::add_warnings(&mut events, request.regime);
    let schedule = schedule_of(&request, &events, calendar, today)?;
    let tags = tags_of(conn, id)?;
    let related = if matches!(request.status, Status::Draft | Status::AwaitingResponse) {
        related(conn, calendar, caller, &request, today)?
    } else {
        Vec::new()
    };
    let owner = match request.owner_id {
        Some(owner) => crate::db::accounts::find_user(conn, owner)?.map(|u| u.name),
        None => None,
    };
    let documents = crate::db::documents::of_request(conn, id)?;
    let indicators = crate::db::demands::links_of(conn, id)?;
    let (repeats, repeat_of, skipped) = crate::db::requests::repeat_state(conn, id)?;
    let aggregation = request.regime.aggregation();
    Ok(RequestDetail {
        request,
        authority,
        tags,
        events,
        schedule,
        related,
        aggregation,
        owner,
        documents,
        indicators,
        repeats,
        repeat_of,
        skipped: skipped.is_some(),
        writable: access == Access::Write,
    })
}

fn schedule_of(
    request: &Request,
    events: &[EventRecord],
    calendar: &Calendar,
    today: NaiveDate,
) -> Result<Schedule, AppError> {
    let events: Vec<Event> = events.iter().map(EventRecord::event).collect();
    timeline::schedule(request.regime, &events, calendar, today).map_err(|e: TimelineError| {
        AppError::Internal(format!("request {} does not compute: {e}", request.id))
    })
}

/// The coalition's other requests under the same law to the same authority, sent within the
/// law's aggregation window before this one was sent (or before today, for a draft), and its
/// drafts to that authority; none where the law aggregates nothing.
pub fn related(
    conn: &mut DbConnection,
    calendar: &Calendar,
    caller: &Caller,
    request: &Request,
    today: NaiveDate,
) -> Result<Vec<Related>, AppError> {
    let actor = require(caller, |_| true)?;
    let Some(rule) = request.regime.aggregation() else {
        return Ok(Vec::new());
    };
    let until = request.sent_on.unwrap_or(today);
    let since = calendar
        .subtract_working_days(rule.calendar, until, rule.working_days)
        .unwrap_or(until);
    Ok(requests::to_authority_between(
        conn,
        request.organisation_id,
        request.authority_id,
        request.regime,
        since,
        until,
        Some(request.id),
    )?
    .into_iter()
    .filter(|r| actor.access(r.organisation_id, r.regime, r.status == Status::Draft) != Access::None)
    .map(|r| Related {
        id: r.id,
        status: r.status,
        // A list, like any other: an auditor sees a subject access request's title once they
        // open it, which is recorded.
        title: if actor.view_is_audited(r.regime) {
            UNOPENED.into()
        } else {
            r.title
        },
        sent_on: r.sent_on,
    })
    .collect())
}

/// The list's filters as the query string gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// A status, e.g. awaiting_response.
    pub status: Option<String>,
    pub authority_id: Option<String>,
    pub regime: Option<String>,
    /// "true" for requests with an authority's deadline passed and unmet.
    pub overdue: Option<String>,
    pub tag: Option<String>,
    /// Words to find in the title, the text or the reference.
    pub q: Option<String>,
    /// "ours" for the viewer's organisation's requests only.
    pub mine: Option<String>,
    /// "me" for the requests the viewer owns.
    pub owner: Option<String>,
    /// "true" for open requests only: sent, and neither closed, withdrawn nor lapsed.
    pub open: Option<String>,
    /// The order: due (the next deadline), sent, authority or title; a leading `-` turns it
    /// round. The newest first when left out.
    pub sort: Option<String>,
    /// From 1.
    pub page: Option<String>,
}

/// The values `sort` takes, each with its order.
pub const SORTS: &[(&str, Sort)] = &[
    ("due", Sort::Due),
    ("sent", Sort::Sent),
    ("authority", Sort::Authority),
    ("title", Sort::Title),
];

impl ListQuery {
    /// The filters, the order and the page number, or the fields at fault.
    pub fn validate(&self) -> Result<(RequestFilter, Order, i64), AppError> {
        let mut f = Fields::new();
        let blank = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let status = blank(&self.status).and_then(|s| f.closed("status", "Status", &s, &names::<Status>()));
        let regime = blank(&self.regime).and_then(|r| f.closed("regime", "Regime", &r, &names::<Regime>()));
        let authority_id = blank(&self.authority_id).and_then(|a| {
            let id = a.parse::<i32>().ok().filter(|id| *id > 0);
            if id.is_none() {
                f.error("authority_id", "authority_id must be a number");
            }
            id
        });
        let switch = |f: &mut Fields, field: &str, value: &Option<String>| match blank(value).as_deref() {
            None | Some("false") | Some("0") | Some("off") => false,
            Some("true") | Some("1") | Some("on") => true,
            Some(_) => {
                f.error(field, format!("{field} must be true or false"));
                false
            }
        };
        let overdue = switch(&mut f, "overdue", &self.overdue);
        let tag = f
            .optional_text("tag", "Tag", self.tag.as_deref(), MAX_TAG_LENGTH)
            .map(|t| normalise_tag(&t).unwrap_or(t));
        let text = f.optional_text("q", "Search", self.q.as_deref(), 200);
        let page = blank(&self.page).map_or(Some(1), |p| {
            p.parse::<i64>().ok().filter(|p| (1..=100_000).contains(p))
        });
        if page.is_none() {
            f.error("page", "page must be a whole number from 1");
        }
        let owned = match blank(&self.owner).as_deref() {
            None => false,
            Some("me") => true,
            Some(_) => {
                f.error("owner", "owner must be me");
                false
            }
        };
        let open = switch(&mut f, "open", &self.open);
        let order = blank(&self.sort).map_or(Some(Order::default()), |sort| {
            let (reversed, name) = match sort.strip_prefix('-') {
                Some(name) => (true, name.to_string()),
                None => (false, sort),
            };
            SORTS.iter().find(|(n, _)| *n == name).map(|(_, sort)| Order {
                sort: *sort,
                reversed,
            })
        });
        if order.is_none() {
            f.error(
                "sort",
                "sort must be due, sent, authority or title, with - before it for the reverse order",
            );
        }
        let mine = match blank(&self.mine).as_deref() {
            None => false,
            Some("ours") | Some("true") | Some("on") => true,
            Some(_) => {
                f.error("mine", "mine must be ours");
                false
            }
        };
        f.finish((
            RequestFilter {
                scope: Scope::Everything,
                // 0 stands for "the viewer's own", filled in by `list`.
                organisation_id: mine.then_some(0),
                // 0 stands for the viewer, filled in by `list`.
                owner_id: owned.then_some(0),
                open,
                status,
                authority_id,
                regime,
                overdue,
                tag,
                text,
                sealed_sar: false,
            },
            order.unwrap_or_default(),
            page.unwrap_or(1),
        ))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RequestSummary {
    pub request: Request,
    /// The authority's name and short name.
    pub authority: (String, String),
    pub tags: Vec<String>,
    pub schedule: Schedule,
}

#[derive(Debug, Clone, Serialize)]
pub struct RequestPage {
    pub items: Vec<RequestSummary>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

/// The most rows a CSV of the list holds.
pub const EXPORT_LIMIT: i64 = 10_000;

/// One page of the filtered list, each request with its schedule, in a bounded number of
/// queries whatever the page holds.
pub fn list(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    query: &ListQuery,
) -> Result<RequestPage, AppError> {
    summaries(conn, calendars, caller, today, query, false)
}

/// The whole filtered list in its order (up to [`EXPORT_LIMIT`] rows), as the list pages show
/// it, for a CSV: the same filters and the same rules on what each viewer sees.
pub fn export(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    query: &ListQuery,
) -> Result<Vec<RequestSummary>, AppError> {
    Ok(summaries(conn, calendars, caller, today, query, true)?.items)
}

fn summaries(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    query: &ListQuery,
    whole: bool,
) -> Result<RequestPage, AppError> {
    let actor = require(caller, |_| true)?;
    let (mut filter, order, page) = query.validate()?;
    let (page, limit) = if whole {
        (1, EXPORT_LIMIT)
    } else {
        (page, PAGE_SIZE)
    };
    filter.scope = scope_of(actor);
    filter.sealed_sar = actor.view_is_audited(Regime::Sar);
    if filter.organisation_id == Some(0) {
        filter.organisation_id = Some(actor.organisation_id);
    }
    if filter.owner_id == Some(0) {
        filter.owner_id = Some(actor.user_id);
    }
    catch_up(conn, calendars, today)?;
    let calendar = calendars.current(conn)?;
    let calendar = calendar.as_ref();
    let (found, total) = requests::list(conn, &filter, order, today, limit, (page - 1) * limit)?;
    let ids: Vec<i32> = found.iter().map(|r| r.id).collect();
    let authority_ids: Vec<i32> = found.iter().map(|r| r.authority_id).collect();
    let names = requests::authority_names(conn, &authority_ids)?;
    let mut tags = requests::tags(conn, &ids)?;
    let mut events = events::for_requests(conn, &ids)?;
    let items = found
        .into_iter()
        .map(|mut request| {
            let records = events.remove(&request.id).unwrap_or_default();
            let mut tags = tags.remove(&request.id).unwrap_or_default();
            // An auditor's view of a subject access request is recorded when they open it; a
            // list shows none of its personal data.
            if actor.view_is_audited(request.regime) {
                request.title = UNOPENED.into();
                request.body.clear();
                request.reference = None;
                tags.clear();
            }
            Ok(RequestSummary {
                schedule: schedule_of(&request, &records, calendar, today)?,
                authority: names.get(&request.authority_id).cloned().unwrap_or_default(),
                tags,
                request,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(RequestPage {
        items,
        total,
        page,
        pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
    })
}

/// The tags of the requests the caller may see, for the list's filter.
pub fn all_tags(conn: &mut DbConnection, caller: &Caller) -> Result<Vec<String>, AppError> {
    let actor = require(caller, |_| true)?;
    // Not even an auditor sees another organisation's subject access tags unopened.
    Ok(requests::all_tags(conn, Scope::SeenBy(actor.organisation_id))?)
}
