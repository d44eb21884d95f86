//! `/admin/mailbox`: the administrator's organisation's mailbox, which its requests are sent
//! from and its replies come back to.

use actix_web::{web, HttpResponse};
use serde_json::{json, Map, Value};

use super::{done, form_again_or_error, page};
use crate::domain::account::Actor;
use crate::error::AppError;
use crate::sealing::SealingKey;
use crate::tracker::access::require;
use crate::tracker::mailboxes::{self, MailboxInput, MailboxSettings};
use crate::web::auth::{Posted, Who};
use crate::web::extract::with_db;
use crate::web::state::AppState;

fn form_page(form: &MailboxInput, saved: Option<&MailboxSettings>, errors: Map<String, Value>) -> Value {
    // A password typed is never sent back, even to the form it came from: neither in its
    // field nor inside a server address that was refused for carrying it.
    let form = MailboxInput {
        smtp_password: None,
        smtp_url: without_credentials(&form.smtp_url),
        imap_password: None,
        imap_url: without_credentials(&form.imap_url),
        ..form.clone()
    };
    json!({
        "title": "Mailbox", "nav": "mailbox", "form": form, "errors": errors,
        "password_set": saved.is_some_and(|s| s.smtp_password_set),
        "imap_password_set": saved.is_some_and(|s| s.imap_password_set), "saved": saved,
    })
}

fn without_credentials(address: &str) -> String {
    match url::Url::parse(address) {
        Ok(mut url) if url.password().is_some() || !url.username().is_empty() => {
            let _ = url.set_password(None);
            let _ = url.set_username("");
            url.to_string()
        }
        _ => address.to_string(),
    }
}

fn organisation(who: &Who) -> Result<i32, AppError> {
    Ok(require(&who.caller(), Actor::is_admin)?.organisation_id)
}

pub async fn show(state: web::Data<AppState>, who: Who) -> Result<HttpResponse, AppError> {
    let organisation_id = organisation(&who)?;
    let caller = who.caller();
    let saved = with_db(&state, move |conn, _, _| {
        mailboxes::show(conn, &caller, organisation_id)
    })
    .await?;
    let form = saved.as_ref().map(MailboxInput::from).unwrap_or_default();
    page(
        &state,
        &who,
        "admin/mailbox",
        form_page(&form, saved.as_ref(), Map::new()),
    )
}

pub async fn save(
    state: web::Data<AppState>,
    posted: Posted<MailboxInput>,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let organisation_id = organisation(&who)?;
    let input = form.clone();
    let caller = who.caller();
    let settings = state.settings.clone();
    match with_db(&state, move |conn, _, _| {
        let key = || SealingKey::from_settings(&settings);
        mailboxes::save(conn, key, &caller, organisation_id, &input, crate::clock::now())
    })
    .await
    {
        Ok(_) => Ok(done(&state, "/admin/mailbox", "mailbox-saved")),
        Err(error) => {
            let caller = who.caller();
            form_again_or_error(&state, &who, error, "admin/mailbox", async |errors| {
                let saved = with_db(&state, move |conn, _, _| {
                    mailboxes::show(conn, &caller, organisation_id)
                })
                .await?;
                Ok(form_page(&form, saved.as_ref(), errors))
            })
            .await
        }
    }
}
