//! Idempotency keys (draft-ietf-httpapi-idempotency-key-header): an API client that sends a
//! call again because it never saw the answer (a timeout, a dropped connection) gets the first
//! answer again, and nothing is created twice. The first answer is stored in the same
//! transaction as what it created, so a crash leaves both or neither.

use chrono::{Duration, NaiveDateTime};
use sha2::{Digest, Sha256};

use super::access::require;
use super::audit::Caller;
use super::input::text_problem;
use crate::db::idempotency::{self, StoredAnswer};
use crate::db::{self, DbConnection};
use crate::domain::text::Shape;
use crate::error::AppError;

/// How long a key is remembered.
pub const KEPT_FOR_HOURS: i64 = 24;

/// The longest key accepted.
pub const MAX_KEY: usize = 255;

/// A call that creates something: what it is, and the answer it gives.
pub struct Answer {
    pub status: u16,
    pub location: Option<String>,
    /// The JSON body.
    pub body: String,
    /// True when this is the stored answer to an earlier call with the same key.
    pub replayed: bool,
}

impl Answer {
    /// 201 Created, at `location`, with `body` as JSON.
    pub fn created(location: String, body: &impl serde::Serialize) -> Result<Answer, AppError> {
        Ok(Answer {
            status: 201,
            location: Some(location),
            body: serde_json::to_string(body).map_err(|e| AppError::Internal(e.to_string()))?,
            replayed: false,
        })
    }
}

/// The SHA-256 of a call's method, path and body: a key sent with another call is refused.
pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    for part in [method.as_bytes(), b"\n", path.as_bytes(), b"\n", body] {
        hash.update(part);
    }
    hex::encode(hash.finalize())
}

/// Runs `create` once per caller and key: with a key already used for the same call in the
/// last day, the stored answer instead; with none, `create` as it is.
pub fn once(
    conn: &mut DbConnection,
    caller: &Caller,
    key: Option<&str>,
    fingerprint: &str,
    now: NaiveDateTime,
    create: impl FnOnce(&mut DbConnection) -> Result<Answer, AppError>,
) -> Result<Answer, AppError> {
    let Some(key) = key else {
        return create(conn);
    };
    let user = require(caller, |_| true)?.user_id;
    if key.is_empty() || key.chars().count() > MAX_KEY || text_problem(key, Shape::Line).is_some() {
        return Err(AppError::BadRequest {
            field: Some("Idempotency-Key".into()),
            message: format!("Idempotency-Key must be one line of 1 to {MAX_KEY} characters, such as a UUID"),
        });
    }
    db::write(conn, |conn| {
        idempotency::forget_before(conn, now - Duration::hours(KEPT_FOR_HOURS))?;
        if let Some(stored) = idempotency::find(conn, user, key)? {
            if stored.fingerprint != fingerprint {
                return Err(AppError::invalid(
                    "Idempotency-Key",
                    "This Idempotency-Key was sent with another call in the last day: use a new key for each call",
                ));
            }
            return Ok(Answer {
                status: u16::try_from(stored.status).unwrap_or(200),
                location: stored.location,
                body: stored.body,
                replayed: true,
            });
        }
        let answer = create(conn)?;
        let stored = StoredAnswer {
            fingerprint: fingerprint.to_string(),
            status: i32::from(answer.status),
            location: answer.location.clone(),
            body: answer.body.clone(),
            created_at: now,
        };
        // Two calls with one key at once: the second to store its answer is rolled back whole.
        idempotency::insert(conn, user, key, &stored).map_err(|e| match db::is_unique_violation(&e) {
            true => AppError::conflict(
                Some("Idempotency-Key"),
                "A call with this Idempotency-Key was being answered at the same moment: send it again to get its answer",
            ),
            false => e.into(),
        })?;
        Ok(answer)
    })
}
