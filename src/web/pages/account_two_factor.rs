//! /account/two-factor and /account/recovery-codes: setting up two-factor sign-in (also for an
//! administrator whose session waits for it), turning it off, and new recovery codes.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::account::{account_again, account_page, Shown};
use super::{form_again_or_error, page, see_other, showing_secret};

use crate::error::AppError;
use crate::tracker::audit::Caller;
use crate::tracker::two_factor;
use crate::tracker::{recovery_codes, sessions};
use crate::web::auth::{Posted, Who};
use crate::web::extract::with_db;
use crate::web::pages::session::NextQuery;
use crate::web::return_to;
use crate::web::state::AppState;

/// The caller setting up two-factor sign-in: a signed-in user, or an administrator whose
/// session waits for it to be set up.
fn setting_up(who: &Who) -> Result<Caller, AppError> {
    if who.actor().is_some() {
        return Ok(who.caller());
    }
    match &who.viewer {
        Some(viewer) if !viewer.session.verified && !viewer.user.two_factor() => {
            Ok(Caller::user(viewer.actor(), Some(who.client.clone())))
        }
        _ => Err(AppError::Unauthorized),
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TwoFactorForm {
    pub secret: String,
    /// The recovery codes the set-up page showed, separated by spaces: they become the
    /// user's once the code proves the app, as the secret does.
    #[serde(skip_serializing)]
    pub recovery_codes: String,
    #[serde(skip_serializing)]
    pub code: String,
    #[serde(skip_serializing)]
    pub password: String,
    /// Where signing in returns to once set up (see `return_to`).
    pub next: Option<String>,
}

/// A session setting up its first authenticator app straight after signing in has just
/// given the password; any other change to two-factor sign-in asks for it.
fn just_signed_in(who: &Who) -> bool {
    who.viewer.as_ref().is_some_and(|v| !v.session.verified)
}

fn two_factor_page(
    who: &Who,
    caller: &Caller,
    secret: Option<String>,
    next: Option<&str>,
    errors: Map<String, Value>,
) -> Result<Value, AppError> {
    let next = next.and_then(return_to::local);
    let email = caller.actor.as_ref().map(|a| a.email.clone()).unwrap_or_default();
    let (secret, url, qr) = match secret {
        Some(secret) => {
            let (url, qr) = two_factor::setup_codes(&secret, &email)?;
            (secret, url, qr)
        }
        None => two_factor::new_two_factor(&email)?,
    };
    // A new set on every showing: a page that failed may have been seen by someone else.
    let recovery = recovery_codes::new_set();
    Ok(json!({
        "title": "Set up two-factor sign-in", "nav": "account", "secret": secret, "url": url, "qr": qr,
        "errors": errors, "ask_password": !just_signed_in(who), "forced": just_signed_in(who),
        "recovery_codes": recovery, "recovery_value": recovery.join(" "), "next": next,
    }))
}

pub async fn two_factor_form(
    state: web::Data<AppState>,
    who: Who,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    let caller = setting_up(&who)?;
    page(
        &state,
        &who,
        "account/two_factor",
        two_factor_page(&who, &caller, None, query.local(), Map::new())?,
    )
}

pub async fn two_factor(
    state: web::Data<AppState>,
    posted: Posted<TwoFactorForm>,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let caller = setting_up(&who)?;
    let pending = who.viewer.clone().filter(|_| just_signed_in(&who));
    let (secret, code, setup_caller) = (form.secret.clone(), form.code.clone(), caller.clone());
    let recovery: Vec<String> = form
        .recovery_codes
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let password = form.password.clone();
    let throttle = crate::tracker::sessions::throttle(&state.settings);
    let result = with_db(&state, move |conn, _, _| {
        let confirmed = match pending {
            Some(_) => two_factor::Confirmed::JustSignedIn,
            None => two_factor::Confirmed::Password(&password),
        };
        two_factor::enable_two_factor(
            conn,
            &throttle,
            &setup_caller,
            &secret,
            &code,
            &recovery,
            confirmed,
            crate::clock::now(),
        )?;
        if let Some(viewer) = pending {
            sessions::verified_by_setup(conn, &viewer.session)?;
        }
        Ok(())
    })
    .await;
    match result {
        // Set up while signing in on the way to a page: on to that page.
        Ok(()) => Ok(see_other(match form.next.as_deref().and_then(return_to::local) {
            Some(next) => next,
            None => "/account",
        })),
        Err(error) => {
            form_again_or_error(&state, &who, error, "account/two_factor", async |errors| {
                two_factor_page(&who, &caller, Some(form.secret), form.next.as_deref(), errors)
            })
            .await
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ConfirmForm {
    pub password: String,
}

pub async fn disable_two_factor(
    state: web::Data<AppState>,
    posted: Posted<ConfirmForm>,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let caller = who.caller();
    let throttle = crate::tracker::sessions::throttle(&state.settings);
    let result = with_db(&state, move |conn, _, _| {
        two_factor::disable_two_factor(conn, &throttle, &caller, &form.password, crate::clock::now())
    })
    .await;
    match result {
        Ok(()) => Ok(see_other("/account")),
        Err(error) => account_again(&state, &who, error).await,
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RecoveryForm {
    pub recovery_password: String,
}

/// A new set of recovery codes, shown once on the account page; the old ones stop working.
pub async fn renew_recovery_codes(
    state: web::Data<AppState>,
    posted: Posted<RecoveryForm>,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let caller = who.caller();
    let throttle = crate::tracker::sessions::throttle(&state.settings);
    let result = with_db(&state, move |conn, _, _| {
        recovery_codes::renew(
            conn,
            &throttle,
            &caller,
            &form.recovery_password,
            crate::clock::now(),
        )
    })
    .await;
    match result {
        Ok(codes) => {
            let data = account_page(&state, &who, Map::new(), Shown::RecoveryCodes(codes)).await?;
            showing_secret(&state, &who, "account/show", data)
        }
        Err(error) => account_again(&state, &who, error).await,
    }
}
