//! Requests linked to WhatDoTheyKnow, and each of their events read from it.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{requests, wdtk_events, wdtk_links};
use super::{last_insert_id, DbConnection};
use crate::domain::timeline::Status;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Queryable, Selectable, utoipa::ToSchema)]
#[diesel(table_name = wdtk_links)]
pub struct Link {
    #[serde(skip)]
    #[schema(ignore)]
    pub id: i32,
    pub request_id: i32,
    #[serde(skip)]
    #[schema(ignore)]
    pub organisation_id: i32,
    /// The site read, e.g. https://www.whatdotheyknow.com.
    pub base_url: String,
    /// The request's name in its address on the site.
    pub url_title: String,
    /// The request's number on the site.
    pub wdtk_id: i64,
    #[serde(skip)]
    #[schema(ignore)]
    pub etag: Option<String>,
    #[serde(skip)]
    #[schema(ignore)]
    pub last_modified: Option<String>,
    /// When the site was last read successfully.
    #[serde(serialize_with = "crate::domain::instant::utc_or_null")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub fetched_at: Option<NaiveDateTime>,
    /// What went wrong when it was last read, until a reading succeeds.
    pub problem: Option<String>,
    #[serde(serialize_with = "crate::domain::instant::utc_or_null")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub problem_at: Option<NaiveDateTime>,
    #[serde(skip)]
    #[schema(ignore)]
    pub failures: i32,
    #[serde(skip)]
    #[schema(ignore)]
    pub retry_after: Option<NaiveDateTime>,
    #[serde(skip)]
    #[schema(ignore)]
    pub created_at: NaiveDateTime,
}

impl Link {
    /// The request's page on the site.
    pub fn page(&self) -> String {
        format!(
            "{}/request/{}",
            self.base_url.trim_end_matches('/'),
            self.url_title
        )
    }
}

pub struct NewLink<'a> {
    pub request_id: i32,
    pub organisation_id: i32,
    pub base_url: &'a str,
    pub url_title: &'a str,
    pub wdtk_id: i64,
}

pub fn insert_link(conn: &mut DbConnection, link: &NewLink<'_>, now: NaiveDateTime) -> QueryResult<i32> {
    diesel::insert_into(wdtk_links::table)
        .values((
            wdtk_links::request_id.eq(link.request_id),
            wdtk_links::organisation_id.eq(link.organisation_id),
            wdtk_links::base_url.eq(link.base_url),
            wdtk_links::url_title.eq(link.url_title),
            wdtk_links::wdtk_id.eq(link.wdtk_id),
            wdtk_links::failures.eq(0),
            wdtk_links::created_at.eq(now),
        ))
        .execute(conn)?;
    last_insert_id(conn)
}

pub fn of_request(conn: &mut DbConnection, request_id: i32) -> QueryResult<Option<Link>> {
    wdtk_links::table
        .filter(wdtk_links::request_id.eq(request_id))
        .select(Link::as_select())
        .first(conn)
        .optional()
}

/// The organisation's link to request `wdtk_id` on the site at `base_url`, if it has one.
pub fn find(
    conn: &mut DbConnection,
    organisation_id: i32,
    base_url: &str,
    wdtk_id: i64,
) -> QueryResult<Option<Link>> {
    wdtk_links::table
        .filter(wdtk_links::organisation_id.eq(organisation_id))
        .filter(wdtk_links::base_url.eq(base_url))
        .filter(wdtk_links::wdtk_id.eq(wdtk_id))
        .select(Link::as_select())
        .first(conn)
        .optional()
}

/// The links of requests still open that were last read before `stale_before` (or never) and
/// are not waiting out a failure at `now`, longest unread first.
pub fn due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    stale_before: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Link>> {
    let ended = [Status::Closed, Status::Withdrawn, Status::Lapsed];
    wdtk_links::table
        .inner_join(requests::table)
        .filter(requests::status.ne_all(ended))
        .filter(
            wdtk_links::fetched_at
                .is_null()
                .or(wdtk_links::fetched_at.le(stale_before)),
        )
        .filter(
            wdtk_links::retry_after
                .is_null()
                .or(wdtk_links::retry_after.le(now)),
        )
        .order((wdtk_links::fetched_at.asc(), wdtk_links::id))
        .limit(limit)
        .select(Link::as_select())
        .load(conn)
}

