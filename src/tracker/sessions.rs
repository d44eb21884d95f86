//! Signing in and out, the second factor and throttling. A session is a random secret the
//! client holds; the database keeps its SHA-256 only.

use chrono::{Duration, NaiveDateTime};
use serde_json::json;

use super::access::require;
use super::audit::{record, Caller, Change};
use super::input::Fields;
use super::passwords::{hash_secret, new_secret, verify_password, MAX_PASSWORD};
use super::two_factor::code_step;
use crate::db::accounts::{self, User};
use crate::db::sessions::{self, NewSession, Session};
use crate::db::{self, DbConnection};
use crate::domain::account::Actor;
use crate::error::AppError;

/// A session ends after this long without use.
pub const IDLE: Duration = Duration::hours(8);
/// How often a session's last use is written down (not on every request).
const TOUCH_EVERY: Duration = Duration::minutes(5);

/// Failed sign-ins allowed within a window, per account and per client address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    pub window: Duration,
    pub per_account: usize,
    pub per_client: usize,
}

/// The limits the settings give, each at least one.
pub fn throttle(settings: &crate::config::Settings) -> Throttle {
    Throttle {
        window: Duration::seconds(settings.throttle_window_seconds.max(1)),
        per_account: settings.throttle_per_account.max(1),
        per_client: settings.throttle_per_client.max(1),
    }
}

impl Default for Throttle {
    fn default() -> Throttle {
        Throttle {
            window: Duration::minutes(15),
            per_account: 5,
            per_client: 20,
        }
    }
}

pub fn actor_of(user: &User) -> Actor {
    Actor {
        user_id: user.id,
        organisation_id: user.organisation_id,
        role: user.role,
        name: user.name.clone(),
        email: user.email.clone(),
    }
}

/// What a new session must do before it can do anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Done,
    /// Enter the code from the authenticator app.
    SecondFactor,
    /// Set up an authenticator app first (administrators must).
    SetUpSecondFactor,
}

/// A new session: its secret goes in the cookie and nowhere else.
pub struct SignedIn {
    pub secret: String,
    pub next: Next,
}

fn minutes_until(at: NaiveDateTime, now: NaiveDateTime) -> i64 {
    ((at - now).num_seconds() as f64 / 60.0).ceil().max(1.0) as i64
}

/// Refuses a sign-in while too many have failed recently for the account or the client.
fn throttled(
    conn: &mut DbConnection,
    throttle: &Throttle,
    email: &str,
    client: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let (by_account, by_client) = sessions::failures_since(conn, email, client, now - throttle.window)?;
    let wait = |times: &[NaiveDateTime], allowed: usize| {
        (times.len() >= allowed).then(|| minutes_until(times[times.len() - allowed] + throttle.window, now))
    };
    let refused = |whose: &str, minutes: i64| {
        let plural = if minutes == 1 { "" } else { "s" };
        AppError::Throttled(format!(
            "Too many failed sign-ins {whose}: try again in {minutes} minute{plural}"
        ))
    };
    if let Some(minutes) = wait(&by_account, throttle.per_account) {
        return Err(refused("for this account", minutes));
    }
    if let Some(minutes) = wait(&by_client, throttle.per_client) {
        return Err(refused("from your address", minutes));
    }
    Ok(())
}

/// The hash of a password nobody has, to check against when there is no account.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| super::passwords::hash_password(&new_secret()).unwrap_or_default())
}

fn wrong_password() -> AppError {
    AppError::invalid("password", "The email address or the password is wrong")
}

/// Takes one of the attempts the throttle allows this account and client, or refuses with
/// 429. The attempt is recorded as a failure in the same step as the count, one at a time on
/// both backends, so that parallel guesses cannot all pass the count before any of them is
/// recorded; it is forgotten once it turns out right. The check itself (Argon2 is slow by
/// design) runs after this short transaction, holding no lock.
fn take_attempt(
    conn: &mut DbConnection,
    throttle: &Throttle,
    email: &str,
    client: &str,
    now: NaiveDateTime,
) -> Result<i32, AppError> {
    db::transaction(conn, |conn| {
        db::one_at_a_time(conn, "sign_in_failures")?;
        throttled(conn, throttle, email, client, now)?;
        Ok(sessions::insert_failure(conn, email, client, now)?)
    })
}

/// The longest email address there can be (RFC 5321's path limit less its brackets).
const MAX_EMAIL: usize = 254;

