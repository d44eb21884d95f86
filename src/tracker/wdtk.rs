//! Requests made on WhatDoTheyKnow: linked once, from the address a person pastes, and read
//! again to add what is new. What the site says is mapped by `domain::wdtk`; here it is
//! stored, in one transaction, each event once, every change audited.
//!
//! A reading that fails (the site down, slow, or answering nonsense) writes nothing but the
//! problem, on the link, for the request's page to show; the next reading tries again.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::access::require;
use super::audit::{record, Caller, Change};
use super::deadline_index::reindex;
use super::holidays::CalendarStore;
use super::request_input::RequestInput;
use crate::alaveteli::{FetchError, Fetched, Site};
use crate::db::authorities::{self, Authority, AuthorityValues};
use crate::db::incoming_messages::{self, NewIncomingMessage};
use crate::db::wdtk::{self as links, Link, NewLink, NewWdtkImported, WdtkImported};
use crate::db::{self, events, requests, DbConnection};
use crate::domain::account::Actor;
use crate::domain::authority::Nation;
use crate::domain::regime::Regime;
use crate::domain::request::{normalise_tag, SentVia, MAX_TAGS, MAX_TAG_LENGTH};
use crate::domain::response::ResponseDetails;
use crate::domain::timeline::{Event, EventKind};
use crate::domain::wdtk::{self, Action, Planned, Reference, WdtkRequest};
use crate::error::AppError;

/// The longest wait between readings of a site that keeps failing.
const MAX_BACK_OFF_MINUTES: i64 = 24 * 60;

/// A WhatDoTheyKnow request to link, as a form or an API client sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WdtkLinkInput {
    /// The request's address on WhatDoTheyKnow (…/request/<url_title>), or its number.
    #[serde(default)]
    #[schema(
        required = true,
        example = "https://www.whatdotheyknow.com/request/nrm_outcomes_2025"
    )]
    pub url: String,
}

/// What a linking or a reading did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct WdtkReport {
    /// The request here.
    pub request_id: i32,
    /// Whether the request was created by this call (false: it was linked already).
    pub created: bool,
    /// Its page on WhatDoTheyKnow.
    pub wdtk_url: String,
    /// Events added to the timeline.
    pub added: usize,
    /// Replies added for a person to classify.
    pub to_classify: usize,
    /// Events the site now describes otherwise than when they were imported, for a person to
    /// look at; none of them was changed.
    pub differences: usize,
    /// Whether the site said nothing had changed since the last reading.
    pub not_modified: bool,
}

fn fetch_problem(error: FetchError, field: &str) -> AppError {
    match error {
        FetchError::NotFound(message) => AppError::invalid(field, message),
        FetchError::Unavailable(message) | FetchError::Nonsense(message) => {
            AppError::Upstream(format!("{message}; nothing was changed"))
        }
    }
}

