//! Recovery codes: ten single-use codes, shown once when two-factor sign-in is set up, that
//! sign a user in when their authenticator app is lost. Each carries 80 random bits, so the
//! SHA-256 kept of it is enough: no slow hash is needed to make guessing it hopeless.

use chrono::NaiveDateTime;
use serde_json::json;

use super::access::require;
use super::audit::{record, Caller, Change};
use super::passwords::hash_secret;
use super::sessions::{confirm_password, Throttle};
use crate::db::{self, recovery_codes, DbConnection};
use crate::error::AppError;

/// How many codes a set has.
pub const SET: usize = 10;

/// The letters a code is written in: lower-case base32, 5 bits each.
const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
/// 16 letters: 80 bits.
const LETTERS: usize = 16;

/// A new set of codes, as people read them: `abcd-efgh-ijkl-mnop`.
pub fn new_set() -> Vec<String> {
    (0..SET)
        .map(|_| {
            let letters: Vec<char> = (0..LETTERS)
                .map(|_| char::from(ALPHABET[usize::from(rand::random::<u8>() & 31)]))
                .collect();
            letters
                .chunks(4)
                .map(|c| c.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// A code as typed, without spaces or dashes, in lower case.
fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `code` could be a recovery code at all (and not an authenticator app's code).
pub fn looks_like_one(code: &str) -> bool {
    let code = normalise(code);
    code.len() == LETTERS && code.bytes().all(|b| ALPHABET.contains(&b))
}

/// Checks a set that a set-up form carried back: `SET` distinct codes of the right form.
pub fn check_set(codes: &[String]) -> Result<(), AppError> {
    let mut seen: Vec<String> = codes.iter().map(|c| normalise(c)).collect();
    seen.sort();
    seen.dedup();
    if seen.len() != SET || !codes.iter().all(|c| looks_like_one(c)) {
        return Err(AppError::invalid(
            "code",
            "The set-up page was changed or is incomplete: enter the code again on this new one",
        ));
    }
    Ok(())
}

/// Keeps the hashes of `codes` as the user's set, in the caller's transaction.
pub fn store(
    conn: &mut DbConnection,
    user_id: i32,
    codes: &[String],
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let hashes: Vec<String> = codes.iter().map(|c| hash_secret(&normalise(c))).collect();
    Ok(recovery_codes::replace(conn, user_id, &hashes, now)?)
}

/// Uses up `code` if it is one of the user's unused codes, in the caller's transaction.
pub fn use_code(
    conn: &mut DbConnection,
    user_id: i32,
    code: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    if !looks_like_one(code) {
        return Ok(false);
    }
    Ok(recovery_codes::use_code(
        conn,
        user_id,
        &hash_secret(&normalise(code)),
        now,
    )?)
}

/// How many unused codes the user has.
pub fn remaining(conn: &mut DbConnection, user_id: i32) -> Result<i64, AppError> {
    Ok(recovery_codes::remaining(conn, user_id)?)
}

/// A new set for the caller, given their password: the old codes stop working. Shown once.
pub fn renew(
    conn: &mut DbConnection,
    throttle: &Throttle,
    caller: &Caller,
    password: &str,
    now: NaiveDateTime,
) -> Result<Vec<String>, AppError> {
    let actor = require(caller, |_| true)?.clone();
    confirm_password(conn, throttle, caller, "recovery_password", password, now)?;
    let codes = new_set();
    db::transaction(conn, |conn| {
        if super::accounts::get_user(conn, actor.user_id)?
            .totp_secret
            .is_none()
        {
            return Err(AppError::conflict(
                None,
                "Set up two-factor sign-in first: recovery codes stand in for its app",
            ));
        }
        let before = remaining(conn, actor.user_id)?;
        store(conn, actor.user_id, &codes, now)?;
        record(
            conn,
            caller,
            Change::new("renew_recovery_codes", "user", actor.user_id)
                .before(json!({"recovery_codes_left": before}))
                .after(json!({"recovery_codes_left": SET})),
            now,
        )
    })?;
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_is_ten_distinct_codes_of_80_bits_that_read_back_however_typed() {
        let codes = new_set();
        assert_eq!(codes.len(), SET);
        check_set(&codes).unwrap();
        assert!(codes.iter().all(|c| c.len() == 19 && c.matches('-').count() == 3));
        let typed = codes[0].to_uppercase().replace('-', " ");
        assert!(looks_like_one(&typed));
        assert_eq!(normalise(&typed), normalise(&codes[0]));
        assert!(
            !looks_like_one("123456"),
            "an authenticator app's code is not one"
        );
    }

    #[test]
    fn a_set_with_a_repeat_or_a_stranger_is_refused() {
        let mut codes = new_set();
        codes[1] = codes[0].clone();
        assert!(check_set(&codes).is_err());
        let mut codes = new_set();
        codes[2] = "not-a-code".into();
        assert!(check_set(&codes).is_err());
        assert!(check_set(&new_set()[..9]).is_err());
    }
}
