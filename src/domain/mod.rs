//! Pure rules: no database, no HTTP, no clock, no I/O.

pub mod calendar;
pub mod regime;
pub mod timeline;
