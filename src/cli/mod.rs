//! The `foi-tracker` command line: one subcommand per use case.
//!
//! Bad input prints one line to stderr and exits 2, whether clap or the engine refuses it.

mod accounts;
mod dump;
mod health;

use std::io::Write;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::Settings;
use crate::db::DbError;
use crate::domain::calendar::Calendar;
use crate::domain::regime::Regime;
use crate::domain::timeline::{Deadline, DeadlineState, Event, EventKind, Schedule};
use crate::error::AppError;
use crate::startup::{self, Application, StartupError};
use crate::tracker::audit::Caller;
use crate::tracker::calculator::calculate;
use crate::tracker::holidays::CalendarStore;

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
    /// The server's own: reads a spreadsheet on stdin in a child process under limits.
    #[command(hide = true)]
    ParseSheet(ParseArgs),
    /// The server's own: reads an `.eml` file on stdin in a child process under limits.
    #[command(hide = true)]
    ParseEmail(ParseArgs),
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
        Command::Serve(args) => serve(args, out),
        Command::Migrate => migrate(out),
        Command::Deadline(args) => deadline(args, out),
        Command::ImportHolidays(args) => import_holidays(args, out),
        Command::ImportAuthorities(args) => import_authorities(args, out),
        Command::Remind(args) => remind(args, out),
        Command::Healthcheck => health::healthcheck(out),
        Command::Backup(args) => dump::backup(args, out),
        Command::Export(args) => dump::export(args, out),
        Command::Import(args) => dump::import(args, out),
        Command::User(command) => accounts::user(command, out),
        Command::Token(command) => accounts::token(command, out),
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

/// A file's text, refused before it is read if it is over `max_bytes`.
fn read_file(path: &std::path::Path, max_bytes: usize) -> Result<String, CliError> {
    let cannot = |e: std::io::Error| CliError::BadInput(format!("cannot read {}: {e}", path.display()));
    let size = std::fs::metadata(path).map_err(cannot)?.len();
    if size > max_bytes as u64 {
        return Err(CliError::BadInput(format!(
            "{} is {size} bytes; at most {max_bytes} are read",
            path.display()
        )));
    }
    std::fs::read_to_string(path).map_err(cannot)
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

/// What `serve` tells the person who started it: a line on stdout, or with JSON logs a log
/// event, so that every line the process writes is JSON from the first one on.
struct Announcer<'a, W: Write> {
    out: &'a mut W,
    json: bool,
}

impl<W: Write> Announcer<'_, W> {
    fn say(&mut self, line: &str) -> std::io::Result<()> {
        if self.json {
            tracing::info!("{line}");
            Ok(())
        } else {
            writeln!(self.out, "{line}")?;
            self.out.flush()
        }
    }
}

fn serve(args: ServeArgs, out: &mut impl Write) -> Result<(), CliError> {
    let settings = settings();
    // Before anything can be logged, even a refused configuration.
    let format = match &settings {
        Ok(settings) => settings.log_format,
        Err(_) => crate::config::LogFormat::from_env(),
    };
    crate::telemetry::init(format);
    let mut settings = settings?;
    if let Some(bind) = args.bind {
        settings.bind = bind;
    }
    let mut say = Announcer {
        out,
        json: format == crate::config::LogFormat::Json,
    };
    let database = crate::db::DatabaseUrl::parse(&settings.database_url)
        .map_err(|e| CliError::BadInput(e.to_string()))?
        .display();
    let today = crate::clock::today(settings.today);
    startup::wait_for_database(&settings).map_err(startup_error)?;
    let mut conn = startup::connection(&settings).map_err(startup_error)?;
    if args.demo {
        let calendars = CalendarStore::load(&mut conn).map_err(app_error)?;
        match crate::tracker::demo::accounts(&mut conn, &settings.base_url(), crate::clock::now())
            .map_err(app_error)?
        {
            Some(made) => {
                say.say(&format!(
                    "Demonstration accounts (sign in at {}/sign-in):",
                    settings.base_url()
                ))?;
                for account in made {
                    say.say(&format!(
                        "  {:<12} {}  password: {}",
                        account.role, account.email, account.password
                    ))?;
                }
                say.say("  The administrator sets up two-factor sign-in at first sign-in.")?;
            }
            None => say.say(
                "The demonstration accounts already exist; their passwords were printed when they were made.",
            )?,
        }
        let loaded = crate::tracker::demo::load(&mut conn, &calendars, today, crate::clock::now())
            .map_err(app_error)?;
        match loaded {
            0 => say.say("The database already holds requests: the demonstration data was not loaded.")?,
            n => say.say(&format!("Loaded {n} demonstration requests."))?,
        }
    } else if crate::db::accounts::count_users(&mut conn).map_err(|e| CliError::Failed(e.to_string()))? == 0 {
        say.say(&format!(
            "No one can sign in yet. Create the first administrator with:\n  {}\n(or try it out with `serve --demo`).",
            crate::web::pages::session::first_admin_command()
        ))?;
    }
    drop(conn);
    // The server must be built inside the runtime that will run it.
    actix_web::rt::System::new().block_on(async move {
        let application = Application::build(settings).map_err(startup_error)?;
        let address = application.address();
        let serving = application.serve_until_stopped();
        say.say(&format!(
            "foi-tracker is running on http://{address} (database {database})"
        ))?;
        say.say("Press Ctrl-C to stop.")?;
        serving.await.map_err(|e| CliError::Failed(e.to_string()))
    })
}