/// Links the WhatDoTheyKnow request `input` names: creates the request here, owned by the
/// caller, with every event the site shows; a request the organisation linked already is read
/// again instead, which adds only what is new.
pub fn link(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    site: &Site,
    caller: &Caller,
    today: NaiveDate,
    input: &WdtkLinkInput,
    now: NaiveDateTime,
) -> Result<WdtkReport, AppError> {
    let actor = require(caller, Actor::files_requests)?.clone();
    let reference = wdtk::reference(&input.url, site.base_url()).map_err(|m| AppError::invalid("url", m))?;
    // Read before any transaction: the site may take its time, and nothing is locked meanwhile.
    let fetched = site
        .fetch(&reference, None, None)
        .map_err(|e| fetch_problem(e, "url"))?;
    let Fetched::Request {
        request: wdtk_request,
        etag,
        last_modified,
    } = fetched
    else {
        return Err(AppError::Upstream(format!(
            "{} answered \"not modified\" to a first reading; nothing was changed",
            site.base()
        )));
    };
    let base = site.base();
    db::write(conn, |conn| {
        if let Some(existing) = links::find(conn, actor.organisation_id, &base, wdtk_request.id)? {
            super::access::writable(conn, caller, existing.request_id)?;
            let report = merge(conn, calendars, caller, today, &existing, &wdtk_request, now)?;
            links::fetched(conn, existing.id, etag.as_deref(), last_modified.as_deref(), now)?;
            return Ok(report);
        }
        let authority = authority_for(conn, caller, &wdtk_request, now)?;
        let scottish =
            authority.values.nation == Nation::Scotland || authority.values.default_regime.is_scottish();
        let regime = wdtk::regime(wdtk_request.law_used.as_deref(), scottish);
        let planned = wdtk::plan(&wdtk_request);
        let sent = wdtk_request
            .info_request_events
            .iter()
            .filter(|e| e.event_type == "sent")
            .map(|e| wdtk::instant(e.created_at))
            .min()
            .map(|(_, date)| date);
        let received = planned.iter().find_map(|p| match p.action {
            Action::Record {
                kind: EventKind::Received,
                ..
            } => Some(p.date),
            _ => None,
        });
        let (Some(sent), Some(received)) = (sent, received) else {
            return Err(AppError::invalid(
                "url",
                "This WhatDoTheyKnow request has not been sent yet",
            ));
        };
        let page = format!("{base}/request/{}", wdtk_request.url_title);
        let request_input = RequestInput {
            title: wdtk::title(&wdtk_request),
            body: format!("Made on WhatDoTheyKnow: {page}"),
            authority_id: Some(authority.id),
            regime: Some(regime.to_string()),
            sent_via: Some(SentVia::Whatdotheyknow.to_string()),
            sent_on: Some(sent.to_string()),
            received_on: Some(received.to_string()),
            reference: None,
            owner_id: Some(actor.user_id),
            tags: tags(&wdtk_request),
        };
        let request_id = super::requests::create(conn, calendars, caller, today, &request_input, now)?;
        let link_id = links::insert_link(
            conn,
            &NewLink {
                request_id,
                organisation_id: actor.organisation_id,
                base_url: &base,
                url_title: &wdtk_request.url_title,
                wdtk_id: wdtk_request.id,
            },
            now,
        )
        // Two people linking the same request at once (on PostgreSQL, where both may look
        // before either writes): the second is told, and nothing of theirs is written.
        .map_err(|e| match db::is_unique_violation(&e) {
            true => AppError::conflict(Some("url"), "This request was linked just now by someone else"),
            false => AppError::from(e),
        })?;
        let link = Link {
            id: link_id,
            request_id,
            organisation_id: actor.organisation_id,
            base_url: base.clone(),
            url_title: wdtk_request.url_title.clone(),
            wdtk_id: wdtk_request.id,
            etag: None,
            last_modified: None,
            fetched_at: None,
            problem: None,
            problem_at: None,
            failures: 0,
            retry_after: None,
            created_at: now,
        };
        record(
            conn,
            caller,
            Change::new("link_wdtk", "request", request_id)
                .after(json!({"wdtk_url": page, "wdtk_id": wdtk_request.id, "regime": regime})),
            now,
        )?;
        let mut report = merge(conn, calendars, caller, today, &link, &wdtk_request, now)?;
        links::fetched(conn, link_id, etag.as_deref(), last_modified.as_deref(), now)?;
        report.created = true;
        Ok(report)
    })
}

/// The request's tags on the site that make tags here; the others are left.
fn tags(request: &WdtkRequest) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for wdtk::Tag(name, _) in &request.tags {
        if let Some(tag) = normalise_tag(name).filter(|t| t.chars().count() <= MAX_TAG_LENGTH) {
            if !tags.contains(&tag) && tags.len() < MAX_TAGS {
                tags.push(tag);
            }
        }
    }
    tags
}

