//! The forms to create, edit and send a request.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::events::page_again;
use super::request_detail::PageForms;
use super::{done, errors, form_again_or_error, is_form_error, options, page};
use crate::db::accounts::User;
use crate::db::authorities::Authority;
use crate::db::DbConnection;
use crate::domain::regime::Regime;
use crate::domain::request::SentVia;
use crate::domain::version::Expected;
use crate::error::AppError;
use crate::tracker::audit::Caller;
use crate::tracker::request_detail::{self, RequestDetail};
use crate::tracker::request_input::RequestInput;
use crate::tracker::requests;
use crate::tracker::{self, authorities};
use crate::web::auth::{Posted, Who};
use crate::web::extract::{with_db, PathId};
use crate::web::state::AppState;

/// The request form as the browser posts it: every field as typed, so that a mistake is
/// shown back to its author unchanged.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RequestForm {
    pub title: String,
    pub body: String,
    pub authority_id: String,
    pub regime: String,
    pub sent_via: String,
    pub sent_on: String,
    pub received_on: String,
    pub reference: String,
    pub owner_id: String,
    pub tags: String,
}

impl RequestForm {
    fn input(&self) -> RequestInput {
        let some = |s: &str| Some(s.to_string()).filter(|s| !s.trim().is_empty());
        RequestInput {
            title: self.title.clone(),
            body: self.body.clone(),
            authority_id: self.authority_id.trim().parse().ok(),
            regime: some(&self.regime),
            sent_via: some(&self.sent_via),
            sent_on: some(&self.sent_on),
            received_on: some(&self.received_on),
            reference: some(&self.reference),
            owner_id: self.owner_id.trim().parse().ok(),
            tags: self.tags.split(',').map(str::to_string).collect(),
        }
    }

    fn of(detail: &RequestDetail) -> RequestForm {
        let r = &detail.request;
        RequestForm {
            title: r.values.title.clone(),
            body: r.values.body.clone(),
            authority_id: r.values.authority_id.to_string(),
            regime: r.values.regime.to_string(),
            sent_via: r.values.sent_via.to_string(),
            sent_on: r.values.sent_on.map(|d| d.to_string()).unwrap_or_default(),
            received_on: String::new(),
            reference: r.values.reference.clone().unwrap_or_default(),
            owner_id: r.values.owner_id.map(|o| o.to_string()).unwrap_or_default(),
            tags: detail.tags.join(", "),
        }
    }
}

pub(super) fn authority_choices(authorities: &[Authority], selected: &str) -> Vec<Value> {
    authorities
        .iter()
        .map(|a| json!({"id": a.id, "name": a.values.name, "selected": a.id.to_string() == selected.trim()}))
        .collect()
}

/// What the request form needs besides the form: the authorities and the organisation's members.
fn choices(
    conn: &mut DbConnection,
    caller: &Caller,
    organisation: Option<i32>,
) -> Result<(Vec<Authority>, Vec<User>), AppError> {
    let organisation = organisation.or(caller.actor.as_ref().map(|a| a.organisation_id));
    let members = match organisation {
        Some(id) => tracker::accounts::members(conn, id)?,
        None => Vec::new(),
    };
    Ok((authorities::list(conn, caller)?, members))
}

fn form_page(
    (authorities, members): &(Vec<Authority>, Vec<User>),
    form: &RequestForm,
    errors: Map<String, Value>,
    existing: Option<i32>,
) -> Value {
    let (heading, action, button, cancel) = match existing {
        None => (
            "New request".to_string(),
            "/requests".to_string(),
            "Save",
            "/requests".to_string(),
        ),
        Some(id) => (
            "Edit request".to_string(),
            format!("/requests/{id}"),
            "Save changes",
            format!("/requests/{id}"),
        ),
    };
    let owners: Vec<Value> = members
        .iter()
        .filter(|m| m.active)
        .map(|m| json!({"id": m.id, "name": m.name, "selected": m.id.to_string() == form.owner_id.trim()}))
        .collect();
    json!({
        "title": heading, "heading": heading, "nav": if existing.is_none() { "new" } else { "requests" },
        "action": action, "button": button, "cancel": cancel, "is_new": existing.is_none(),
        "form": form, "errors": errors, "owners": owners,
        "authorities": authority_choices(authorities, &form.authority_id),
        "regimes": options::<Regime>(Regime::short_name),
        "sent_vias": options::<SentVia>(SentVia::label),
    })
}

