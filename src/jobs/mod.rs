//! Work the application does on its own: the reminder sweep that sends what the outbox holds,
//! the scheduler that runs it inside `serve`, and the reading of the organisations' mailboxes.

pub mod mail_reader;
pub mod messages;
pub mod scheduler;
pub mod shutdown;
pub mod sweep;
pub mod text_reader;
pub mod wdtk_reader;
