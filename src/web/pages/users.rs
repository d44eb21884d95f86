//! `/admin/users`: administrators add users (with an invitation link to pass on), give out
//! password-reset links, and deactivate users, handing their requests to a colleague.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::events::{Confirmed, Empty};
use super::{errors, form_again, form_again_or_error, is_form_error, options, page, showing_secret};
use crate::domain::account::Role;
use crate::error::AppError;
use crate::tracker::account_links;
use crate::tracker::accounts::{self, UserInput};
use crate::tracker::audit::Caller;
use crate::web::auth::{Posted, Who};
use crate::web::extract::{with_db, PathId};
use crate::web::state::AppState;

/// Emails a link to the user it is for, off the async workers: SMTP blocks.
async fn send_link(
    state: &web::Data<AppState>,
    who: &Who,
    user: &crate::db::accounts::User,
    organisation: &str,
    link: &str,
) -> Result<(), String> {
    let (state, user, organisation, link) = (
        state.clone(),
        user.clone(),
        organisation.to_string(),
        link.to_string(),
    );
    let sender = who
        .actor()
        .map(|a| a.name.clone())
        .unwrap_or_else(|| "An administrator".into());
    web::block(move || {
        account_links::email_link(
            &state.postman,
            &user,
            &organisation,
            &sender,
            &link,
            crate::clock::now(),
        )
    })
    .await
    .unwrap_or_else(|e| Err(e.to_string()))
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct UserForm {
    pub email: String,
    pub name: String,
    pub organisation: String,
    pub role: String,
}

/// What the page says after an action: a link to pass on, or what was done.
#[derive(Default)]
struct Outcome {
    link: Option<(String, String)>,
    notice: Option<String>,
}

async fn users_page(
    state: &web::Data<AppState>,
    caller: Caller,
    form: &UserForm,
    errors: Map<String, Value>,
    outcome: Outcome,
) -> Result<Value, AppError> {
    let (users, organisations) = with_db(state, move |conn, _, _| {
        Ok((
            accounts::list_users(conn, &caller)?,
            accounts::organisations(conn)?,
        ))
    })
    .await?;
    let rows: Vec<Value> = users
        .iter()
        .map(|(u, organisation)| {
            json!({
                "id": u.id, "email": u.email, "name": u.name, "organisation": organisation,
                "role": u.role.label(), "active": u.active, "two_factor": u.two_factor(),
                "invited": !u.has_password(),
            })
        })
        .collect();
    let (link_for, link) = outcome.link.unzip();
    Ok(json!({
        "title": "Users", "nav": "users", "users": rows, "form": form, "errors": errors,
        "roles": options::<Role>(Role::label), "organisations": organisations,
        "link": link, "link_for": link_for, "notice": outcome.notice,
    }))
}

/// The add-a-user form as it first appears: the role preselected is the researcher's. Of the
/// four roles it gives away least if chosen by mistake: an administrator manages every
/// account, and an auditor, though read-only, reads every organisation's drafts, subject
/// access requests (personal data) and the audit trail; a researcher reads only what the
/// whole coalition may read and changes only their own organisation's requests.
fn blank_form() -> UserForm {
    UserForm {
        role: Role::Researcher.to_string(),
        ..UserForm::default()
    }
}

pub async fn list(state: web::Data<AppState>, who: Who) -> Result<HttpResponse, AppError> {
    let data = users_page(
        &state,
        who.caller(),
        &blank_form(),
        Map::new(),
        Outcome::default(),
    )
    .await?;
    page(&state, &who, "admin/users", data)
}

pub async fn create(state: web::Data<AppState>, posted: Posted<UserForm>) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let caller = who.caller();
    let input = UserInput {
        email: form.email.clone(),
        name: form.name.clone(),
        organisation: form.organisation.clone(),
        role: form.role.clone(),
        password: None,
    };
    let base_url = state.settings.base_url();
    let adding = caller.clone();
    let result = with_db(&state, move |conn, _, _| {
        accounts::add_user(conn, &adding, &input, &base_url, crate::clock::now())
    })
    .await;
    match result {
        Ok(added) => {
            let mut notice = format!("{} was added.", added.user.email);
            if let Some(link) = &added.invitation {
                let sent = send_link(&state, &who, &added.user, &form.organisation, link).await;
                notice = format!(
                    "{notice} {}",
                    account_links::link_emailed(&added.user.email, &sent)
                );
            }
            let outcome = Outcome {
                link: added.invitation.map(|l| (added.user.email.clone(), l)),
                notice: Some(notice),
            };
            let data = users_page(&state, caller, &blank_form(), Map::new(), outcome).await?;
            showing_secret(&state, &who, "admin/users", data)
        }
        Err(error) => {
            form_again_or_error(&state, &who, error, "admin/users", async |errors| {
                users_page(&state, caller, &form, errors, Outcome::default()).await
            })
            .await
        }
    }
}

