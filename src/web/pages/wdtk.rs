//! The form that links a WhatDoTheyKnow request.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{done, form_again_or_error, page};
use crate::error::AppError;
use crate::tracker::wdtk::{self, WdtkLinkInput};
use crate::web::auth::{Posted, Who};
use crate::web::extract::with_db;
use crate::web::state::AppState;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct LinkForm {
    pub url: String,
}

fn form_page(state: &AppState, url: &str, errors: Map<String, Value>) -> Value {
    json!({
        "title": "Link a WhatDoTheyKnow request",
        "nav": "new",
        "url": url,
        "site": state.settings.wdtk_url.trim_end_matches('/'),
        "errors": errors,
    })
}

pub async fn new(state: web::Data<AppState>, who: Who) -> Result<HttpResponse, AppError> {
    crate::tracker::access::require(&who.caller(), crate::domain::account::Actor::files_requests)?;
    page(&state, &who, "requests/wdtk", form_page(&state, "", Map::new()))
}

pub async fn create(state: web::Data<AppState>, posted: Posted<LinkForm>) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let caller = who.caller();
    let site = super::super::api::wdtk::site(&state)?;
    let input = WdtkLinkInput {
        url: form.url.clone(),
    };
    let result = with_db(&state, move |conn, calendars, today| {
        wdtk::link(
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
        Ok(report) => Ok(done(
            &state,
            &format!("/requests/{}", report.request_id),
            "request-saved",
        )),
        Err(error) => {
            form_again_or_error(&state, &who, error, "requests/wdtk", async |errors| {
                Ok(form_page(&state, &form.url, errors))
            })
            .await
        }
    }
}

/// Accepts what WhatDoTheyKnow now says of an event, from the request's page.
pub async fn accept(
    state: web::Data<AppState>,
    posted: Posted<super::events::Empty>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let Posted { who, .. } = posted;
    let (request, event) = path.into_inner();
    let id = crate::web::extract::id(&request)?;
    let event: i64 = event
        .parse()
        .ok()
        .filter(|e| *e > 0)
        .ok_or_else(|| AppError::NotFound(format!("event {event}")))?;
    let caller = who.caller();
    let result = with_db(&state, move |conn, calendars, today| {
        wdtk::accept(conn, calendars, &caller, today, id, event, crate::clock::now())
    })
    .await;
    match result {
        Ok(_) => Ok(done(&state, &format!("/requests/{id}#timeline"), "request-saved")),
        Err(error) => super::events::conflict_again(&state, &who, id, error).await,
    }
}
