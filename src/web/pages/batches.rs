//! Batch pages: the list, the form that sends one request to many authorities, the batch's
//! page with its totals and members, its CSV, and the actions on every member at once.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::{csv_attachment, done, errors, form_again, form_again_or_error, is_form_error, options, page};
use crate::domain::account::Actor;
use crate::domain::request::SentVia;
use crate::error::AppError;
use crate::tracker::access::require;
use crate::tracker::batches::{self, BatchInput, BatchView};
use crate::tracker::{authorities, authority_groups};
use crate::web::auth::{Posted, Who};
use crate::web::extract::{with_db, PathId};
use crate::web::state::AppState;

pub async fn list(state: web::Data<AppState>, who: Who) -> Result<HttpResponse, AppError> {
    let caller = who.caller();
    let batches = with_db(&state, move |conn, _, today| batches::list(conn, &caller, today)).await?;
    page(
        &state,
        &who,
        "batches/list",
        json!({"title": "Batches", "nav": "batches", "batches": batches}),
    )
}

/// The batch form as a browser sends it: authorities ticked one by one, or a group.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BatchForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub group_id: String,
    #[serde(default)]
    pub authority_ids: Vec<String>,
    #[serde(default)]
    pub sent_via: String,
    #[serde(default)]
    pub sent_on: String,
    #[serde(default)]
    pub received_on: String,
    #[serde(default)]
    pub tags: String,
    #[serde(default)]
    pub wdtk_url: String,
    /// One a line: "D1.1 2025-01-01 2025-12-31".
    #[serde(default)]
    pub indicators: String,
}

impl BatchForm {
    fn input(&self) -> Result<BatchInput, AppError> {
        let some = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let number = |field: &str, s: &str| {
            s.trim()
                .parse::<i32>()
                .map_err(|_| AppError::invalid(field, "Choose from the list"))
        };
        Ok(BatchInput {
            title: self.title.clone(),
            body: self.body.clone(),
            group_id: some(&self.group_id).map(|g| number("group_id", &g)).transpose()?,
            authority_ids: self
                .authority_ids
                .iter()
                .map(|a| number("authority_ids", a))
                .collect::<Result<_, _>>()?,
            sent_via: some(&self.sent_via),
            sent_on: some(&self.sent_on),
            received_on: some(&self.received_on),
            tags: self.tags.split(',').map(str::to_string).collect(),
            wdtk_url: some(&self.wdtk_url),
            indicators: super::indicators::link_lines(&self.indicators),
        })
    }
}

/// The form that brings in a batch made on WhatDoTheyKnow, as a browser sends it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct WdtkBatchForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub wdtk_url: String,
    /// One address a line.
    #[serde(default)]
    pub requests: String,
}

async fn form_page(
    state: &web::Data<AppState>,
    who: &Who,
    form: &BatchForm,
    errors: Map<String, Value>,
) -> Result<Value, AppError> {
    form_pages(state, who, form, errors, &WdtkBatchForm::default(), Map::new()).await
}

/// The page's two forms: a batch asked here, and one made on WhatDoTheyKnow.
async fn form_pages(
    state: &web::Data<AppState>,
    who: &Who,
    form: &BatchForm,
    errors: Map<String, Value>,
    wdtk_form: &WdtkBatchForm,
    wdtk_errors: Map<String, Value>,
) -> Result<Value, AppError> {
    let caller = who.caller();
    let (authorities, groups) = with_db(state, move |conn, _, _| {
        Ok((
            authorities::list(conn, &caller)?,
            authority_groups::list(conn, &caller)?,
        ))
    })
    .await?;
    let authorities: Vec<Value> = authorities
        .iter()
        .map(|a| {
            json!({"id": a.id, "name": a.values.name, "regime": a.values.default_regime.short_name(),
                "checked": form.authority_ids.contains(&a.id.to_string())})
        })
        .collect();
    let groups: Vec<Value> = groups
        .iter()
        .map(|g| {
            json!({"id": g.id, "name": g.name, "size": g.authority_ids.len(),
                "selected": form.group_id == g.id.to_string()})
        })
        .collect();
    Ok(json!({
        "title": "New batch", "nav": "batches", "form": form, "errors": errors,
        "authorities": authorities, "groups": groups,
        "sent_vias": options::<SentVia>(SentVia::label),
        "wdtk_form": wdtk_form, "wdtk_errors": wdtk_errors,
    }))
}

pub async fn new(state: web::Data<AppState>, who: Who) -> Result<HttpResponse, AppError> {
    require(&who.caller(), Actor::files_requests)?;
    let form = BatchForm {
        sent_via: SentVia::Email.to_string(),
        ..BatchForm::default()
    };
    let data = form_page(&state, &who, &form, Map::new()).await?;
    page(&state, &who, "batches/form", data)
}

pub async fn create(state: web::Data<AppState>, posted: Posted<BatchForm>) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let caller = who.caller();
    let result = match form.input() {
        Ok(input) => {
            with_db(&state, move |conn, calendars, today| {
                batches::create(conn, calendars, &caller, today, &input, crate::clock::now())
            })
            .await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(id) => Ok(done(&state, &format!("/batches/{id}"), "batch-created")),
        Err(error) => {
            form_again_or_error(&state, &who, error, "batches/form", async |errors| {
                form_page(&state, &who, &form, errors).await
            })
            .await
        }
    }
}

/// The forms of a batch's page, as sent (when shown again with their errors).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SentForm {
    #[serde(default)]
    pub sent_on: String,
    #[serde(default)]
    pub received_on: String,
}

