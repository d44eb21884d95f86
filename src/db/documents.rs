//! Documents and the content-addressed blobs that hold their bytes.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::schema::blobs;
use super::DbConnection;

/// The SHA-256 of `bytes`, in lower-case hex: a blob's key.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Stores `bytes` unless a blob with the same content is already there; returns its key and
/// whether it was new.
pub fn store_blob(conn: &mut DbConnection, bytes: &[u8], now: NaiveDateTime) -> QueryResult<(String, bool)> {
    let key = sha256_hex(bytes);
    let exists: i64 = blobs::table
        .filter(blobs::sha256.eq(&key))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok((key, false));
    }
    diesel::insert_into(blobs::table)
        .values((
            blobs::sha256.eq(&key),
            blobs::size.eq(bytes.len() as i64),
            blobs::content.eq(bytes),
            blobs::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok((key, true))
}

/// A blob's bytes, if it is stored.
pub fn blob(conn: &mut DbConnection, sha256: &str) -> QueryResult<Option<Vec<u8>>> {
    blobs::table
        .find(sha256)
        .select(blobs::content)
        .first(conn)
        .optional()
}

/// How many blobs are stored.
pub fn blob_count(conn: &mut DbConnection) -> QueryResult<i64> {
    blobs::table.count().get_result(conn)
}
