//! foi-tracker: Freedom of Information requests and every statutory deadline on the road to
//! the tribunal.
//!
//! Imports point down only (domain ← db ← tracker ← jobs ← web ← startup ← cli);
//! `tests/it/layering.rs` keeps it so.

pub mod alaveteli;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod imap;
pub mod jobs;
pub mod mail;
pub mod metrics;
pub mod sandbox;
pub mod sealing;
pub mod startup;
pub mod telemetry;
pub mod templates;
pub mod tracker;
pub mod web;
