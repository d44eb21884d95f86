//! Storage: the connection over both backends, the schema, and one file of queries per table
//! group. Dialect differences live here and nowhere else.

mod closed;
mod connection;
pub mod schema;

pub use connection::{
    create_private_new, init_client_library, is_busy, is_unique_violation, last_insert_id, latest_migration,
    migrate, one_at_a_time, pending_migrations, pool, transaction, version, write, write_unless, Backend,
    DatabaseUrl, DbConnection, DbError, ExclusiveLock, Pool, PooledConnection,
};

pub mod accounts;
pub mod appeals;
pub mod audit;
pub mod authorities;
pub mod authority_groups;
pub mod batches;
pub mod deadlines;
pub mod demands;
pub mod documents;
pub mod dump;
pub mod events;
pub mod feeds;
pub mod figures;
pub mod history;
pub mod holidays;
pub mod idempotency;
pub mod incoming_messages;
pub mod mailboxes;
pub mod notice_plan;
pub mod outbox;
pub mod outgoing_messages;
pub mod recovery_codes;
pub mod reminder_preferences;
pub mod reminders;
pub mod repeats;
pub mod request_list;
pub mod requests;
pub mod responses;
pub mod search;
pub mod sessions;
pub mod sweeps;
pub mod wdtk;

// Text in lower case, on both backends: for orders and searches that ignore case.
diesel::define_sql_function!(fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text);