/// Checks an email and password and opens a session; a failure is recorded (and counts
/// towards throttling) even though it is refused.
pub fn sign_in(
    conn: &mut DbConnection,
    throttle: &Throttle,
    email: &str,
    password: &str,
    client: &str,
    now: NaiveDateTime,
) -> Result<SignedIn, AppError> {
    let mut f = Fields::new();
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        f.error("email", "Enter your email address");
    } else {
        f.optional_text("email", "Email address", Some(&email), MAX_EMAIL);
    }
    if password.chars().count() > MAX_PASSWORD {
        f.error(
            "password",
            format!("A password has at most {MAX_PASSWORD} characters"),
        );
    }
    if password.is_empty() {
        f.error("password", "Enter your password");
    }
    f.finish(())?;
    let caller = Caller::anonymous(Some(client.to_string()));
    let attempt = take_attempt(conn, throttle, &email, client, now)?;
    let found = accounts::find_user_by_email(conn, &email)?;
    // A password is checked against some hash even for an unknown email, so that the time
    // taken does not tell who has an account.
    let hash = found.as_ref().and_then(|u| u.password_hash.clone());
    let verified = verify_password(hash.as_deref().unwrap_or_else(|| decoy_hash()), password);
    let outcome = db::transaction(conn, |conn| -> Result<Option<SignedIn>, AppError> {
        // The account as it is now: deactivated, or given a new password, while the old one
        // was being checked, it stays shut.
        let current = match (&found, verified) {
            (Some(user), true) => accounts::find_user(conn, user.id)?,
            _ => None,
        };
        let matched = current.filter(|u| u.active && u.password_hash.is_some() && u.password_hash == hash);
        let Some(user) = matched else {
            record(
                conn,
                &caller,
                Change::new("sign_in_failed", "user", found.as_ref().map(|u| u.id))
                    .after(json!({"email": email})),
                now,
            )?;
            return Ok(None);
        };
        sessions::delete_failure(conn, attempt)?;
        let next = match (user.two_factor(), actor_of(&user).needs_two_factor()) {
            (true, _) => Next::SecondFactor,
            (false, true) => Next::SetUpSecondFactor,
            (false, false) => Next::Done,
        };
        let secret = new_secret();
        sessions::insert_session(
            conn,
            &NewSession {
                token_hash: &hash_secret(&secret),
                user_id: user.id,
                csrf_token: &new_secret(),
                verified: next == Next::Done,
                client: Some(client),
                expires_at: now + IDLE,
            },
            now,
        )?;
        let signed_in = Caller::user(actor_of(&user), Some(client.to_string()));
        record(conn, &signed_in, Change::new("sign_in", "user", user.id), now)?;
        Ok(Some(SignedIn { secret, next }))
    })?;
    outcome.ok_or_else(wrong_password)
}

/// Checks a signed-in user's password before a change that needs it: a new password, a new
/// authenticator app, two-factor sign-in turned off. A wrong one counts as a failed sign-in,
/// so that a session left open cannot be used to guess the password. Checked outside any
/// transaction, like a sign-in; returns the hash it matched, for the change to make sure,
/// inside its own transaction, that it is still the one stored.
pub fn confirm_password(
    conn: &mut DbConnection,
    throttle: &Throttle,
    caller: &Caller,
    field: &str,
    password: &str,
    now: NaiveDateTime,
) -> Result<String, AppError> {
    let actor = require(caller, |_| true)?;
    if password.is_empty() {
        return Err(AppError::invalid(field, "Enter your current password"));
    }
    let client = caller.client.as_deref().unwrap_or_default();
    let attempt = take_attempt(conn, throttle, &actor.email, client, now)?;
    let hash = super::accounts::get_user(conn, actor.user_id)?.password_hash;
    match hash.filter(|h| verify_password(h, password)) {
        Some(hash) => {
            db::transaction(conn, |conn| sessions::delete_failure(conn, attempt))?;
            Ok(hash)
        }
        None => Err(AppError::invalid(field, "That is not your current password")),
    }
}

/// A session and who holds it.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub session: Session,
    pub user: User,
}

impl Viewer {
    pub fn actor(&self) -> Actor {
        actor_of(&self.user)
    }
}

/// The session a cookie's secret opens, if it is current and its user active. Its last use
/// is written down at most every few minutes.
pub fn resolve(
    conn: &mut DbConnection,
    secret: &str,
    now: NaiveDateTime,
) -> Result<Option<Viewer>, AppError> {
    let found = accounts::session_and_user(conn, &hash_secret(secret))?;
    let Some(viewer) = valid(found, now) else {
        return Ok(None);
    };
    if needs_touch(&viewer, now) {
        touch(conn, &viewer, now)?;
    }
    Ok(Some(viewer))
}

/// As [`resolve`], with the register's version read in the same query, and without writing:
/// the caller touches the session if [`needs_touch`] says so (see `stored_page`).
pub fn resolve_with_version(
    conn: &mut DbConnection,
    secret: &str,
    now: NaiveDateTime,
) -> Result<Option<(Viewer, i64)>, AppError> {
    let Some((session, user, version)) = accounts::session_user_and_version(conn, &hash_secret(secret))?
    else {
        return Ok(None);
    };
    Ok(valid(Some((session, user)), now).map(|viewer| (viewer, version)))
}