/// Records a successful reading: the answer's validators for the next one, no problem.
pub fn fetched(
    conn: &mut DbConnection,
    id: i32,
    etag: Option<&str>,
    last_modified: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(wdtk_links::table.find(id))
        .set((
            wdtk_links::etag.eq(etag),
            wdtk_links::last_modified.eq(last_modified),
            wdtk_links::fetched_at.eq(now),
            wdtk_links::problem.eq(None::<String>),
            wdtk_links::problem_at.eq(None::<NaiveDateTime>),
            wdtk_links::failures.eq(0),
            wdtk_links::retry_after.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
}

/// Records a failed reading, and when to try again.
pub fn failed(
    conn: &mut DbConnection,
    id: i32,
    problem: &str,
    failures: i32,
    retry_after: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(wdtk_links::table.find(id))
        .set((
            wdtk_links::problem.eq(problem),
            wdtk_links::problem_at.eq(now),
            wdtk_links::failures.eq(failures),
            wdtk_links::retry_after.eq(retry_after),
        ))
        .execute(conn)
}

/// An event read from the site, with what it became here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Queryable, Selectable, utoipa::ToSchema)]
#[diesel(table_name = wdtk_events)]
pub struct WdtkImported {
    #[serde(skip)]
    #[schema(ignore)]
    pub id: i32,
    #[serde(skip)]
    #[schema(ignore)]
    pub request_id: i32,
    /// The event's id on the site.
    pub wdtk_event_id: i64,
    /// sent, resent, response, followup_sent, status_update, comment…
    pub event_type: String,
    /// The state the requester described it with there, if any.
    pub state: Option<String>,
    /// What it became here: an event's kind, to_classify, or ignored.
    pub action: String,
    pub occurred_on: NaiveDate,
    /// The event it became (none if it was removed since, or became none).
    pub event_id: Option<i32>,
    /// The reply waiting for a person to classify it.
    pub incoming_message_id: Option<i32>,
    /// What a later reading of the site says differently, for a person to look at.
    pub difference: Option<String>,
    /// What the event would become as the later reading maps it (`domain::wdtk::Planned`).
    #[serde(skip)]
    #[schema(ignore)]
    pub proposed: Option<String>,
    #[serde(skip)]
    #[schema(ignore)]
    pub difference_at: Option<NaiveDateTime>,
    #[serde(skip)]
    #[schema(ignore)]
    pub created_at: NaiveDateTime,
}

pub struct NewWdtkImported<'a> {
    pub request_id: i32,
    pub wdtk_event_id: i64,
    pub event_type: &'a str,
    pub state: Option<&'a str>,
    pub action: &'a str,
    pub occurred_on: NaiveDate,
    pub event_id: Option<i32>,
    pub incoming_message_id: Option<i32>,
}

pub fn insert_imported(
    conn: &mut DbConnection,
    new: &NewWdtkImported<'_>,
    now: NaiveDateTime,
) -> QueryResult<i32> {
    diesel::insert_into(wdtk_events::table)
        .values((
            wdtk_events::request_id.eq(new.request_id),
            wdtk_events::wdtk_event_id.eq(new.wdtk_event_id),
            wdtk_events::event_type.eq(new.event_type),
            wdtk_events::state.eq(new.state),
            wdtk_events::action.eq(new.action),
            wdtk_events::occurred_on.eq(new.occurred_on),
            wdtk_events::event_id.eq(new.event_id),
            wdtk_events::incoming_message_id.eq(new.incoming_message_id),
            wdtk_events::created_at.eq(now),
        ))
        .execute(conn)?;
    last_insert_id(conn)
}

/// The events read for a request, in the order they were first read.
pub fn imported(conn: &mut DbConnection, request_id: i32) -> QueryResult<Vec<WdtkImported>> {
    wdtk_events::table
        .filter(wdtk_events::request_id.eq(request_id))
        .order(wdtk_events::id)
        .select(WdtkImported::as_select())
        .load(conn)
}

/// Keeps what a later reading says differently of an event, and what it would make of it
/// (none: they agree again).
pub fn set_difference(
    conn: &mut DbConnection,
    id: i32,
    difference: Option<(&str, &str)>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(wdtk_events::table.find(id))
        .set((
            wdtk_events::difference.eq(difference.map(|d| d.0)),
            wdtk_events::proposed.eq(difference.map(|d| d.1)),
            wdtk_events::difference_at.eq(difference.map(|_| now)),
        ))
        .execute(conn)
}

/// One event read for a request, by its id on the site.
pub fn imported_one(
    conn: &mut DbConnection,
    request_id: i32,
    wdtk_event_id: i64,
) -> QueryResult<Option<WdtkImported>> {
    wdtk_events::table
        .filter(wdtk_events::request_id.eq(request_id))
        .filter(wdtk_events::wdtk_event_id.eq(wdtk_event_id))
        .select(WdtkImported::as_select())
        .first(conn)
        .optional()
}

/// Records what an event read before now is here, its difference accepted.
pub fn accepted(conn: &mut DbConnection, id: i32, new: &NewWdtkImported<'_>) -> QueryResult<usize> {
    diesel::update(wdtk_events::table.find(id))
        .set((
            wdtk_events::state.eq(new.state),
            wdtk_events::action.eq(new.action),
            wdtk_events::occurred_on.eq(new.occurred_on),
            wdtk_events::event_id.eq(new.event_id),
            wdtk_events::incoming_message_id.eq(new.incoming_message_id),
            wdtk_events::difference.eq(None::<String>),
            wdtk_events::proposed.eq(None::<String>),
            wdtk_events::difference_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
}
