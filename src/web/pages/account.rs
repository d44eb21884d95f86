//! `/account`: one's own password, two-factor sign-in, API tokens, and signing out everywhere.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::events::Empty;
use super::{form_again_or_error, page, see_other, showing_secret};
use std::collections::HashMap;

use strum::VariantArray;

use crate::domain::reminders::NoticeKind;
use crate::domain::written;
use crate::error::AppError;
use crate::tracker::api_tokens;
use crate::tracker::passwords;
use crate::tracker::reminders::{self as outbox, PreferencesInput};
use crate::tracker::{accounts, feeds, recovery_codes, sessions};
use crate::web::auth::{removal, Posted, Who, SESSION_COOKIE};
use crate::web::extract::{with_db, PathId};
use crate::web::state::AppState;

/// A secret the account page shows once, just after it was made.
#[derive(Default)]
pub(super) enum Shown {
    #[default]
    Nothing,
    Token(String),
    Feed(String),
    RecoveryCodes(Vec<String>),
}

/// The account page, with a form's errors or a secret just made.
pub(super) async fn account_page(
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
        "feed_since": feed.map(|at| written::date_in_full(at.date())), "new_feed": new_feed,
        "reminders": reminders_form(
            &reminders.delivery.to_string(),
            |kind| reminders.kinds.contains(&kind),
            &reminders.paused_until.map(|d| d.to_string()).unwrap_or_default(),
        ),
    }))
}

/// Where each form of the account page goes when it fails: the page again, with its errors.
pub(super) async fn account_again(
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
    posted: Posted<Empty>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
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
