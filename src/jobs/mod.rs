//! Work the application does on its own: the reminder sweep that sends what the outbox holds,
//! and the scheduler that runs it inside `serve`.

pub mod messages;
pub mod scheduler;
pub mod shutdown;
pub mod sweep;
