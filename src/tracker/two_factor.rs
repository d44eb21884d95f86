//! Two-factor sign-in with time-based codes: set up, confirm, reset by an administrator,
//! disable.

use chrono::NaiveDateTime;
use serde_json::json;

use super::access::require;
use super::accounts::get_user;
use super::audit::{record, Caller, Change};
use super::input::Fields;
use super::sessions::{confirm_password, Throttle};
use crate::db::accounts::{self, User};
use crate::db::{self, sessions, DbConnection};
use crate::domain::account::{Actor, Role};
use crate::domain::written;
use crate::error::AppError;

/// The TOTP of a secret, as authenticator apps compute it: SHA-1, 6 digits, 30 s, one step
/// of clock drift either way.
pub fn totp(secret: &str, email: &str) -> Result<totp_rs::Totp, AppError> {
    let secret = totp_rs::Secret::try_from_base32(secret)
        .map_err(|_| AppError::invalid("secret", "The two-factor secret is not valid"))?;
    totp_rs::Builder::new()
        .with_algorithm(totp_rs::Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .with_issuer(Some("foi-tracker"))
        .with_account_name(email)
        .build()
        .map_err(|e| AppError::Internal(format!("two-factor: {e}")))
}

/// A new secret to set up an authenticator app: the secret, its otpauth URL and a QR code
/// (PNG, base64).
pub fn new_two_factor(email: &str) -> Result<(String, String, String), AppError> {
    let secret = totp_rs::Secret::generate().to_base32();
    let (url, qr) = setup_codes(&secret, email)?;
    Ok((secret, url, qr))
}

/// The otpauth URL of a secret and its QR code (PNG, base64), for the set-up page.
pub fn setup_codes(secret: &str, email: &str) -> Result<(String, String), AppError> {
    let totp = totp(secret, email)?;
    let url = totp
        .to_url()
        .map_err(|e| AppError::Internal(format!("two-factor URL: {e}")))?;
    let qr = totp
        .to_qr_base64()
        .map_err(|e| AppError::Internal(format!("QR code: {e}")))?;
    Ok((url, qr))
}

/// The time step of `code` if it is the current code of `secret` (give or take 30 s).
pub fn code_step(secret: &str, email: &str, code: &str) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    totp(secret, email)
        .ok()
        .and_then(|t| t.check_current(&code))
        .and_then(|step| i64::try_from(step).ok())
}

/// How a change to two-factor sign-in is confirmed.
#[derive(Debug, Clone, Copy)]
pub enum Confirmed<'a> {
    /// By the password, given again with the change.
    Password(&'a str),
    /// By the sign-in that has just checked the password: a session waiting for its first
    /// authenticator app to be set up can do nothing else.
    JustSignedIn,
}

/// Turns on two-factor sign-in, or replaces the authenticator app, once the user has shown a
/// code from the new app, and their password: whoever finds a session left open must not be
/// able to put their own app on the account. The recovery codes the set-up page showed
/// become the user's set; the old ones stop working.
#[allow(clippy::too_many_arguments)]
pub fn enable_two_factor(
    conn: &mut DbConnection,
    throttle: &Throttle,
    caller: &Caller,
    secret: &str,
    code: &str,
    recovery: &[String],
    confirmed: Confirmed<'_>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let actor = require(caller, |_| true)?;
    super::recovery_codes::check_set(recovery)?;
    let step = code_step(secret, &actor.email, code);
    let mut f = Fields::new();
    if step.is_none() {
        f.error("code", "That code is wrong or has expired: try the next one");
    }
    if matches!(confirmed, Confirmed::Password("")) {
        f.error("password", "Enter your current password");
    }
    // A step is there: its absence was refused just above.
    let step = f.finish(step)?.unwrap_or_default();
    if let Confirmed::Password(password) = confirmed {
        confirm_password(conn, throttle, caller, "password", password, now)?;
    }
    let set = Some((secret, step, recovery));
    db::transaction(conn, |conn| {
        set_two_factor(conn, caller, actor.user_id, set, "enable_two_factor", now)
    })
}

/// Sets the TOTP secret (with the step of the code that proved it, and the recovery codes)
/// or clears it with the codes, and records the change as `action`, in the caller's
/// transaction. No page that is cached shows it, so the register's version stays.
fn set_two_factor(
    conn: &mut DbConnection,
    caller: &Caller,
    user_id: i32,
    set: Option<(&str, i64, &[String])>,
    action: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let before = get_user(conn, user_id)?.two_factor();
    accounts::set_totp_secret(conn, user_id, set.map(|(s, _, _)| s), now)?;
    match set {
        Some((_, step, codes)) => {
            accounts::use_totp_step(conn, user_id, step)?;
            super::recovery_codes::store(conn, user_id, codes, now)?;
        }
        None => {
            crate::db::recovery_codes::delete_all(conn, user_id)?;
        }
    }
    record(
        conn,
        caller,
        Change::new(action, "user", user_id)
            .before(json!({"two_factor": before}))
            .after(json!({"two_factor": set.is_some()})),
        now,
    )
}

/// An administrator turns off another user's two-factor sign-in, when its app is lost and
/// its recovery codes gone, after giving their own password again: the user's sessions end,
/// and an administrator must set it up again at their next sign-in. The user, returned, is
/// to be told by email.
pub fn reset_two_factor(
    conn: &mut DbConnection,
    throttle: &Throttle,
    caller: &Caller,
    user_id: i32,
    password: &str,
    now: NaiveDateTime,
) -> Result<User, AppError> {
    let actor = require(caller, Actor::is_admin)?.clone();
    let user = get_user(conn, user_id)?;
    if user.id == actor.user_id {
        return Err(AppError::conflict(
            None,
            "You cannot reset your own two-factor sign-in: use your recovery codes, or ask another administrator",
        ));
    }
    if user.totp_secret.is_none() {
        return Err(AppError::conflict(
            None,
            "This user has no two-factor sign-in to reset",
        ));
    }
    confirm_password(conn, throttle, caller, "password", password, now)?;
    db::transaction(conn, |conn| {
        set_two_factor(conn, caller, user.id, None, "reset_two_factor", now)?;
        sessions::delete_sessions_of(conn, user.id)?;
        Ok::<_, AppError>(())
    })?;
    get_user(conn, user.id)
}

/// Tells a user that an administrator reset their two-factor sign-in.
pub fn email_two_factor_reset(
    postman: &crate::mail::Postman,
    user: &User,
    by: &str,
    now: NaiveDateTime,
) -> Result<(), String> {
    let email = postman.compose(
        "two_factor_reset",
        &user.email,
        "Your foi-tracker two-factor sign-in was reset",
        postman.message_id(&format!("two_factor_reset/user/{}/{now}", user.id)),
        json!({
            "name": user.name, "by": by, "when": written::moment_in_full(now),
            "must_set_up": user.role == Role::Admin,
        }),
    )?;
    postman.send(&email)
}

/// Turns two-factor sign-in off, given the password (admins must keep it on).
pub fn disable_two_factor(
    conn: &mut DbConnection,
    throttle: &Throttle,
    caller: &Caller,
    password: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let actor = require(caller, |a| !a.needs_two_factor())?;
    confirm_password(conn, throttle, caller, "password", password, now)?;
    db::transaction(conn, |conn| {
        set_two_factor(conn, caller, actor.user_id, None, "disable_two_factor", now)
    })
}