fn show_data(view: &BatchView, sent: &SentForm, sent_errors: Map<String, Value>) -> Value {
    let drafts = view.totals.drafts;
    json!({
        "title": view.title, "nav": "batches", "batch": view,
        "drafts": drafts, "sent_form": sent, "sent_errors": sent_errors, "email_run": null,
    })
}

pub async fn show(
    state: web::Data<AppState>,
    who: Who,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let caller = who.caller();
    let view = with_db(&state, move |conn, _, today| {
        batches::read(conn, &caller, today, id)
    })
    .await?;
    page(
        &state,
        &who,
        "batches/show",
        show_data(&view, &SentForm::default(), Map::new()),
    )
}

pub async fn csv(state: web::Data<AppState>, who: Who, PathId(id): PathId) -> Result<HttpResponse, AppError> {
    let caller = who.caller();
    let view = with_db(&state, move |conn, _, today| {
        batches::read(conn, &caller, today, id)
    })
    .await?;
    csv_attachment(
        &format!("batch-{id}.csv"),
        batches::CSV_COLUMNS,
        batches::csv_rows(&view),
    )
}

pub async fn mark_sent(
    state: web::Data<AppState>,
    posted: Posted<SentForm>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let (sent, received) = (form.sent_on.clone(), form.received_on.clone());
    let caller = who.caller();
    let result = with_db(&state, move |conn, calendars, today| {
        let received = Some(received.as_str()).filter(|r| !r.trim().is_empty());
        batches::mark_sent(
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
        Ok(_) => Ok(done(&state, &format!("/batches/{id}"), "batch-sent")),
        Err(error) if is_form_error(&error) => {
            let caller = who.caller();
            let view = with_db(&state, move |conn, _, today| {
                batches::read(conn, &caller, today, id)
            })
            .await?;
            form_again(
                &state,
                &who,
                &error,
                "batches/show",
                show_data(&view, &form, errors(&error)),
            )
        }
        Err(error) => Err(error),
    }
}

/// The day the review letters were sent.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ReviewsForm {
    #[serde(default)]
    pub sent_on: String,
}

async fn reviews_data(
    state: &web::Data<AppState>,
    who: &Who,
    id: i32,
    form: &ReviewsForm,
    errors: Map<String, Value>,
) -> Result<Value, AppError> {
    let caller = who.caller();
    let (view, drafts) = with_db(state, move |conn, calendars, today| {
        batches::reviews(conn, calendars, &caller, today, id, crate::clock::now())
    })
    .await?;
    Ok(json!({
        "title": format!("Internal reviews: {}", view.title), "nav": "batches", "batch": view,
        "count": drafts.len(), "drafts": drafts, "form": form, "errors": errors,
    }))
}

pub async fn reviews(
    state: web::Data<AppState>,
    who: Who,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let data = reviews_data(&state, &who, id, &ReviewsForm::default(), Map::new()).await?;
    page(&state, &who, "batches/reviews", data)
}

pub async fn request_reviews(
    state: web::Data<AppState>,
    posted: Posted<ReviewsForm>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let sent_on = form.sent_on.clone();
    let caller = who.caller();
    let result = with_db(&state, move |conn, calendars, today| {
        batches::request_reviews(conn, calendars, &caller, today, id, &sent_on, crate::clock::now())
    })
    .await;
    match result {
        Ok(_) => Ok(done(&state, &format!("/batches/{id}"), "batch-reviews")),
        Err(error) => {
            form_again_or_error(&state, &who, error, "batches/reviews", async |errors| {
                reviews_data(&state, &who, id, &form, errors).await
            })
            .await
        }
    }
}

/// Sends every member not yet sent by email: back to the batch when all went, else the batch
/// again saying which could not go and why.
pub async fn email(
    state: web::Data<AppState>,
    posted: Posted<super::events::Empty>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let who = posted.who;
    let caller = who.caller();
    let settings = state.settings.clone();
    let result = with_db(&state, move |conn, calendars, today| {
        let run = batches::send_by_email(
            conn,
            calendars,
            &settings,
            &caller,
            today,
            id,
            crate::clock::now(),
        );
        Ok((run, batches::read(conn, &caller, today, id)?))
    })
    .await?;
    match result {
        (Ok(run), _) if run.not_sent.is_empty() => {
            Ok(done(&state, &format!("/batches/{id}"), "batch-emailed"))
        }
        (Ok(run), view) => {
            let mut data = show_data(&view, &SentForm::default(), Map::new());
            data["email_sent"] = json!(run.sent.len());
            data["email_run"] = json!(run);
            page(&state, &who, "batches/show", data)
        }
        (Err(error), view) if is_form_error(&error) => form_again(
            &state,
            &who,
            &error,
            "batches/show",
            show_data(&view, &SentForm::default(), errors(&error)),
        ),
        (Err(error), _) => Err(error),
    }
}

pub async fn link_wdtk(
    state: web::Data<AppState>,
    posted: Posted<WdtkBatchForm>,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let caller = who.caller();
    let site = super::super::api::wdtk::site(&state)?;
    let input = crate::tracker::batch_wdtk::WdtkBatchInput {
        title: form.title.clone(),
        wdtk_url: form.wdtk_url.clone(),
        requests: form.requests.lines().map(str::to_string).collect(),
    };
    let result = with_db(&state, move |conn, calendars, today| {
        crate::tracker::batch_wdtk::link(
            conn,
            calendars,
            &site,
            &caller,
            today,
            &input,
            crate::clock::now(),
        )
    })
    .await;
    match result {
        Ok(id) => Ok(done(&state, &format!("/batches/{id}"), "batch-created")),
        Err(error) => {
            form_again_or_error(&state, &who, error, "batches/form", async |errors| {
                form_pages(&state, &who, &BatchForm::default(), Map::new(), &form, errors).await
            })
            .await
        }
    }
}
