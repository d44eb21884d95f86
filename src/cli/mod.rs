//! The `foi-tracker` command line: one subcommand per use case.
//!
//! Bad input prints one line to stderr and exits 2, whether clap or the engine refuses it.

mod accounts;
mod deadline;
mod dump;
mod health;
mod imports;
mod index;
mod remind;
mod serve;
mod wdtk;

use std::io::Write;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::Settings;
use crate::db::DbError;
use crate::domain::document_text::{DocumentText, TextState};
use crate::domain::regime::Regime;
use crate::domain::timeline::{Event, EventKind};
use crate::error::AppError;
use crate::startup::{self, StartupError};

#[derive(Debug, Parser)]
#[command(
    name = "foi-tracker",
    version,
    about = "Freedom of Information requests and every statutory deadline"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web application.
    Serve(ServeArgs),
    /// Bring the database's schema up to date.
    Migrate,
    /// Compute the status and every deadline of a request from its events.
    Deadline(DeadlineArgs),
    /// Import a gov.uk bank-holidays.json and recompute every stored deadline.
    ImportHolidays(ImportArgs),
    /// Import public authorities from CSV (name,short_name,foi_email,website,default_regime,nation).
    ImportAuthorities(ImportArgs),
    /// Send the deadline reminders owed today, as the scheduler inside `serve` does at each
    /// run; for those who prefer system cron.
    Remind(RemindArgs),
    /// Copy the SQLite database to a new FILE while the app serves. On PostgreSQL it refuses:
    /// use pg_dump, or `export --all` for a portable dump.
    Backup(dump::BackupArgs),
    /// Write every table to a new portable dump at PATH, readable by its owner only.
    Export(dump::DumpArgs),
    /// Fill a new, empty database (SQLite or PostgreSQL) from a dump, all or nothing.
    Import(dump::DumpArgs),
    /// Bring the search index up to date with everything stored (the server does it by itself,
    /// a round at a time, while its scheduler runs).
    Index(IndexArgs),
    /// Print the API's OpenAPI 3 document.
    Openapi,
    /// Ask the running server (at FOI_BIND) whether it and its database answer: exits 0 if
    /// so, 1 if not; for a container's HEALTHCHECK.
    Healthcheck,
    /// Add, list and deactivate users.
    #[command(subcommand)]
    User(accounts::UserCommand),
    /// Create personal API tokens.
    #[command(subcommand)]
    Token(accounts::TokenCommand),
    /// Link requests made on WhatDoTheyKnow (the site FOI_WDTK_URL names).
    #[command(subcommand)]
    Wdtk(wdtk::WdtkCommand),
    /// The server's own: reads a spreadsheet on stdin in a child process under limits.
    #[command(hide = true)]
    ParseSheet(ParseArgs),
    /// The server's own: reads an `.eml` file on stdin in a child process under limits.
    #[command(hide = true)]
    ParseEmail(ParseArgs),
    /// The server's own: reads a document's text on stdin in a child process under limits.
    #[command(hide = true)]
    ParseText(ParseArgs),
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Forget every word and every document's reading first, and index it all again: after a
    /// change to how documents are read.
    #[arg(long)]
    pub from_scratch: bool,
}

#[derive(Debug, Args)]
pub struct ParseArgs {
    /// The file's name, which says its format.
    #[arg(long)]
    pub file_name: String,
    /// The sheet to read; the first when left out.
    #[arg(long)]
    pub sheet: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on (default 127.0.0.1:8080, or FOI_BIND).
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,
    /// Load a demonstration data set into an empty database.
    #[arg(long)]
    pub demo: bool,
}

#[derive(Debug, Args)]
pub struct RemindArgs {
    /// Print what would be sent, and send and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Sweep as on this day (default: today in London).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub today: Option<NaiveDate>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file to import.
    pub file: std::path::PathBuf,
    /// Show what would change and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct DeadlineArgs {
    /// The law the request is made under: foia, eir, foisa, eisr or sar.
    #[arg(long, value_parser = parse_regime)]
    pub regime: Regime,
    /// The day the authority received the request (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub received: NaiveDate,
    /// An event after receipt, as KIND@DATE (e.g. response@2026-03-02); repeat in the order recorded.
    #[arg(long = "event", value_name = "KIND@DATE", value_parser = parse_event)]
    pub events: Vec<Event>,
    /// For a FOIA public interest extension: the date the authority gave.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub extended_to: Option<NaiveDate>,
    /// Judge the deadlines as on this day (default: today in London).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub today: Option<NaiveDate>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Why a command stopped: bad input exits 2, anything else 1; both print one line.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    BadInput(String),
    #[error("{0}")]
    Failed(String),
    #[error("cannot write the output: {0}")]
    Io(#[from] std::io::Error),
}

impl CliError {
    fn exit_code(&self) -> u8 {
        match self {
            CliError::BadInput(_) => 2,
            CliError::Failed(_) | CliError::Io(_) => 1,
        }
    }
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|_| text.len() == 10)
        .ok_or_else(|| format!("\"{text}\" is not a date (expected YYYY-MM-DD, e.g. 2026-03-02)"))
}

