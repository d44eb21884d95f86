//! `foi-tracker deadline`: a request's deadlines computed and explained, nothing stored.

use std::io::Write;

use super::{CliError, DeadlineArgs, Format};
use crate::domain::calendar::Calendar;
use crate::domain::timeline::{Deadline, DeadlineState, EventKind, Schedule};
use crate::domain::written;
use crate::error::AppError;
use crate::tracker::calculator::calculate;

pub(super) fn deadline(args: DeadlineArgs, out: &mut impl Write) -> Result<(), CliError> {
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

fn write_text(schedule: &Schedule, out: &mut impl Write) -> std::io::Result<()> {
    let regime = schedule.regime;
    if let Some(received) = schedule.received {
        writeln!(
            out,
            "{} request ({}), received {}",
            regime.short_name(),
            regime.name(),
            written::day_in_full(received)
        )?;
    }
    let overdue = if schedule.overdue { ", overdue" } else { "" };
    writeln!(
        out,
        "Status on {}: {}{overdue}",
        written::day_in_full(schedule.today),
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
        .map(|l| format!(", at the latest {}", written::day_in_full(l)))
        .unwrap_or_default();
    let mut state = d.state.to_string();
    if let Some(days) = d.working_days_late {
        state.push_str(&format!(", {days} working days late"));
    }
    if let (Some(on), DeadlineState::Met) = (d.settled_on, d.state) {
        state.push_str(&format!(" on {}", on.format("%-d %B %Y")));
    }
    writeln!(
        out,
        "{}: {}{latest} [{state}]",
        d.kind.label(),
        written::day_in_full(d.due)
    )?;
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
