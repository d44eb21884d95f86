//! `/account`: one's own password, two-factor sign-in, API tokens, and signing out everywhere.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::events::Empty;
use super::{form_again_or_error, page, see_other, showing_secret};
use std::collections::HashMap;

use strum::VariantArray;

use crate::domain::reminders::NoticeKind;
use crate::error::AppError;
use crate::tracker::api_tokens;
use crate::tracker::audit::Caller;
use crate::tracker::reminders::{self as outbox, PreferencesInput};
use crate::tracker::{accounts, feeds, recovery_codes, sessions};
use crate::tracker::{passwords, two_factor};
use crate::web::auth::{removal, Posted, Who, SESSION_COOKIE};
use crate::web::extract::{id, with_db};
use crate::web::pages::session::NextQuery;
use crate::web::return_to;
use crate::web::state::AppState;

/// A secret the account page shows once, just after it was made.
#[derive(Default)]
enum Shown {
    #[default]
    Nothing,
    Token(String),
    Feed(String),
    RecoveryCodes(Vec<String>),
}

/// The account page, with a form's errors or a secret just made.
async fn account_page(
    state: &web::Data<AppState>,
    who: &Who,
    errors: Map<String, Value>,
    shown: Shown,
) -> Result<Value, AppError> {
    let caller = who.caller();
    let actor = crate::tracker::access::require(&caller, |_| true)?.clone();
    let (user, tokens, feed, reminders, codes_left) = with_db(state, move |conn, _, _| {
        Ok((
            accounts::get_user(conn, actor.user_id)?,
            api_tokens::tokens(conn, &caller)?,
            feeds::live_since(conn, &caller)?,
            outbox::preferences(conn, &caller)?,
            recovery_codes::remaining(conn, actor.user_id)?,
        ))
    })
    .await?;
    let (new_token, new_feed, new_codes) = match shown {
        Shown::Nothing => (None, None, None),
        Shown::Token(token) => (Some(token), None, None),
        Shown::Feed(url) => (None, Some(url), None),
        Shown::RecoveryCodes(codes) => (None, None, Some(codes)),
    };
    Ok(json!({
        "title": "Your account", "nav": "account", "user": user, "role": user.role.label(),
        "two_factor": user.two_factor(), "must_keep_two_factor": user.role == crate::domain::account::Role::Admin,
        "tokens": tokens, "new_token": new_token, "errors": errors,
        "codes_left": codes_left, "new_codes": new_codes,
        "feed_since": feed.map(|at| at.format("%-d %B %Y").to_string()), "new_feed": new_feed,
        "reminders": reminders_form(
            &reminders.delivery.to_string(),
            |kind| reminders.kinds.contains(&kind),
            &reminders.paused_until.map(|d| d.to_string()).unwrap_or_default(),
        ),
    }))
}

/// Where each form of the account page goes when it fails: the page again, with its errors.
async fn account_again(
    state: &web::Data<AppState>,
    who: &Who,
    error: AppError,
) -> Result<HttpResponse, AppError> {
    form_again_or_error(state, who, error, "account/show", async |errors| {
        account_page(state, who, errors, Shown::Nothing).await
    })
    .await
}

/// The reminder preferences as the form shows them.
fn reminders_form(delivery: &str, wanted: impl Fn(NoticeKind) -> bool, paused_until: &str) -> Value {
    let kinds: Vec<Value> = NoticeKind::VARIANTS
        .iter()
        .map(|&kind| json!({"value": kind.to_string(), "label": kind.label(), "checked": wanted(kind)}))
        .collect();
    json!({"digest": delivery == "daily_digest", "kinds": kinds, "paused_until": paused_until})
}

/// The reminders form: `delivery`, a `kind_…` checkbox per kind of notice, `paused_until`.
fn preferences_input(form: &HashMap<String, String>) -> PreferencesInput {
    PreferencesInput {
        delivery: form.get("delivery").cloned().unwrap_or_default(),
        kinds: form
            .keys()
            .filter_map(|key| key.strip_prefix("kind_"))
            .map(str::to_string)
            .collect(),
        paused_until: form.get("paused_until").cloned(),
    }
}

