//! `import-holidays` and `import-authorities`: a newer gov.uk holidays file, authorities from
//! CSV; shown first with `--dry-run`, all or nothing.

use std::io::Write;

use super::{app_error, settings, startup_error, CliError, ImportArgs};
use crate::startup;
use crate::tracker::audit::Caller;
use crate::tracker::holidays::CalendarStore;

pub(super) fn import_holidays(args: ImportArgs, out: &mut impl Write) -> Result<(), CliError> {
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

pub(super) fn import_authorities(args: ImportArgs, out: &mut impl Write) -> Result<(), CliError> {
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
