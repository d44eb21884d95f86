//! `/requests/{id}/letters`: the next letter drafted from the record, editable, printable, and
//! recorded on the timeline once sent.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{done, errors, form_again, page, see_other};
use crate::error::AppError;
use crate::tracker::correspondence::{self, LetterEmail};
use crate::tracker::letters::{self, LetterInput, LetterOption};
use crate::tracker::request_detail::RequestDetail;
use crate::web::auth::{Posted, Who};
use crate::web::extract::{with_db, PathId};
use crate::web::state::AppState;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct LetterQuery {
    pub kind: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LetterForm {
    pub kind: String,
    pub sent_on: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// "preview" shows the edited letter ready to print; anything else records it as sent.
    pub action: String,
}

impl LetterForm {
    fn input(&self) -> LetterInput {
        LetterInput {
            kind: self.kind.clone(),
            sent_on: self.sent_on.clone(),
            to: self.to.clone(),
            subject: self.subject.clone(),
            body: self.body.clone(),
        }
    }
}

/// The page's data: every letter with why it cannot be written yet, and the chosen one in the
/// form, as drafted or as edited.
fn letters_page(
    detail: &RequestDetail,
    options: &[LetterOption],
    kind: &str,
    edited: Option<&LetterForm>,
) -> Value {
    let chosen = options
        .iter()
        .find(|o| o.kind.to_string() == kind && o.draft.is_some())
        .or_else(|| options.iter().find(|o| o.next))
        .or_else(|| options.iter().find(|o| o.draft.is_some()));
    let letter = match (chosen.and_then(|o| o.draft.as_ref()), edited) {
        (Some(_), Some(form)) => json!(form),
        (Some(draft), None) => json!({
            "kind": draft.kind, "to": draft.to, "subject": draft.subject, "body": draft.body,
            "sent_on": detail.schedule.today,
        }),
        (None, _) => Value::Null,
    };
    json!({
        "title": chosen.map_or("Letters", |o| o.name.as_str()), "nav": "requests", "d": detail,
        "options": options, "chosen": chosen, "letter": letter,
    })
}

pub async fn show(
    state: web::Data<AppState>,
    who: Who,
    query: web::Query<LetterQuery>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let caller = who.caller();
    let (detail, options) = with_db(&state, move |conn, calendars, today| {
        letters::overview(conn, calendars, &caller, today, id, crate::clock::now())
    })
    .await?;
    page(
        &state,
        &who,
        "letters/show",
        letters_page(&detail, &options, &query.kind, None),
    )
}

pub async fn send(
    state: web::Data<AppState>,
    posted: Posted<LetterForm>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let preview = form.action == "preview";
    let input = form.input();
    let caller = who.caller();
    let result = match form.action.as_str() {
        "preview" => Ok(()),
        "email" => {
            let settings = state.settings.clone();
            let letter = LetterEmail {
                kind: input.kind,
                to: input.to,
                subject: input.subject,
                body: input.body,
            };
            with_db(&state, move |conn, calendars, today| {
                correspondence::send_letter(
                    conn,
                    calendars,
                    &settings,
                    &caller,
                    today,
                    id,
                    &letter,
                    crate::clock::now(),
                )
                .map(|_| ())
            })
            .await
        }
        _ => {
            with_db(&state, move |conn, calendars, today| {
                letters::send(conn, calendars, &caller, today, id, &input, crate::clock::now()).map(|_| ())
            })
            .await
        }
    };
    let error = match result {
        Ok(()) if form.action == "email" => {
            return Ok(done(
                &state,
                &format!("/requests/{id}#timeline"),
                "letter-emailed",
            ))
        }
        Ok(()) if !preview => return Ok(see_other(&format!("/requests/{id}#timeline"))),
        Ok(()) => None,
        Err(error) if super::is_form_error(&error) => Some(error),
        Err(error) => return Err(error),
    };
    let caller = who.caller();
    let (detail, options) = with_db(&state, move |conn, calendars, today| {
        letters::overview(conn, calendars, &caller, today, id, crate::clock::now())
    })
    .await?;
    let mut data = letters_page(&detail, &options, &form.kind, Some(&form));
    match error {
        Some(error) => {
            data["errors"] = json!(errors(&error));
            form_again(&state, &who, &error, "letters/show", data)
        }
        None => {
            data["preview"] = json!(true);
            page(&state, &who, "letters/show", data)
        }
    }
}