pub async fn reset_link(
    state: web::Data<AppState>,
    posted: Posted<Empty>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let who = posted.who;
    let caller = who.caller();
    let base_url = state.settings.base_url();
    let asking = caller.clone();
    let (user, organisation, link) = with_db(&state, move |conn, _, _| {
        let link = account_links::reset_link(conn, &asking, id, &base_url, crate::clock::now())?;
        let user = accounts::get_user(conn, id)?;
        let organisation = accounts::organisations(conn)?
            .into_iter()
            .find(|o| o.id == user.organisation_id)
            .map(|o| o.name)
            .unwrap_or_default();
        Ok((user, organisation, link))
    })
    .await?;
    let sent = send_link(&state, &who, &user, &organisation, &link).await;
    let outcome = Outcome {
        notice: Some(account_links::link_emailed(&user.email, &sent)),
        link: Some((user.email, link)),
    };
    let data = users_page(&state, caller, &blank_form(), Map::new(), outcome).await?;
    showing_secret(&state, &who, "admin/users", data)
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OrganisationForm {
    pub name: String,
}

pub async fn rename_organisation(
    state: web::Data<AppState>,
    posted: Posted<OrganisationForm>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let caller = who.caller();
    let acting = caller.clone();
    let result = with_db(&state, move |conn, _, _| {
        accounts::rename_organisation(conn, &acting, id, &form.name, crate::clock::now())
    })
    .await;
    let notice = result.map(|organisation| format!("The organisation is now called {}", organisation.name));
    after_action(&state, &who, caller, notice).await
}

/// The users page after an action: what was done, or the errors beside their fields.
async fn after_action(
    state: &web::Data<AppState>,
    who: &Who,
    caller: Caller,
    notice: Result<String, AppError>,
) -> Result<HttpResponse, AppError> {
    match notice {
        Ok(notice) => {
            let outcome = Outcome {
                link: None,
                notice: Some(notice),
            };
            let data = users_page(state, caller, &blank_form(), Map::new(), outcome).await?;
            page(state, who, "admin/users", data)
        }
        Err(error) => {
            form_again_or_error(state, who, error, "admin/users", async |errors| {
                users_page(state, caller, &blank_form(), errors, Outcome::default()).await
            })
            .await
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DeactivateForm {
    pub hand_over_to: String,
    /// "yes" from the confirmation page: without it nothing is done.
    pub confirm: String,
}

/// The confirmation page for deactivating user `id`: what it does, whom their requests may
/// go to, and the errors of a refused attempt beside the choice.
async fn deactivation_page(
    state: &web::Data<AppState>,
    who: &Who,
    id: i32,
    error: Option<&AppError>,
) -> Result<HttpResponse, AppError> {
    let caller = who.caller();
    let users = with_db(state, move |conn, _, _| accounts::list_users(conn, &caller)).await?;
    let (user, organisation) = users
        .iter()
        .find(|(u, _)| u.id == id)
        .ok_or_else(|| AppError::NotFound(format!("user {id}")))?;
    if !user.active {
        return Err(AppError::conflict(
            None,
            format!("{} is already deactivated", user.email),
        ));
    }
    let colleagues: Vec<Value> = users
        .iter()
        .filter(|(c, _)| c.active && c.id != user.id && c.organisation_id == user.organisation_id)
        .map(|(c, _)| json!({"email": c.email, "name": c.name}))
        .collect();
    let data = json!({
        "title": "Deactivate a user", "nav": "users",
        "question": format!("Deactivate {} ({}, {organisation})?", user.name, user.email),
        "consequences": [
            "They are signed out everywhere, their API tokens and any unused invitation or password-reset link stop working, and they can no longer sign in.",
            "Their requests stay in their name unless you hand them to a colleague in the same organisation.",
        ],
        "colleagues": colleagues, "errors": error.map(errors).unwrap_or_default(),
        "action": format!("/admin/users/{id}/deactivate"), "button": "Yes, deactivate",
        "back": "/admin/users", "back_text": "No, back to the users",
    });
    match error {
        Some(error) => form_again(state, who, error, "confirm", data),
        None => page(state, who, "confirm", data),
    }
}

/// `GET /admin/users/{id}/deactivate`: the question before the act.
pub async fn confirm_deactivate(
    state: web::Data<AppState>,
    who: Who,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    deactivation_page(&state, &who, id, None).await
}

pub async fn deactivate(
    state: web::Data<AppState>,
    posted: Posted<DeactivateForm>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    if !Confirmed::check(&form.confirm, &who)? {
        return Ok(super::see_other(&format!("/admin/users/{id}/deactivate")));
    }
    let caller = who.caller();
    let acting = caller.clone();
    let result = with_db(&state, move |conn, _, _| {
        crate::tracker::access::require(&acting, |a| a.is_admin())?;
        let email = accounts::get_user(conn, id)?.email;
        let heir = Some(form.hand_over_to.trim()).filter(|e| !e.is_empty());
        accounts::deactivate(conn, &acting, &email, heir, crate::clock::now())
    })
    .await;
    match result {
        Ok((user, handed_over)) => {
            let notice = format!(
                "{} was deactivated; {handed_over} request(s) handed over",
                user.email
            );
            after_action(&state, &who, caller, Ok(notice)).await
        }
        Err(error) if is_form_error(&error) => deactivation_page(&state, &who, id, Some(&error)).await,
        Err(error) => Err(error),
    }
}