/// The authority of that name here, or a new one made from what the site says of it (audited).
fn authority_for(
    conn: &mut DbConnection,
    caller: &Caller,
    request: &WdtkRequest,
    now: NaiveDateTime,
) -> Result<Authority, AppError> {
    let body = &request.public_body;
    let name = wdtk::one_line(&body.name, 200);
    if let Some(found) = authorities::find_by_name(conn, &name)? {
        return Ok(found);
    }
    let scottish = body.tagged_scottish();
    let short_name = body
        .short_name
        .as_deref()
        .map(|s| wdtk::one_line(s, 60))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| wdtk::one_line(&name, 60));
    let values = AuthorityValues {
        name,
        short_name,
        foi_email: None,
        website: None,
        default_regime: if scottish { Regime::Foisa } else { Regime::Foia },
        nation: if scottish { Nation::Scotland } else { Nation::Uk },
    };
    let id = authorities::insert(conn, &values, now).map_err(|e| match db::is_unique_violation(&e) {
        true => AppError::conflict(
            Some("url"),
            format!(
                "The authority \"{}\" was added just now: link the request again",
                values.name
            ),
        ),
        false => AppError::from(e),
    })?;
    record(
        conn,
        caller,
        Change::new("create", "authority", id).after(
            json!({"name": values.name, "short_name": values.short_name,
                "default_regime": values.default_regime, "nation": values.nation,
                "from": "whatdotheyknow"}),
        ),
        now,
    )?;
    super::authorities::get(conn, id)
}

/// Inside the caller's transaction: adds every event of `wdtk_request` not read before, and
/// keeps, for a person, what the site now says differently of one that was.
fn merge(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    link: &Link,
    wdtk_request: &WdtkRequest,
    now: NaiveDateTime,
) -> Result<WdtkReport, AppError> {
    let request_id = link.request_id;
    let request = super::requests::get(conn, request_id)?;
    if wdtk_request.id != link.wdtk_id {
        return Err(AppError::Upstream(format!(
            "{} answered with request {} instead of {}; nothing was changed",
            link.base_url, wdtk_request.id, link.wdtk_id
        )));
    }
    let known: HashMap<i64, WdtkImported> = links::imported(conn, request_id)?
        .into_iter()
        .map(|i| (i.wdtk_event_id, i))
        .collect();
    let mut report = WdtkReport {
        request_id,
        wdtk_url: link.page(),
        ..WdtkReport::default()
    };
    for planned in wdtk::plan(wdtk_request) {
        if let Some(before) = known.get(&planned.wdtk_event_id) {
            let difference = difference(before, &planned);
            if difference != before.difference {
                let proposed =
                    serde_json::to_string(&planned).map_err(|e| AppError::Internal(e.to_string()))?;
                let kept = difference.as_deref().map(|d| (d, proposed.as_str()));
                links::set_difference(conn, before.id, kept, now)?;
                if let Some(difference) = &difference {
                    record(
                        conn,
                        caller,
                        Change::new("wdtk_difference", "request", request_id)
                            .after(json!({"wdtk_event_id": planned.wdtk_event_id, "difference": difference})),
                        now,
                    )?;
                }
            }
            report.differences += usize::from(difference.is_some());
            continue;
        }
        let (event_id, message_id) = store(conn, caller, link, &request, &planned, now)?;
        report.added += usize::from(event_id.is_some());
        report.to_classify += usize::from(message_id.is_some());
        links::insert_imported(
            conn,
            &NewWdtkImported {
                request_id,
                wdtk_event_id: planned.wdtk_event_id,
                event_type: &planned.event_type,
                state: planned.state.as_deref(),
                action: &planned.action.word(),
                occurred_on: planned.date,
                event_id,
                incoming_message_id: message_id,
            },
            now,
        )?;
    }
    let calendar = calendars.current(conn)?;
    reindex(conn, &calendar, today, request_id, request.values.regime).map_err(|e| match e {
        AppError::Invalid(errors) => AppError::invalid(
            "url",
            format!(
                "WhatDoTheyKnow's events do not fit this request's timeline under {}: {}; nothing was changed",
                request.values.regime.short_name(),
                errors.first().map(|e| e.message.as_str()).unwrap_or_default()
            ),
        ),
        other => other,
    })?;
    // A reply waiting to be classified is owed a reminder of its own.
    super::reminders::replan(conn, &calendar, request_id, today)?;
    Ok(report)
}

