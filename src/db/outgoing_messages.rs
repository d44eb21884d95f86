//! Mail sent to authorities from the tracker: claimed before the SMTP server is asked, marked
//! sent after.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{outgoing_messages, requests};
use super::DbConnection;

/// A message as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = outgoing_messages)]
pub struct OutgoingMessage {
    pub id: i32,
    pub request_id: i32,
    pub purpose: String,
    pub status: String,
    pub message_id: String,
    pub recipient: String,
    pub subject: String,
    pub document_id: Option<i32>,
    pub sent_by: Option<i32>,
    pub started_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = outgoing_messages)]
pub struct NewOutgoingMessage<'a> {
    pub request_id: i32,
    pub purpose: &'a str,
    pub status: &'a str,
    pub message_id: &'a str,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub raw: Option<&'a [u8]>,
    pub sent_by: Option<i32>,
    pub started_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, message: &NewOutgoingMessage<'_>) -> QueryResult<i32> {
    diesel::insert_into(outgoing_messages::table)
        .values(message)
        .execute(conn)?;
    super::last_insert_id(conn)
}

/// A request's messages, oldest first.
pub fn for_request(conn: &mut DbConnection, request_id: i32) -> QueryResult<Vec<OutgoingMessage>> {
    outgoing_messages::table
        .filter(outgoing_messages::request_id.eq(request_id))
        .order(outgoing_messages::id)
        .select(OutgoingMessage::as_select())
        .load(conn)
}

/// When the request's message that is not known to have gone began to be sent, if one is.
pub fn unsettled_since(conn: &mut DbConnection, request_id: i32) -> QueryResult<Option<NaiveDateTime>> {
    outgoing_messages::table
        .filter(outgoing_messages::request_id.eq(request_id))
        .filter(outgoing_messages::status.eq("sending"))
        .select(outgoing_messages::started_at)
        .first(conn)
        .optional()
}

/// The request of the organisation's that sent one of `message_ids`, if any did.
pub fn request_of_any(
    conn: &mut DbConnection,
    organisation_id: i32,
    message_ids: &[String],
) -> QueryResult<Option<i32>> {
    if message_ids.is_empty() {
        return Ok(None);
    }
    outgoing_messages::table
        .inner_join(requests::table)
        .filter(requests::organisation_id.eq(organisation_id))
        .filter(outgoing_messages::message_id.eq_any(message_ids))
        .filter(outgoing_messages::status.eq("sent"))
        .order(outgoing_messages::id.desc())
        .select(outgoing_messages::request_id)
        .first(conn)
        .optional()
}

/// The bytes a message still being sent goes as.
pub fn raw(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Vec<u8>>> {
    outgoing_messages::table
        .find(id)
        .select(outgoing_messages::raw)
        .first(conn)
}

/// Marks a message sent, its bytes now kept as `document_id`.
pub fn mark_sent(
    conn: &mut DbConnection,
    id: i32,
    document_id: i32,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(outgoing_messages::table.find(id))
        .set((
            outgoing_messages::status.eq("sent"),
            outgoing_messages::document_id.eq(document_id),
            outgoing_messages::raw.eq(None::<Vec<u8>>),
            outgoing_messages::sent_at.eq(now),
        ))
        .execute(conn)
}

/// Forgets a message the server did not take, so that it can be sent again.
pub fn discard(conn: &mut DbConnection, id: i32) -> QueryResult<usize> {
    diesel::delete(
        outgoing_messages::table
            .find(id)
            .filter(outgoing_messages::status.eq("sending")),
    )
    .execute(conn)
}
