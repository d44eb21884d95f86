//! Personal API tokens: created (the secret shown once), listed, revoked, and resolved to
//! their user on each call. The database keeps each token's SHA-256 only.

use chrono::{Duration, NaiveDateTime};
use serde_json::json;

use super::access::require;
use super::audit::{record, Caller, Change};
use super::input::Fields;
use super::passwords::{hash_secret, new_secret};
use crate::db::accounts;
use crate::db::sessions::{self, ApiToken};
use crate::db::{self, DbConnection};
use crate::domain::account::Actor;
use crate::error::AppError;

use super::sessions::actor_of;

/// API tokens have their last use written at most this often.
const TOKEN_TOUCH_EVERY: Duration = Duration::minutes(1);

/// A new personal API token for the caller (or, from the command line, for `email`); the
/// secret is returned once and never stored.
pub fn create_token(
    conn: &mut DbConnection,
    caller: &Caller,
    for_email: Option<&str>,
    name: &str,
    now: NaiveDateTime,
) -> Result<(ApiToken, String), AppError> {
    let mut f = Fields::new();
    let name = f.text("name", "Name", name, 100);
    f.finish(())?;
    // No cached page shows tokens: the register's version stays.
    db::transaction(conn, |conn| {
        let user = match (&caller.actor, for_email) {
            (Some(actor), _) => super::accounts::get_user(conn, actor.user_id)?,
            (None, Some(email)) if caller.is_server() => super::accounts::user_by_email(conn, email)?,
            _ => return Err(AppError::Unauthorized),
        };
        if !user.active {
            return Err(AppError::conflict(None, format!("{} is deactivated", user.email)));
        }
        let secret = format!("foi_{}", new_secret());
        let id = sessions::insert_api_token(conn, user.id, &name, &hash_secret(&secret), now)?;
        record(
            conn,
            caller,
            Change::new("create", "api_token", id).after(json!({"user_id": user.id, "name": name})),
            now,
        )?;
        let token = sessions::find_api_token_by_id(conn, id)?
            .ok_or_else(|| AppError::Internal("the new token vanished".into()))?;
        Ok((token, secret))
    })
}

pub fn tokens(conn: &mut DbConnection, caller: &Caller) -> Result<Vec<ApiToken>, AppError> {
    let actor = require(caller, |_| true)?;
    Ok(sessions::api_tokens_of(conn, actor.user_id)?)
}

pub fn revoke_token(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i32,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let actor = require(caller, |_| true)?;
    db::transaction(conn, |conn| {
        let token = sessions::find_api_token_by_id(conn, id)?
            .filter(|t| t.user_id == actor.user_id)
            .ok_or_else(|| AppError::NotFound(format!("token {id}")))?;
        // Revoking a revoked token changes nothing, and writes no entry.
        if sessions::revoke_api_token(conn, token.id, now)? == 0 {
            return Ok(());
        }
        record(
            conn,
            caller,
            Change::new("revoke", "api_token", token.id)
                .before(json!({"revoked": false}))
                .after(json!({"revoked": true})),
            now,
        )?;
        Ok(())
    })
}

/// Who an `Authorization: Bearer` token speaks for, if it is current and its user active.
pub fn resolve_token(
    conn: &mut DbConnection,
    secret: &str,
    now: NaiveDateTime,
) -> Result<Option<Actor>, AppError> {
    let Some((token, user)) = accounts::token_and_user(conn, &hash_secret(secret))? else {
        return Ok(None);
    };
    if token.revoked_at.is_some() || !user.active {
        return Ok(None);
    }
    if token.last_used_at.is_none_or(|at| now - at > TOKEN_TOUCH_EVERY) {
        db::transaction(conn, |conn| sessions::touch_api_token(conn, token.id, now))?;
    }
    Ok(Some(actor_of(&user)))
}
