//! `/admin/users/{id}/two-factor-reset`: an administrator turns off the two-factor sign-in of
//! a user who lost their authenticator app and their recovery codes, after giving their own
//! password again; the user is told by email.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{form_again_or_error, page};
use crate::db::accounts::User;
use crate::domain::account::Actor;
use crate::error::AppError;
use crate::tracker::accounts;
use crate::tracker::two_factor;
use crate::web::auth::{Posted, Who};
use crate::web::extract::{with_db, PathId};
use crate::web::state::AppState;

fn reset_page(user: &User, errors: Map<String, Value>, notice: Option<String>) -> Value {
    json!({
        "title": format!("Reset the two-factor sign-in of {}", user.name), "nav": "users",
        "user": {"id": user.id, "name": user.name, "email": user.email, "two_factor": user.two_factor(), "admin": user.role == crate::domain::account::Role::Admin},
        "errors": errors, "notice": notice,
    })
}

pub async fn form(
    state: web::Data<AppState>,
    who: Who,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    crate::tracker::access::require(&who.caller(), Actor::is_admin)?;
    let user = with_db(&state, move |conn, _, _| accounts::get_user(conn, id)).await?;
    page(
        &state,
        &who,
        "admin/two_factor_reset",
        reset_page(&user, Map::new(), None),
    )
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ResetForm {
    pub password: String,
}

pub async fn reset(
    state: web::Data<AppState>,
    posted: Posted<ResetForm>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let caller = who.caller();
    let throttle = crate::tracker::sessions::throttle(&state.settings);
    let result = with_db(&state, move |conn, _, _| {
        two_factor::reset_two_factor(conn, &throttle, &caller, id, &form.password, crate::clock::now())
    })
    .await;
    match result {
        Ok(user) => {
            let by = who.actor().map(|a| a.name.clone()).unwrap_or_default();
            let (postman, told) = (state.clone(), user.clone());
            // SMTP blocks: off the async workers.
            let sent = web::block(move || {
                two_factor::email_two_factor_reset(&postman.postman, &told, &by, crate::clock::now())
            })
            .await
            .unwrap_or_else(|e| Err(e.to_string()));
            let notice = match sent {
                Ok(()) => format!("{}'s two-factor sign-in was reset and their sessions ended. They were told by email at {}.", user.name, user.email),
                Err(error) => format!("{}'s two-factor sign-in was reset and their sessions ended, but the email to {} could not be sent ({error}): tell them yourself.", user.name, user.email),
            };
            page(
                &state,
                &who,
                "admin/two_factor_reset",
                reset_page(&user, Map::new(), Some(notice)),
            )
        }
        Err(error) => {
            form_again_or_error(&state, &who, error, "admin/two_factor_reset", async |errors| {
                let user = with_db(&state, move |conn, _, _| accounts::get_user(conn, id)).await?;
                Ok(reset_page(&user, errors, None))
            })
            .await
        }
    }
}
