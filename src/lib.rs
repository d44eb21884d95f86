//! foi-tracker: Freedom of Information requests and every statutory deadline on the road to
//! the tribunal.

pub mod cli;
pub mod domain;