/// What the site now says differently of an event read before, in words; none if it agrees.
fn difference(before: &WdtkImported, now: &Planned) -> Option<String> {
    let word = now.action.word();
    let same = before.action == word && before.occurred_on == now.date && before.state == now.state;
    (!same).then(|| {
        let state = |s: &Option<String>| match s {
            Some(s) => format!("“{}”", s.replace('_', " ")),
            None => "not described".into(),
        };
        let day = crate::domain::written::date;
        let mut text = format!(
            "WhatDoTheyKnow now describes its {} of {} (event {}) as {}",
            now.event_type.replace('_', " "),
            day(now.date),
            now.wdtk_event_id,
            state(&now.state),
        );
        if before.state != now.state {
            text.push_str(&format!(", not {}", state(&before.state)));
        }
        if before.occurred_on != now.date {
            text.push_str(&format!(
                ", and dates it {}, not {}",
                day(now.date),
                day(before.occurred_on)
            ));
        }
        if before.action != word {
            text.push_str(&format!(
                "; here it would be {}, not {}",
                word.replace('_', " "),
                before.action.replace('_', " ")
            ));
        }
        text
    })
}

/// Stores one event read for the first time: on the timeline, or as a reply to classify; the
/// event's id or the reply's.
fn store(
    conn: &mut DbConnection,
    caller: &Caller,
    link: &Link,
    request: &requests::Request,
    planned: &Planned,
    now: NaiveDateTime,
) -> Result<(Option<i32>, Option<i32>), AppError> {
    let request_id = request.id;
    match &planned.action {
        Action::Ignore => Ok((None, None)),
        // The request was created received on this date: its receipt is that event.
        Action::Record {
            kind: EventKind::Received,
            ..
        } => {
            let received = events::for_request(conn, request_id)?
                .into_iter()
                .find(|e| e.kind == EventKind::Received)
                .map(|e| e.id);
            Ok((received, None))
        }
        Action::Record {
            kind,
            outcome,
            details,
        } => {
            let id = events::insert(conn, request_id, &Event::new(*kind, planned.date), details, now)?;
            if let Some(outcome) = outcome {
                // The site records no grounds: the response says so rather than naming any.
                let response = ResponseDetails {
                    outcome: *outcome,
                    grounds: Vec::new(),
                    public_interest_test: false,
                    promised_on: None,
                    summary: details.clone(),
                };
                crate::db::responses::insert(conn, id, request_id, &response, now)?;
            }
            record(
                conn,
                caller,
                Change::new("create", "event", id).after(json!({
                    "request_id": request_id, "kind": kind, "occurred_on": planned.date,
                    "details": details, "outcome": outcome,
                    "wdtk_event_id": planned.wdtk_event_id,
                })),
                now,
            )?;
            Ok((Some(id), None))
        }
        Action::Classify { subject } => {
            let dedupe_key = format!("wdtk:{}#{}", link.page(), planned.wdtk_event_id);
            let sender = format!("WhatDoTheyKnow ({})", link.page());
            let id = incoming_messages::insert(
                conn,
                &NewIncomingMessage {
                    organisation_id: request.organisation_id,
                    // Not a mailbox's: a place no IMAP mailbox has (UIDVALIDITY is positive),
                    // one per request, numbered by the site's event ids.
                    uid_validity: -i64::from(request_id),
                    uid: planned.wdtk_event_id,
                    dedupe_key: &dedupe_key,
                    blob_sha256: None,
                    size: 0,
                    sender: &sender,
                    subject,
                    arrived_at: planned.at,
                    request_id: Some(request_id),
                    matched_by: None,
                    bounce: false,
                    status: "to_classify",
                    problem: None,
                    created_at: now,
                },
            )?;
            record(
                conn,
                caller,
                Change::new("file", "incoming_message", id).after(json!({
                    "request_id": request_id, "subject": subject,
                    "wdtk_event_id": planned.wdtk_event_id,
                })),
                now,
            )?;
            Ok((None, Some(id)))
        }
    }
}

