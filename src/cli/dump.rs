//! `foi-tracker backup`, `export --all` and `import --all`: copies of the database, and moving
//! an install between SQLite and PostgreSQL.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{settings, CliError};
use crate::db::{self, DatabaseUrl, DbConnection};
use crate::tracker::dump::{self, DumpError};
use crate::tracker::dump_import;

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The new file to write; an existing file is never overwritten.
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct DumpArgs {
    /// Every table of the database: users with their password hashes, requests, documents,
    /// the audit trail, everything.
    #[arg(long, required = true)]
    pub all: bool,
    /// The dump file.
    pub path: PathBuf,
}

fn dump_error(error: DumpError) -> CliError {
    match error {
        DumpError::Refused(message) => CliError::BadInput(message),
        other => CliError::Failed(other.to_string()),
    }
}

/// The configured database as it is, neither migrated nor seeded: a copy is taken of what
/// is there. An SQLite file must exist, or connecting would create an empty one.
fn existing_database() -> Result<DbConnection, CliError> {
    let url = database_url()?;
    if let Some(path) = url.sqlite_path().filter(|p| !p.is_file()) {
        return Err(CliError::BadInput(format!(
            "there is no database at {}",
            path.display()
        )));
    }
    url.connect().map_err(|e| CliError::Failed(e.to_string()))
}

fn database_url() -> Result<DatabaseUrl, CliError> {
    DatabaseUrl::parse(&settings()?.database_url).map_err(|e| CliError::BadInput(e.to_string()))
}

/// Rows done out of rows in all, on stderr; drawn only on a terminal.
fn progress_bar(action: &'static str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template("{msg} {wide_bar} {pos}/{len} rows, {eta} left")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_message(action);
    bar
}

fn follow(bar: &ProgressBar) -> impl FnMut(u64, u64) + '_ {
    |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    }
}

pub fn backup(args: BackupArgs, out: &mut impl Write) -> Result<(), CliError> {
    let mut conn = existing_database()?;
    let bytes = dump::backup(&mut conn, &args.file).map_err(dump_error)?;
    writeln!(
        out,
        "Backed up the database to {} ({bytes} bytes, readable by its owner only).",
        args.file.display()
    )?;
    Ok(())
}

pub fn export(args: DumpArgs, out: &mut impl Write) -> Result<(), CliError> {
    let mut conn = existing_database()?;
    let bar = progress_bar("Exporting");
    let summary =
        dump::export(&mut conn, &args.path, crate::clock::now(), &mut follow(&bar)).map_err(dump_error)?;
    bar.finish_and_clear();
    writeln!(
        out,
        "Exported {} rows of {} tables (schema version {}) to {}, readable by its owner only.",
        summary.rows,
        summary.tables,
        summary.schema_version,
        args.path.display()
    )?;
    Ok(())
}

pub fn import(args: DumpArgs, out: &mut impl Write) -> Result<(), CliError> {
    let settings = settings()?;
    let url = database_url()?;
    // The largest row holds a document as hexadecimal text: twice its size, and a margin.
    let max_line = settings
        .max_upload_bytes
        .saturating_mul(2)
        .saturating_add(1 << 20);
    // The dump is proved whole before the database is touched, or even created.
    dump_import::check(&args.path, max_line).map_err(dump_error)?;
    let mut conn = url.connect().map_err(|e| CliError::Failed(e.to_string()))?;
    let migrated = dump_import::check_empty(&mut conn).map_err(dump_error)?;
    // The schema only: the reference data the app adds at its first start comes from the dump.
    db::migrate(&mut conn).map_err(|e| CliError::Failed(e.to_string()))?;
    let bar = progress_bar("Importing");
    let summary = dump_import::import(&mut conn, &args.path, max_line, &migrated, &mut follow(&bar))
        .map_err(dump_error)?;
    bar.finish_and_clear();
    writeln!(
        out,
        "Imported {} rows of {} tables (schema version {}) into {}.",
        summary.rows,
        summary.tables,
        summary.schema_version,
        url.display()
    )?;
    Ok(())
}