/// A session found by its secret, unless it has expired or its user was deactivated.
fn valid(found: Option<(Session, User)>, now: NaiveDateTime) -> Option<Viewer> {
    let (session, user) = found?;
    (session.expires_at >= now && user.active).then_some(Viewer { session, user })
}

/// Whether the session was last seen long enough ago to be marked seen again.
pub fn needs_touch(viewer: &Viewer, now: NaiveDateTime) -> bool {
    now - viewer.session.last_seen_at > TOUCH_EVERY
}

/// Marks the session seen now, which keeps it open for another `IDLE`.
pub fn touch(conn: &mut DbConnection, viewer: &Viewer, now: NaiveDateTime) -> Result<(), AppError> {
    db::transaction(conn, |conn| {
        sessions::touch_session(conn, viewer.session.id, now, now + IDLE)
    })?;
    Ok(())
}

/// Completes a sign-in with the code from the authenticator app, or a recovery code.
pub fn second_factor(
    conn: &mut DbConnection,
    throttle: &Throttle,
    viewer: &Viewer,
    code: &str,
    client: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let secret = viewer
        .user
        .totp_secret
        .clone()
        .ok_or_else(|| AppError::conflict(None, "Two-factor sign-in is not set up"))?;
    let caller = Caller::user(viewer.actor(), Some(client.to_string()));
    let attempt = take_attempt(conn, throttle, &viewer.user.email, client, now)?;
    let accepted = db::transaction(conn, |conn| -> Result<bool, AppError> {
        // A code opens one session only: one seen over someone's shoulder is worthless.
        let fresh = match code_step(&secret, &viewer.user.email, code) {
            Some(step) => accounts::use_totp_step(conn, viewer.user.id, step)?,
            None => false,
        };
        // Or one of the recovery codes, which works once, for a lost app.
        let recovered = !fresh && super::recovery_codes::use_code(conn, viewer.user.id, code, now)?;
        let action = if fresh || recovered {
            sessions::mark_verified(conn, viewer.session.id)?;
            sessions::delete_failure(conn, attempt)?;
            if recovered {
                "sign_in_recovery_code"
            } else {
                "sign_in_second_factor"
            }
        } else {
            "second_factor_failed"
        };
        record(conn, &caller, Change::new(action, "user", viewer.user.id), now)?;
        Ok(fresh || recovered)
    })?;
    if accepted {
        Ok(())
    } else {
        Err(AppError::invalid("code", "That code is wrong or has expired"))
    }
}

/// Marks a session verified once its user has set up two-factor sign-in in it.
pub fn verified_by_setup(conn: &mut DbConnection, session: &Session) -> Result<(), AppError> {
    db::transaction(conn, |conn| sessions::mark_verified(conn, session.id).map(|_| ()))?;
    Ok(())
}

pub fn sign_out(
    conn: &mut DbConnection,
    viewer: &Viewer,
    client: Option<String>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let caller = Caller::user(viewer.actor(), client);
    db::transaction(conn, |conn| {
        sessions::delete_session(conn, viewer.session.id)?;
        record(
            conn,
            &caller,
            Change::new("sign_out", "user", viewer.user.id),
            now,
        )
    })
}

/// What ending a user's access ended, as the audit trail records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ended {
    pub sessions: usize,
    pub tokens: usize,
    pub feeds: usize,
}

impl Ended {
    pub fn audit(&self) -> serde_json::Value {
        json!({"sessions_ended": self.sessions, "tokens_revoked": self.tokens, "feeds_stopped": self.feeds})
    }
}

/// Ends everything that acts or reads as the user: every session, every API token and the
/// calendar feed. A token or a feed address is shown once to whoever made it, so someone who
/// had the account may have made one for themselves: signing out everywhere, a new password
/// and a deactivation leave none of them working.
pub fn end_access(conn: &mut DbConnection, user_id: i32, now: NaiveDateTime) -> Result<Ended, AppError> {
    Ok(Ended {
        sessions: sessions::delete_sessions_of(conn, user_id)?,
        tokens: sessions::revoke_api_tokens_of(conn, user_id, now)?,
        feeds: crate::db::feeds::revoke(conn, user_id, now)?,
    })
}

/// Ends every session of the caller, this one included, every API token and the calendar feed.
pub fn sign_out_everywhere(
    conn: &mut DbConnection,
    caller: &Caller,
    now: NaiveDateTime,
) -> Result<Ended, AppError> {
    let actor = require(caller, |_| true)?;
    db::transaction(conn, |conn| {
        let ended = end_access(conn, actor.user_id, now)?;
        record(
            conn,
            caller,
            Change::new("sign_out_everywhere", "user", actor.user_id).after(ended.audit()),
            now,
        )?;
        Ok(ended)
    })
}