/// Accepts what WhatDoTheyKnow now says of an event read before: the event it became is
/// replaced by what the site's description now makes of it (or a reply waiting to be
/// classified is set aside for it), in one transaction, audited. A reply a person has already
/// classified stands: their event is theirs to change.
#[allow(clippy::too_many_arguments)]
pub fn accept(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    request_id: i32,
    wdtk_event_id: i64,
    now: NaiveDateTime,
) -> Result<WdtkImported, AppError> {
    db::write(conn, |conn| {
        let request = super::access::writable(conn, caller, request_id)?;
        let link = links::of_request(conn, request_id)?
            .ok_or_else(|| AppError::NotFound(format!("WhatDoTheyKnow link of request {request_id}")))?;
        let before = links::imported_one(conn, request_id, wdtk_event_id)?.ok_or_else(|| {
            AppError::NotFound(format!(
                "WhatDoTheyKnow event {wdtk_event_id} of request {request_id}"
            ))
        })?;
        let (Some(difference), Some(proposed)) = (&before.difference, &before.proposed) else {
            return Err(AppError::conflict(
                None,
                "WhatDoTheyKnow says nothing different of this event",
            ));
        };
        let planned: Planned = serde_json::from_str(proposed)
            .map_err(|e| AppError::Internal(format!("a kept proposal: {e}")))?;
        if let Some(message_id) = before.incoming_message_id {
            match incoming_messages::find(conn, message_id)?.map(|m| m.status) {
                Some(status) if status == "to_classify" => {
                    incoming_messages::set_status(conn, message_id, "dismissed")?;
                }
                Some(status) if status == "classified" => {
                    return Err(AppError::conflict(
                        None,
                        "A person has classified this reply already: the event they recorded stands",
                    ));
                }
                _ => {}
            }
        }
        if let Some(event_id) = before.event_id {
            events::delete(conn, event_id)?;
        }
        let (event_id, message_id) = match &planned.action {
            // The receipt moved (a resend): the received event, dated anew.
            Action::Record {
                kind: EventKind::Received,
                details,
                ..
            } => {
                let event = Event::new(EventKind::Received, planned.date);
                let id = events::insert(conn, request_id, &event, details, now)?;
                (Some(id), None)
            }
            _ => store(conn, caller, &link, &request, &planned, now)?,
        };
        let word = planned.action.word();
        let new = NewWdtkImported {
            request_id,
            wdtk_event_id,
            event_type: &planned.event_type,
            state: planned.state.as_deref(),
            action: &word,
            occurred_on: planned.date,
            event_id,
            incoming_message_id: message_id,
        };
        links::accepted(conn, before.id, &new)?;
        let calendar = calendars.current(conn)?;
        reindex(conn, &calendar, today, request_id, request.values.regime).map_err(|e| match e {
            AppError::Invalid(errors) => AppError::conflict(
                None,
                format!(
                    "Accepting this would leave the timeline inconsistent: {}",
                    errors.first().map(|e| e.message.as_str()).unwrap_or_default()
                ),
            ),
            other => other,
        })?;
        super::reminders::replan(conn, &calendar, request_id, today)?;
        record(
            conn,
            caller,
            Change::new("accept_wdtk_difference", "request", request_id)
                .before(json!({"wdtk_event_id": wdtk_event_id, "action": before.action,
                    "state": before.state, "occurred_on": before.occurred_on, "event_id": before.event_id}))
                .after(
                    json!({"wdtk_event_id": wdtk_event_id, "action": word, "state": planned.state,
                    "occurred_on": planned.date, "event_id": event_id, "difference": difference}),
                ),
            now,
        )?;
        links::imported_one(conn, request_id, wdtk_event_id)?
            .ok_or_else(|| AppError::Internal("an accepted event vanished".into()))
    })
}

