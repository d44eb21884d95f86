//! `/requests/{id}/email`: a draft request shown as the email it will be, sent from the
//! organisation's mailbox, and an interrupted sending settled.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::events::Empty;
use super::{done, errors, form_again, is_form_error, page};
use crate::error::AppError;
use crate::tracker::correspondence::{self, EmailDraft, FollowUp};
use crate::web::auth::{Posted, Who};
use crate::web::extract::{with_db, PathId};
use crate::web::state::AppState;

fn email_page(id: i32, draft: &EmailDraft) -> Value {
    let form = FollowUpForm {
        subject: draft.subject.clone(),
        body: String::new(),
    };
    json!({
        "title": "Send by email", "nav": "requests", "id": id, "request_title": draft.title,
        "email": draft, "message": null, "form": form, "errors": {},
    })
}

/// The email page, with `error` (and the follow-up `form` as typed) if something was refused:
/// a follow-up's field problems beside its fields, anything else at the top.
async fn show_again(
    state: &web::Data<AppState>,
    who: &Who,
    id: i32,
    error: Option<AppError>,
    form: Option<FollowUpForm>,
) -> Result<HttpResponse, AppError> {
    let caller = who.caller();
    let settings = state.settings.clone();
    let draft = with_db(state, move |conn, _, _| {
        correspondence::draft(conn, &settings, &caller, id, crate::clock::now())
    })
    .await?;
    let mut data = email_page(id, &draft);
    if let Some(form) = form {
        data["form"] = json!(form);
    }
    let Some(error) = error else {
        return page(state, who, "requests/email", data);
    };
    let field_errors = errors(&error);
    if field_errors
        .keys()
        .all(|field| ["subject", "body"].contains(&field.as_str()))
    {
        data["errors"] = json!(field_errors);
    } else {
        data["message"] = json!(error.to_string());
    }
    form_again(state, who, &error, "requests/email", data)
}

pub async fn show(
    state: web::Data<AppState>,
    who: Who,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    show_again(&state, &who, id, None, None).await
}

pub async fn send(
    state: web::Data<AppState>,
    posted: Posted<Empty>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let who = posted.who;
    let caller = who.caller();
    let settings = state.settings.clone();
    let result = with_db(&state, move |conn, calendars, today| {
        correspondence::send_request(
            conn,
            calendars,
            &settings,
            &caller,
            today,
            id,
            crate::clock::now(),
        )
    })
    .await;
    match result {
        Ok(_) => Ok(done(&state, &format!("/requests/{id}"), "request-emailed")),
        Err(error) if is_form_error(&error) => show_again(&state, &who, id, Some(error), None).await,
        Err(error) => Err(error),
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FollowUpForm {
    pub subject: String,
    pub body: String,
}

pub async fn follow_up(
    state: web::Data<AppState>,
    posted: Posted<FollowUpForm>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let caller = who.caller();
    let settings = state.settings.clone();
    let input = FollowUp {
        subject: form.subject.clone(),
        body: form.body.clone(),
    };
    let result = with_db(&state, move |conn, _, today| {
        correspondence::send_follow_up(conn, &settings, &caller, today, id, &input, crate::clock::now())
    })
    .await;
    match result {
        Ok(_) => Ok(done(
            &state,
            &format!("/requests/{id}#documents"),
            "follow-up-sent",
        )),
        Err(error) if is_form_error(&error) => show_again(&state, &who, id, Some(error), Some(form)).await,
        Err(error) => Err(error),
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SettleForm {
    /// "yes" or "no".
    pub went: String,
}

pub async fn settle(
    state: web::Data<AppState>,
    posted: Posted<SettleForm>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let went = match form.went.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            let error = AppError::invalid("went", "Say whether the message is in the Sent folder");
            return show_again(&state, &who, id, Some(error), None).await;
        }
    };
    let caller = who.caller();
    let settings = state.settings.clone();
    let result = with_db(&state, move |conn, calendars, today| {
        correspondence::settle(
            conn,
            calendars,
            &caller,
            today,
            id,
            went,
            &settings,
            crate::clock::now(),
        )
    })
    .await;
    match result {
        Ok(()) if went => Ok(done(&state, &format!("/requests/{id}"), "email-settled")),
        Ok(()) => Ok(done(&state, &format!("/requests/{id}/email"), "email-discarded")),
        Err(error) if is_form_error(&error) => show_again(&state, &who, id, Some(error), None).await,
        Err(error) => Err(error),
    }
}
