//! Passwords and secrets: argon2 for passwords; links, sessions and tokens are random and
//! stored as their SHA-256 only. Changing one's own password.

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use base64::Engine;
use chrono::NaiveDateTime;
use serde_json::json;
use sha2::Digest;

use super::access::require;
use super::accounts::get_user;
use super::audit::{record, Caller, Change};
use super::input::Fields;
use super::sessions::{confirm_password, end_access, Ended, Throttle};
use crate::db::accounts::{self, User};
use crate::db::{self, DbConnection};
use crate::error::AppError;

pub const MIN_PASSWORD: usize = 12;
pub const MAX_PASSWORD: usize = 200;

/// Whether a user has a password, as the trail records it: never the password or its hash.
pub(crate) fn password_state(user: &User) -> serde_json::Value {
    json!({"password": if user.has_password() { "set" } else { "not set" }})
}

/// A new password as the trail records it, with what it ended.
pub(crate) fn password_set(ended: Ended) -> serde_json::Value {
    let mut after = ended.audit();
    after["password"] = json!("set");
    after
}

/// 32 random bytes, URL-safe: for session cookies, links and API tokens.
pub fn new_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps of a secret.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(sha2::Sha256::digest(secret.as_bytes()))
}

/// Argon2id with its recommended parameters and a random salt, as a PHC string.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let hash: PasswordHash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| AppError::Internal(format!("cannot hash a password: {e}")))?;
    Ok(hash.to_string())
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

pub(crate) fn check_password(f: &mut Fields, field: &str, password: &str) {
    let length = password.chars().count();
    if length < MIN_PASSWORD {
        f.error(
            field,
            format!("The password must have at least {MIN_PASSWORD} characters"),
        );
    } else if length > MAX_PASSWORD {
        f.error(
            field,
            format!("The password must have at most {MAX_PASSWORD} characters"),
        );
    }
}

/// Changes one's own password, given the current one; every session, API token and calendar
/// feed of the user ends. Both passwords are hashed or checked before the write transaction:
/// Argon2 is slow by design, and must not hold the database's write lock meanwhile.
pub fn change_password(
    conn: &mut DbConnection,
    throttle: &Throttle,
    caller: &Caller,
    current: &str,
    new: &str,
    confirm: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let actor = require(caller, |_| true)?;
    let mut f = Fields::new();
    check_password(&mut f, "new_password", new);
    if new != confirm {
        f.error("confirm", "The two passwords differ");
    }
    f.finish(())?;
    let confirmed = confirm_password(conn, throttle, caller, "current_password", current, now)?;
    let hash = hash_password(new)?;
    db::write(conn, |conn| {
        let user = get_user(conn, actor.user_id)?;
        // Changed elsewhere while this change was being checked: the password given is no
        // longer the current one.
        if user.password_hash.as_deref() != Some(confirmed.as_str()) {
            return Err(AppError::invalid(
                "current_password",
                "That is not your current password",
            ));
        }
        accounts::set_password(conn, user.id, &hash, now)?;
        let ended = end_access(conn, user.id, now)?;
        record(
            conn,
            caller,
            Change::new("change_password", "user", user.id)
                .before(password_state(&user))
                .after(password_set(ended)),
            now,
        )?;
        Ok(())
    })
}