pub async fn reminders(
    state: web::Data<AppState>,
    posted: Posted<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let caller = who.caller();
    let input = preferences_input(&form);
    let today = state.today();
    let submitted = input.clone();
    let result = with_db(&state, move |conn, calendars, _| {
        let preferences = input.parse(today)?;
        outbox::set_preferences(conn, &caller, calendars, &preferences, today, crate::clock::now())
    })
    .await;
    match result {
        Ok(()) => Ok(see_other("/account#reminders")),
        Err(error) => {
            form_again_or_error(&state, &who, error, "account/show", async |errors| {
                let mut data = account_page(&state, &who, errors, Shown::Nothing).await?;
                data["reminders"] = reminders_form(
                    &submitted.delivery,
                    |kind| submitted.kinds.iter().any(|k| k == &kind.to_string()),
                    submitted.paused_until.as_deref().unwrap_or_default(),
                );
                Ok(data)
            })
            .await
        }
    }
}

pub async fn create_feed(
    state: web::Data<AppState>,
    posted: Posted<Empty>,
) -> Result<HttpResponse, AppError> {
    let who = posted.who;
    let caller = who.caller();
    let base_url = state.settings.base_url();
    let url = with_db(&state, move |conn, _, _| {
        feeds::create(conn, &caller, &base_url, crate::clock::now())
    })
    .await?;
    let data = account_page(&state, &who, Map::new(), Shown::Feed(url)).await?;
    showing_secret(&state, &who, "account/show", data)
}

pub async fn revoke_feed(
    state: web::Data<AppState>,
    posted: Posted<Empty>,
) -> Result<HttpResponse, AppError> {
    let caller = posted.who.caller();
    with_db(&state, move |conn, _, _| {
        feeds::revoke(conn, &caller, crate::clock::now())
    })
    .await?;
    Ok(see_other("/account"))
}

/// `GET /calendar/{token}.ics`: the feed itself, for calendar apps (no session: the URL is the key).
pub async fn feed(state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let secret = path.into_inner();
    let base_url = state.settings.base_url();
    let text = with_db(&state, move |conn, _, _| {
        feeds::calendar(conn, &secret, &base_url)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        // The feed lists the user's requests (subject access requests among them): no copy kept.
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(text))
}

pub async fn show(state: web::Data<AppState>, who: Who) -> Result<HttpResponse, AppError> {
    let data = account_page(&state, &who, Map::new(), Shown::Nothing).await?;
    page(&state, &who, "account/show", data)
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    pub current_password: String,
    pub new_password: String,
    pub confirm: String,
}

pub async fn password(
    state: web::Data<AppState>,
    posted: Posted<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let caller = who.caller();
    let throttle = crate::tracker::sessions::throttle(&state.settings);
    let result = with_db(&state, move |conn, _, _| {
        passwords::change_password(
            conn,
            &throttle,
            &caller,
            &form.current_password,
            &form.new_password,
            &form.confirm,
            crate::clock::now(),
        )
    })
    .await;
    match result {
        // Every session ends with a password change, this one too.
        Ok(()) => {
            let mut response = see_other("/sign-in");
            let _ = response.add_cookie(&removal(SESSION_COOKIE));
            Ok(response)
        }
        Err(error) => account_again(&state, &who, error).await,
    }
}

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

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TokenForm {
    pub name: String,
}

pub async fn create_token(
    state: web::Data<AppState>,
    posted: Posted<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let caller = who.caller();
    let result = with_db(&state, move |conn, _, _| {
        api_tokens::create_token(conn, &caller, None, &form.name, crate::clock::now())
    })
    .await;
    match result {
        // Shown once, on this page, and never again.
        Ok((_, secret)) => {
            let data = account_page(&state, &who, Map::new(), Shown::Token(secret)).await?;
            showing_secret(&state, &who, "account/show", data)
        }
        Err(error) => account_again(&state, &who, error).await,
    }
}

pub async fn revoke_token(
    state: web::Data<AppState>,
    path: web::Path<String>,
    posted: Posted<Empty>,
) -> Result<HttpResponse, AppError> {
    let id = id(&path)?;
    let caller = posted.who.caller();
    with_db(&state, move |conn, _, _| {
        api_tokens::revoke_token(conn, &caller, id, crate::clock::now())
    })
    .await?;
    Ok(see_other("/account"))
}

pub async fn sign_out_everywhere(
    state: web::Data<AppState>,
    posted: Posted<Empty>,
) -> Result<HttpResponse, AppError> {
    let caller = posted.who.caller();
    with_db(&state, move |conn, _, _| {
        sessions::sign_out_everywhere(conn, &caller, crate::clock::now())
    })
    .await?;
    let mut response = see_other("/sign-in");
    let _ = response.add_cookie(&removal(SESSION_COOKIE));
    Ok(response)
}
