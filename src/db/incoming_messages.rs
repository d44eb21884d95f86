//! Mail fetched from the organisations' mailboxes, each message once.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{documents, incoming_messages, mailboxes};
use super::DbConnection;

/// A message as kept: its place in the mailbox and its bytes' key are the server's own.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = incoming_messages)]
pub struct IncomingMessage {
    pub id: i32,
    pub organisation_id: i32,
    #[serde(skip)]
    #[schema(ignore)]
    pub uid_validity: i64,
    #[serde(skip)]
    #[schema(ignore)]
    pub uid: i64,
    #[serde(skip)]
    #[schema(ignore)]
    pub dedupe_key: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub blob_sha256: Option<String>,
    pub size: i64,
    pub sender: String,
    pub subject: String,
    /// When the mail server received it.
    #[serde(serialize_with = "crate::domain::instant::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub arrived_at: NaiveDateTime,
    pub request_id: Option<i32>,
    pub matched_by: Option<String>,
    pub bounce: bool,
    pub status: String,
    pub problem: Option<String>,
    pub event_id: Option<i32>,
    #[serde(skip)]
    #[schema(ignore)]
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = incoming_messages)]
pub struct NewIncomingMessage<'a> {
    pub organisation_id: i32,
    pub uid_validity: i64,
    pub uid: i64,
    pub dedupe_key: &'a str,
    pub blob_sha256: Option<&'a str>,
    pub size: i64,
    pub sender: &'a str,
    pub subject: &'a str,
    pub arrived_at: NaiveDateTime,
    pub request_id: Option<i32>,
    pub matched_by: Option<&'a str>,
    pub bounce: bool,
    pub status: &'a str,
    pub problem: Option<&'a str>,
    pub created_at: NaiveDateTime,
}

