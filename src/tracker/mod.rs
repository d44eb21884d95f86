//! Use cases: each one transaction that loads, applies the domain rules, and writes the change.
//! The HTML pages, the JSON API and the CLI all call these and nothing else.

pub mod access;
pub mod account_links;
pub mod accounts;
pub mod api_tokens;
pub mod audit;
pub mod authorities;
pub mod calculator;
pub mod dashboard;
pub mod deadline_index;
pub mod demands;
pub mod demo;
pub mod documents;
pub mod dump;
pub mod dump_import;
pub mod events;
pub mod feeds;
pub mod figure_import;
pub mod figures;
pub mod history;
pub mod holidays;
pub mod input;
pub mod letters;
pub mod open_data;
pub mod passwords;
pub mod recovery_codes;
pub mod reminders;
pub mod repeats;
pub mod request_detail;
pub mod request_list;
pub mod requests;
pub mod scorecard;
pub mod sessions;
pub mod two_factor;
pub mod untrusted;
