//! Events: record what happened to a request, or take back the last one recorded by mistake.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::access::{readable, writable};
use super::audit::{self, Caller, Change};
use super::deadline_index::reindex;
use super::holidays::CalendarStore;
use super::input::{names, Fields};
use crate::db::events::{self, EventRecord};
use crate::db::{self, requests, DbConnection};
use crate::domain::appeal::{self, AppealDetails, AppealOutcome, Stage};
use crate::domain::regime::Regime;
use crate::domain::response::{self, Outcome, ResponseDetails};
use crate::domain::timeline::{Event, EventKind, Schedule};
use crate::error::AppError;

pub const MAX_DETAILS: usize = 10_000;
const MAX_REFERENCE: usize = 100;

/// An event as the audit trail records it: a subject access request's details by name only.
fn snapshot(event: &EventRecord, regime: Regime) -> serde_json::Value {
    let mut value = serde_json::json!({
        "request_id": event.request_id, "kind": event.kind, "occurred_on": event.occurred_on,
        "extended_to": event.extended_to, "details": event.details,
    });
    if let Some(response) = &event.response {
        value["response"] = serde_json::json!({
            "outcome": response.outcome, "grounds": response.grounds,
            "public_interest_test": response.public_interest_test, "promised_on": response.promised_on,
        });
    }
    if let Some(appeal) = &event.appeal {
        value["appeal"] =
            audit::of_request_kind(regime, serde_json::json!(appeal), super::access::PERSONAL_APPEAL);
    }
    if !event.warnings.is_empty() {
        value["warnings"] = serde_json::json!(event.warnings);
    }
    audit::of_request_kind(regime, value, &["details"])
}

/// An event as a form or an API client sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EventInput {
    /// received, acknowledged, clarification_requested, …, note.
    #[serde(default)]
    #[schema(required = true, value_type = crate::domain::timeline::EventKind)]
    pub kind: String,
    /// YYYY-MM-DD, not after today.
    #[serde(default)]
    #[schema(required = true, format = Date)]
    pub occurred_on: String,
    /// For a FOIA public interest extension: the date the authority gave.
    #[schema(format = Date)]
    pub extended_to: Option<String>,
    /// What happened, in a few words; for a response, its summary.
    pub details: Option<String>,
    /// For a response, how it answered: granted, partly_granted, refused, not_held,
    /// neither_confirm_nor_deny, info_accessible_elsewhere or withdrawn_by_authority.
    /// For an internal review response: upheld, partly_overturned or overturned; for the
    /// regulator's decision: complaint_upheld, partly_upheld, not_upheld or informally_resolved;
    /// for the tribunal's: allowed, partly_allowed, dismissed or withdrawn.
    #[schema(value_type = Option<super::input_schema::EventOutcome>)]
    pub outcome: Option<String>,
    /// For a response, the grounds it cited, as catalogue ids (e.g. foia-s40-2), in order.
    #[serde(default)]
    #[schema(value_type = Vec<super::input_schema::GroundId>)]
    pub grounds: Vec<String>,
    /// For a response, whether the authority says it weighed the public interest.
    #[serde(default)]
    pub public_interest_test: bool,
    /// For a response, a date the authority promised (a publication, a later answer).
    #[schema(format = Date)]
    pub promised_on: Option<String>,
    /// For an appeal stage's event: the authority's review reference, the regulator's case
    /// reference (IC-…), or the tribunal's appeal number (EA/2023/0453).
    pub reference: Option<String>,
    /// For the regulator's decision: the decision notice's reference.
    pub decision_reference: Option<String>,
}

/// What an event says beyond its kind and date: how a response answered, or an appeal
/// stage's references and outcome.
#[derive(Debug, Default)]
struct EventDetails {
    response: Option<ResponseDetails>,
    appeal: Option<AppealDetails>,
}

