//! Work the application does on its own: the reminder sweep, its outbox, and the scheduler
//! that runs it inside `serve`.

pub mod messages;
pub mod outbox;
pub mod scheduler;
pub mod shutdown;
pub mod sweep;
