//! The records behind the refusal history, loaded once for the page, the drill-down, the exports
//! and the API, so that they always agree: the received requests a filter keeps, each one's facts,
//! and the events, responses, grounds and appeals the exports are made of.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::access::{require, scope_of};
use super::audit::Caller;
use super::deadline_index::catch_up;
use super::history::Filter;
use super::holidays::CalendarStore;
use crate::db::history::{self as rows, AppealRow, EventRow, RequestRow, ResponseRow};
use crate::db::request_list;
use crate::db::requests;
use crate::db::DbConnection;
use crate::domain::history::{self, Decision, RequestFacts};
use crate::domain::regime::Regime;
use crate::domain::response::Outcome;
use crate::domain::timeline::{self, DeadlineKind, Event, EventKind};
use crate::error::AppError;

/// Everything read for a filter: the received requests it keeps, their facts, and the rows
/// the exports are made of.
pub(super) struct Loaded {
    pub(super) requests: Vec<RequestRow>,
    pub(super) received: HashMap<i32, NaiveDate>,
    pub(super) facts: Vec<RequestFacts>,
    pub(super) events: Vec<EventRow>,
    pub(super) responses: Vec<ResponseRow>,
    pub(super) grounds: HashMap<i32, Vec<String>>,
    pub(super) appeals: Vec<AppealRow>,
    pub(super) authorities: HashMap<i32, (String, String)>,
    /// Each request's last response deadline.
    pub(super) dues: HashMap<i32, NaiveDate>,
}

pub(super) fn load(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    filter: &mut Filter,
) -> Result<Loaded, AppError> {
    let actor = require(caller, |_| true)?;
    filter.requests.scope = scope_of(actor);
    catch_up(conn, calendars, today)?;
    let calendar = calendars.current(conn)?;
    let ids = request_list::ids_of(conn, &filter.requests, today)?;
    let events = rows::events(conn, &ids, &[])?;
    let mut received = HashMap::new();
    for (_, request_id, kind, on, ..) in &events {
        if kind == "received" {
            received.insert(*request_id, *on);
        }
    }
    let in_range =
        |on: &NaiveDate| filter.from.is_none_or(|from| *on >= from) && filter.to.is_none_or(|to| *on <= to);
    let ids: Vec<i32> = ids
        .into_iter()
        .filter(|id| received.get(id).is_some_and(in_range))
        .collect();
    let kept: std::collections::HashSet<i32> = ids.iter().copied().collect();
    let events: Vec<EventRow> = events.into_iter().filter(|e| kept.contains(&e.1)).collect();
    let requests = rows::requests(conn, &ids)?;
    let responses = rows::responses(conn, &ids)?;
    let mut grounds: HashMap<i32, Vec<String>> = HashMap::new();
    for (event_id, ground) in rows::grounds(conn, &ids)? {
        grounds.entry(event_id).or_default().push(ground);
    }
    let appeals = rows::appeals(conn, &ids)?;
    // Each authority once: a list per request would pass the database one value per request.
    let authority_ids: std::collections::BTreeSet<i32> = requests.iter().map(|r| r.1).collect();
    let authority_ids: Vec<i32> = authority_ids.into_iter().collect();
    let authorities = requests::authority_names(conn, &authority_ids)?;

    let outcomes: HashMap<i32, Outcome> = responses
        .iter()
        .filter_map(|(event_id, _, outcome, ..)| Some((*event_id, outcome.parse().ok()?)))
        .collect();
    let promised: HashMap<i32, NaiveDate> = responses
        .iter()
        .filter_map(|(event_id, .., promised_on)| Some((*event_id, (*promised_on)?)))
        .collect();
    // Each request's events as the engine takes them, and its responses: (date, event, outcome).
    let mut timelines: HashMap<i32, Vec<Event>> = HashMap::new();
    let mut answers: HashMap<i32, Vec<(NaiveDate, i32, Outcome)>> = HashMap::new();
    let mut dated: HashMap<i32, NaiveDate> = HashMap::new();
    for (id, request_id, kind, on, extended_to, ..) in &events {
        dated.insert(*id, *on);
        let kind: EventKind = kind
            .parse()
            .map_err(|_| AppError::Internal(format!("event {id} has kind {kind}")))?;
        timelines.entry(*request_id).or_default().push(Event {
            kind,
            date: *on,
            extended_to: *extended_to,
            promised_on: promised.get(id).copied(),
        });
        if let Some(outcome) = outcomes.get(id) {
            answers.entry(*request_id).or_default().push((*on, *id, *outcome));
        }
    }
    let mut citations: HashMap<i32, Vec<String>> = HashMap::new();
    for (event_id, request_id, ..) in &responses {
        if let Some(cited) = grounds.get(event_id) {
            citations
                .entry(*request_id)
                .or_default()
                .extend(cited.iter().cloned());
        }
    }
    let mut decisions: HashMap<i32, Vec<Decision>> = HashMap::new();
    for (event_id, request_id, stage, _, _, outcome) in &appeals {
        let (Ok(stage), Some(Ok(outcome))) = (stage.parse(), outcome.as_deref().map(str::parse)) else {
            continue;
        };
        let decided = (dated.get(event_id).copied().unwrap_or(NaiveDate::MAX), *event_id);
        let on_refusal = answers.get(request_id).is_some_and(|a| {
            a.iter()
                .any(|(on, id, outcome)| (*on, *id) < decided && *outcome != Outcome::Granted)
        });
        decisions.entry(*request_id).or_default().push(Decision {
            stage,
            outcome,
            on_refusal,
        });
    }
    let mut facts = Vec::with_capacity(requests.len());
    let mut dues = HashMap::new();
    for (id, authority_id, regime, ..) in &requests {
        let regime: Regime = regime
            .parse()
            .map_err(|_| AppError::Internal(format!("request {id} has regime {regime}")))?;
        let Some(&received_on) = received.get(id) else {
            continue;
        };
        let timeline = timelines.get(id).map(Vec::as_slice).unwrap_or_default();
        let schedule = timeline::schedule(regime, timeline, &calendar, today)
            .map_err(|e| AppError::Internal(format!("request {id} does not compute: {e}")))?;
        if let Some(due) = schedule
            .deadlines
            .iter()
            .rev()
            .find(|d| d.kind == DeadlineKind::Response)
        {
            dues.insert(*id, due.due);
        }
        let first = answers
            .get(id)
            .and_then(|a| a.iter().min_by_key(|(on, id, _)| (*on, *id)));
        // Dates beyond the calendar's years have no count rather than a wrong one.
        let working_days_to_respond = first.and_then(|(on, ..)| {
            calendar
                .working_days_between(regime.response().calendar, received_on, *on)
                .ok()
        });
        facts.push(RequestFacts {
            id: *id,
            authority_id: *authority_id,
            regime,
            received: received_on,
            timeliness: history::timeliness(regime, &schedule),
            working_days_to_respond,
            first_outcome: first.map(|(.., outcome)| *outcome),
            citations: citations.remove(id).unwrap_or_default(),
            decisions: decisions.remove(id).unwrap_or_default(),
        });
    }
    Ok(Loaded {
        requests,
        received,
        facts,
        events,
        responses,
        grounds,
        appeals,
        authorities,
        dues,
    })
}
