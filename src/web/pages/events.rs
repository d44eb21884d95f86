//! Recording an event from the request page, and taking back the last one.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::request_detail::PageForms;
use super::{done, errors, form_again, is_form_error, page, see_other};
use crate::db::events::EventRecord;
use crate::domain::written;
use crate::error::AppError;
use crate::tracker::{self, events::EventInput};
use crate::web::auth::{Posted, Who};
use crate::web::extract::{with_db, PathId};
use crate::web::state::AppState;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct EventForm {
    pub kind: String,
    pub occurred_on: String,
    pub extended_to: String,
    pub details: String,
    pub outcome: String,
    /// One per ground chosen in the multiple select.
    pub grounds: Vec<String>,
    /// "on" when the box is ticked.
    pub public_interest_test: String,
    pub promised_on: String,
    pub reference: String,
    pub decision_reference: String,
    /// The reply this event classifies, if it does.
    pub reply: String,
}

impl EventForm {
    fn input(&self) -> EventInput {
        let some = |s: &str| Some(s.to_string()).filter(|s| !s.trim().is_empty());
        EventInput {
            kind: self.kind.clone(),
            occurred_on: self.occurred_on.clone(),
            extended_to: some(&self.extended_to),
            details: some(&self.details),
            outcome: some(&self.outcome),
            grounds: self.grounds.clone(),
            public_interest_test: !self.public_interest_test.is_empty(),
            promised_on: some(&self.promised_on),
            reference: some(&self.reference),
            decision_reference: some(&self.decision_reference),
        }
    }
}

/// The request page again, with a form's values and errors, or a message at the top.
pub(super) async fn page_again(
    state: &web::Data<AppState>,
    who: &Who,
    id: i32,
    error: &AppError,
    forms: PageForms,
) -> Result<HttpResponse, AppError> {
    let caller = who.caller();
    let page = with_db(state, move |conn, calendars, today| {
        super::request_detail::whole_page(conn, calendars, &caller, today, id, forms)
    })
    .await?;
    form_again(state, who, error, "requests/show", page)
}

/// A change the request's record does not allow (409): its page again, saying why at the top;
/// any other error is passed on to its error page.
pub(super) async fn conflict_again(
    state: &web::Data<AppState>,
    who: &Who,
    id: i32,
    error: AppError,
) -> Result<HttpResponse, AppError> {
    if !matches!(error, AppError::Conflict { .. }) {
        return Err(error);
    }
    let forms = PageForms {
        message: Some(error.to_string()),
        ..PageForms::default()
    };
    page_again(state, who, id, &error, forms).await
}

pub async fn add(
    state: web::Data<AppState>,
    posted: Posted<EventForm>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let input = form.input();
    let caller = who.caller();
    let reply: Option<i32> = form.reply.trim().parse().ok();
    let result = with_db(&state, move |conn, calendars, today| {
        let now = crate::clock::now();
        match reply {
            Some(reply) => {
                tracker::inbox::classify(conn, calendars, &caller, today, reply, &input, now).map(|_| ())
            }
            None => tracker::events::add(conn, calendars, &caller, today, id, &input, now).map(|_| ()),
        }
    })
    .await;
    match result {
        Ok(_) => Ok(done(
            &state,
            &format!("/requests/{id}#timeline"),
            "event-recorded",
        )),
        Err(error) if is_form_error(&error) => {
            let forms = PageForms {
                event: json!(form),
                event_errors: errors(&error),
                ..PageForms::default()
            };
            page_again(&state, &who, id, &error, forms).await
        }
        Err(error) => Err(error),
    }
}

/// A form that sends nothing but its CSRF token.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Empty {}

/// A destructive form's confirmation: it acts only when this says "yes", so that a form from
/// before the confirmation page (or a stray click) leads to the question, never to the act.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Confirmed {
    pub confirm: String,
}

impl Confirmed {
    /// Whether to act: signed in and confirmed. Unconfirmed, a signed-in caller is sent to the
    /// question (which says whether they may do it); the signed-out, to sign in.
    pub fn check(confirm: &str, who: &Who) -> Result<bool, AppError> {
        if who.actor().is_none() {
            return Err(AppError::Unauthorized);
        }
        Ok(confirm == "yes")
    }
}

/// An event as the confirmation names it: "Response (Refused), Tue 3 Mar 2026".
fn describe(event: &EventRecord) -> String {
    let outcome = event
        .response
        .as_ref()
        .map(|r| r.outcome.label())
        .or_else(|| event.appeal.as_ref().and_then(|a| a.outcome).map(|o| o.label()));
    let what = match outcome {
        Some(outcome) => format!("{} ({outcome})", event.kind.label()),
        None => event.kind.label().to_string(),
    };
    format!("{what}, {}", written::day(event.occurred_on))
}

/// `GET /requests/{id}/events/remove-last`: what removing the last event would do, and the
/// button that does it.
pub async fn confirm_remove_last(
    state: web::Data<AppState>,
    who: Who,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let caller = who.caller();
    let (request, last) = with_db(&state, move |conn, _, _| {
        tracker::events::last_to_remove(conn, &caller, id)
    })
    .await?;
    let back = format!("/requests/{id}#timeline");
    let data = json!({
        "title": "Remove the last event", "nav": "requests",
        "question": format!("Remove the event ‘{}’ from the request ‘{}’?", describe(&last), request.values.title),
        "consequences": ["Its deadlines will be recomputed from the events that remain. The removal is recorded in the audit trail."],
        "action": format!("/requests/{id}/events/remove-last"), "button": "Yes, remove it",
        "back": back, "back_text": "No, back to the request",
    });
    page(&state, &who, "confirm", data)
}

pub async fn remove_last(
    state: web::Data<AppState>,
    posted: Posted<Confirmed>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    if !Confirmed::check(&form.confirm, &who)? {
        return Ok(see_other(&format!("/requests/{id}/events/remove-last")));
    }
    let caller = who.caller();
    let result = with_db(&state, move |conn, calendars, today| {
        tracker::events::remove_last(conn, calendars, &caller, today, id, crate::clock::now())
    })
    .await;
    match result {
        Ok(_) => Ok(done(&state, &format!("/requests/{id}#timeline"), "event-removed")),
        Err(error) => conflict_again(&state, &who, id, error).await,
    }
}
