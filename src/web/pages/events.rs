//! Recording an event from the request page, and taking back the last one.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::requests::{show_page, PageForms};
use super::{errors, form_again, is_form_error, see_other};
use crate::error::AppError;
use crate::startup::AppState;
use crate::tracker::{self, events::EventInput, requests};
use crate::web::extract::{id, with_db};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct EventForm {
    pub kind: String,
    pub occurred_on: String,
    pub extended_to: String,
    pub details: String,
}

impl EventForm {
    fn input(&self) -> EventInput {
        let some = |s: &str| Some(s.to_string()).filter(|s| !s.trim().is_empty());
        EventInput {
            kind: self.kind.clone(),
            occurred_on: self.occurred_on.clone(),
            extended_to: some(&self.extended_to),
            details: some(&self.details),
        }
    }
}

pub async fn add(
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<EventForm>,
) -> Result<HttpResponse, AppError> {
    let id = id(&path)?;
    let form = form.into_inner();
    let input = form.input();
    let result = with_db(&state, move |conn, calendar, today| {
        tracker::events::add(conn, calendar, today, id, &input, tracker::now())
    })
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/requests/{id}#timeline"))),
        Err(error) if is_form_error(&error) => {
            let detail = with_db(&state, move |conn, calendar, today| {
                requests::show(conn, calendar, today, id)
            })
            .await?;
            let forms = PageForms {
                event: json!(form),
                event_errors: errors(&error),
                ..PageForms::default()
            };
            form_again(&state, &error, "requests/show", &show_page(&detail, forms))
        }
        Err(error) => Err(error),
    }
}

pub async fn remove_last(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id(&path)?;
    let result = with_db(&state, move |conn, calendar, today| {
        tracker::events::remove_last(conn, calendar, today, id)
    })
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/requests/{id}#timeline"))),
        Err(error @ AppError::Conflict { .. }) => {
            let detail = with_db(&state, move |conn, calendar, today| {
                requests::show(conn, calendar, today, id)
            })
            .await?;
            let forms = PageForms {
                message: Some(error.to_string()),
                ..PageForms::default()
            };
            form_again(&state, &error, "requests/show", &show_page(&detail, forms))
        }
        Err(error) => Err(error),
    }
}
