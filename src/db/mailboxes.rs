//! Each organisation's mailbox: where its requests are sent from and its replies come back to.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::mailboxes;
use super::DbConnection;

/// A mailbox as stored: passwords only sealed.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = mailboxes, treat_none_as_null = true)]
pub struct MailboxRow {
    pub organisation_id: i32,
    pub address: String,
    pub display_name: String,
    pub smtp_url: String,
    pub smtp_username: Option<String>,
    pub smtp_password_sealed: Option<String>,
    pub imap_url: Option<String>,
    pub imap_username: Option<String>,
    pub imap_password_sealed: Option<String>,
    pub updated_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConnection, organisation_id: i32) -> QueryResult<Option<MailboxRow>> {
    mailboxes::table
        .find(organisation_id)
        .select(MailboxRow::as_select())
        .first(conn)
        .optional()
}

/// Writes the organisation's mailbox, whether or not it had one.
pub fn save(conn: &mut DbConnection, row: &MailboxRow) -> QueryResult<()> {
    let updated = diesel::update(mailboxes::table.find(row.organisation_id))
        .set(row)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(mailboxes::table).values(row).execute(conn)?;
    }
    Ok(())
}