impl EventInput {
    /// How a response answered, checked against the catalogue of `regime`'s law, or an appeal
    /// stage's references and outcome; neither for an event that says nothing of them.
    fn details(&self, kind: EventKind, regime: Regime) -> Result<EventDetails, AppError> {
        let mut f = Fields::new();
        let promised_on = f.optional_date("promised_on", "Promised date", self.promised_on.as_deref(), None);
        let reference = f.optional_text("reference", "Reference", self.reference.as_deref(), MAX_REFERENCE);
        let decision_reference = f.optional_text(
            "decision_reference",
            "Decision notice reference",
            self.decision_reference.as_deref(),
            MAX_REFERENCE,
        );
        let outcome = self.outcome.as_deref().map(str::trim).filter(|o| !o.is_empty());
        let mut details = EventDetails::default();
        if kind != EventKind::Response {
            if !self.grounds.is_empty() || self.public_interest_test || promised_on.is_some() {
                f.error("kind", "Only a response cites grounds or promises a date");
            }
            let outcome: Option<AppealOutcome> = match outcome {
                Some(outcome) if Stage::of(kind).is_some() => {
                    f.closed("outcome", "Outcome", outcome, &names::<AppealOutcome>())
                }
                Some(_) => {
                    f.error(
                        "outcome",
                        format!(
                            "A {} has no outcome: only a response or a decision has one",
                            kind.label().to_lowercase()
                        ),
                    );
                    None
                }
                None => None,
            };
            if !f.has_error("outcome") && !f.has_error("reference") && !f.has_error("decision_reference") {
                match appeal::check(
                    regime,
                    kind,
                    reference.as_deref(),
                    decision_reference.as_deref(),
                    outcome,
                ) {
                    Ok(appeal) => details.appeal = appeal,
                    Err(problems) => problems.into_iter().for_each(|p| f.error(p.field, p.message)),
                }
            }
            return f.finish(details);
        }
        if reference.is_some() || decision_reference.is_some() {
            f.error(
                "reference",
                "A response has no appeal reference: give the authority's reference on the request",
            );
        }
        let Some(outcome) = outcome else {
            if !self.grounds.is_empty() || self.public_interest_test || promised_on.is_some() {
                f.error(
                    "outcome",
                    "Give the response's outcome with its grounds and dates",
                );
            }
            return f.finish(details);
        };
        let outcome: Option<Outcome> = f.closed("outcome", "Outcome", outcome, &names::<Outcome>());
        let grounds =
            match outcome.map(|o| response::check(regime, o, &self.grounds, self.public_interest_test)) {
                Some(Ok(grounds)) => grounds,
                Some(Err(problems)) => {
                    for problem in problems {
                        f.error(problem.field, problem.message);
                    }
                    Vec::new()
                }
                None => Vec::new(),
            };
        details.response = outcome.map(|outcome| ResponseDetails {
            outcome,
            grounds,
            public_interest_test: self.public_interest_test,
            promised_on,
            summary: self.details.clone().unwrap_or_default(),
        });
        f.finish(details)
    }

    fn validate(&self, today: NaiveDate) -> Result<(Event, String), AppError> {
        let mut f = Fields::new();
        let kind: Option<EventKind> = f.closed("kind", "Event", &self.kind, &names::<EventKind>());
        let date = f.date("occurred_on", "Date", &self.occurred_on, Some(today));
        let extended_to = f.optional_date("extended_to", "Extended to", self.extended_to.as_deref(), None);
        let details = f
            .optional_lines("details", "Details", self.details.as_deref(), MAX_DETAILS)
            .unwrap_or_default();
        let (Some(kind), Some(date)) = (kind, date) else {
            return f.finish((Event::new(EventKind::Note, today), details));
        };
        f.finish((
            Event {
                kind,
                date,
                extended_to,
                promised_on: None,
            },
            details,
        ))
    }
}

/// Fills in each event's warnings (`appeal::warnings`), from the events before it: the
/// request's page and the API show them for as long as the event stands.
pub(crate) fn add_warnings(records: &mut [EventRecord], regime: Regime) {
    let events: Vec<Event> = records.iter().map(EventRecord::event).collect();
    for (i, record) in records.iter_mut().enumerate() {
        let reference = record.appeal.as_ref().and_then(|a| a.reference.as_deref());
        record.warnings = appeal::warnings(regime, record.kind, record.occurred_on, &events[..i], reference);
    }
}