pub async fn new(
    state: web::Data<AppState>,
    who: Who,
    query: web::Query<Map<String, Value>>,
) -> Result<HttpResponse, AppError> {
    let caller = who.caller();
    tracker::access::require(&caller, crate::domain::account::Actor::files_requests)?;
    let data = with_db(&state, move |conn, _, _| choices(conn, &caller, None)).await?;
    let form = RequestForm {
        authority_id: query
            .get("authority_id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        sent_via: SentVia::Email.to_string(),
        ..RequestForm::default()
    };
    page(
        &state,
        &who,
        "requests/form",
        form_page(&data, &form, Map::new(), None),
    )
}

pub async fn create(
    state: web::Data<AppState>,
    posted: Posted<RequestForm>,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let input = form.input();
    let caller = who.caller();
    let result = with_db(&state, move |conn, calendars, today| {
        requests::create(conn, calendars, &caller, today, &input, crate::clock::now())
    })
    .await;
    match result {
        Ok(id) => Ok(done(&state, &format!("/requests/{id}"), "request-saved")),
        Err(error) => {
            form_again_or_error(&state, &who, error, "requests/form", async |errors| {
                let caller = who.caller();
                let data = with_db(&state, move |conn, _, _| choices(conn, &caller, None)).await?;
                Ok(form_page(&data, &form, errors, None))
            })
            .await
        }
    }
}

pub async fn edit(
    state: web::Data<AppState>,
    who: Who,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let caller = who.caller();
    let (detail, data) = with_db(&state, move |conn, calendars, today| {
        let detail = request_detail::show(conn, calendars, &caller, today, id, crate::clock::now())?;
        if !detail.writable {
            return Err(AppError::Forbidden(
                "Only researchers and coordinators of the request's organisation can change it".into(),
            ));
        }
        let data = choices(conn, &caller, Some(detail.request.organisation_id))?;
        Ok((detail, data))
    })
    .await?;
    let form = RequestForm::of(&detail);
    page(
        &state,
        &who,
        "requests/form",
        form_page(&data, &form, Map::new(), Some(id)),
    )
}

pub async fn update(
    state: web::Data<AppState>,
    posted: Posted<RequestForm>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let mut input = form.input();
    input.received_on = None;
    let caller = who.caller();
    let result = with_db(&state, move |conn, calendars, today| {
        requests::update(
            conn,
            calendars,
            &caller,
            today,
            id,
            &input,
            &Expected::Any,
            crate::clock::now(),
        )
    })
    .await;
    match result {
        Ok(()) => Ok(done(&state, &format!("/requests/{id}"), "request-saved")),
        Err(error) => {
            form_again_or_error(&state, &who, error, "requests/form", async |errors| {
                let caller = who.caller();
                let data = with_db(&state, move |conn, _, _| {
                    let organisation = requests::get(conn, id)?.organisation_id;
                    choices(conn, &caller, Some(organisation))
                })
                .await?;
                Ok(form_page(&data, &form, errors, Some(id)))
            })
            .await
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SendForm {
    pub sent_on: String,
    pub received_on: String,
}

pub async fn send(
    state: web::Data<AppState>,
    posted: Posted<SendForm>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let (sent, received) = (form.sent_on.clone(), form.received_on.clone());
    let caller = who.caller();
    let result = with_db(&state, move |conn, calendars, today| {
        let received = Some(received.as_str()).filter(|r| !r.trim().is_empty());
        requests::send(
            conn,
            calendars,
            &caller,
            today,
            id,
            &sent,
            received,
            crate::clock::now(),
        )
    })
    .await;
    match result {
        Ok(()) => Ok(done(&state, &format!("/requests/{id}"), "request-sent")),
        Err(error) if is_form_error(&error) => {
            let forms = PageForms {
                send: json!(form),
                send_errors: errors(&error),
                ..PageForms::default()
            };
            page_again(&state, &who, id, &error, forms).await
        }
        Err(error) => Err(error),
    }
}
