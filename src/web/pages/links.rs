//! The single-use links an administrator passes on: accept an invitation, reset a password.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{form_again_or_error, page, see_other};
use crate::error::AppError;
use crate::tracker::account_links::Purpose;
use crate::tracker::{account_links, passwords};
use crate::web::auth::{Posted, Who};
use crate::web::extract::with_db;
use crate::web::state::AppState;

fn heading(purpose: Purpose) -> (&'static str, &'static str) {
    match purpose {
        Purpose::Invitation => (
            "Accept your invitation",
            "Choose a password to start using foi-tracker.",
        ),
        Purpose::PasswordReset => (
            "Choose a new password",
            "Every session you had ends when you change your password.",
        ),
    }
}

fn link_page(purpose: Purpose, email: &str, errors: Map<String, Value>) -> Value {
    let (title, lede) = heading(purpose);
    json!({"title": title, "lede": lede, "email": email, "errors": errors, "min": passwords::MIN_PASSWORD})
}

async fn show(
    state: web::Data<AppState>,
    who: Who,
    secret: String,
    purpose: Purpose,
) -> Result<HttpResponse, AppError> {
    let user = with_db(&state, move |conn, _, _| {
        account_links::link_user(conn, &secret, purpose, crate::clock::now())
    })
    .await?;
    page(
        &state,
        &who,
        "session/link",
        link_page(purpose, &user.email, Map::new()),
    )
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    pub password: String,
    pub confirm: String,
}

async fn submit(
    state: web::Data<AppState>,
    posted: Posted<PasswordForm>,
    secret: String,
    purpose: Purpose,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let client = Some(who.client.clone());
    let for_page = secret.clone();
    let result = with_db(&state, move |conn, _, _| {
        account_links::use_link(
            conn,
            client,
            &secret,
            purpose,
            &form.password,
            &form.confirm,
            crate::clock::now(),
        )
    })
    .await;
    match result {
        Ok(_) => Ok(see_other("/sign-in")),
        Err(error) => {
            form_again_or_error(&state, &who, error, "session/link", async |errors| {
                let user = with_db(&state, move |conn, _, _| {
                    account_links::link_user(conn, &for_page, purpose, crate::clock::now())
                })
                .await?;
                Ok(link_page(purpose, &user.email, errors))
            })
            .await
        }
    }
}

pub async fn invitation(
    state: web::Data<AppState>,
    who: Who,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    show(state, who, path.into_inner(), Purpose::Invitation).await
}

pub async fn accept_invitation(
    state: web::Data<AppState>,
    path: web::Path<String>,
    posted: Posted<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    submit(state, posted, path.into_inner(), Purpose::Invitation).await
}

pub async fn reset(
    state: web::Data<AppState>,
    who: Who,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    show(state, who, path.into_inner(), Purpose::PasswordReset).await
}

pub async fn reset_password(
    state: web::Data<AppState>,
    path: web::Path<String>,
    posted: Posted<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    submit(state, posted, path.into_inner(), Purpose::PasswordReset).await
}