/// A request's events. An auditor's reading of a subject access request's events is a view
/// of it, recorded as the request's page records it.
pub fn list(
    conn: &mut DbConnection,
    caller: &Caller,
    request_id: i32,
    now: NaiveDateTime,
) -> Result<Vec<EventRecord>, AppError> {
    let (request, _) = readable(conn, caller, request_id)?;
    super::access::record_view(conn, caller, &request, now)?;
    let mut records = events::for_request(conn, request_id)?;
    add_warnings(&mut records, request.values.regime);
    Ok(records)
}

/// One event of a request, as `list` gives it (with its warnings, and read as `list` reads).
pub fn one(
    conn: &mut DbConnection,
    caller: &Caller,
    request_id: i32,
    event_id: i32,
    now: NaiveDateTime,
) -> Result<EventRecord, AppError> {
    list(conn, caller, request_id, now)?
        .into_iter()
        .find(|e| e.id == event_id)
        .ok_or_else(|| AppError::NotFound(format!("event {event_id} of request {request_id}")))
}

/// Records an event after checking, with the engine, that it fits the request's timeline.
pub fn add(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    request_id: i32,
    input: &EventInput,
    now: NaiveDateTime,
) -> Result<(EventRecord, Schedule), AppError> {
    let (mut event, details) = input.validate(today)?;
    db::write(conn, |conn| {
        let calendar = calendars.current(conn)?;
        let request = writable(conn, caller, request_id)?;
        let EventDetails { response, appeal } = input.details(event.kind, request.values.regime)?;
        event.promised_on = response.as_ref().and_then(|r| r.promised_on);
        // Stored before the index is written, which reads the history's facts from them; an
        // event the engine refuses rolls all of it back.
        let id = events::insert(conn, request_id, &event, &details, now)?;
        if let Some(response) = &response {
            crate::db::responses::insert(conn, id, request_id, response, now)?;
        }
        if let Some(appeal) = &appeal {
            crate::db::appeals::insert(conn, id, request_id, appeal, now)?;
        }
        let schedule = reindex(conn, &calendar, today, request_id, request.values.regime)?;
        if event.kind == EventKind::Received && request.values.sent_on.is_none() {
            requests::set_sent_on(conn, request_id, event.date, now)?;
        }
        let mut records = events::for_request(conn, request_id)?;
        add_warnings(&mut records, request.values.regime);
        let record = records
            .into_iter()
            .find(|e| e.id == id)
            .ok_or_else(|| AppError::Internal(format!("event {id} vanished")))?;
        let after = snapshot(&record, request.values.regime);
        audit::record(conn, caller, Change::new("create", "event", id).after(after), now)?;
        Ok((record, schedule))
    })
}

/// The request and the event `remove_last` would take back: what its confirmation page names.
pub fn last_to_remove(
    conn: &mut DbConnection,
    caller: &Caller,
    request_id: i32,
) -> Result<(requests::Request, EventRecord), AppError> {
    let request = writable(conn, caller, request_id)?;
    let last = events::last_recorded(conn, request_id)?
        .ok_or_else(|| AppError::conflict(None, "This request has no events to remove"))?;
    Ok((request, last))
}

/// Removes the event recorded last, if the timeline still holds together without it.
pub fn remove_last(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    request_id: i32,
    now: NaiveDateTime,
) -> Result<(EventRecord, Schedule), AppError> {
    db::write(conn, |conn| {
        let calendar = calendars.current(conn)?;
        let (request, last) = last_to_remove(conn, caller, request_id)?;
        events::delete(conn, last.id)?;
        let schedule =
            reindex(conn, &calendar, today, request_id, request.values.regime).map_err(|e| match e {
                AppError::Invalid(_) => AppError::conflict(
                    None,
                    format!("Removing this event would leave the timeline inconsistent: {e}"),
                ),
                other => other,
            })?;
        let before = snapshot(&last, request.values.regime);
        audit::record(
            conn,
            caller,
            Change::new("delete", "event", last.id).before(before),
            now,
        )?;
        Ok((last, schedule))
    })
}