/// Reads a linked request again and adds what is new. A reading that fails changes nothing
/// but the problem kept on the link, and sets when to try again (later after each failure).
pub fn refresh(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    site: &Site,
    caller: &Caller,
    today: NaiveDate,
    request_id: i32,
    now: NaiveDateTime,
) -> Result<WdtkReport, AppError> {
    if !caller.is_server() {
        super::access::writable(conn, caller, request_id)?;
    }
    let link = links::of_request(conn, request_id)?
        .ok_or_else(|| AppError::NotFound(format!("WhatDoTheyKnow link of request {request_id}")))?;
    let reference = Reference::UrlTitle(link.url_title.clone());
    let outcome = match site.fetch(&reference, link.etag.as_deref(), link.last_modified.as_deref()) {
        Err(error) => Err(fetch_problem(error, "url")),
        Ok(Fetched::NotModified) => db::write(conn, |conn| {
            links::fetched(
                conn,
                link.id,
                link.etag.as_deref(),
                link.last_modified.as_deref(),
                now,
            )?;
            Ok(WdtkReport {
                request_id,
                wdtk_url: link.page(),
                not_modified: true,
                ..WdtkReport::default()
            })
        }),
        Ok(Fetched::Request {
            request,
            etag,
            last_modified,
        }) => db::write(conn, |conn| {
            let report = merge(conn, calendars, caller, today, &link, &request, now)?;
            links::fetched(conn, link.id, etag.as_deref(), last_modified.as_deref(), now)?;
            if report.added + report.to_classify > 0 {
                record(
                    conn,
                    caller,
                    Change::new("refresh_wdtk", "request", request_id)
                        .after(json!({"added": report.added, "to_classify": report.to_classify})),
                    now,
                )?;
            }
            Ok(report)
        }),
    };
    if let Err(error) = &outcome {
        let failures = link.failures.saturating_add(1);
        let minutes = (15_i64 << failures.clamp(0, 10)).min(MAX_BACK_OFF_MINUTES);
        let retry_after = now + chrono::Duration::minutes(minutes);
        let problem: String = error.to_string().chars().take(2000).collect();
        // A write, so that the request's page, kept until a write, shows the problem. The
        // audit trail has each new problem once, not every retry of the same one.
        db::write(conn, |conn| {
            links::failed(conn, link.id, &problem, failures, retry_after, now)?;
            if link.problem.as_deref() != Some(problem.as_str()) {
                record(
                    conn,
                    caller,
                    Change::new("wdtk_reading_failed", "request", request_id)
                        .after(json!({"problem": problem})),
                    now,
                )?;
            }
            Ok::<(), AppError>(())
        })?;
    }
    outcome
}

/// A request's link to WhatDoTheyKnow, with each event read from it, for its page and the API.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WdtkLink {
    pub request_id: i32,
    /// Its page on the site.
    pub wdtk_url: String,
    /// The request's number on the site.
    pub wdtk_id: i64,
    /// When the site was last read successfully.
    #[serde(serialize_with = "crate::domain::instant::utc_or_null")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub fetched_at: Option<NaiveDateTime>,
    /// What went wrong when it was last read, until a reading succeeds.
    pub problem: Option<String>,
    #[serde(serialize_with = "crate::domain::instant::utc_or_null")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub problem_at: Option<NaiveDateTime>,
    /// Every event read from the site, in the order first read, with what it became here.
    pub events: Vec<WdtkImported>,
}

/// The request's link, if it has one, for whoever may read the request.
pub fn of_request(
    conn: &mut DbConnection,
    caller: &Caller,
    request_id: i32,
) -> Result<Option<WdtkLink>, AppError> {
    super::access::readable(conn, caller, request_id)?;
    let Some(link) = links::of_request(conn, request_id)? else {
        return Ok(None);
    };
    Ok(Some(WdtkLink {
        request_id,
        wdtk_url: link.page(),
        wdtk_id: link.wdtk_id,
        fetched_at: link.fetched_at,
        problem: link.problem.clone(),
        problem_at: link.problem_at,
        events: links::imported(conn, request_id)?,
    }))
}

/// Reads again every linked open request whose time has come, one a second at most; for the
/// scheduler. A site that fails is tried again later (see `refresh`).
pub fn refresh_due(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    site: &Site,
    today: NaiveDate,
    every: chrono::Duration,
    go_on: impl Fn() -> bool,
) -> Result<usize, AppError> {
    let caller = Caller::system("WhatDoTheyKnow reader");
    let now = crate::clock::now();
    let due = links::due(conn, now, now - every, 500)?;
    let mut read = 0;
    for link in due {
        if !go_on() {
            break;
        }
        read += 1;
        if let Err(error) = refresh(
            conn,
            calendars,
            site,
            &caller,
            today,
            link.request_id,
            crate::clock::now(),
        ) {
            tracing::warn!(request_id = link.request_id, %error, "a WhatDoTheyKnow request could not be read");
        }
    }
    Ok(read)
}
