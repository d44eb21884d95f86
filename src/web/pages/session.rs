//! Signing in (password, then the second factor where there is one) and signing out.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::events::Empty;
use super::{form_again_or_error, page, see_other};
use crate::error::AppError;
use crate::tracker::sessions;
use crate::web::auth::{removal, signed_cookie, Posted, Who, CSRF_COOKIE, SESSION_COOKIE};
use crate::web::extract::with_db;
use crate::web::return_to;
use crate::web::state::AppState;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SignInForm {
    pub email: String,
    #[serde(skip_serializing)]
    pub password: String,
    /// The page to return to once signed in (see `return_to`).
    pub next: Option<String>,
}

/// `?next=/the/page`: where signing in returns to.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NextQuery {
    pub next: Option<String>,
}

impl NextQuery {
    /// The place to return to, when it is a path on this site.
    pub fn local(&self) -> Option<&str> {
        self.next.as_deref().and_then(return_to::local)
    }
}

/// Where a session that is not yet verified must go next.
fn pending_step(who: &Who) -> Option<&'static str> {
    let viewer = who.viewer.as_ref().filter(|v| !v.session.verified)?;
    Some(if viewer.user.two_factor() {
        "/sign-in/code"
    } else {
        "/account/two-factor"
    })
}

async fn sign_in_page(
    state: &web::Data<AppState>,
    email: &str,
    next: Option<&str>,
    errors: Map<String, Value>,
) -> Result<Value, AppError> {
    let next = next.and_then(return_to::local).map(str::to_string);
    let empty = with_db(state, |conn, _, _| {
        Ok(crate::db::accounts::count_users(conn)? == 0)
    })
    .await?;
    Ok(
        json!({"title": "Sign in", "nav": "sign-in", "form": {"email": email}, "errors": errors, "no_users": empty, "first_admin": first_admin_command(), "next": next}),
    )
}

pub async fn form(
    state: web::Data<AppState>,
    who: Who,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    let next = query.local();
    if who.actor().is_some() {
        return Ok(see_other(&return_to::destination(next)));
    }
    if let Some(step) = pending_step(&who) {
        return Ok(see_other(&return_to::with_next(step, next)));
    }
    let data = sign_in_page(&state, "", next, Map::new()).await?;
    page(&state, &who, "session/sign_in", data)
}

pub async fn sign_in(
    state: web::Data<AppState>,
    posted: Posted<SignInForm>,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let (email, password, client) = (form.email.clone(), form.password, who.client.clone());
    let throttle = crate::tracker::sessions::throttle(&state.settings);
    let result = with_db(&state, move |conn, _, _| {
        sessions::sign_in(conn, &throttle, &email, &password, &client, crate::clock::now())
    })
    .await;
    match result {
        Ok(signed_in) => {
            let asked = form.next.as_deref();
            let next = match signed_in.next {
                sessions::Next::Done => return_to::destination(asked),
                sessions::Next::SecondFactor => return_to::with_next("/sign-in/code", asked),
                sessions::Next::SetUpSecondFactor => return_to::with_next("/account/two-factor", asked),
            };
            // A new session id at every sign-in; the anonymous CSRF cookie has done its work.
            let mut response = see_other(&next);
            let _ = response.add_cookie(&signed_cookie(&state, SESSION_COOKIE, signed_in.secret));
            let _ = response.add_cookie(&removal(CSRF_COOKIE));
            Ok(response)
        }
        Err(error) => {
            form_again_or_error(&state, &who, error, "session/sign_in", async |errors| {
                sign_in_page(&state, &form.email, form.next.as_deref(), errors).await
            })
            .await
        }
    }
}

pub async fn code_form(
    state: web::Data<AppState>,
    who: Who,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    let next = query.local();
    match pending_step(&who) {
        Some("/sign-in/code") => page(
            &state,
            &who,
            "session/code",
            json!({"title": "Two-factor sign-in", "nav": "sign-in", "next": next}),
        ),
        Some(step) => Ok(see_other(&return_to::with_next(step, next))),
        None if who.actor().is_some() => Ok(see_other(&return_to::destination(next))),
        // Not signed in at all: to the first step, as every page sends them.
        None => Ok(see_other(&return_to::with_next("/sign-in", next))),
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CodeForm {
    pub code: String,
    pub next: Option<String>,
}

pub async fn code(state: web::Data<AppState>, posted: Posted<CodeForm>) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let Some(viewer) = who
        .viewer
        .clone()
        .filter(|v| !v.session.verified && v.user.two_factor())
    else {
        return Ok(see_other("/sign-in"));
    };
    let throttle = crate::tracker::sessions::throttle(&state.settings);
    let client = who.client.clone();
    let next = form.next.clone();
    let result = with_db(&state, move |conn, _, _| {
        sessions::second_factor(conn, &throttle, &viewer, &form.code, &client, crate::clock::now())
    })
    .await;
    match result {
        Ok(()) => Ok(see_other(&return_to::destination(next.as_deref()))),
        Err(error) => {
            form_again_or_error(&state, &who, error, "session/code", async |errors| {
                Ok(
                    json!({"title": "Two-factor sign-in", "nav": "sign-in", "errors": errors,
                    "next": next.as_deref().and_then(return_to::local)}),
                )
            })
            .await
        }
    }
}

pub async fn sign_out(state: web::Data<AppState>, posted: Posted<Empty>) -> Result<HttpResponse, AppError> {
    let who = posted.who;
    if let Some(viewer) = who.viewer.clone() {
        let client = Some(who.client.clone());
        with_db(&state, move |conn, _, _| {
            sessions::sign_out(conn, &viewer, client, crate::clock::now())
        })
        .await?;
    }
    let mut response = see_other("/sign-in");
    let _ = response.add_cookie(&removal(SESSION_COOKIE));
    Ok(response)
}

/// Where a fresh install says how to create the first administrator.
pub fn first_admin_command() -> &'static str {
    "foi-tracker user add --email you@example.org --name \"Your Name\" --org \"Your organisation\" --role admin"
}
