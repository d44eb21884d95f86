//! `foi-tracker remind`: the reminders owed today, sent or (with `--dry-run`) listed.

use std::io::Write;

use super::{app_error, settings, startup_error, CliError, RemindArgs};
use crate::domain::written;
use crate::startup;
use crate::tracker::holidays::CalendarStore;

pub(super) fn remind(args: RemindArgs, out: &mut impl Write) -> Result<(), CliError> {
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
    let day = written::day(today);
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