fn remind(args: RemindArgs, out: &mut impl Write) -> Result<(), CliError> {
    let settings = settings()?;
    let today = args.today.unwrap_or_else(|| crate::clock::today(settings.today));
    let postman = crate::mail::Postman::from_settings(&settings).map_err(CliError::BadInput)?;
    let database = crate::db::DatabaseUrl::parse(&settings.database_url)
        .map_err(|e| CliError::BadInput(e.to_string()))?;
    let mut conn = startup::connection(&settings).map_err(startup_error)?;
    let calendars = CalendarStore::load(&mut conn).map_err(app_error)?;
    let sweeper = crate::jobs::sweep::Sweeper {
        database: &database,
        calendars: &calendars,
        postman: &postman,
        settings: &settings,
        shutdown: &crate::jobs::shutdown::Shutdown::default(),
    };
    let report = sweeper.sweep(&mut conn, today, args.dry_run).map_err(app_error)?;
    let day = today.format("%a %-d %b %Y");
    if report.locked_out {
        writeln!(
            out,
            "Another process is sweeping reminders now; this one did nothing."
        )?;
    } else if report.dry_run {
        writeln!(
            out,
            "Dry run for {day}: {} notices owed, {} not yet in the outbox; nothing sent or written.",
            report.owed, report.planned
        )?;
        for line in &report.would_send {
            writeln!(out, "  would send to {line}")?;
        }
    } else {
        let d = report.delivery;
        writeln!(
            out,
            "Reminders for {day}: {} owed, {} new; sent {} notices in {} messages through {}; {} messages failed (retried later); {} cancelled.",
            report.owed,
            report.planned,
            d.notices,
            d.messages,
            postman.mailer.describe(),
            d.failed,
            report.cancelled
        )?;
        if !report.drafted.is_empty() {
            writeln!(
                out,
                "Drafted {} quarterly repeat requests to review and send: {:?}.",
                report.drafted.len(),
                report.drafted
            )?;
        }
    }
    Ok(())
}

fn migrate(out: &mut impl Write) -> Result<(), CliError> {
    let settings = settings()?;
    startup::connection(&settings).map_err(startup_error)?;
    writeln!(out, "The database is up to date.")?;
    Ok(())
}

fn import_holidays(args: ImportArgs, out: &mut impl Write) -> Result<(), CliError> {
    let content = read_file(&args.file, crate::domain::calendar::govuk::MAX_FILE_BYTES)?;
    let settings = settings()?;
    let mut conn = startup::connection(&settings).map_err(startup_error)?;
    let store = CalendarStore::load(&mut conn).map_err(app_error)?;
    let source = args
        .file
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let report = crate::tracker::holidays::import(
        &mut conn,
        &store,
        &Caller::command_line(),
        crate::clock::today(settings.today),
        &source,
        &content,
        args.dry_run,
        crate::clock::now(),
    )
    .map_err(app_error)?;
    let verb = if report.dry_run { "would change" } else { "changed" };
    writeln!(out, "{} ({}) {verb}:", source, report.years)?;
    for day in &report.added {
        writeln!(out, "  + {} {} ({})", day.date, day.title, day.division)?;
    }
    for day in &report.removed {
        writeln!(out, "  - {} {} ({})", day.date, day.title, day.division)?;
    }
    for moved in &report.moved {
        writeln!(
            out,
            "  request {} \"{}\": {} -> {}",
            moved.request_id, moved.title, moved.from, moved.to
        )?;
    }
    writeln!(out, "{}", report.summary())?;
    Ok(())
}