/// Whether the message is already kept: by its place in the mailbox, or by its Message-ID.
pub fn known(
    conn: &mut DbConnection,
    organisation_id: i32,
    uid_validity: i64,
    uid: i64,
    dedupe_key: &str,
) -> QueryResult<bool> {
    let by_place = incoming_messages::organisation_id
        .eq(organisation_id)
        .and(incoming_messages::uid_validity.eq(uid_validity))
        .and(incoming_messages::uid.eq(uid));
    let by_key = incoming_messages::organisation_id
        .eq(organisation_id)
        .and(incoming_messages::dedupe_key.eq(dedupe_key));
    let count: i64 = incoming_messages::table
        .filter(by_place.or(by_key))
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

pub fn insert(conn: &mut DbConnection, message: &NewIncomingMessage<'_>) -> QueryResult<i32> {
    diesel::insert_into(incoming_messages::table)
        .values(message)
        .execute(conn)?;
    super::last_insert_id(conn)
}

pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Option<IncomingMessage>> {
    incoming_messages::table
        .find(id)
        .select(IncomingMessage::as_select())
        .first(conn)
        .optional()
}

/// A request's messages, oldest first.
pub fn of_request(conn: &mut DbConnection, request_id: i32) -> QueryResult<Vec<IncomingMessage>> {
    incoming_messages::table
        .filter(incoming_messages::request_id.eq(request_id))
        .order((incoming_messages::arrived_at, incoming_messages::id))
        .select(IncomingMessage::as_select())
        .load(conn)
}

/// The Message-IDs of the mail filed with a request, with when each arrived.
pub fn message_ids_of(conn: &mut DbConnection, request_id: i32) -> QueryResult<Vec<(NaiveDateTime, String)>> {
    let keys: Vec<(NaiveDateTime, String)> = incoming_messages::table
        .filter(incoming_messages::request_id.eq(request_id))
        .filter(incoming_messages::status.ne("dismissed"))
        .select((incoming_messages::arrived_at, incoming_messages::dedupe_key))
        .load(conn)?;
    Ok(keys
        .into_iter()
        .filter_map(|(at, key)| Some((at, key.strip_prefix("message-id:")?.to_string())))
        .collect())
}

/// The organisation's messages in `status`, oldest first, at most `limit`.
pub fn in_status(
    conn: &mut DbConnection,
    organisation_id: i32,
    status: &str,
    limit: i64,
) -> QueryResult<Vec<IncomingMessage>> {
    incoming_messages::table
        .filter(incoming_messages::organisation_id.eq(organisation_id))
        .filter(incoming_messages::status.eq(status))
        .order((incoming_messages::arrived_at, incoming_messages::id))
        .limit(limit)
        .select(IncomingMessage::as_select())
        .load(conn)
}

/// How many of the organisation's messages are in `status`.
pub fn count_in_status(conn: &mut DbConnection, organisation_id: i32, status: &str) -> QueryResult<i64> {
    incoming_messages::table
        .filter(incoming_messages::organisation_id.eq(organisation_id))
        .filter(incoming_messages::status.eq(status))
        .count()
        .get_result(conn)
}

/// Files a message with a request, for a person to say what it is.
pub fn file_with(conn: &mut DbConnection, id: i32, request_id: i32, matched_by: &str) -> QueryResult<usize> {
    diesel::update(incoming_messages::table.find(id))
        .set((
            incoming_messages::request_id.eq(request_id),
            incoming_messages::matched_by.eq(matched_by),
            incoming_messages::status.eq("to_classify"),
        ))
        .execute(conn)
}

/// Marks a reply classified as `event_id`, its documents now that event's.
pub fn classified(conn: &mut DbConnection, id: i32, event_id: i32) -> QueryResult<()> {
    diesel::update(incoming_messages::table.find(id))
        .set((
            incoming_messages::status.eq("classified"),
            incoming_messages::event_id.eq(event_id),
        ))
        .execute(conn)?;
    diesel::update(documents::table.filter(documents::incoming_message_id.eq(id)))
        .set(documents::event_id.eq(event_id))
        .execute(conn)?;
    Ok(())
}

pub fn set_status(conn: &mut DbConnection, id: i32, status: &str) -> QueryResult<usize> {
    diesel::update(incoming_messages::table.find(id))
        .set(incoming_messages::status.eq(status))
        .execute(conn)
}

/// Marks the document as one the message brought.
pub fn link_document(conn: &mut DbConnection, document_id: i32, message_id: i32) -> QueryResult<usize> {
    diesel::update(documents::table.find(document_id))
        .set(documents::incoming_message_id.eq(message_id))
        .execute(conn)
}

/// The documents the message brought.
pub fn documents_of(
    conn: &mut DbConnection,
    message_id: i32,
) -> QueryResult<Vec<super::documents::Document>> {
    documents::table
        .filter(documents::incoming_message_id.eq(message_id))
        .order(documents::id)
        .select(super::documents::Document::as_select())
        .load(conn)
}

/// How far the organisation's mailbox has been read: its UIDVALIDITY and the last UID filed.
pub fn cursor(conn: &mut DbConnection, organisation_id: i32) -> QueryResult<(Option<i64>, Option<i64>)> {
    mailboxes::table
        .find(organisation_id)
        .select((mailboxes::imap_uid_validity, mailboxes::imap_last_uid))
        .first(conn)
}

pub fn set_cursor(
    conn: &mut DbConnection,
    organisation_id: i32,
    uid_validity: i64,
    last_uid: i64,
) -> QueryResult<usize> {
    diesel::update(mailboxes::table.find(organisation_id))
        .set((
            mailboxes::imap_uid_validity.eq(uid_validity),
            mailboxes::imap_last_uid.eq(last_uid),
        ))
        .execute(conn)
}

/// The organisations with a mailbox to read.
pub fn mailboxes_to_read(conn: &mut DbConnection) -> QueryResult<Vec<i32>> {
    mailboxes::table
        .filter(mailboxes::imap_url.is_not_null())
        .select(mailboxes::organisation_id)
        .order(mailboxes::organisation_id)
        .load(conn)
}