fn parse_regime(text: &str) -> Result<Regime, String> {
    text.parse()
        .map_err(|_| format!("unknown regime \"{text}\" (expected foia, eir, foisa, eisr or sar)"))
}

fn parse_event(text: &str) -> Result<Event, String> {
    let (kind, date) = text
        .split_once('@')
        .ok_or_else(|| format!("\"{text}\" is not KIND@DATE (e.g. response@2026-03-02)"))?;
    let kind: EventKind = kind.parse().map_err(|_| {
        let known: Vec<&str> = <EventKind as strum::VariantArray>::VARIANTS
            .iter()
            .map(|k| k.into())
            .collect();
        format!("unknown event \"{kind}\" (expected one of {})", known.join(", "))
    })?;
    Ok(Event::new(kind, parse_date(date)?))
}

/// Runs the command, writing to `out`; errors are for the caller to print.
pub fn run(cli: Cli, out: &mut impl Write) -> Result<(), CliError> {
    match cli.command {
        Command::Serve(args) => serve::serve(args, out),
        Command::Migrate => migrate(out),
        Command::Deadline(args) => deadline::deadline(args, out),
        Command::ImportHolidays(args) => imports::import_holidays(args, out),
        Command::ImportAuthorities(args) => imports::import_authorities(args, out),
        Command::Remind(args) => remind::remind(args, out),
        Command::Healthcheck => health::healthcheck(out),
        Command::Index(args) => index::index(args, out),
        Command::Backup(args) => dump::backup(args, out),
        Command::Export(args) => dump::export(args, out),
        Command::Import(args) => dump::import(args, out),
        Command::User(command) => accounts::user(command, out),
        Command::Token(command) => accounts::token(command, out),
        Command::Wdtk(command) => wdtk::wdtk(command, out),
        Command::ParseSheet(args) => Ok(crate::sandbox::child(
            crate::tracker::untrusted::MAX_INPUT,
            out,
            |bytes| crate::domain::spreadsheet::read(&args.file_name, bytes, args.sheet.as_deref()),
            || Err(format!("{} is not a readable spreadsheet", args.file_name)),
        )?),
        Command::ParseEmail(args) => Ok(crate::sandbox::child(
            crate::tracker::untrusted::MAX_INPUT,
            out,
            |bytes| crate::domain::email::read(&args.file_name, bytes),
            || Err(format!("{} is not an email message", args.file_name)),
        )?),
        Command::ParseText(args) => Ok(crate::sandbox::child(
            crate::tracker::untrusted::MAX_INPUT,
            out,
            |bytes| crate::domain::document_text::extract(&args.file_name, bytes),
            || DocumentText {
                state: TextState::Unreadable,
                problem: Some(format!("{} could not be read", args.file_name)),
                parts: vec![],
            },
        )?),
        Command::Openapi => {
            let document = <crate::web::api::openapi::ApiDoc as utoipa::OpenApi>::openapi();
            serde_json::to_writer_pretty(&mut *out, &document).map_err(std::io::Error::from)?;
            writeln!(out)?;
            Ok(())
        }
    }
}

pub(crate) fn settings() -> Result<Settings, CliError> {
    Settings::load().map_err(|e| CliError::BadInput(format!("configuration: {e}")))
}

pub(crate) fn startup_error(error: StartupError) -> CliError {
    match error {
        StartupError::Database(DbError::UnsupportedUrl(_)) => CliError::BadInput(error.to_string()),
        other => CliError::Failed(other.to_string()),
    }
}

pub(crate) fn app_error(error: AppError) -> CliError {
    match error {
        AppError::Invalid(_)
        | AppError::BadRequest { .. }
        | AppError::Conflict { .. }
        | AppError::TooLarge(_)
        | AppError::NotFound(_) => CliError::BadInput(error.to_string()),
        other => CliError::Failed(other.to_string()),
    }
}

fn migrate(out: &mut impl Write) -> Result<(), CliError> {
    let settings = settings()?;
    startup::connection(&settings).map_err(startup_error)?;
    writeln!(out, "The database is up to date.")?;
    Ok(())
}

/// Folds clap's message to one line: the error itself, without usage and help hints.
fn one_line(error: &clap::Error) -> String {
    let text = error.to_string();
    let message = text
        .split("\n\nUsage:")
        .next()
        .unwrap_or(&text)
        .split("\n\nFor more information")
        .next()
        .unwrap_or(&text);
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The process entry point: parse, run, print errors on one line, exit 2 on bad input.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if !error.use_stderr() => {
            // --help and --version
            let _ = error.print();
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("{}", one_line(&error));
            return ExitCode::from(2);
        }
    };
    let stdout = std::io::stdout();
    match run(cli, &mut stdout.lock()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if crate::telemetry::json() {
                tracing::error!(%error, "foi-tracker could not go on");
            } else {
                eprintln!("error: {error}");
            }
            ExitCode::from(error.exit_code())
        }
    }
}