fn import_authorities(args: ImportArgs, out: &mut impl Write) -> Result<(), CliError> {
    let content = read_file(&args.file, crate::tracker::authorities::MAX_CSV_BYTES)?;
    let settings = settings()?;
    let mut conn = startup::connection(&settings).map_err(startup_error)?;
    let report = crate::tracker::authorities::import_csv(
        &mut conn,
        &Caller::command_line(),
        &content,
        args.dry_run,
        crate::clock::now(),
    )
    .map_err(app_error)?;
    for row in &report.rows {
        let problems: Vec<String> = row
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        writeln!(
            out,
            "line {}: {:?} {}{}",
            row.line,
            row.action,
            row.name,
            if problems.is_empty() {
                String::new()
            } else {
                format!(" ({})", problems.join("; "))
            }
        )?;
    }
    let outcome = if report.refused > 0 {
        "nothing imported"
    } else if report.dry_run {
        "dry run, nothing written"
    } else {
        "imported"
    };
    writeln!(
        out,
        "{} to add, {} to update, {} unchanged, {} refused: {outcome}",
        report.created, report.updated, report.unchanged, report.refused
    )?;
    if report.refused > 0 {
        return Err(CliError::BadInput(format!(
            "{} rows refused; nothing was imported",
            report.refused
        )));
    }
    Ok(())
}

fn deadline(args: DeadlineArgs, out: &mut impl Write) -> Result<(), CliError> {
    let today = args.today.unwrap_or_else(crate::clock::london_today);
    let schedule = calculate(
        Calendar::bundled(),
        args.regime,
        args.received,
        &args.events,
        args.extended_to,
        today,
    )
    .map_err(|e| match e {
        AppError::Invalid(errors)
            if errors.iter().any(|e| e.field == "extended_to")
                && !args.events.iter().any(|e| e.kind == EventKind::Extension) =>
        {
            CliError::BadInput("--extended-to needs an --event extension@DATE".into())
        }
        AppError::Invalid(errors) => CliError::BadInput(
            errors
                .into_iter()
                .map(|e| e.message)
                .collect::<Vec<_>>()
                .join("; "),
        ),
        other => CliError::Failed(other.to_string()),
    })?;
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &schedule).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Text => write_text(&schedule, out)?,
    }
    Ok(())
}

fn long(date: NaiveDate) -> String {
    date.format("%A %-d %B %Y").to_string()
}

fn write_text(schedule: &Schedule, out: &mut impl Write) -> std::io::Result<()> {
    let regime = schedule.regime;
    if let Some(received) = schedule.received {
        writeln!(
            out,
            "{} request ({}), received {}",
            regime.short_name(),
            regime.name(),
            long(received)
        )?;
    }
    let overdue = if schedule.overdue { ", overdue" } else { "" };
    writeln!(
        out,
        "Status on {}: {}{overdue}",
        long(schedule.today),
        schedule.status.label().to_lowercase()
    )?;
    for deadline in &schedule.deadlines {
        writeln!(out)?;
        write_deadline(deadline, out)?;
    }
    for prompt in &schedule.prompts {
        writeln!(out)?;
        writeln!(out, "Next: {prompt}")?;
    }
    Ok(())
}

fn write_deadline(d: &Deadline, out: &mut impl Write) -> std::io::Result<()> {
    let latest = d
        .latest
        .map(|l| format!(", at the latest {}", long(l)))
        .unwrap_or_default();
    let mut state = d.state.to_string();
    if let Some(days) = d.working_days_late {
        state.push_str(&format!(", {days} working days late"));
    }
    if let (Some(on), DeadlineState::Met) = (d.settled_on, d.state) {
        state.push_str(&format!(" on {}", on.format("%-d %B %Y")));
    }
    writeln!(out, "{}: {}{latest} [{state}]", d.kind.label(), long(d.due))?;
    writeln!(out, "  {}", d.rule)?;
    if let Some(note) = &d.note {
        writeln!(out, "  {note}")?;
    }
    if !d.skipped.is_empty() {
        writeln!(out, "  Not counted:")?;
        for day in &d.skipped {
            writeln!(out, "    {}  {}", day.date, day.reason)?;
        }
    }
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
