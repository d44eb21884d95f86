//! The `foi-tracker` command line: one subcommand per use case.
//!
//! Bad input prints one line to stderr and exits 2, whether clap or the engine refuses it.

use std::io::Write;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::domain::calendar::Calendar;
use crate::domain::regime::Regime;
use crate::domain::timeline::{self, Deadline, DeadlineState, Event, EventKind, Schedule};

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
    /// Compute the status and every deadline of a request from its events.
    Deadline(DeadlineArgs),
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

/// Input the command refuses: shown as one line, exit status 2.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    BadInput(String),
    #[error("cannot write the output: {0}")]
    Io(#[from] std::io::Error),
}

impl CliError {
    fn exit_code(&self) -> u8 {
        match self {
            CliError::BadInput(_) => 2,
            CliError::Io(_) => 1,
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

/// Today's date in London, where statutory days are counted.
pub fn london_today() -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::London)
        .date_naive()
}

/// Parses `args` and runs the command, writing to `out`; errors are for the caller to print.
pub fn run(cli: Cli, out: &mut impl Write) -> Result<(), CliError> {
    match cli.command {
        Command::Deadline(args) => deadline(args, out),
    }
}

fn deadline(args: DeadlineArgs, out: &mut impl Write) -> Result<(), CliError> {
    let mut events = vec![Event::new(EventKind::Received, args.received)];
    events.extend(args.events);
    if let Some(to) = args.extended_to {
        let extension = events
            .iter_mut()
            .rev()
            .find(|e| e.kind == EventKind::Extension)
            .ok_or_else(|| CliError::BadInput("--extended-to needs an --event extension@DATE".into()))?;
        extension.extended_to = Some(to);
    }
    let today = args.today.unwrap_or_else(london_today);
    let schedule = timeline::schedule(args.regime, &events, Calendar::bundled(), today)
        .map_err(|e| CliError::BadInput(e.to_string()))?;
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
            eprintln!("error: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}
