//! Documents and the content-addressed blobs that hold their bytes.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use serde::Serialize;

use super::schema::{blobs, documents};
use super::DbConnection;

/// The SHA-256 of `bytes`, in lower-case hex: a blob's key.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Stores `bytes` unless a blob with the same content is already there; returns its key and
/// whether it was new.
pub fn store_blob(conn: &mut DbConnection, bytes: &[u8], now: NaiveDateTime) -> QueryResult<(String, bool)> {
    let key = sha256_hex(bytes);
    let new = store_hashed_blob(conn, &key, bytes, now)?;
    Ok((key, new))
}

/// Stores `bytes` under `key`, their SHA-256 computed beforehand (hashing a large file inside
/// a write transaction would hold the lock meanwhile); whether it was new.
pub fn store_hashed_blob(
    conn: &mut DbConnection,
    key: &str,
    bytes: &[u8],
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let exists: i64 = blobs::table
        .filter(blobs::sha256.eq(key))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(false);
    }
    diesel::insert_into(blobs::table)
        .values((
            blobs::sha256.eq(key),
            blobs::size.eq(bytes.len() as i64),
            blobs::content.eq(bytes),
            blobs::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(true)
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

/// A document as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Queryable, Selectable, utoipa::ToSchema)]
#[diesel(table_name = documents)]
pub struct Document {
    pub id: i32,
    pub request_id: i32,
    pub event_id: Option<i32>,
    #[serde(rename = "sha256")]
    pub blob_sha256: String,
    pub filename: String,
    pub content_type: String,
    pub uploaded_by: Option<i32>,
    #[serde(serialize_with = "crate::domain::instant::utc")]
    pub uploaded_at: NaiveDateTime,
    /// What reading its text for search gave: text, scanned (no text layer), unreadable or
    /// unsupported; absent until it has been read.
    pub text_state: Option<String>,
    /// Why it has no searchable text, or why only part of it is searchable.
    pub text_problem: Option<String>,
}

pub struct NewDocument<'a> {
    pub request_id: i32,
    pub event_id: Option<i32>,
    pub sha256: &'a str,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub uploaded_by: Option<i32>,
}

pub fn insert(conn: &mut DbConnection, document: &NewDocument<'_>, now: NaiveDateTime) -> QueryResult<i32> {
    diesel::insert_into(documents::table)
        .values((
            documents::request_id.eq(document.request_id),
            documents::event_id.eq(document.event_id),
            documents::blob_sha256.eq(document.sha256),
            documents::filename.eq(document.filename),
            documents::content_type.eq(document.content_type),
            documents::uploaded_by.eq(document.uploaded_by),
            documents::uploaded_at.eq(now),
        ))
        .execute(conn)?;
    super::last_insert_id(conn)
}

pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Document>> {
    documents::table
        .find(id)
        .select(Document::as_select())
        .first(conn)
        .optional()
}

/// These documents, in no order.
pub fn find_many(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<Vec<Document>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    documents::table
        .filter(documents::id.eq_any(ids))
        .select(Document::as_select())
        .load(conn)
}

/// A request's documents, oldest first.
pub fn of_request(conn: &mut DbConnection, request_id: i32) -> QueryResult<Vec<Document>> {
    documents::table
        .filter(documents::request_id.eq(request_id))
        .order(documents::id)
        .select(Document::as_select())
        .load(conn)
}
